#!/bin/sh
# Regenerates the derived files in samples/bad-input from their UTF-8 twins with the real tools, so a reader
# can check every variant against text they can read. Deterministic: gzip -n (no name or time in the header),
# zstd at a fixed level, fixed cut offsets. Run from anywhere: sh samples/regen.sh
#
# samples/dump, samples/registry and samples/truth.jsonl are not made here but by the generator:
#   netbar generate --out samples --venues 8 --seed 7 --terminals 3 --anomalies
set -eu
cd "$(dirname "$0")/bad-input"
LEVEL=19

# GBK audit-pipe: the name 王珅 ends in 0xAB 0x7C, whose trail byte equals '|'. Then one line whose name holds
# 0xD5 0xC5 (张) followed by 0xFF, a byte no GBK sequence starts with; printf appends it after iconv because
# iconv refuses to write invalid bytes.
iconv -f UTF-8 -t GBK gbk-invalid-sequence-pipe-trail.utf8.log > gbk-invalid-sequence-pipe-trail.log
printf '2026-11-28 10:03:30|99999999999999|OFFLINE|002|10.99.0.12|00-0C-29-99-00-02|111|110101199007224567|\325\305\377\n' \
    >> gbk-invalid-sequence-pipe-trail.log

# Three zstd frames of 7, 7 and 6 lines, concatenated (FORMATS.md §1: a file may hold several), and one gzip member.
rm -f heartbeats-multi-frame.log.zst
for range in 1,7p 8,14p 15,20p; do
    sed -n "$range" heartbeats-multi-frame.log | zstd -q -$LEVEL -c >> heartbeats-multi-frame.log.zst
done
gzip -n -9 -c heartbeats-multi-frame.log > heartbeats-multi-frame.log.gz

# Two zstd frames of 10 lines each, cut 12 bytes before the end: the first frame is whole, the second damaged.
sed -n 1,10p heartbeats-truncated.log | zstd -q -$LEVEL -c > /tmp/netbar-regen-$$.zst
sed -n 11,20p heartbeats-truncated.log | zstd -q -$LEVEL -c >> /tmp/netbar-regen-$$.zst
head -c $(($(wc -c < /tmp/netbar-regen-$$.zst) - 12)) /tmp/netbar-regen-$$.zst > heartbeats-truncated.log.zst
rm -f /tmp/netbar-regen-$$.zst
