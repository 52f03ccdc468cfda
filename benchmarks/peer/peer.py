#!/usr/bin/env python3
"""The DuckDB peer of `netbar analyze` (issue #8): the twelve rules of FORMATS.md §4 written as SQL.

usage: peer.py DUMP_DIR --registry DIR --signatures DIR --findings OUT.jsonl [--summary-json OUT.json]

Reads a *plain* night (`netbar generate --plain`: UTF-8, uncompressed, Pubwin column names in the fixed order,
no title or totals lines, no re-sent files) the way a DuckDB user would: each file's format is sniffed from
its first line in Python, then every file of one format is read by one `read_csv`/`read_json` with explicit
column types into an in-memory database. Every rule is one SQL statement (CTEs, window functions, ASOF
joins); Python only sniffs, parses the two signature lists, times the phases and writes the JSON Lines.
Times are kept as BIGINT "local seconds" (China Standard Time read as if it were UTC), so a local day is
`t // 86400`. Elapsed seconds per phase go to stderr. See README.md beside this file for what each rule does
and where it approximates netbar.
"""
import argparse
import json
import os
import sys
import time

import duckdb

CST = 8 * 3600  # offset of China Standard Time, seconds
AUDIT_EVENTS = ("ONLINE", "OFFLINE", "HEARTBEAT", "PROC", "SNAP", "SWIPE", "AUDIT", "FLOW")

# FORMATS.md §4 defaults, all in seconds (or bytes, counts).
UNBILLED_MIN_RUN, UNBILLED_WIDEN, UNBILLED_SILENCE = 600, 120, 300
MANUAL_MIN_ITEMS, MANUAL_MIN_PERCENT = 5, 10
LOGON_MATCH, MIN_ORPHANS = 300, 3
SWIPE_WINDOW, SWIPE_GRACE = 1800, 0
MIN_OVERLAP, FREQ_SESSIONS, FREQ_WINDOW = 60, 8, 86400
STAFF_TERMINALS, STAFF_WINDOW = 3, 86400
MINOR_AGE = 18
NIGHT_START, NIGHT_END, AFTER_MIN_OVERLAP = 0, 8 * 3600, 60
HB_GAP, SNAP_GAP = 900, 1800
PRIVATE_MIN_BYTES = 10 * 1048576

SESSION_COLUMNS = {
    "记录号": "VARCHAR", "场所编码": "VARCHAR", "卡号": "VARCHAR", "用户类型": "VARCHAR", "证件类型": "VARCHAR",
    "证件号码": "VARCHAR", "姓名": "VARCHAR", "终端号": "VARCHAR", "IP地址": "VARCHAR", "上机时间": "TIMESTAMP",
    "下机时间": "TIMESTAMP", "上网时长": "VARCHAR", "消费金额": "DECIMAL(12,2)", "收银员": "VARCHAR",
    "结账方式": "VARCHAR", "备注": "VARCHAR",
}
TRANSACTION_COLUMNS = {
    "流水号": "VARCHAR", "场所编码": "VARCHAR", "交易时间": "TIMESTAMP", "交易类型": "VARCHAR", "卡号": "VARCHAR",
    "证件号码": "VARCHAR", "金额": "DECIMAL(12,2)", "余额": "DECIMAL(12,2)", "收银员": "VARCHAR", "终端号": "VARCHAR",
    "备注": "VARCHAR",
}
PIPE_COLUMNS = {"c0": "TIMESTAMP", **{f"c{i}": "VARCHAR" for i in range(1, 10)}}  # time|venue|EVENT|up to 7 fields
JSON_COLUMNS = {
    "ts": "TIMESTAMPTZ", "venue": "VARCHAR", "event": "VARCHAR", "terminal": "VARCHAR", "ip": "VARCHAR",
    "mac": "VARCHAR", "state": "VARCHAR", "exe": "VARCHAR", "action": "VARCHAR", "result": "VARCHAR",
    "cert_no": "VARCHAR", "status": "VARCHAR",
    "bytes_up": "BIGINT", "bytes_down": "BIGINT",  # dst_ip, dst_port, md5, name, reader_sn, detail: unused
}
REGISTRY_VENUE_COLUMNS = {
    "场所编码": "VARCHAR", "场所名称": "VARCHAR", "业主": "VARCHAR", "地址": "VARCHAR", "联系电话": "VARCHAR",
    "接入服务商": "VARCHAR", "公网IP": "VARCHAR", "内网网段": "VARCHAR", "登记终端数": "INTEGER",
    "计费系统": "VARCHAR", "审计系统": "VARCHAR",
}
REGISTRY_TERMINAL_COLUMNS = {"场所编码": "VARCHAR", "终端号": "VARCHAR", "IP地址": "VARCHAR", "MAC地址": "VARCHAR"}


def log(message):
    print(message, file=sys.stderr, flush=True)


def sql_list(values):
    return "[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def sniff(dump):
    """Format of each file from its first non-blank line, the simple way."""
    formats = {"pubwin-sessions": [], "pubwin-transactions": [], "audit-pipe": [], "audit-jsonl": []}
    unknown = []
    for root, _, names in os.walk(dump):
        for name in sorted(names):
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                first = b""
                for line in handle:
                    if line.strip():
                        first = line.lstrip(b"\xef\xbb\xbf").strip()
                        break
            if first.startswith("记录号,".encode()):
                formats["pubwin-sessions"].append(path)
            elif first.startswith("流水号,".encode()):
                formats["pubwin-transactions"].append(path)
            elif first.startswith(b"{"):
                formats["audit-jsonl"].append(path)
            elif first.startswith(b"#") or first.count(b"|") >= 2:
                formats["audit-pipe"].append(path)
            else:
                unknown.append(path)
    return formats, unknown


