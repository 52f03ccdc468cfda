import Foundation
import LogFormats
import NetbarTestSupport
import Testing

@testable import Ingest

extension SegmentText {
    /// Appends one row, its values written by `body` (`beginRow`, then `endRow`).
    func row(values: Int, textBytes: Int = 0, _ body: (inout Row) -> Void) {
        var row = beginRow(values: values, textBytes: textBytes)
        body(&row)
        endRow(row)
    }
}

/// Billing sessions and transactions are stored in segments (schema 6): JSON cells written by `SegmentText`, read by
/// `SegmentReader` and by SQLite's own JSON functions in the `session` and `billingTransaction` views. The views
/// state FORMATS.md §6's copy rules in SQL; the Swift reader must give exactly their rows.
@Suite struct SegmentCellTests {
    /// Texts a 记录号 or 流水号 may hold once decoded: quotes, backslashes, control bytes, CJK, 4-byte characters,
    /// and text that looks like an escape or a number.
    static let texts: [String] = [
        "", "100801", "0042", "-7", "1e5", "null", "W0001", "a\"b", "back\\slash", "\\u0041", "tab\there", "line\nbreak",
        "\u{01}\u{1F}\u{7F}", "上机记录", "王𬀩", "/slash/", "\"", "\\", "@01|1795845600|33010619910511507X", " spaced ",
    ]

    /// Each side of every power of ten (where the digit count changes) and of every power of two (where the bit
    /// length it is estimated from does), both signs, the extremes.
    static let numbers: [Int64] = {
        var numbers: [Int64] = [0, 1, -1, 1_795_845_600, -1_795_845_600, Int64.max, Int64.min + 1]
        for exponent in 1...18 {
            let power = (1..<exponent).reduce(Int64(10)) { value, _ in value * 10 }
            numbers += [power - 1, power, -(power - 1), -power]
        }
        for bits in 1...62 { numbers += [(1 << bits) - 1, 1 << bits] }
        return numbers + [absentInt64]
    }()

    private func cell(_ rows: [(String, [Int64])]) -> ContiguousArray<UInt8> {
        let text = SegmentText()
        text.reset()
        for (key, values) in rows {
            var key = key
            key.withUTF8 { key in
                text.row(values: values.count + 1, textBytes: key.count) { cells in
                    cells.append(text: UnsafeRawBufferPointer(key))
                    for value in values { cells.appendNullable(value) }
                }
            }
        }
        text.finish()
        return ContiguousArray(text.bytes)
    }

    /// `skipPlainValues(n)` against `skipValue` n times, on rows of every form the grammar allows and some it does
    /// not: both end at the same byte (the value read after them agrees) or both throw.
    @Test(arguments: [
        #"[["k",1,2,3,4]]"#, #"[["k",null,-2,null,4]]"#, #"[["k",1795845600,-1795845600,9223372036854775807,4]]"#,
        #"[["k", 1,2,3,4]]"#, #"[["k",1 ,2,3,4]]"#, #"[["k",1,"s",3,4]]"#, #"[["k",1,2,"a,]b",4]]"#,
        #"[["k",1,,3,4]]"#, #"[["k",1,2]]"#, #"[["k",1,2,3]]"#, #"[["k",1,[2],3,4]]"#, #"[["k",1,2,3,4"#,
        #"[["k",1,2,3,"#, #"[["k",1,2,3,4,5]]"#, #"[["k",1,2e3,3,4]]"#, #"[["k",1,tr,3,4]]"#,
        "[[\"k\",1,2\t,3,4]]", "[[\"k\",1,\n2,3,4]]", #"[["k",1,2,3]"#,
    ])
    func skippingPlainValuesEndsWhereSkippingOneByOneDoes(cell: String) {
        #expect(skipping(3, of: cell, fast: true, thenReading: 1) == skipping(3, of: cell, fast: false, thenReading: 1))
    }

    /// Passes `count` values after a row's key (`skipPlainValues`, or `skipValue` one by one), reads `after` numbers
    /// and ends the row: what was read, or the error.
    private func skipping(_ count: Int, of cell: String, fast: Bool, thenReading after: Int) -> String {
        var text = cell
        return text.withUTF8 { bytes in
            do {
                var reader = try SegmentReader(UnsafeRawBufferPointer(bytes), what: "a test cell")
                guard try reader.nextRow() else { return "no row" }
                var scratch = ContiguousArray<UInt8>()
                _ = try reader.withString(scratch: &scratch) { $0.count }
                if fast { try reader.skipPlainValues(count) } else { for _ in 0..<count { try reader.skipValue() } }
                var read: [Int64] = []
                for _ in 0..<after { read.append(try reader.int64()) }
                try reader.endRow()
                return "read \(read)"
            } catch {
                return "\(error)"
            }
        }
    }

