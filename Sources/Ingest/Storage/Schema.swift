/// The store's schema, as numbered migrations (STYLE.md §3: idempotence lives in SQL). Row keys are UNIQUE
/// constraints on rowid tables rather than WITHOUT ROWID primary keys: rows then append in order and only
/// the small key index takes out-of-order inserts (a 200 MB sessions export ingested 10-25 % faster). Text that repeats
/// (venue, terminal, cert, name, exe) is interned in `symbol`; the `*View` views join it back for analysts.
enum Schema {
    static let migrations: [String] = [
        """
        CREATE TABLE symbol(id INTEGER PRIMARY KEY, text TEXT NOT NULL);
        CREATE TABLE ingestedFile(
            id INTEGER PRIMARY KEY, path TEXT NOT NULL, contentHash TEXT NOT NULL UNIQUE, format TEXT,
            encoding TEXT, compression TEXT, status TEXT NOT NULL, lines INTEGER, rows INTEGER,
            quarantined INTEGER, skipped INTEGER, bytes INTEGER, exportTime INTEGER, damageOffset INTEGER,
            damageReason TEXT, detail TEXT, ingestedAt INTEGER);
        CREATE TABLE session(
            venue INTEGER NOT NULL, recordNo TEXT NOT NULL, card INTEGER, certType INTEGER, cert INTEGER,
            name INTEGER, terminal INTEGER, ip INTEGER, userType INTEGER, startTime INTEGER NOT NULL,
            endTime INTEGER, amountFen INTEGER NOT NULL, cashier INTEGER, checkout INTEGER, note INTEGER,
            exportTime INTEGER, fileId INTEGER NOT NULL, line INTEGER NOT NULL, UNIQUE(venue, recordNo));
        CREATE TABLE billingTransaction(
            venue INTEGER NOT NULL, serialNo TEXT NOT NULL, time INTEGER NOT NULL, kind INTEGER NOT NULL,
            card INTEGER, cert INTEGER, amountFen INTEGER, balanceFen INTEGER, cashier INTEGER, terminal INTEGER,
            note INTEGER, fileId INTEGER NOT NULL, line INTEGER NOT NULL, UNIQUE(venue, serialNo));
        CREATE TABLE auditEvent(
            id INTEGER PRIMARY KEY, venue INTEGER NOT NULL, time INTEGER NOT NULL, kind INTEGER NOT NULL,
            terminal INTEGER, ip INTEGER, mac INTEGER, certType INTEGER, cert INTEGER, name INTEGER,
            text INTEGER, md5 INTEGER, code INTEGER, dstIp INTEGER, dstPort INTEGER, bytesUp INTEGER,
            bytesDown INTEGER, fileId INTEGER NOT NULL, line INTEGER NOT NULL);
        CREATE INDEX auditEventByVenue ON auditEvent(venue, kind, time);
        CREATE TABLE pulseRun(
            id INTEGER PRIMARY KEY, venue INTEGER NOT NULL, terminal INTEGER NOT NULL, family INTEGER NOT NULL,
            minTime INTEGER NOT NULL, maxTime INTEGER NOT NULL, count INTEGER NOT NULL, baseTime INTEGER NOT NULL,
            baseLine INTEGER NOT NULL, times BLOB NOT NULL, pulseValues BLOB NOT NULL, lines BLOB NOT NULL,
            fileId INTEGER NOT NULL);
        CREATE INDEX pulseRunByVenue ON pulseRun(venue, terminal, family);
        CREATE TABLE terminalAddress(
            venue INTEGER NOT NULL, terminal INTEGER NOT NULL, ip INTEGER NOT NULL, mac INTEGER NOT NULL,
            firstTime INTEGER NOT NULL, lastTime INTEGER NOT NULL, count INTEGER NOT NULL,
            fileId INTEGER NOT NULL, line INTEGER NOT NULL,
            PRIMARY KEY(venue, terminal, ip, mac)) WITHOUT ROWID;
        CREATE TABLE venueCoverage(venue INTEGER PRIMARY KEY, firstTime INTEGER NOT NULL, lastTime INTEGER NOT NULL);
        CREATE TABLE quarantinedRow(
            id INTEGER PRIMARY KEY, fileId INTEGER NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL,
            detail TEXT NOT NULL, raw BLOB NOT NULL, truncated INTEGER NOT NULL);
        CREATE TABLE registryVenue(
            venue TEXT PRIMARY KEY, name TEXT, owner TEXT, address TEXT, phone TEXT, isp TEXT, publicIp TEXT,
            lan TEXT, lanAddress INTEGER, lanPrefix INTEGER, terminalCount INTEGER, billingSystem TEXT,
            auditSystem TEXT, fileId INTEGER, line INTEGER);
        CREATE TABLE registryTerminal(
            venue TEXT NOT NULL, terminal TEXT NOT NULL, ip INTEGER, mac INTEGER, fileId INTEGER, line INTEGER,
            PRIMARY KEY(venue, terminal)) WITHOUT ROWID;
        CREATE TABLE finding(
            key TEXT PRIMARY KEY, detector TEXT NOT NULL, severity TEXT NOT NULL, venue TEXT NOT NULL,
            terminal TEXT, cert TEXT, startTime INTEGER NOT NULL, endTime INTEGER NOT NULL, summary TEXT NOT NULL,
            evidence TEXT NOT NULL, firstSeenAt INTEGER NOT NULL, lastSeenAt INTEGER NOT NULL);
        CREATE VIEW sessionView AS
            SELECT v.text AS venue, s.recordNo, s.certType, c.text AS cert, n.text AS name,
                   t.text AS terminal, s.userType, datetime(s.startTime, 'unixepoch', '+8 hours') AS start,
                   datetime(s.endTime, 'unixepoch', '+8 hours') AS end, s.amountFen, s.checkout, f.path, s.line
            FROM session s JOIN symbol v ON v.id = s.venue
            LEFT JOIN symbol c ON c.id = s.cert LEFT JOIN symbol n ON n.id = s.name
            LEFT JOIN symbol t ON t.id = s.terminal JOIN ingestedFile f ON f.id = s.fileId;
        CREATE VIEW quarantineView AS
            SELECT f.path, q.line, q.reason, q.detail, q.raw FROM quarantinedRow q JOIN ingestedFile f ON f.id = q.fileId;
        """,
        // FORMATS.md §3.6: the platform's real-name records (identity rules only, never billing), known by venue,
        // terminal, cert and start; and birth dates of anonymised exports.
        """
        ALTER TABLE session ADD COLUMN birthDate INTEGER;
        CREATE TABLE realnameSession(
            venue INTEGER NOT NULL, terminal INTEGER NOT NULL, cert INTEGER NOT NULL, certType INTEGER, name INTEGER,
            startTime INTEGER NOT NULL, endTime INTEGER, birthDate INTEGER, fileId INTEGER NOT NULL,
            line INTEGER NOT NULL, UNIQUE(venue, terminal, cert, startTime));
        CREATE VIEW realnameSessionView AS
            SELECT v.text AS venue, t.text AS terminal, s.certType, c.text AS cert, n.text AS name,
                   datetime(s.startTime, 'unixepoch', '+8 hours') AS start,
                   datetime(s.endTime, 'unixepoch', '+8 hours') AS end, s.birthDate, f.path, s.line
            FROM realnameSession s JOIN symbol v ON v.id = s.venue
            LEFT JOIN symbol c ON c.id = s.cert LEFT JOIN symbol n ON n.id = s.name
            LEFT JOIN symbol t ON t.id = s.terminal JOIN ingestedFile f ON f.id = s.fileId;
        """,
        // `private-network` findings are about an address, not a terminal.
        """
        ALTER TABLE finding ADD COLUMN address TEXT;
        """,
        // FORMATS.md §5, §7, §8: nights (a file's night is its ingest run's), findings in both languages and named by
        // night, every detection run recorded (a killed one is told, not read as "no findings"), venue rates per night.
        // Address sightings and audit coverage are kept per file, so that each night is judged on its own data.
        """
        ALTER TABLE ingestedFile ADD COLUMN night TEXT;
        ALTER TABLE finding ADD COLUMN summaryZh TEXT;
        ALTER TABLE finding ADD COLUMN night TEXT;
        CREATE TABLE detectionRun(
            id INTEGER PRIMARY KEY, startedAt INTEGER NOT NULL, finishedAt INTEGER, missingInputs TEXT,
            missingInputsZh TEXT);
        CREATE TABLE terminalAddressByFile(
            venue INTEGER NOT NULL, fileId INTEGER NOT NULL, terminal INTEGER NOT NULL, ip INTEGER NOT NULL,
            mac INTEGER NOT NULL, firstTime INTEGER NOT NULL, lastTime INTEGER NOT NULL, count INTEGER NOT NULL,
            line INTEGER NOT NULL, PRIMARY KEY(venue, fileId, terminal, ip, mac)) WITHOUT ROWID;
        INSERT INTO terminalAddressByFile SELECT venue, fileId, terminal, ip, mac, firstTime, lastTime, count, line
            FROM terminalAddress;
        DROP TABLE terminalAddress;
        ALTER TABLE terminalAddressByFile RENAME TO terminalAddress;
        CREATE TABLE venueCoverageByFile(
            venue INTEGER NOT NULL, fileId INTEGER NOT NULL, firstTime INTEGER NOT NULL, lastTime INTEGER NOT NULL,
            PRIMARY KEY(venue, fileId)) WITHOUT ROWID;
        INSERT INTO venueCoverageByFile SELECT venue, 0, firstTime, lastTime FROM venueCoverage;
        DROP TABLE venueCoverage;
        ALTER TABLE venueCoverageByFile RENAME TO venueCoverage;
        CREATE TABLE venueRate(
            venue TEXT NOT NULL, night TEXT NOT NULL, rate TEXT NOT NULL, numerator INTEGER NOT NULL,
            denominator INTEGER NOT NULL, PRIMARY KEY(venue, night, rate)) WITHOUT ROWID;
        """,
        // Audit events are found by the rowid span each file gave each venue (rows append file by file), not by an
        // index on (venue, kind, time): keeping that index up cost 30 % of SQLite's instructions in a bulk load.
        """
        CREATE TABLE auditEventSpan(
            venue INTEGER NOT NULL, fileId INTEGER NOT NULL, firstId INTEGER NOT NULL, lastId INTEGER NOT NULL,
            PRIMARY KEY(venue, fileId)) WITHOUT ROWID;
        INSERT INTO auditEventSpan SELECT venue, fileId, min(id), max(id) FROM auditEvent GROUP BY venue, fileId;
        DROP INDEX auditEventByVenue;
        CREATE TABLE fileDay(
            fileId INTEGER NOT NULL, day INTEGER NOT NULL, rows INTEGER NOT NULL, PRIMARY KEY(fileId, day)) WITHOUT ROWID;
        INSERT INTO fileDay SELECT fileId, day, sum(n) FROM (
          SELECT fileId, (startTime + 28800) / 86400 AS day, count(*) AS n FROM session GROUP BY 1, 2
          UNION ALL SELECT fileId, (startTime + 28800) / 86400, count(*) FROM realnameSession GROUP BY 1, 2
          UNION ALL SELECT fileId, (time + 28800) / 86400, count(*) FROM billingTransaction GROUP BY 1, 2
          UNION ALL SELECT fileId, (time + 28800) / 86400, count(*) FROM auditEvent GROUP BY 1, 2
          UNION ALL SELECT fileId, (minTime + 28800) / 86400, sum(count) FROM pulseRun GROUP BY 1, 2
        ) GROUP BY 1, 2;
        """,
        // Billing sessions and transactions are kept in segments (`SegmentRows.swift`): one venue's rows of one batch of
        // one file as a JSON array in one cell, appended without a key index (a row upsert was half of a billing
        // export's ingest). The copy rules of FORMATS.md §6 move from the upsert into the `session` and
        // `billingTransaction` views, which keep the tables' names and columns for analysts (and `Store+Segments.swift`
        // applies the same rules in Swift, tested against these views). A session row is [recordNo, card, certType,
        // cert, name, terminal, ip, userType, startTime, endTime, amountFen, cashier, checkout, note, line, birthDate];
        // a transaction row [serialNo, time, kind, card, cert, amountFen, balanceFen, cashier, terminal, note, line].
        """
        CREATE TABLE sessionSegment(
            id INTEGER PRIMARY KEY, venue INTEGER NOT NULL, fileId INTEGER NOT NULL, exportTime INTEGER,
            count INTEGER NOT NULL, maxTime INTEGER NOT NULL, rows TEXT NOT NULL);
        CREATE INDEX sessionSegmentByVenue ON sessionSegment(venue, fileId);
        INSERT INTO sessionSegment(venue, fileId, exportTime, count, maxTime, rows)
            SELECT venue, fileId, exportTime, count(*), max(coalesce(endTime, startTime)),
              json_group_array(json_array(recordNo, card, certType, cert, name, terminal, ip, userType, startTime,
                endTime, amountFen, cashier, checkout, note, line, birthDate))
            FROM (SELECT * FROM session ORDER BY venue, fileId, line) GROUP BY venue, fileId, exportTime;
        CREATE TABLE transactionSegment(
            id INTEGER PRIMARY KEY, venue INTEGER NOT NULL, fileId INTEGER NOT NULL, count INTEGER NOT NULL,
            maxTime INTEGER NOT NULL, rows TEXT NOT NULL);
        CREATE INDEX transactionSegmentByVenue ON transactionSegment(venue, fileId);
        INSERT INTO transactionSegment(venue, fileId, count, maxTime, rows)
            SELECT venue, fileId, count(*), max(time),
              json_group_array(json_array(serialNo, time, kind, card, cert, amountFen, balanceFen, cashier, terminal,
                note, line))
            FROM (SELECT * FROM billingTransaction ORDER BY venue, fileId, line) GROUP BY venue, fileId;
        DROP VIEW sessionView;
        DROP TABLE session;
        DROP TABLE billingTransaction;
        CREATE VIEW session AS
            SELECT venue, recordNo, card, certType, cert, name, terminal, ip, userType, startTime, endTime, amountFen,
                   cashier, checkout, note, exportTime, fileId, line, birthDate
            FROM (SELECT g.venue AS venue, r.value ->> 0 AS recordNo, r.value ->> 1 AS card, r.value ->> 2 AS certType,
                         r.value ->> 3 AS cert, r.value ->> 4 AS name, r.value ->> 5 AS terminal, r.value ->> 6 AS ip,
                         r.value ->> 7 AS userType, r.value ->> 8 AS startTime, r.value ->> 9 AS endTime,
                         r.value ->> 10 AS amountFen, r.value ->> 11 AS cashier, r.value ->> 12 AS checkout,
                         r.value ->> 13 AS note, g.exportTime AS exportTime, g.fileId AS fileId, r.value ->> 14 AS line,
                         r.value ->> 15 AS birthDate,
                         row_number() OVER (
                           PARTITION BY g.venue, r.value ->> 0
                           ORDER BY (r.value ->> 9) IS NOT NULL DESC, coalesce(g.exportTime, 0) DESC, g.id DESC,
                             r.key DESC) AS copy
                  FROM sessionSegment g, json_each(g.rows) r)
            WHERE copy = 1;
        CREATE VIEW billingTransaction AS
            SELECT venue, serialNo, time, kind, card, cert, amountFen, balanceFen, cashier, terminal, note, fileId, line
            FROM (SELECT g.venue AS venue, r.value ->> 0 AS serialNo, r.value ->> 1 AS time, r.value ->> 2 AS kind,
                         r.value ->> 3 AS card, r.value ->> 4 AS cert, r.value ->> 5 AS amountFen,
                         r.value ->> 6 AS balanceFen, r.value ->> 7 AS cashier, r.value ->> 8 AS terminal,
                         r.value ->> 9 AS note, g.fileId AS fileId, r.value ->> 10 AS line,
                         row_number() OVER (PARTITION BY g.venue, r.value ->> 0 ORDER BY g.id, r.key) AS copy
                  FROM transactionSegment g, json_each(g.rows) r)
            WHERE copy = 1;
        CREATE VIEW sessionView AS
            SELECT v.text AS venue, s.recordNo, s.certType, c.text AS cert, n.text AS name,
                   t.text AS terminal, s.userType, datetime(s.startTime, 'unixepoch', '+8 hours') AS start,
                   datetime(s.endTime, 'unixepoch', '+8 hours') AS end, s.amountFen, s.checkout, f.path, s.line
            FROM session s JOIN symbol v ON v.id = s.venue
            LEFT JOIN symbol c ON c.id = s.cert LEFT JOIN symbol n ON n.id = s.name
            LEFT JOIN symbol t ON t.id = s.terminal JOIN ingestedFile f ON f.id = s.fileId;
        """,
        // 7: the run totals' standing session copies of each venue, kept with the last segment they fold in, so that
        // a run reads only the segments after it (every stored session read again cost ~1.2 µs a session a run).
        // A cache: dropping its rows loses nothing, the next run folds every segment again.
        """
        CREATE TABLE sessionStanding(
            venue INTEGER PRIMARY KEY, throughSegment INTEGER NOT NULL, sessions INTEGER NOT NULL,
            amountFen INTEGER NOT NULL, standing BLOB NOT NULL);
        """,
        // 8: audit events (the lines that are not pulses) kept in segments too, one venue's rows of one batch of one
        // file: a row insert cost ~7 k instructions (a tenth of a messy night's ingest). A row is [time, kind,
        // terminal, ip, mac, certType, cert, name, text, md5, code, dstIp, dstPort, bytesUp, bytesDown, line]; the
        // `auditEvent` view keeps the table's name and columns (all but the rowid) for analysts.
        """
        CREATE TABLE eventSegment(
            id INTEGER PRIMARY KEY, venue INTEGER NOT NULL, fileId INTEGER NOT NULL, count INTEGER NOT NULL,
            rows TEXT NOT NULL);
        CREATE INDEX eventSegmentByVenue ON eventSegment(venue, fileId);
        INSERT INTO eventSegment(venue, fileId, count, rows)
            SELECT venue, fileId, count(*),
              json_group_array(json_array(time, kind, terminal, ip, mac, certType, cert, name, text, md5, code, dstIp,
                dstPort, bytesUp, bytesDown, line))
            FROM (SELECT * FROM auditEvent ORDER BY venue, fileId, id) GROUP BY venue, fileId;
        DROP TABLE auditEventSpan;
        DROP TABLE auditEvent;
        CREATE VIEW auditEvent AS
            SELECT g.venue AS venue, r.value ->> 0 AS time, r.value ->> 1 AS kind, r.value ->> 2 AS terminal,
                   r.value ->> 3 AS ip, r.value ->> 4 AS mac, r.value ->> 5 AS certType, r.value ->> 6 AS cert,
                   r.value ->> 7 AS name, r.value ->> 8 AS text, r.value ->> 9 AS md5, r.value ->> 10 AS code,
                   r.value ->> 11 AS dstIp, r.value ->> 12 AS dstPort, r.value ->> 13 AS bytesUp,
                   r.value ->> 14 AS bytesDown, g.fileId AS fileId, r.value ->> 15 AS line
            FROM eventSegment g, json_each(g.rows) r;
        """,
        // 9: the run totals' standing copies cut into parts by key (`PartedStanding`): one standing of every session a
        // venue ever stored, rewritten whole by each run, grew each run's totals with the database. A venue's cached
        // standing becomes its first part; `sessionStanding` is emptied (its standings moved, not copied): an older
        // build opening the database finds no cache and folds every segment again.
        """
        CREATE TABLE sessionStandingVenue(
            venue INTEGER PRIMARY KEY, throughSegment INTEGER NOT NULL, sessions INTEGER NOT NULL,
            amountFen INTEGER NOT NULL);
        CREATE TABLE sessionStandingPart(
            venue INTEGER NOT NULL, lowKey BLOB NOT NULL, sessions INTEGER NOT NULL, amountFen INTEGER NOT NULL,
            standing BLOB NOT NULL, PRIMARY KEY(venue, lowKey));
        INSERT INTO sessionStandingVenue SELECT venue, throughSegment, sessions, amountFen FROM sessionStanding;
        INSERT INTO sessionStandingPart SELECT venue, X'', sessions, amountFen, standing FROM sessionStanding;
        DELETE FROM sessionStanding;
        """,
    ]
}