def read_signatures(directory):
    """billing-clients.txt (exe<TAB>system) and card-free-tools.txt (one exe a line); `#` starts a comment."""
    def lines(name):
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8-sig") as handle:
            return [line.split("#", 1)[0].strip() for line in handle if line.split("#", 1)[0].strip()]

    def exe(name):
        return name.replace("\\", "/").rsplit("/", 1)[-1].strip().lower()

    clients = [(exe(line.split("\t")[0]), [f for f in line.split("\t") if f.strip()][1].strip())
               for line in lines("billing-clients.txt")]
    tools = [exe(line) for line in lines("card-free-tools.txt")]
    return clients, tools


MACROS = f"""
CREATE MACRO iso(s) AS strftime(make_timestamp(s * 1000000), '%Y-%m-%dT%H:%M:%S') || '+08:00';
CREATE MACRO ip4(s) AS CASE WHEN regexp_full_match(s, '[0-9]{{1,3}}(\\.[0-9]{{1,3}}){{3}}')
    AND list_max(list_transform(string_split(s, '.'), lambda x: x::INTEGER)) <= 255
    THEN (split_part(s, '.', 1)::BIGINT << 24) + (split_part(s, '.', 2)::BIGINT << 16)
       + (split_part(s, '.', 3)::BIGINT << 8) + split_part(s, '.', 4)::BIGINT END;
CREATE MACRO ip4text(n) AS concat_ws('.', n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255);
CREATE MACRO macnorm(m) AS CASE WHEN regexp_full_match(upper(regexp_replace(m, '[-:.]', '', 'g')), '[0-9A-F]{{12}}')
    THEN array_to_string(regexp_extract_all(upper(regexp_replace(m, '[-:.]', '', 'g')), '..'), '-') END;
CREATE MACRO exenorm(x) AS lower(trim(regexp_replace(x, '^.*[\\\\/]', '')));
CREATE MACRO sysnorm(x) AS lower(regexp_replace(coalesce(x, ''), '\\s', '', 'g'));
CREATE MACRO same_system(a, b) AS CASE WHEN sysnorm(a) = '' OR sysnorm(b) = '' THEN sysnorm(a) = sysnorm(b)
    ELSE contains(sysnorm(a), sysnorm(b)) OR contains(sysnorm(b), sysnorm(a)) END;
CREATE MACRO certtype(x) AS CASE trim(x) WHEN '身份证' THEN '111' WHEN '居民身份证' THEN '111'
    WHEN '临时身份证' THEN '112' WHEN '驾驶证' THEN '335' WHEN '护照' THEN '414' WHEN '其他' THEN '990'
    ELSE nullif(trim(x), '') END;
CREATE MACRO is_leap(y) AS (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0;
-- ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643-1999).
CREATE MACRO id_check(c) AS substr('10X98765432', ({' + '.join(f"try_cast(substr(c, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]))}) % 11 + 1, 1);
-- Why a resident-ID number cannot be real (NULL: a valid 18-character ID); the date check after the session is separate.
CREATE MACRO id_problem(c) AS CASE
    WHEN strlen(c) = 15 THEN CASE WHEN regexp_full_match(c, '[0-9]{{15}}') THEN 'first-generation' ELSE 'malformed' END
    WHEN strlen(c) <> 18 OR NOT regexp_full_match(substr(c, 1, 17), '[0-9]{{17}}') THEN 'malformed'
    WHEN try_cast(substr(c, 7, 4) AS INTEGER) < 1900 OR try_strptime(substr(c, 7, 8), '%Y%m%d') IS NULL THEN 'impossible-birth-date'
    WHEN id_check(c) <> substr(c, 18, 1) THEN 'wrong-check-character'
    END;
-- Whole years from the birth date in an 18-character ID to a date; 29 February counts as 1 March in common years.
CREATE MACRO age_on(c, d) AS year(d) - try_cast(substr(c, 7, 4) AS INTEGER) - CASE WHEN
    month(d) * 100 + day(d) < CASE WHEN substr(c, 11, 4) = '0229' AND NOT is_leap(year(d)) THEN 301
                                   ELSE try_cast(substr(c, 11, 4) AS INTEGER) END
    THEN 1 ELSE 0 END;
CREATE MACRO localdate(s) AS make_timestamp(s * 1000000)::DATE;
"""