    /// The same on random rows long enough for the sixteen-byte path (up to 40 values of 1-19 digits, nulls,
    /// negatives), each now and then with something the plain path must give up on at a random place: a string
    /// holding ',' ']' or '"', an empty value, a space, an array, the row's end too early, the cell cut short.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func skippingPlainValuesOnRandomRowsEndsWhereSkippingOneByOneDoes(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        func next(_ bound: Int) -> Int { generator.below(bound) }
        let odd = [#""a,]b""#, #""q\"x""#, "", " 7", "[2]", "1]", "null ", "-"]
        for _ in 0..<3_000 {
            let width = 1 + next(40)
            var values = (0..<width).map { _ -> String in
                switch next(4) {
                case 0: return "null"
                case 1: return "-" + String(1 + next(9))
                default: return String((0..<(1 + next(19))).map { _ in Character(String(next(10))) })
                }
            }
            if next(3) == 0 { values[next(width)] = odd[next(odd.count)] }
            var cell = #"[["k","# + values.joined(separator: ",") + "]]"
            if next(10) == 0 { cell = String(cell.prefix(next(cell.count))) }
            for count in [1, next(width) + 1, width] {
                #expect(
                    skipping(count, of: cell, fast: true, thenReading: width - count)
                        == skipping(count, of: cell, fast: false, thenReading: width - count),
                    "\(cell) skipping \(count)")
            }
        }
    }

    private func read(_ bytes: ContiguousArray<UInt8>, width: Int) throws -> [(String, [Int64])] {
        try bytes.withUnsafeBytes { buffer in
            var reader = try SegmentReader(buffer, what: "a test cell")
            var rows: [(String, [Int64])] = []
            var scratch = ContiguousArray<UInt8>()
            while try reader.nextRow() {
                let key = try reader.withString(scratch: &scratch) { String(decoding: $0, as: UTF8.self) }
                var values: [Int64] = []
                for _ in 0..<width { values.append(try reader.int64()) }
                try reader.endRow()
                rows.append((key, values))
            }
            return rows
        }
    }

    /// A row writes within the room it made: one value more than it said stops the process instead of writing
    /// past the buffer.
    @Test func aRowWritingMoreThanItsRoomStops() async {
        await #expect(processExitsWith: .failure) {
            let text = SegmentText(capacity: 8)
            text.reset()
            text.row(values: 1) { cells in
                cells.append(Int64.min + 1)
                cells.append(Int64.min + 1)
            }
        }
        let text = SegmentText(capacity: 8)
        text.reset()
        text.row(values: 2) { cells in
            cells.append(Int64.min + 1)
            cells.append(Int64.min + 1)
        }
        text.finish()
        #expect(String(decoding: text.bytes, as: UTF8.self) == "[[-9223372036854775807,-9223372036854775807]]")
    }

    @Test(arguments: texts)
    func aTextComesBackFromTheReaderAndFromSQLite(text: String) throws {
        let bytes = cell([(text, [1, absentInt64]), ("next", [2, 3])])
        let back = try read(bytes, width: 2)
        #expect(back.map(\.0) == [text, "next"])
        #expect(back.map(\.1) == [[1, absentInt64], [2, 3]])
        // SQLite reads the same cell as the views do.
        let connection = try SQLiteConnection(path: ":memory:")
        let statement = try connection.prepare("SELECT json_valid(?1), ?1 ->> '$[0][0]', typeof(?1 ->> '$[0][2]')")
        bytes.withUnsafeBytes { _ = csqlite_bind_text_transient_raw(statement, 1, $0) }
        #expect(try statement.step())
        #expect(statement.int64(0) == 1)
        #expect(statement.string(1) == text)
        #expect(statement.string(2) == "null")
    }

    @Test func everyNumberComesBackAndSQLiteReadsItAsAnInteger() throws {
        let bytes = cell([("k", Self.numbers)])
        #expect(try read(bytes, width: Self.numbers.count).first?.1 == Self.numbers)
        let connection = try SQLiteConnection(path: ":memory:")
        for (index, number) in Self.numbers.enumerated() where number != absentInt64 {
            let statement = try connection.prepare("SELECT ?1 ->> '$[0][\(index + 1)]', typeof(?1 ->> '$[0][\(index + 1)]')")
            bytes.withUnsafeBytes { _ = csqlite_bind_text_transient_raw(statement, 1, $0) }
            #expect(try statement.step())
            #expect(statement.int64(0) == number && statement.string(1) == "integer", "\(number)")
        }
    }

    /// Numbers are written eight digits a word: each digit count from 1 to 19, both signs, against the standard
    /// library's text, in rows of every width from none to five (the row's '[' takes the place of its first
    /// value's comma), byte for byte.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func numbersAndRowsAreWrittenAsTheStandardLibraryWritesThem(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        let text = SegmentText(capacity: 16)
        text.reset()
        var expected = "["
        for index in 0..<20_000 {
            let width = generator.below(6)
            let values = (0..<width).map { _ -> Int64 in
                let digits = 1 + generator.below(19)
                var value = Int64(generator.below(9) + (digits == 1 ? 0 : 1))
                for _ in 1..<digits { value = value &* 10 &+ Int64(generator.below(10)) }
                if value < 0 { value = Int64.max }
                return generator.below(3) == 0 ? -value : value
            }
            text.row(values: width) { cells in for value in values { cells.append(value) } }
            expected += (index == 0 ? "" : ",") + "[" + values.map(String.init).joined(separator: ",") + "]"
        }
        text.finish()
        expected += "]"
        let written = String(decoding: text.bytes, as: UTF8.self)
        let same = written == expected
        #expect(same, "\(written.prefix(200))")
    }

    @Test func eightDigitsOfEveryPlaceValue() {
        for value: UInt64 in [0, 1, 9, 10, 99, 100, 999, 1_000, 9_999, 10_000, 43_698, 99_999, 100_000, 12_345_678,
            90_000_009, 99_999_999]
        {
            let word = SegmentText.Row.eightDigits(value)
            let digits = String(decoding: withUnsafeBytes(of: word.littleEndian) { Array($0) }, as: UTF8.self)
            #expect(digits == String(repeating: "0", count: 8 - String(value).count) + String(value))
        }
    }

    /// Cells SQLite writes (the schema 6 migration's `json_array`) are read too, its escapes included.
    @Test(arguments: texts)
    func aCellWrittenBySQLiteIsRead(text: String) throws {
        let connection = try SQLiteConnection(path: ":memory:")
        let statement = try connection.prepare("SELECT json_group_array(json_array(?1, 5, NULL, -3)) FROM (SELECT 1 UNION ALL SELECT 2)")
        statement.bind(1, text)
        #expect(try statement.step())
        let bytes = ContiguousArray(statement.textBytes(0))
        let back = try read(bytes, width: 3)
        #expect(back.map(\.0) == [text, text])
        #expect(back.map(\.1) == [[5, absentInt64, -3], [5, absentInt64, -3]])
    }

    /// Random texts of every kind of character, random numbers: what goes in comes out, by both readers.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomRowsRoundTrip(seed: UInt64) throws {
        var generator = SeededGenerator(state: seed)
        let alphabet: [Character] = ["a", "7", "\"", "\\", "\u{8}", "\u{C}", "\n", "\u{1F}", "é", "上", "𬀩", "/", " ", "u"]
        var rows: [(String, [Int64])] = []
        for _ in 0..<200 {
            let key = String((0..<generator.below(12)).map { _ in alphabet[generator.below(alphabet.count)] })
            let values = (0..<4).map { _ -> Int64 in
                switch generator.below(4) {
                case 0: return absentInt64
                case 1: return Int64(generator.below(1000)) - 500
                default: return Int64(bitPattern: generator.next()) | 1
                }
            }
            rows.append((key, values))
        }
        let bytes = cell(rows)
        let back = try read(bytes, width: 4)
        #expect(back.map(\.0) == rows.map(\.0))
        #expect(back.map(\.1) == rows.map(\.1))
        let connection = try SQLiteConnection(path: ":memory:")
        let statement = try connection.prepare("SELECT value ->> 0 FROM json_each(?1) ORDER BY key")
        bytes.withUnsafeBytes { _ = csqlite_bind_text_transient_raw(statement, 1, $0) }
        var fromSQLite: [String] = []
        while try statement.step() { fromSQLite.append(statement.string(0)) }
        #expect(fromSQLite == rows.map(\.0))
    }

    /// A damaged cell is an error that names it and where, never fewer rows.
    @Test(arguments: [
        "", "[", "[[\"a\",1]", "[[\"a\",1,2]]", "[[\"a\"]]", "[[\"a\",x]]", "[[\"a\",1]x", "[[\"a,1]]", "[[\"\\q\",1]]",
        "[[\"\\ud800\",1]]", "[[\"a\",99999999999999999999]]", "[[1,1]]", "{}",
    ])
    func aDamagedCellIsAnError(text: String) throws {
        let bytes = ContiguousArray(text.utf8)
        let error = #expect(throws: StoreError.self) { _ = try read(bytes, width: 1) }
        #expect(error?.description.contains("a test cell is damaged at byte") == true, "\(error?.description ?? "")")
    }
}

