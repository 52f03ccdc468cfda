#!/bin/sh
# Remakes the derived files of samples/variants from their UTF-8 twins with the real tools: iconv for GBK and
# GB18030, gzip and zstd for the compressed ones, printf for bytes no encoder will write. Deterministic: gzip -n
# (no name or time in the header), zstd at a fixed level, fixed cut offsets, so running it again gives the same
# bytes. Run from anywhere: sh samples/variants/regen.sh
#
# Every other file here is written by hand and is its own source.
set -eu
cd "$(dirname "$0")"
LEVEL=19
gbk() { iconv -f UTF-8 -t GBK "$@"; }

# GBK (and one GB18030) twins: <name>.utf8.<ext> -> <name>.<ext>
gbk sessions-gbk.utf8.csv > sessions-gbk.csv
gbk sessions-gbk-venue-from-title.utf8.csv > sessions-gbk-venue-from-title.csv
gbk transactions-gbk-crlf.utf8.csv > transactions-gbk-crlf.csv
gbk realname-chinese-gbk.utf8.csv > realname-chinese-gbk.csv
gbk audit-pipe-gbk-crlf.utf8.log > audit-pipe-gbk-crlf.log
# 𬀩 (U+2C029) is not in GBK; GB18030 writes it as the four bytes 99 31 87 39 (two of them ASCII digits).
iconv -f UTF-8 -t GB18030 sessions-gb18030-four-byte.utf8.csv > sessions-gb18030-four-byte.csv

# Bad bytes on one line, the rest good: line 4 (record 100412) has the name 张 followed by 0xFF, a byte that
# starts no GBK sequence and no UTF-8 one. iconv refuses to write it, so printf adds it between two iconv runs.
BAD_HEAD='100412,11010512649752,80000412,会员,111,110105198511152348,张'
BAD_TAIL=',002,192.168.1.12,2026-11-28 14:10:00,2026-11-28 15:10:00,1小时0分,4.00,陈芳,正常,\n'
{
    sed -n 1,3p gbk-bad-bytes-sessions.utf8.csv | gbk
    printf '%s' "$BAD_HEAD" | gbk
    printf '\377'
    printf "$BAD_TAIL" | gbk
    sed -n '4,$p' gbk-bad-bytes-sessions.utf8.csv | gbk
} > gbk-bad-bytes-sessions.csv
# The same line in a UTF-8 file (same twin): 张 in UTF-8, then 0xFF.
{
    sed -n 1,3p gbk-bad-bytes-sessions.utf8.csv
    printf '%s' "$BAD_HEAD"
    printf '\377'
    printf "$BAD_TAIL"
    sed -n '4,$p' gbk-bad-bytes-sessions.utf8.csv
} > utf8-bad-bytes-sessions.csv

# Compressed forms of compressed-sessions.csv (7 lines: title, header, 4 rows, totals).
gzip -n -9 -c compressed-sessions.csv > compressed-sessions.csv.gz
# Two gzip members back to back (RFC 1952 §2.2: a gzip file is a series of members; gunzip reads them all).
{ sed -n 1,3p compressed-sessions.csv | gzip -n -9 -c; sed -n '4,$p' compressed-sessions.csv | gzip -n -9 -c; } \
    > compressed-sessions-multi-member.csv.gz
# Gzip bytes under a name that says nothing about it.
gzip -n -9 -c compressed-sessions.csv > compressed-sessions-gzip-no-suffix.dat
zstd -q -$LEVEL -c compressed-sessions.csv > compressed-sessions.csv.zst
# Three zstd frames cut at line boundaries (lines 1-2, 3-5, 6-7).
rm -f compressed-sessions-frames.csv.zst
for range in 1,2p 3,5p '6,$p'; do
    sed -n "$range" compressed-sessions.csv | zstd -q -$LEVEL -c >> compressed-sessions-frames.csv.zst
done
# Three zstd frames cut at byte offsets that fall inside characters: byte 1 is inside 上 (E4 B8 8A), the first
# character of the title, and byte 418 is the first of the three bytes of 会 in 会员 of record 100382 (a writer that flushes a buffer
# every N bytes does this). The frames hold bytes 1, 2-418 and 419-end.
SIZE=$(wc -c < compressed-sessions.csv)
{
    head -c 1 compressed-sessions.csv | zstd -q -$LEVEL -c
    head -c 418 compressed-sessions.csv | tail -c 417 | zstd -q -$LEVEL -c
    tail -c $((SIZE - 418)) compressed-sessions.csv | zstd -q -$LEVEL -c
} > compressed-sessions-frames-mid-char.csv.zst
# GBK inside zstd.
gbk compressed-sessions.csv | zstd -q -$LEVEL -c > compressed-sessions-gbk.csv.zst
# An audit-pipe log in zstd: recognised from its decompressed first lines.
zstd -q -$LEVEL -c audit-pipe-all-events.log > audit-pipe-all-events.log.zst
# Plain text under a .gz name: the name must not make it gzip.
cp compressed-sessions.csv plain-text-named.csv.gz
# An empty file, gzip-compressed: 20 bytes of gzip around nothing.
gzip -n -9 -c < /dev/null > empty.csv.gz
# zstd frames of other kinds between the data frames (RFC 8878 §3.1): a frame of empty content (what zstd
# writes for empty input) and a skippable frame (magic 0x184D2A50, little-endian length 8, eight bytes of
# user data, as pzstd and seekable-format writers put in).
{
    sed -n 1,3p compressed-sessions.csv | zstd -q -$LEVEL -c
    printf '' | zstd -q -$LEVEL -c
    printf '\120\052\115\030\010\000\000\000SKIPPABL'
    sed -n '4,$p' compressed-sessions.csv | zstd -q -$LEVEL -c
} > compressed-sessions-empty-and-skippable-frames.csv.zst
# gzip as a user runs it without -n: the header carries the original name (FNAME) and a time, fixed here.
cp compressed-sessions.csv 上机记录_20261128.csv
touch -d '2026-11-29 06:00:03 +0800' 上机记录_20261128.csv
gzip -9 -c 上机记录_20261128.csv > compressed-sessions-gzip-with-name.csv.gz
rm -f 上机记录_20261128.csv