def load(con, formats, registry, signatures):
    sessions, transactions = formats["pubwin-sessions"], formats["pubwin-transactions"]
    pipes, jsons = formats["audit-pipe"], formats["audit-jsonl"]
    csv_options = "header = true, auto_detect = false, quote = '\"', escape = '\"'"
    if sessions:
        con.execute(f"""
        CREATE TABLE sess_raw AS SELECT * FROM read_csv({sql_list(sessions)}, {csv_options}, columns = {SESSION_COLUMNS});
        """)
    else:
        con.execute("CREATE TABLE sess_raw (" + ", ".join(f'"{k}" {v}' for k, v in SESSION_COLUMNS.items()) + ")")
    if transactions:
        con.execute(f"""
        CREATE TABLE txn_raw AS SELECT * FROM read_csv({sql_list(transactions)}, {csv_options}, columns = {TRANSACTION_COLUMNS});
        """)
    else:
        con.execute("CREATE TABLE txn_raw (" + ", ".join(f'"{k}" {v}' for k, v in TRANSACTION_COLUMNS.items()) + ")")

    # Every audit event, both formats, in one typed table; `t` in local seconds, EVENT upper-case, empty = NULL.
    parts = []
    # Plain nights write no padding, so fields are taken as written (no trim()): netbar trims every field.
    if pipes:
        parts.append(f"""
        SELECT epoch(c0)::BIGINT AS t, c1 AS venue, c2 AS event,
            CASE WHEN c2 NOT IN ('SWIPE', 'AUDIT') THEN c3 END AS terminal,
            CASE WHEN c2 NOT IN ('SWIPE', 'AUDIT') THEN c4 END AS ip,
            CASE WHEN c2 NOT IN ('SWIPE', 'AUDIT') THEN c5 END AS mac,
            CASE c2 WHEN 'HEARTBEAT' THEN c6 END AS state,
            CASE c2 WHEN 'PROC' THEN c6 END AS exe,
            CASE c2 WHEN 'PROC' THEN c8 END AS action,
            CASE c2 WHEN 'SNAP' THEN c6 WHEN 'SWIPE' THEN c7 END AS result,
            CASE c2 WHEN 'SWIPE' THEN c5 WHEN 'ONLINE' THEN c7 WHEN 'OFFLINE' THEN c7 END AS cert_no,
            CASE c2 WHEN 'AUDIT' THEN c3 END AS status,
            CASE c2 WHEN 'FLOW' THEN coalesce(try_cast(c8 AS BIGINT), 0) + coalesce(try_cast(c9 AS BIGINT), 0) END AS bytes
        FROM read_csv({sql_list(pipes)}, delim = '|', header = false, quote = '', escape = '', comment = '#',
                      null_padding = true, auto_detect = false, columns = {PIPE_COLUMNS})
        WHERE c2 IN {AUDIT_EVENTS}""")
    if jsons:
        parts.append(f"""
        SELECT (epoch(ts) + {CST})::BIGINT AS t, venue, e AS event,
            nullif(terminal, '') AS terminal, nullif(ip, '') AS ip, nullif(mac, '') AS mac,
            CASE e WHEN 'HEARTBEAT' THEN state END AS state, CASE e WHEN 'PROC' THEN exe END AS exe,
            CASE e WHEN 'PROC' THEN action END AS action, result, cert_no,
            CASE e WHEN 'AUDIT' THEN status END AS status,
            CASE e WHEN 'FLOW' THEN coalesce(bytes_up, 0) + coalesce(bytes_down, 0) END AS bytes
        FROM (SELECT *, upper(event) AS e FROM read_json({sql_list(jsons)}, format = 'newline_delimited',
              columns = {JSON_COLUMNS}))
        WHERE e IN {AUDIT_EVENTS}""")
    if not parts:
        parts.append("SELECT NULL::BIGINT t, NULL venue, NULL event, NULL terminal, NULL ip, NULL mac, NULL state, "
                      "NULL exe, NULL action, NULL result, NULL cert_no, NULL status, NULL::BIGINT bytes WHERE false")
    con.execute("CREATE TABLE ev AS SELECT * FROM (" + " UNION ALL ".join(parts) + ") WHERE t IS NOT NULL")

    con.execute(f"""
    -- The pulses, apart: most rows of a night, and what unbilled-use and audit-gap sweep.
    -- k: a 64-bit surrogate key of (venue, terminal), so that sorts, windows and ASOF joins compare integers.
    CREATE TABLE hb AS SELECT hash(venue, terminal) AS k, venue, terminal, t, state = 'INUSE' AS inuse FROM ev
        WHERE event = 'HEARTBEAT' AND terminal IS NOT NULL AND state IN ('INUSE', 'IDLE', 'LOCKED');
    CREATE TABLE snap_ok AS SELECT hash(venue, terminal) AS k, t FROM ev
        WHERE event = 'SNAP' AND terminal IS NOT NULL AND result = 'OK';
    -- A venue's audit coverage: its first to last audit event of any (known) kind.
    CREATE TABLE cov AS SELECT venue, min(t) AS lo, max(t) AS hi FROM ev GROUP BY venue;
    -- Address sightings: each distinct terminal, IP, MAC an event with a terminal came from.
    CREATE TABLE sight AS
        SELECT venue, terminal, ip4(ip) AS ipn, macnorm(mac) AS mac, min(lo) AS lo, max(hi) AS hi
        FROM (SELECT venue, terminal, ip, mac, min(t) AS lo, max(t) AS hi FROM ev
              WHERE terminal IS NOT NULL GROUP BY ALL)
        GROUP BY ALL;
    CREATE TABLE txn AS SELECT trim("场所编码") AS venue, epoch("交易时间")::BIGINT AS t, trim("交易类型") AS kind
        FROM txn_raw WHERE "交易时间" IS NOT NULL;
    """)
    # Open sessions end at the end of the dump's data (no export time in a plain night's files).
    con.execute(f"""
    CREATE TABLE sess AS
    WITH latest AS (
        -- One row per venue + 记录号: a copy with 下机时间 wins (FORMATS.md §6).
        SELECT * FROM sess_raw WHERE "上机时间" IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY trim("场所编码"), trim("记录号")
                                   ORDER BY "下机时间" IS NULL, "下机时间" DESC) = 1),
    data_end AS (
        SELECT max(m) AS m FROM (
            SELECT max(epoch(coalesce("下机时间", "上机时间")))::BIGINT AS m FROM latest
            UNION ALL SELECT max(t) FROM txn UNION ALL SELECT max(hi) FROM cov))
    SELECT row_number() OVER (ORDER BY epoch("上机时间"), trim("场所编码"), trim("记录号")) AS id,
        trim("场所编码") AS venue, nullif(trim("终端号"), '') AS terminal, nullif(upper(trim("证件号码")), '') AS cert,
        CASE WHEN nullif(trim("终端号"), '') IS NOT NULL THEN hash(trim("场所编码"), trim("终端号")) END AS k,
        certtype("证件类型") AS cert_type, trim("用户类型") AS user_type, trim("结账方式") AS checkout,
        epoch("上机时间")::BIGINT AS s,
        greatest(epoch("上机时间")::BIGINT, coalesce(epoch("下机时间")::BIGINT, (SELECT m FROM data_end))) AS e
    FROM latest;
    """)
    # Registry and signature lists.
    if registry and os.path.exists(os.path.join(registry, "venues.csv")):
        con.execute(f"""
        CREATE TABLE reg_venue AS
            SELECT trim("场所编码") AS venue, nullif(trim("计费系统"), '') AS billing,
                ip4(split_part(trim("内网网段"), '/', 1)) AS net,
                try_cast(nullif(split_part(trim("内网网段"), '/', 2), '') AS INTEGER) AS prefix
            FROM read_csv('{os.path.join(registry, "venues.csv")}', {csv_options}, columns = {REGISTRY_VENUE_COLUMNS});
        CREATE TABLE reg_term AS
            SELECT trim("场所编码") AS venue, trim("终端号") AS terminal, ip4(trim("IP地址")) AS ipn,
                macnorm(trim("MAC地址")) AS mac
            FROM read_csv('{os.path.join(registry, "terminals.csv")}', {csv_options}, columns = {REGISTRY_TERMINAL_COLUMNS});
        """)
        has_registry = True
    else:
        con.execute("CREATE TABLE reg_venue (venue VARCHAR, billing VARCHAR, net BIGINT, prefix INTEGER);"
                    "CREATE TABLE reg_term (venue VARCHAR, terminal VARCHAR, ipn BIGINT, mac VARCHAR);")
        has_registry = False
    clients, tools = read_signatures(signatures) if signatures else ([], [])
    con.execute("CREATE TABLE sig_billing (exe VARCHAR, system VARCHAR); CREATE TABLE sig_tool (exe VARCHAR);")
    if clients:
        con.executemany("INSERT INTO sig_billing VALUES (?, ?)", clients)
    if tools:
        con.executemany("INSERT INTO sig_tool VALUES (?)", [(tool,) for tool in tools])
    con.execute("DROP TABLE sess_raw; DROP TABLE txn_raw;")
    return has_registry