/// The Swift reader against the views, on billing exports made by hand: three venues interleaved in one file,
/// 记录号 and 流水号 repeated across files, open and closed copies, exports with and without 导出时间, and every
/// scope of files a night could be.
@Suite struct SegmentResolutionTests {
    static let venues = ["33010610000123", "33010610000456", "11010510000246"]
    static let sessionHeader = "记录号,场所编码,卡号,用户类型,证件类型,证件号码,姓名,终端号,IP地址,上机时间,下机时间,上网时长,消费金额,收银员,结账方式,备注"
    static let transactionHeader = "交易时间,流水号,交易类型,营业场所代码,会员卡号,身份证号,金额,余额,收银员,机器号,备注"

    private func time(_ minute: Int) -> String {
        let hour = 8 + minute / 60
        return "2026-11-28 \(hour < 10 ? "0" : "")\(hour):\(String(format: "%02d", minute % 60)):00"
    }

    /// Writes `files` random exports (sessions and transactions alternately) and ingests them in order.
    private func makeDatabase(
        seed: UInt64, files: Int, folder: String, afterEachFile: (String) throws -> Void = { _ in }
    ) throws -> (database: String, fileIDs: [Int64]) {
        var generator = SeededGenerator(state: seed)
        var paths: [String] = []
        for index in 0..<files {
            var text = ""
            let path: String
            if index % 2 == 0 {
                path = folder + "/sessions-\(index).csv"
                if generator.below(3) > 0 { text += "上机记录查询,导出时间:\(time(600 + generator.below(3) * 30))\n" }
                text += Self.sessionHeader + "\n"
                for _ in 0..<(5 + generator.below(60)) {
                    let start = generator.below(400)
                    let closed = generator.below(2) == 0
                    let end = closed ? time(start + 1 + generator.below(120)) : ""
                    let record = generator.below(5) == 0 ? "\"1,\(generator.below(9))\"" : "\(100 + generator.below(40))"
                    text += "\(record),\(Self.venues[generator.below(3)]),C\(generator.below(9)),会员,111,"
                        + "33010619910511507X,张三,0\(generator.below(9)),192.168.1.\(generator.below(9) + 1),\(time(start)),"
                        + "\(end),1小时,\(generator.below(900)).\(generator.below(10))0,收银员\(generator.below(3)),"
                        + "\(["正常", "手工"][generator.below(2)]),\n"
                }
            } else {
                path = folder + "/transactions-\(index).csv"
                text += Self.transactionHeader + "\n"
                for _ in 0..<(5 + generator.below(60)) {
                    text += "\(time(generator.below(400))),W\(generator.below(50)),\(["充值", "上机", "下机"][generator.below(3)]),"
                        + "\(Self.venues[generator.below(3)]),7000000\(generator.below(9)),110105199003071239,"
                        + "\(generator.below(90)).00,\(generator.below(2) == 0 ? "" : "\(generator.below(90)).00"),陈芳,A0\(generator.below(5)),\n"
                }
            }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        let database = folder + "/db.sqlite"
        var fileIDs: [Int64] = []
        // One run per file, so that file ids follow the order the copies arrive in.
        for path in paths {
            let reports = try ingest([path], database: database)
            #expect(reports.allSatisfy { $0.status == .ingested }, "\(path): \(reports.map(\.status))")
            fileIDs.append(contentsOf: reports.map(\.fileID))
            try afterEachFile(database)
        }
        return (database, fileIDs)
    }

    private func viewSessions(_ store: Store, venue: Int64, scope: [Int64]?) throws -> [[String]] {
        let inScope = scope.map { " AND fileId IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
        return try store.textRows(
            """
            SELECT recordNo, card, certType, cert, name, terminal, ip, userType, startTime, endTime, amountFen, cashier,
              checkout, note, exportTime, fileId, line, birthDate FROM session WHERE venue = \(venue)\(inScope)
            ORDER BY startTime, terminal, recordNo
            """)
    }

    private func swiftSessions(_ store: Store, venue: Int64) throws -> [[String]] {
        let copies = try store.resolvedSessions(venue: venue)
        func text(_ value: Int64) -> String { value == absentInt64 ? "" : String(value) }
        return copies.rows.map { row in
            [copies.keys.string(row.recordNo)] + [
                row.card, row.certType, row.cert, row.name, row.terminal, row.ip, row.userType, row.startSeconds,
                row.endSeconds, row.amountFen, row.cashier, row.checkout, row.note, row.exportSeconds, row.fileID,
                row.line, row.birthDate,
            ].map(text)
        }
    }

    private func viewTransactions(_ store: Store, venue: Int64, scope: [Int64]?) throws -> [[String]] {
        let inScope = scope.map { " AND fileId IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
        return try store.textRows(
            """
            SELECT serialNo, time, kind, card, cert, amountFen, balanceFen, cashier, terminal, note, fileId, line
            FROM billingTransaction WHERE venue = \(venue)\(inScope) ORDER BY time, serialNo
            """)
    }

    private func swiftTransactions(_ store: Store, venue: Int64) throws -> [[String]] {
        let copies = try store.resolvedTransactions(venue: venue)
        func text(_ value: Int64) -> String { value == absentInt64 ? "" : String(value) }
        return copies.rows.map { row in
            [copies.keys.string(row.serialNo)] + [
                row.timeSeconds, row.kind, row.card, row.cert, row.amountFen, row.balanceFen, row.cashier, row.terminal,
                row.note, row.fileID, row.line,
            ].map(text)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func theSwiftReaderGivesTheViewsRows(seed: UInt64) throws {
        let folder = TestSupport.temporaryDirectory("segments-\(seed)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (database, fileIDs) = try makeDatabase(seed: seed, files: 8, folder: folder)
        let store = try Store(path: database)
        // Copies did meet: some 记录号 came more than once, so the rules were exercised.
        let copies = try store.textRows("SELECT sum(count) FROM sessionSegment")[0][0]
        let distinct = try store.textRows("SELECT count(*) FROM session")[0][0]
        #expect(Int(copies)! > Int(distinct)!)
        var generator = SeededGenerator(state: seed &+ 100)
        var scopes: [[Int64]?] = [nil, fileIDs, [fileIDs[0]], Array(fileIDs.suffix(3))]
        scopes.append(fileIDs.filter { _ in generator.below(2) == 0 })
        for scope in scopes {
            try store.setScope(fileIDs: scope)
            let venueIDs = try store.textRows("SELECT id FROM symbol WHERE text IN ('\(Self.venues.joined(separator: "','"))')")
                .map { Int64($0[0])! }
            for venue in venueIDs {
                #expect(try swiftSessions(store, venue: venue) == viewSessions(store, venue: venue, scope: scope))
                #expect(try swiftTransactions(store, venue: venue) == viewTransactions(store, venue: venue, scope: scope))
            }
            // Venues and the data end, as the views give them.
            let inScope = scope.map { " WHERE fileId IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
            let expectedVenues = try store.textRows(
                "SELECT venue FROM session\(inScope) UNION SELECT venue FROM billingTransaction\(inScope) ORDER BY 1")
                .map { Int64($0[0])! }
            #expect(try store.venueIDs().sorted() == expectedVenues, "scope \(scope ?? [])")
            let expectedEnd = try store.textRows(
                """
                SELECT max(m) FROM (SELECT max(coalesce(endTime, startTime)) AS m FROM session\(inScope)
                  UNION ALL SELECT max(time) FROM billingTransaction\(inScope))
                """)[0][0]
            #expect(try store.dataEndSeconds().map(String.init) ?? "" == expectedEnd, "scope \(scope ?? [])")
        }
        try store.setScope(fileIDs: nil)
        let totals = try store.sessionTotals()
        #expect(try store.textRows("SELECT count(*), coalesce(sum(amountFen), 0) FROM session") == [["\(totals.distinct)", "\(totals.amountFen)"]])
    }

    /// The run totals fold only the segments after those their cache covers: run after run (copies of one 记录号
    /// arriving open, closed, with later and earlier export times, in later files) they are the `session` view's
    /// count and sum; so they are with the cache emptied, or ahead of the segments; a damaged cache is an error.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func runTotalsKeptBetweenRunsAreTheViewsTotals(seed: UInt64) throws {
        let folder = TestSupport.temporaryDirectory("standing-\(seed)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func viewTotals(_ store: Store) throws -> [[String]] {
            try store.textRows("SELECT count(*), coalesce(sum(amountFen), 0) FROM session")
        }
        func totals(_ store: Store) throws -> [[String]] {
            let totals = try store.sessionTotals()
            return [["\(totals.distinct)", "\(totals.amountFen)"]]
        }
        var runs = 0
        let (database, _) = try makeDatabase(seed: seed, files: 8, folder: folder) { database in
            let store = try Store(path: database)
            #expect(try totals(store) == viewTotals(store), "run \(runs)")
            // The cache covers each venue's last segment, its parts add up to it, and a second call reads no
            // segment again.
            #expect(try store.textRows(
                """
                SELECT count(*) FROM sessionStandingVenue c
                WHERE c.throughSegment != (SELECT max(id) FROM sessionSegment g WHERE g.venue = c.venue)
                  OR c.sessions != (SELECT sum(sessions) FROM sessionStandingPart p WHERE p.venue = c.venue)
                  OR c.amountFen != (SELECT sum(amountFen) FROM sessionStandingPart p WHERE p.venue = c.venue)
                """) == [["0"]])
            #expect(try totals(store) == viewTotals(store))
            runs += 1
        }
        #expect(runs == 8)
        let store = try Store(path: database)
        let copies = try store.textRows("SELECT sum(count) FROM sessionSegment")[0][0]
        #expect(Int(copies)! > Int(try viewTotals(store)[0][0])!, "copies of one session met")
        try store.connection.execute("DELETE FROM sessionStandingVenue")
        #expect(try totals(store) == viewTotals(store))
        try store.connection.execute("UPDATE sessionStandingVenue SET throughSegment = 1000000")
        #expect(try totals(store) == viewTotals(store))
        // Totals whose parts are gone are folded afresh.
        try store.connection.execute("UPDATE sessionStandingVenue SET throughSegment = 1; DELETE FROM sessionStandingPart")
        #expect(try totals(store) == viewTotals(store))
        // A cache behind its segments is read, then folded on: a damaged one stops the totals.
        try store.connection.execute(
            """
            UPDATE sessionStandingVenue SET throughSegment = 0;
            UPDATE sessionStandingPart SET standing = substr(standing, 1, length(standing) - 1);
            """)
        let error = #expect(throws: StoreError.self) { _ = try store.sessionTotals() }
        #expect(error?.description.contains("the cached session totals of venue") == true, "\(error?.description ?? "")")
    }

    /// The run totals of the store that wrote the run fold its rows from memory: equal to the `session` view's
    /// after runs of several files holding copies of one another's sessions (open then closed, export times earlier
    /// and later, a file ingested twice in one run, whose copy is rolled back), the venues of earlier runs folded
    /// from their cache; and read from the database when what memory holds is not all that is new (the cache
    /// deleted between the writing and the totals).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func runTotalsFoldedFromMemoryAreTheViewsTotals(seed: UInt64) throws {
        let folder = TestSupport.temporaryDirectory("folded-\(seed)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var generator = SeededGenerator(state: seed)
        func sessionsFile(_ name: String) throws -> String {
            var text = generator.below(3) > 0 ? "上机记录查询,导出时间:\(time(600 + generator.below(3) * 30))\n" : ""
            text += Self.sessionHeader + "\n"
            for _ in 0..<(5 + generator.below(60)) {
                let start = generator.below(400)
                let end = generator.below(2) == 0 ? time(start + 1 + generator.below(120)) : ""
                text += "\(100 + generator.below(40)),\(Self.venues[generator.below(3)]),C1,会员,111,33010619910511507X,张三,"
                    + "01,192.168.1.2,\(time(start)),\(end),1小时,\(generator.below(900)).\(generator.below(10))0,收银员1,正常,\n"
            }
            let path = folder + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let database = folder + "/db.sqlite"
        let store = try Store(path: database)
        func run(_ paths: [String]) throws -> [FileReport] {
            let writer = try StoreWriter(store: store)
            let inputs = try InputSource.expand(paths, excluding: [database])
            return try IngestRun.run(
                IngestOptions(inputs: inputs, names: shippedNames, formatOverride: nil, jobs: 2, showProgress: false),
                writer: writer)
        }
        func viewTotals() throws -> (Int64, Int64) {
            let row = try store.textRows("SELECT count(*), coalesce(sum(amountFen), 0) FROM session")[0]
            return (Int64(row[0])!, Int64(row[1])!)
        }
        for round in 0..<3 {
            let first = try sessionsFile("r\(round)-a.csv")
            let twice = folder + "/r\(round)-a-again.csv"
            try FileManager.default.copyItem(atPath: first, toPath: twice)
            let reports = try run([first, try sessionsFile("r\(round)-b.csv"), twice, try sessionsFile("r\(round)-c.csv")])
            #expect(reports.filter { $0.status == .duplicate }.count == 1)
            let totals = try store.sessionTotals()
            #expect(totals == (try viewTotals()), "round \(round)")
            #expect(store.venuesFoldedInMemory > 0, "round \(round)")
        }
        _ = try run([try sessionsFile("last.csv")])
        try store.connection.execute("DELETE FROM sessionStandingVenue")
        #expect(try store.sessionTotals() == (try viewTotals()))
        #expect(store.venuesFoldedInMemory == 0)
    }

    /// The run totals' standing copies kept in parts of at most a few sessions (so that parts split, run after
    /// run): keys counting up, old keys sent again open or closed, keys of other lengths and letters, files without
    /// 记录号 (derived keys). After every run the totals are the `session` view's, each venue's parts add up to its row,
    /// hold no more than the limit, and each part holds only keys from its low key to the next part's; a run whose
    /// keys all come after the stored ones (sessions without 记录号, starting later: their derived keys go by start)
    /// rewrites only each venue's last part (and adds the parts it splits into).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func runTotalsKeptInPartsAreTheViewsTotals(seed: UInt64) throws {
        let folder = TestSupport.temporaryDirectory("parts-\(seed)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var generator = SeededGenerator(state: seed)
        let database = folder + "/db.sqlite"
        let store = try Store(path: database)
        store.standingPartSessions = 3 + generator.below(3)
        var counter = 100
        // Past every start (< 400 minutes) and end (< 521) of the other rows, and within the day.
        var laterStart = 530
        var sent: [String] = []
        func sessionsFile(_ name: String, onlyNewKeys: Bool) throws -> String {
            // A file without the 记录号 column now and then: its sessions are known by derived keys.
            let derived = onlyNewKeys || generator.below(4) == 0
            var text = "上机记录查询,导出时间:\(time(600 + generator.below(3) * 30))\n"
                + (derived ? String(Self.sessionHeader.dropFirst("记录号,".count)) : Self.sessionHeader) + "\n"
            for _ in 0..<(3 + generator.below(25)) {
                var key = ""
                var start = generator.below(400)
                if onlyNewKeys {
                    // A later start than any before: a derived key after every key sent before.
                    laterStart += 1 + generator.below(2)
                    start = laterStart
                } else if !derived {
                    switch generator.below(5) {
                    case 0, 1:
                        counter += 1 + generator.below(3)
                        key = String(counter)
                    case 2, 3: key = sent.isEmpty ? "7" : sent[generator.below(sent.count)]
                    default: key = ["W", "0", "A-", "99999999999"][generator.below(4)] + String(generator.below(30))
                    }
                    sent.append(key)
                }
                let end = onlyNewKeys ? time(start + 1) : generator.below(2) == 0 ? time(start + 1 + generator.below(120)) : ""
                text += (derived ? "" : "\(key),") + "\(Self.venues[generator.below(2)]),C1,会员,111,33010619910511507X,张三,"
                    + "0\(generator.below(3)),192.168.1.2,\(time(start)),\(end),1小时,\(generator.below(900)).50,收银员1,正常,\n"
            }
            let path = folder + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func run(_ paths: [String]) throws {
            let writer = try StoreWriter(store: store)
            let inputs = try InputSource.expand(paths, excluding: [database])
            _ = try IngestRun.run(
                IngestOptions(inputs: inputs, names: shippedNames, formatOverride: nil, jobs: 1, showProgress: false),
                writer: writer)
        }
        func parts() throws -> [[String]] {
            try store.textRows("SELECT venue, hex(lowKey), sessions, amountFen, hex(standing) FROM sessionStandingPart ORDER BY 1, 2")
        }
        for round in 0..<8 {
            let onlyNew = round >= 6
            let before = try parts()
            try run((0..<(1 + generator.below(3))).map { _ in try sessionsFile("r\(round)-\(generator.below(1 << 30)).csv", onlyNewKeys: onlyNew) })
            let totals = try store.sessionTotals()
            let view = try store.textRows("SELECT count(*), coalesce(sum(amountFen), 0) FROM session")[0]
            #expect([String(totals.distinct), String(totals.amountFen)] == view, "seed \(seed) round \(round)")
            #expect(try store.textRows(
                """
                SELECT count(*) FROM sessionStandingVenue c
                WHERE c.sessions != (SELECT sum(sessions) FROM sessionStandingPart p WHERE p.venue = c.venue)
                   OR c.amountFen != (SELECT sum(amountFen) FROM sessionStandingPart p WHERE p.venue = c.venue)
                   OR NOT EXISTS (SELECT 1 FROM sessionStandingPart p WHERE p.venue = c.venue AND p.lowKey = X'')
                """) == [["0"]])
            // Each part's keys lie between its low key and the next part's, and no part passes the limit.
            let rows = try store.textRows("SELECT venue FROM sessionStandingVenue")
            for venue in rows.map({ Int64($0[0])! }) {
                let statement = try store.connection.prepare(
                    "SELECT lowKey, standing FROM sessionStandingPart WHERE venue = ?")
                statement.bind(1, venue)
                var venueParts: [(low: [UInt8], keys: [[UInt8]])] = []
                while try statement.step() {
                    let standing = try SessionStanding(decoding: statement.blob(1), what: "a test part")
                    let keys = (0...standing.keys.count).map { id in Array(standing.keys.arena[standing.keys.range(Int32(id))]) }
                    #expect(standing.count <= store.standingPartSessions)
                    venueParts.append((Array(statement.blob(0)), keys))
                }
                func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
                    a.withUnsafeBytes { a in b.withUnsafeBytes { b in PartedStanding.precedes(a, b) } }
                }
                venueParts.sort { precedes($0.low, $1.low) }
                for (index, part) in venueParts.enumerated() {
                    let next = index + 1 < venueParts.count ? venueParts[index + 1].low : nil
                    for key in part.keys.dropFirst() {
                        let inside = !precedes(key, part.low) && (next.map { precedes(key, $0) } ?? true)
                        #expect(inside, "seed \(seed) round \(round): key \(key) outside its part")
                    }
                }
            }
            if onlyNew {
                // Only each venue's last part (and the parts split from it) changed.
                let after = try parts()
                func bytes(_ hex: String) -> [UInt8] {
                    var bytes: [UInt8] = []
                    var rest = Substring(hex)
                    while !rest.isEmpty {
                        bytes.append(UInt8(rest.prefix(2), radix: 16)!)
                        rest = rest.dropFirst(2)
                    }
                    return bytes
                }
                var lastLow: [String: String] = [:]
                for row in before {
                    if let known = lastLow[row[0]],
                        !bytes(known).withUnsafeBytes({ a in bytes(row[1]).withUnsafeBytes { b in PartedStanding.precedes(a, b) } })
                    {
                        continue
                    }
                    lastLow[row[0]] = row[1]
                }
                let derivedBefore = try store.textRows("SELECT count(*) FROM session WHERE recordNo LIKE '@%'")[0][0]
                #expect(Int(derivedBefore)! > 20, "derived keys stored before")
                let untouched = before.filter { $0[1] != lastLow[$0[0]] }
                #expect(untouched.allSatisfy { after.contains($0) }, "seed \(seed) round \(round)")
                #expect(untouched.count > 0, "parts other than the last")
            }
        }
    }

    /// The order of the standing's parts, key by key: 记录号 shorter first, then bytes; derived keys after them by
    /// their start (a sign, up to 19 digits), then as the others; a key that only looks derived is a 记录号.
    @Test func standingKeysGoInPartOrder() {
        let ordered = [
            "", "7", "99", "@x", "100", "A-1", "W12", "@a|5", "@a||X", "99999999999", "@a|99999999999999999999|X",
            "@z|-5|X", "@a|0|X", "@b|0|X", "@a|9|Y", "@a|10|X", "@b|10|X", "@a|9223372036854775807|X",
        ]
        func precedes(_ a: String, _ b: String) -> Bool {
            Array(a.utf8).withUnsafeBytes { a in Array(b.utf8).withUnsafeBytes { b in PartedStanding.precedes(a, b) } }
        }
        for (i, a) in ordered.enumerated() {
            for (j, b) in ordered.enumerated() {
                #expect(precedes(a, b) == (i < j), "\(a) before \(b)")
            }
        }
        #expect(Array("@t|-42|C".utf8).withUnsafeBytes { PartedStanding.derivedStart($0) } == -42)
    }

    /// A platform session re-sent with its 下网时间 takes the row over (the copy with 下网时间 wins): the file of
    /// the copy it replaced is told (`movedRealnameFiles`), so that its night is detected again; a copy that does
    /// not win (re-sent open after a closed one) and a file sent twice tell nothing.
    @Test func aPlatformSessionTakenOverTellsItsFormerFile() throws {
        let folder = TestSupport.temporaryDirectory("realname-moved")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let header = "YYCSDM,SWRYXM,ZJLX,ZJHM,SWKSSJ,SWZDH,XWSJ\n"
        func row(_ cert: String, _ terminal: String, end: String) -> String {
            "\(Self.venues[0]),张三,111,\(cert),2026-11-27 14:00:00,\(terminal),\(end)\n"
        }
        // Two rows of the first file taken over by the second (each told once), one kept.
        let files = [
            header + row("110105199001011232", "005", end: "") + row("110105201103151236", "006", end: "2026-11-27 15:00:00")
                + row("110105201007204561", "007", end: ""),
            header + row("110105199001011232", "005", end: "2026-11-27 16:00:00") + row("110105201103151236", "006", end: "")
                + row("110105201007204561", "007", end: "2026-11-27 17:00:00"),
        ]
        let database = folder + "/db.sqlite"
        let store = try Store(path: database)
        var ids: [Int64] = []
        for (index, text) in (files + [files[1]]).enumerated() {
            let path = folder + "/platform-\(index).csv"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let reports = try IngestRun.run(
                IngestOptions(
                    inputs: try InputSource.expand([path], excluding: [database]), names: shippedNames,
                    formatOverride: nil, jobs: 1, showProgress: false),
                writer: try StoreWriter(store: store))
            #expect(reports.map(\.format) == [.realnameSessions], "\(reports)")
            ids.append(reports[0].fileID)
        }
        let moved = try store.movedRealnameFiles()
        #expect(moved == [ids[0]], "\(moved) \(ids)")
        let rows = try store.textRows("SELECT terminal, fileId, endTime FROM realnameSession ORDER BY 1")
        #expect(rows.map { $0[1] } == [String(ids[1]), String(ids[0]), String(ids[1])], "\(rows)")
    }

    /// A database whose run totals were kept whole (schema 8) is carried over: each venue's standing becomes its
    /// first part, `sessionStanding` is emptied, and the totals stay the same, also when the carried part is read
    /// and folded on (its last segment folded again, which changes nothing).
    @Test func aWholeStandingIsCarriedOverAsTheFirstPart() throws {
        let folder = TestSupport.temporaryDirectory("parts-carried")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (database, _) = try makeDatabase(seed: 4, files: 3, folder: folder)
        var store: Store? = try Store(path: database)
        let expected = try store!.sessionTotals()
        // Back to schema 8: the venues' whole standings in `sessionStanding` (one part each here).
        #expect(try store!.textRows("SELECT count(*) FROM sessionStandingPart WHERE lowKey != X''") == [["0"]])
        try store!.connection.execute(
            """
            INSERT INTO sessionStanding SELECT v.venue, v.throughSegment, v.sessions, v.amountFen, p.standing
              FROM sessionStandingVenue v JOIN sessionStandingPart p ON p.venue = v.venue;
            DROP TABLE sessionStandingVenue;
            DROP TABLE sessionStandingPart;
            PRAGMA user_version = 8;
            """)
        let whole = try store!.textRows("SELECT venue, throughSegment, sessions, amountFen, hex(standing) FROM sessionStanding ORDER BY 1")
        #expect(!whole.isEmpty)
        store = nil
        store = try Store(path: database)
        #expect(try store!.textRows("SELECT count(*) FROM sessionStanding") == [["0"]])
        #expect(try store!.textRows(
            """
            SELECT v.venue, v.throughSegment, v.sessions, v.amountFen, hex(p.standing)
            FROM sessionStandingVenue v JOIN sessionStandingPart p ON p.venue = v.venue AND p.lowKey = X'' ORDER BY 1
            """) == whole)
        #expect(try store!.sessionTotals() == expected)
        try store!.connection.execute("UPDATE sessionStandingVenue SET throughSegment = throughSegment - 1")
        #expect(try store!.sessionTotals() == expected)
        #expect(try store!.textRows("SELECT count(*) FROM sessionStandingPart WHERE lowKey = X''")[0][0] == String(whole.count))
    }

    /// The cached form reads back as written, the empty key (which older cells may hold) included, and a cut or a
    /// repeated key is refused.
    @Test func aStandingReadsBackAsWritten() throws {
        var standing = SessionStanding()
        let rows: [(String, Bool, Int64, Int64)] = [
            ("101", false, 0, 500), ("", true, 1_795_900_000, -20), ("101", true, 1_795_900_000, 700),
            ("1,3", false, Int64.max, Int64.min), ("王𬀩", true, 5, 0), ("", false, 9, 99),
        ]
        for (key, closed, export, amount) in rows {
            var key = key
            let id = key.withUTF8 { standing.keys.intern(UnsafeRawBufferPointer($0)) }
            standing.take(key: id, closed: closed, export: export, amountFen: amount)
        }
        #expect(standing.totals == (4, 700 - 20 + Int64.min))
        let bytes = standing.encoded()
        let back = try bytes.withUnsafeBytes { try SessionStanding(decoding: $0, what: "a test standing") }
        #expect(back.totals == standing.totals)
        #expect(back.encoded() == bytes)
        #expect(throws: StoreError.self) {
            _ = try bytes.dropLast().withUnsafeBytes { try SessionStanding(decoding: $0, what: "cut") }
        }
        var one = SessionStanding()
        one.take(key: one.keys.intern("A"), closed: true, export: 1, amountFen: 2)
        // The bytes cells of earlier builds hold: length, key, closed, zigzag export and amount; none for no session.
        #expect(one.encoded() == [1, 0x41, 1, 2, 4])
        #expect(SessionStanding().encoded() == [])
        var long = SessionStanding()
        long.take(key: long.keys.intern(String(repeating: "k", count: 200)), closed: false, export: Int64.max, amountFen: -1)
        let longBytes = long.encoded()
        let maxExport: [UInt8] = Array(repeating: 0xFF, count: 9) + [0x01]
        #expect(longBytes == [0xC8, 0x01] + Array(repeating: 0x6B, count: 200) + [0] + [0xFE] + maxExport.dropFirst() + [1])
        let twice = one.encoded() + one.encoded()
        let repeated = #expect(throws: StoreError.self) {
            _ = try twice.withUnsafeBytes { try SessionStanding(decoding: $0, what: "twice") }
        }
        #expect(repeated?.description.contains("a key is repeated") == true)
    }

    /// A segment damaged on disk stops the read with the file and byte named; no reader skips it as fewer rows.
    @Test func aDamagedSegmentInTheDatabaseIsAnError() throws {
        let folder = TestSupport.temporaryDirectory("segments-damaged")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (database, fileIDs) = try makeDatabase(seed: 9, files: 2, folder: folder)
        let store = try Store(path: database)
        let venue = Int64(try store.textRows("SELECT venue FROM sessionSegment LIMIT 1")[0][0])!
        #expect(try !store.sessions(venue: venue).isEmpty)
        try store.connection.execute(
            "UPDATE sessionSegment SET rows = substr(rows, 1, length(rows) - 3) WHERE venue = \(venue)")
        let error = #expect(throws: StoreError.self) { _ = try store.sessions(venue: venue) }
        #expect(error?.description.contains("a session segment of file \(fileIDs[0]) is damaged at byte") == true,
            "\(error?.description ?? "")")
        #expect(throws: StoreError.self) { _ = try store.sessionTotals() }
        let transactionVenue = Int64(try store.textRows("SELECT venue FROM transactionSegment LIMIT 1")[0][0])!
        try store.connection.execute("UPDATE transactionSegment SET rows = '[[\"W1\",1,x]]'")
        #expect(throws: StoreError.self) { _ = try store.transactions(venue: transactionVenue) }
    }

    /// A database written before schema 6 (sessions and transactions as rows) is carried over: the segments hold its
    /// rows, and the views and the reader give them back unchanged.
    @Test func aSchemaFiveDatabaseIsCarriedOver() throws {
        let folder = TestSupport.temporaryDirectory("schema5")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/old.sqlite"
        let sessions = [
            "(1, '100801', 4, 111, 5, 6, 7, 3232235777, 1, 1795845600, 1795849200, 500, 8, 1, 0, 1795870000, 1, 3, NULL)",
            "(1, 'a\"b\\c', 0, 0, 0, 0, 7, NULL, 2, 1795845700, NULL, 0, 0, 2, 9, NULL, 1, 4, 19950529)",
            "(2, '100801', 4, 111, 5, 6, 7, NULL, 1, 1795845800, NULL, 120, 8, 1, 0, 1795870000, 2, 2, NULL)",
        ]
        let transactions = [
            "(1, 'W1', 1795845600, 2, 4, 5, 5000, NULL, 8, 7, 0, 2, 5)",
            "(1, 'W2', 1795845500, 3, 4, 5, 0, 5000, 0, 7, 9, 2, 6)",
        ]
        do {
            let connection = try SQLiteConnection(path: path)
            for migration in Schema.migrations.prefix(5) { try connection.execute(migration) }
            try connection.execute(
                """
                PRAGMA user_version = 5;
                INSERT INTO symbol(id, text) VALUES (1, '33010610000123'), (2, '33010610000456'), (3, 'x'), (4, 'C1'),
                  (5, '33010619910511507X'), (6, '张三'), (7, '01'), (8, '收银员1'), (9, '备注');
                INSERT INTO ingestedFile(id, path, contentHash, status) VALUES (1, 's.csv', 'h1', 'ingested'),
                  (2, 't.csv', 'h2', 'ingested');
                INSERT INTO session(venue, recordNo, card, certType, cert, name, terminal, ip, userType, startTime, endTime,
                  amountFen, cashier, checkout, note, exportTime, fileId, line, birthDate) VALUES \(sessions.joined(separator: ","));
                INSERT INTO billingTransaction(venue, serialNo, time, kind, card, cert, amountFen, balanceFen, cashier,
                  terminal, note, fileId, line) VALUES \(transactions.joined(separator: ","));
                """)
        }
        let store = try Store(path: path)
        #expect(try store.textRows("SELECT name FROM sqlite_master WHERE name IN ('session', 'billingTransaction') AND type = 'view' ORDER BY 1")
            == [["billingTransaction"], ["session"]])
        let expectedSessions = [
            ["1", "100801", "4", "111", "5", "6", "7", "3232235777", "1", "1795845600", "1795849200", "500", "8", "1", "0", "1795870000", "1", "3", ""],
            ["1", "a\"b\\c", "0", "0", "0", "0", "7", "", "2", "1795845700", "", "0", "0", "2", "9", "", "1", "4", "19950529"],
            ["2", "100801", "4", "111", "5", "6", "7", "", "1", "1795845800", "", "120", "8", "1", "0", "1795870000", "2", "2", ""],
        ]
        #expect(try store.textRows("SELECT * FROM session ORDER BY venue, startTime") == expectedSessions)
        #expect(try store.textRows("SELECT * FROM billingTransaction ORDER BY time") == [
            ["1", "W2", "1795845500", "3", "4", "5", "0", "5000", "0", "7", "9", "2", "6"],
            ["1", "W1", "1795845600", "2", "4", "5", "5000", "", "8", "7", "0", "2", "5"],
        ])
        #expect(try store.sessions(venue: 1).map(\.line) == [3, 4])
        #expect(try store.sessions(venue: 1).map(\.birthDate) == [0, 19_950_529])
        #expect(try store.resolvedSessions(venue: 1).rows.map { store.symbolText(Int64($0.terminal)) } == ["01", "01"])
        #expect(try store.transactions(venue: 1).map(\.line) == [6, 5])
        #expect(try store.textRows("SELECT name, recordNo FROM sessionView ORDER BY start") == [["张三", "100801"], ["", "a\"b\\c"], ["张三", "100801"]])
        #expect(try store.sessionTotals() == (3, 620))
    }
}