# Each rule is one query giving (detector, severity, venue, terminal, cert, address, s, e, summary).

UNBILLED_USE = f"""
WITH widened AS (
    SELECT k, s - {UNBILLED_WIDEN} AS lo, e + {UNBILLED_WIDEN} AS hi FROM sess WHERE k IS NOT NULL),
marked AS (
    SELECT *, coalesce(lo > max(hi) OVER (PARTITION BY k ORDER BY lo, hi
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS opens
    FROM widened),
merged AS (  -- the union of a terminal's widened sessions, as disjoint intervals
    SELECT k, min(lo) AS lo, max(hi) AS hi
    FROM (SELECT *, sum(opens::INTEGER) OVER (PARTITION BY k ORDER BY lo, hi) AS island FROM marked)
    GROUP BY k, island),
flagged AS (  -- an INUSE heartbeat outside every widened session of its terminal
    SELECT h.k, h.t, h.inuse AND (m.hi IS NULL OR h.t > m.hi) AS outside
    FROM hb h ASOF LEFT JOIN merged m ON h.k = m.k AND h.t >= m.lo),
stepped AS (  -- a flagged heartbeat starts a run unless the one before it was flagged and near enough
    SELECT k, t, NOT coalesce(lag(outside) OVER w AND t - lag(t) OVER w <= {UNBILLED_SILENCE}, false) AS starts
    FROM flagged WINDOW w AS (PARTITION BY k ORDER BY t, outside) QUALIFY outside),
long_runs AS (
    SELECT k, min(t) AS s, max(t) AS e, count(*) AS n
    FROM (SELECT *, sum(starts::INTEGER) OVER (PARTITION BY k ORDER BY t) AS run FROM stepped)
    GROUP BY k, run HAVING max(t) - min(t) >= {UNBILLED_MIN_RUN}),
runs AS (
    SELECT r.*, t.venue, t.terminal FROM long_runs r
    JOIN (SELECT DISTINCT k, venue, terminal FROM hb WHERE k IN (SELECT k FROM long_runs)) t USING (k)),
billed AS (SELECT DISTINCT venue FROM sess)
SELECT 'unbilled-use', 'high', venue, terminal, NULL, NULL, s, e,
    'terminal ' || terminal || ' sent ' || n || ' INUSE heartbeats over ' || ((e - s) // 60) || ' minutes with no billing session'
FROM runs WHERE venue IN (SELECT venue FROM billed)
UNION ALL
SELECT 'unbilled-use', 'high', venue, NULL, NULL, NULL, min(s), max(e),
    count(DISTINCT terminal) || ' terminals in use for ' || round(sum(e - s) / 3600, 1)
    || ' hours and no billing session of the venue in the dump'
FROM runs WHERE venue NOT IN (SELECT venue FROM billed) GROUP BY venue
"""

MANUAL_BILLING = f"""
WITH items AS (
    SELECT venue, s, e, 1 AS is_session FROM sess WHERE checkout = '手工'
    UNION ALL SELECT venue, t, t, 0 FROM txn WHERE kind IN ('补登', '手工计费')),
per_venue AS (
    SELECT venue, count(*) AS total, sum(is_session) AS manual_sessions, min(s) AS s, max(e) AS e FROM items GROUP BY venue),
sessions AS (SELECT venue, count(*) AS n FROM sess GROUP BY venue)
SELECT 'manual-billing', 'medium', venue, NULL, NULL, NULL, s, e,
    total || ' manual items (' || manual_sessions || ' sessions) against ' || coalesce(n, 0) || ' sessions'
FROM per_venue LEFT JOIN sessions USING (venue)
WHERE total >= {MANUAL_MIN_ITEMS} OR (coalesce(n, 0) > 0 AND total * 100 >= {MANUAL_MIN_PERCENT} * n)
"""

SECOND_BILLING = f"""
WITH starts AS (
    SELECT p.venue, p.terminal, p.t, g.system
    FROM ev p JOIN sig_billing g ON exenorm(p.exe) = g.exe
    WHERE p.event = 'PROC' AND p.action = 'START'),
most_run AS (  -- without a registered 计费系统: the system whose client started most, ties to the first name
    SELECT venue, system FROM (SELECT venue, system, count(*) AS n FROM starts GROUP BY ALL)
    QUALIFY row_number() OVER (PARTITION BY venue ORDER BY n DESC, system) = 1),
home AS (
    SELECT m.venue, CASE WHEN sysnorm(r.billing) <> '' THEN r.billing ELSE m.system END AS system
    FROM most_run m LEFT JOIN reg_venue r USING (venue)),
orphans AS (  -- ONLINEs with no session of their terminal starting within the match window
    SELECT o.venue, o.t, o.terminal FROM ev o
    WHERE o.event = 'ONLINE' AND o.terminal IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM sess x WHERE x.venue = o.venue AND x.terminal = o.terminal
          AND x.s BETWEEN o.t - {LOGON_MATCH} AND o.t + {LOGON_MATCH}))
SELECT 'second-billing', 'high', s.venue, s.terminal, NULL, NULL, min(s.t), max(s.t),
    'billing client of ' || s.system || ' started ' || count(*) || ' times; home system ' || h.system
FROM starts s JOIN home h USING (venue)
WHERE NOT same_system(s.system, h.system)
GROUP BY s.venue, s.system, s.terminal, h.system
UNION ALL
SELECT 'second-billing', 'medium', venue, NULL, NULL, NULL, min(t), max(t),
    count(*) || ' log-ons on ' || count(DISTINCT terminal) || ' terminals with no billing session starting within '
    || {LOGON_MATCH // 60} || ' minutes'
FROM orphans GROUP BY venue HAVING count(*) >= {MIN_ORPHANS}
"""

CARD_FREE_LOGIN = f"""
WITH swipe_venues AS (SELECT DISTINCT venue FROM ev WHERE event = 'SWIPE'),
ok AS (SELECT venue, upper(trim(cert_no)) AS cert, t FROM ev
       WHERE event = 'SWIPE' AND result = 'OK' AND nullif(trim(cert_no), '') IS NOT NULL)
SELECT 'card-free-login', 'medium', x.venue, x.terminal, x.cert, NULL, x.s, x.e,
    'session with no OK swipe of its cert in the ' || {SWIPE_WINDOW // 60} || ' minutes before it'
FROM sess x
WHERE x.venue IN (SELECT venue FROM swipe_venues)
  AND x.user_type IS DISTINCT FROM '员工'
  AND NOT (x.user_type NOT IN ('会员', '临时') AND x.cert IS NULL)
  AND NOT (x.user_type IS NULL AND x.cert IS NULL)
  AND (x.cert IS NULL OR NOT EXISTS (
      SELECT 1 FROM ok WHERE ok.venue = x.venue AND ok.cert = x.cert
        AND ok.t BETWEEN x.s - {SWIPE_WINDOW} AND x.s + {SWIPE_GRACE}))
UNION ALL
SELECT 'card-free-login', 'high', p.venue, p.terminal, NULL, NULL, min(p.t), max(p.t),
    'card-free tool ' || g.exe || ' started ' || count(*) || ' times'
FROM ev p JOIN sig_tool g ON exenorm(p.exe) = g.exe
WHERE p.event = 'PROC' AND p.action = 'START'
GROUP BY p.venue, g.exe, p.terminal
"""

ID_SHARING = f"""
WITH certs AS (SELECT * FROM sess WHERE cert IS NOT NULL),
pairs AS (  -- two sessions of one cert in two places sharing at least the minimum overlap
    SELECT a.id AS a, b.id AS b FROM certs a JOIN certs b ON a.cert = b.cert AND a.id < b.id
    WHERE (a.venue <> b.venue OR (a.terminal IS NOT NULL AND b.terminal IS NOT NULL AND a.terminal <> b.terminal))
      AND least(a.e, b.e) - greatest(a.s, b.s) >= {MIN_OVERLAP}),
involved AS (
    SELECT * FROM certs WHERE id IN (SELECT a FROM pairs UNION SELECT b FROM pairs)),
opened AS (  -- a new episode starts when a session starts after all earlier ones of the cert have ended
    SELECT *, coalesce(s >= max(e) OVER (PARTITION BY cert ORDER BY s, e, venue, terminal, id
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS opens
    FROM involved),
episodes AS (
    SELECT *, sum(opens::INTEGER) OVER (PARTITION BY cert ORDER BY s, e, venue, terminal, id) AS episode FROM opened),
spans AS (SELECT cert, episode, min(s) AS s, max(e) AS e, count(*) AS n FROM episodes GROUP BY cert, episode),
per_venue AS (  -- one finding per episode and venue, at the venue's earliest session
    SELECT cert, episode, venue, first(terminal ORDER BY s, e, terminal NULLS FIRST, id) AS terminal FROM episodes GROUP BY ALL),
-- By frequency: >= N sessions of one cert in one venue whose starts lie within the window.
ordered AS (
    SELECT *, row_number() OVER (PARTITION BY venue, cert ORDER BY s, id) AS rn FROM certs),
windowed AS (
    SELECT *, min(rn) OVER (PARTITION BY venue, cert ORDER BY s RANGE BETWEEN {FREQ_WINDOW} PRECEDING AND CURRENT ROW)
        AS first_rn FROM ordered),
qualifying AS (
    SELECT venue, cert, first_rn, rn FROM windowed WHERE rn - first_rn + 1 >= {FREQ_SESSIONS}),
merged AS (
    SELECT venue, cert, min(first_rn) AS lo, max(rn) AS hi
    FROM (SELECT *, sum(opens::INTEGER) OVER (PARTITION BY venue, cert ORDER BY rn) AS episode
          FROM (SELECT *, coalesce(first_rn > lag(rn) OVER (PARTITION BY venue, cert ORDER BY rn), true) AS opens
                FROM qualifying))
    GROUP BY venue, cert, episode)
SELECT 'id-sharing', 'high', v.venue, v.terminal, v.cert, NULL, p.s, p.e,
    'cert in use in two places at once (' || p.n || ' sessions)'
FROM per_venue v JOIN spans p USING (cert, episode)
UNION ALL
SELECT 'id-sharing', 'medium', m.venue, NULL, m.cert, NULL, min(o.s), max(o.e),
    count(*) || ' sessions of one cert within ' || {FREQ_WINDOW // 3600} || ' hours'
FROM merged m JOIN ordered o ON o.venue = m.venue AND o.cert = m.cert AND o.rn BETWEEN m.lo AND m.hi
GROUP BY m.venue, m.cert, m.lo
"""

STAFF_CARD = f"""
WITH staff AS (
    SELECT venue, coalesce(terminal, '') AS terminal, s, e,
        row_number() OVER (PARTITION BY venue ORDER BY s, id) AS rn
    FROM sess WHERE user_type = '员工'),
windowed AS (
    SELECT *, min(rn) OVER (PARTITION BY venue ORDER BY s RANGE BETWEEN {STAFF_WINDOW} PRECEDING AND CURRENT ROW)
        AS first_rn FROM staff),
qualifying AS (  -- windows [first_rn, rn] of staff sessions on enough distinct terminals
    SELECT w.venue, w.first_rn, w.rn FROM windowed w JOIN staff x
        ON x.venue = w.venue AND x.rn BETWEEN w.first_rn AND w.rn
    GROUP BY w.venue, w.first_rn, w.rn HAVING count(DISTINCT x.terminal) >= {STAFF_TERMINALS}),
merged AS (
    SELECT venue, min(first_rn) AS lo, max(rn) AS hi
    FROM (SELECT *, sum(opens::INTEGER) OVER (PARTITION BY venue ORDER BY rn) AS episode
          FROM (SELECT *, coalesce(first_rn > lag(rn) OVER (PARTITION BY venue ORDER BY rn), true) AS opens
                FROM qualifying))
    GROUP BY venue, episode)
SELECT 'staff-card', 'medium', m.venue, NULL, NULL, NULL, min(x.s), max(x.e),
    'staff cards opened ' || count(*) || ' sessions on ' || count(DISTINCT x.terminal) || ' terminals within '
    || {STAFF_WINDOW // 3600} || ' hours'
FROM merged m JOIN staff x ON x.venue = m.venue AND x.rn BETWEEN m.lo AND m.hi
GROUP BY m.venue, m.lo
"""

INVALID_ID = """
WITH judged AS (
    SELECT *, coalesce(id_problem(cert),
                       CASE WHEN age_on(cert, localdate(s)) < 0 THEN 'impossible-birth-date' END) AS problem
    FROM sess WHERE cert_type IN ('111', '112') AND cert IS NOT NULL)
SELECT 'invalid-id', CASE problem WHEN 'first-generation' THEN 'medium' ELSE 'high' END, venue, terminal, cert, NULL,
    s, e, 'resident-ID cert: ' || problem
FROM judged WHERE problem IS NOT NULL
"""

MINOR = f"""
WITH aged AS (
    SELECT *, age_on(cert, localdate(s)) AS age FROM sess
    WHERE cert_type IN ('111', '112') AND cert IS NOT NULL AND id_problem(cert) IS NULL)
SELECT 'minor', 'high', venue, terminal, cert, NULL, s, e, 'customer aged ' || age || ' admitted'
FROM aged WHERE age >= 0 AND age < {MINOR_AGE}
"""

AFTER_HOURS = f"""
WITH days AS (  -- every local day whose window may touch the session (the one before its first day too)
    SELECT *, unnest(range(s // 86400 - 1, e // 86400 + 1)) AS day FROM sess WHERE e - s >= {AFTER_MIN_OVERLAP}),
windows AS (
    SELECT *, greatest(s, day * 86400 + {NIGHT_START}) AS lo, least(e, day * 86400 + {NIGHT_END}) AS hi FROM days)
SELECT 'after-hours', 'medium', venue, terminal, cert, NULL, lo, hi,
    'session ran ' || ((hi - lo) // 60) || ' minutes inside the prohibited window'
FROM windows WHERE hi - lo >= {AFTER_MIN_OVERLAP}
"""

AUDIT_GAP = f"""
WITH switches AS (  -- AUDIT STOP/START in time order: a STOP after a START (or first) opens a stretch
    SELECT venue, t, status, lag(status) OVER (PARTITION BY venue ORDER BY t, status DESC) AS previous
    FROM ev WHERE event = 'AUDIT' AND status IN ('STOP', 'START')),
opens AS (
    SELECT venue, t, row_number() OVER (PARTITION BY venue ORDER BY t) AS k FROM switches
    WHERE status = 'STOP' AND previous IS DISTINCT FROM 'STOP'),
closes AS (
    SELECT venue, t, row_number() OVER (PARTITION BY venue ORDER BY t) AS k FROM switches
    WHERE status = 'START' AND previous = 'STOP'),
stops AS (
    SELECT o.venue, o.t AS lo, coalesce(c.t, greatest(o.t, v.hi)) AS hi, c.t IS NOT NULL AS restarted
    FROM opens o LEFT JOIN closes c USING (venue, k) LEFT JOIN cov v USING (venue)),
tampers AS (
    SELECT DISTINCT venue, t FROM ev x WHERE event = 'AUDIT' AND status = 'TAMPER'
      AND NOT EXISTS (SELECT 1 FROM stops p WHERE p.venue = x.venue AND p.lo = x.t)),
-- Terminal gaps: the union of a terminal's sessions, clipped to the venue's audit coverage.
marked AS (
    SELECT venue, terminal, k, s, e, coalesce(s > max(e) OVER (PARTITION BY k ORDER BY s, e
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS opens
    FROM sess WHERE k IS NOT NULL),
merged AS (
    SELECT venue, terminal, k, min(s) AS s, max(e) AS e
    FROM (SELECT *, sum(opens::INTEGER) OVER (PARTITION BY k ORDER BY s, e) AS island FROM marked)
    GROUP BY venue, terminal, k, island),
spans AS (
    SELECT row_number() OVER () AS span, m.venue, m.terminal, m.k, greatest(m.s, v.lo) AS lo, least(m.e, v.hi) AS hi
    FROM merged m JOIN cov v USING (venue) WHERE least(m.e, v.hi) > greatest(m.s, v.lo)),
points AS (  -- each span's start, every pulse inside it, its end; per kind
    SELECT span, 'heartbeat' AS kind, lo AS t FROM spans UNION ALL SELECT span, 'heartbeat', hi FROM spans
    UNION ALL SELECT span, 'snapshot', lo FROM spans UNION ALL SELECT span, 'snapshot', hi FROM spans
    UNION ALL SELECT p.span, 'heartbeat', h.t FROM hb h ASOF JOIN spans p ON h.k = p.k AND h.t >= p.lo WHERE h.t <= p.hi
    UNION ALL SELECT p.span, 'snapshot', o.t FROM snap_ok o ASOF JOIN spans p ON o.k = p.k AND o.t >= p.lo
        WHERE o.t <= p.hi),
raw_gaps AS (
    SELECT p.venue, p.terminal, g.kind, g.a, g.b, row_number() OVER () AS gap
    FROM (SELECT span, kind, t AS a, lead(t) OVER (PARTITION BY span, kind ORDER BY t) AS b FROM points) g
    JOIN spans p USING (span)
    WHERE g.b - g.a >= CASE g.kind WHEN 'heartbeat' THEN {HB_GAP} ELSE {SNAP_GAP} END),
cut AS (  -- a gap minus the stop stretches it overlaps, piece by piece
    SELECT g.gap, g.a, g.b, p.lo, p.hi,
        greatest(g.a, coalesce(max(p.hi) OVER (PARTITION BY g.gap ORDER BY p.lo
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), g.a)) AS cursor
    FROM raw_gaps g JOIN stops p ON p.venue = g.venue AND p.lo < g.b AND p.hi > g.a),
pieces AS (
    SELECT gap, a AS lo, b AS hi FROM raw_gaps WHERE gap NOT IN (SELECT gap FROM cut)
    UNION ALL SELECT gap, cursor, lo FROM cut WHERE lo > cursor
    UNION ALL SELECT gap, greatest(any_value(a), max(hi)), any_value(b) FROM cut GROUP BY gap
        HAVING greatest(any_value(a), max(hi)) < any_value(b)),
gaps AS (
    SELECT g.venue, g.terminal, g.kind, p.lo, p.hi FROM pieces p JOIN raw_gaps g USING (gap)
    WHERE p.hi - p.lo >= CASE g.kind WHEN 'heartbeat' THEN {HB_GAP} ELSE {SNAP_GAP} END),
clustered AS (  -- overlapping gaps of one terminal, of either kind, are one case
    SELECT *, sum(opens::INTEGER) OVER (PARTITION BY venue, terminal ORDER BY lo, hi) AS cluster
    FROM (SELECT *, coalesce(lo > max(hi) OVER (PARTITION BY venue, terminal ORDER BY lo, hi
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS opens
          FROM gaps))
SELECT 'audit-gap', 'high', venue, NULL, NULL, NULL, lo, hi,
    'audit server STOP, ' || CASE WHEN restarted THEN 'restarted ' ELSE 'not restarted, ' END || ((hi - lo) // 60)
    || ' minutes later'
FROM stops
UNION ALL
SELECT 'audit-gap', 'high', venue, NULL, NULL, NULL, t, t, 'audit server TAMPER' FROM tampers
UNION ALL
SELECT 'audit-gap', 'medium', venue, terminal, NULL, NULL, min(lo), max(hi),
    string_agg(DISTINCT 'no ' || kind || ' for ' || ((hi - lo) // 60) || ' minutes', ', ') || ' inside sessions'
FROM clustered GROUP BY venue, terminal, cluster
"""

IP_MISMATCH = """
WITH seen AS (SELECT * FROM sight),
shared AS (SELECT venue, ipn FROM seen WHERE ipn IS NOT NULL GROUP BY ALL HAVING count(DISTINCT terminal) > 1),
sharing AS (  -- a terminal on an IP another terminal was seen with, unless the registry gives it that IP alone
    SELECT x.venue, x.terminal, x.lo, x.hi, false AS outside, 'shares IP ' || ip4text(x.ipn) AS problem
    FROM seen x JOIN shared USING (venue, ipn) LEFT JOIN reg_term r ON r.venue = x.venue AND r.terminal = x.terminal
    WHERE NOT (coalesce(r.ipn = x.ipn, false) AND NOT EXISTS (
        SELECT 1 FROM seen o JOIN reg_term q ON q.venue = o.venue AND q.terminal = o.terminal
        WHERE o.venue = x.venue AND o.ipn = x.ipn AND o.terminal <> x.terminal AND q.ipn = x.ipn))),
judged AS (
    SELECT x.*, r.terminal IS NULL AS unregistered,
        r.terminal IS NOT NULL AND x.ipn IS NOT NULL AND r.ipn IS NOT NULL AND x.ipn <> r.ipn AS wrong_ip,
        r.terminal IS NOT NULL AND x.mac IS NOT NULL AND r.mac IS NOT NULL AND x.mac <> r.mac AS wrong_mac,
        x.ipn IS NOT NULL AND v.net IS NOT NULL AND v.prefix IS NOT NULL
            AND (x.ipn >> (32 - v.prefix)) <> (v.net >> (32 - v.prefix)) AS outside
    FROM seen x LEFT JOIN reg_term r ON r.venue = x.venue AND r.terminal = x.terminal
    LEFT JOIN reg_venue v ON v.venue = x.venue),
problems AS (
    SELECT venue, terminal, lo, hi, outside, concat_ws(', ', CASE WHEN unregistered THEN 'not in the registry' END,
        CASE WHEN wrong_ip THEN 'IP ' || ip4text(ipn) END, CASE WHEN wrong_mac THEN 'MAC ' || mac END,
        CASE WHEN outside THEN 'outside the LAN' END) AS problem
    FROM judged WHERE unregistered OR wrong_ip OR wrong_mac OR outside
    UNION ALL SELECT * FROM sharing)
SELECT 'ip-mismatch', CASE WHEN bool_or(outside) THEN 'high' ELSE 'medium' END, venue, terminal, NULL, NULL,
    min(lo), max(hi), 'terminal ' || terminal || ': ' || string_agg(DISTINCT problem, '; ')
FROM problems GROUP BY venue, terminal
"""

PRIVATE_NETWORK = f"""
WITH terminal_ips AS (
    SELECT venue, ipn FROM sight WHERE ipn IS NOT NULL UNION SELECT venue, ipn FROM reg_term WHERE ipn IS NOT NULL),
terminal_macs AS (
    SELECT venue, mac FROM sight WHERE mac IS NOT NULL UNION SELECT venue, mac FROM reg_term WHERE mac IS NOT NULL),
flows AS (  -- gateway lines with no terminal, summed per address as written, then normalised
    SELECT venue, ip4(ip) AS ipn, macnorm(mac) AS mac, sum(n) AS n, sum(bytes) AS bytes, min(lo) AS lo, max(hi) AS hi
    FROM (SELECT venue, ip, mac, count(*) AS n, sum(bytes) AS bytes, min(t) AS lo, max(t) AS hi FROM ev
          WHERE event = 'FLOW' AND terminal IS NULL GROUP BY ALL)
    GROUP BY ALL),
strangers AS (
    SELECT CASE WHEN f.ipn IS NOT NULL THEN ip4text(f.ipn) ELSE f.mac END AS address, f.* FROM flows f
    WHERE (f.ipn IS NOT NULL OR f.mac IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM terminal_ips i WHERE i.venue = f.venue AND i.ipn = f.ipn)
      AND NOT EXISTS (SELECT 1 FROM terminal_macs m WHERE m.venue = f.venue AND m.mac = f.mac))
SELECT 'private-network', 'medium', venue, NULL, NULL, address, min(lo), max(hi),
    'address ' || address || ' moved ' || round(sum(bytes) / 1048576, 1) || ' MB in ' || sum(n) || ' traffic summaries'
FROM strangers GROUP BY venue, address
HAVING sum(bytes) >= {PRIVATE_MIN_BYTES} AND sum(bytes) > 0
"""

RULES = [
    ("unbilled-use", UNBILLED_USE), ("manual-billing", MANUAL_BILLING), ("second-billing", SECOND_BILLING),
    ("card-free-login", CARD_FREE_LOGIN), ("id-sharing", ID_SHARING), ("staff-card", STAFF_CARD),
    ("invalid-id", INVALID_ID), ("minor", MINOR), ("after-hours", AFTER_HOURS), ("audit-gap", AUDIT_GAP),
    ("ip-mismatch", IP_MISMATCH), ("private-network", PRIVATE_NETWORK),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump")
    parser.add_argument("--registry")
    parser.add_argument("--signatures")
    parser.add_argument("--findings", required=True)
    parser.add_argument("--summary-json")
    args = parser.parse_args()

    began = time.perf_counter()
    mark = began

    def phase(name, extra=""):
        nonlocal mark
        now = time.perf_counter()
        log(f"{name:<18} {now - mark:7.3f} s{extra}")
        mark = now

    formats, unknown = sniff(args.dump)
    phase("sniff", f"  ({sum(len(v) for v in formats.values())} files, {len(unknown)} unrecognised)")
    con = duckdb.connect()  # in memory, default threads (all cores)
    con.execute(MACROS)
    has_registry = load(con, formats, args.registry, args.signatures)
    rows = {name: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for name, table in (("sessions", "sess"), ("transactions", "txn"), ("audit events", "ev"))}
    phase("load", "  (" + ", ".join(f"{v} {k}" for k, v in rows.items()) + ")")

    findings = []
    per_detector = {}
    for name, query in RULES:
        if name == "ip-mismatch" and not has_registry:
            per_detector[name] = 0
            phase(f"rule {name}", "  (no registry: not run)")
            continue
        found = con.execute(query).fetchall()
        per_detector[name] = len(found)
        findings += found
        phase(f"rule {name}", f"  ({len(found)} findings)")

    findings.sort(key=lambda f: (f[0], f[2], f[6], f[3] or "", f[4] or "", f[5] or "", f[7]))
    with open(args.findings, "w", encoding="utf-8") as out:
        for detector, severity, venue, terminal, cert, address, start, end, summary in findings:
            record = {"detector": detector, "severity": severity, "venue": venue}
            if terminal is not None:
                record["terminal"] = terminal
            if cert is not None:
                record["cert"] = cert
            if address is not None:
                record["address"] = address
            record.update({"start": iso(start), "end": iso(end), "summary": summary})
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.summary_json:
        with open(args.summary_json, "w", encoding="utf-8") as out:
            json.dump({"files": [], "rows": rows, "findings": per_detector}, out, ensure_ascii=False, indent=1)
    phase("write", f"  ({len(findings)} findings)")
    log(f"{'total':<18} {time.perf_counter() - began:7.3f} s")


def iso(local_seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(local_seconds)) + "+08:00"


if __name__ == "__main__":
    main()
