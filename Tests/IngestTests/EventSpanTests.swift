import Foundation
import LogFormats
import NetbarTestSupport
import Testing

@testable import Ingest

/// Audit events are kept in segments, one venue's rows of one batch of one file (schema 8; before it, rows found by
/// the rowid span each file gave each venue, schema 5), and a night is named from the rows the writer counted by
/// day: a file that mixes venues keeps each venue's events its own, and older databases are carried over with the
/// same answers.
@Suite struct EventSpanTests {
    private static let venueA = "33010610000123"
    private static let venueB = "33010610000456"

    /// Lines of two venues interleaved in one log, then a second log of the first venue only.
    @Test func eventsOfAFileMixingVenuesStayWithTheirVenue() throws {
        let folder = TestSupport.temporaryDirectory("spans")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var mixed = ""
        var expected: [String: [Int64]] = [Self.venueA: [], Self.venueB: []]
        for line in 1...40 {
            let venue = line % 3 == 0 ? Self.venueB : Self.venueA
            let event = line % 2 == 0
                ? "ONLINE|0\(line % 7)|192.168.1.\(line % 7 + 10)|00-1A-2B-3C-4D-5E|111|330106199001011234|张三"
                : "PROC|0\(line % 7)|192.168.1.\(line % 7 + 10)|00-1A-2B-3C-4D-5E|game\(line).exe|d41d8cd98f00b204e9800998ecf8427e|START"
            mixed += "2026-11-28 10:\(String(format: "%02d", line)):00|\(venue)|\(event)\n"
            expected[venue]?.append(Int64(line))
        }
        try mixed.write(toFile: folder + "/mixed.log", atomically: true, encoding: .utf8)
        let alone = (1...5).map {
            "2026-11-28 11:0\($0):00|\(Self.venueA)|OFFLINE|01|192.168.1.11|00-1A-2B-3C-4D-5E|111|330106199001011234|张三"
        }.joined(separator: "\n") + "\n"
        try alone.write(toFile: folder + "/alone.log", atomically: true, encoding: .utf8)
        let reports = try ingest([folder + "/mixed.log", folder + "/alone.log"], database: folder + "/db.sqlite")
        #expect(reports.map(\.rows) == [40, 5])

        let store = try Store(path: folder + "/db.sqlite")
        let venues = try store.venueIDs().map { store.symbolText($0) }
        #expect(venues == [Self.venueA, Self.venueB])
        for id in try store.venueIDs() {
            let code = store.symbolText(id)
            let events = try store.events(venue: id)
            let mixedFile = reports[0].fileID
            let fromMixed = events.filter { $0.fileID == mixedFile }.map(\.line)
            #expect(fromMixed == expected[code], "\(code)")
            #expect(events.filter { $0.fileID != mixedFile }.count == (code == Self.venueA ? 5 : 0), "\(code)")
        }
        // Segments: the mixed file gave each venue one; the night is the day every row falls on.
        #expect(try store.textRows("SELECT venue, fileId, count FROM eventSegment ORDER BY id").map { $0[2] } == ["27", "13", "5"])
        #expect(try store.textRows("SELECT count(*) FROM auditEvent") == [["45"]])
        #expect(try store.textRows("SELECT sum(rows) FROM fileDay") == [["45"]])
        #expect(try store.assignNight(fileIDs: reports.map(\.fileID), given: nil) == "2026-11-28")
    }

    /// A schema-4 database (events found by an index) opened by this build: day counts are made from its rows, the
    /// rows move into segments (through schema 5's spans), the index and the table are gone, and the events read are
    /// the same, columns that were NULL included.
    @Test func aSchemaFourDatabaseIsCarriedOver() throws {
        let folder = TestSupport.temporaryDirectory("schema4")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/old.sqlite"
        let online = AuditEventKind.online.rawValue
        let flow = AuditEventKind.flow.rawValue
        do {
            let connection = try SQLiteConnection(path: path)
            for migration in Schema.migrations.prefix(4) { try connection.execute(migration) }
            try connection.execute(
                """
                PRAGMA user_version = 4;
                INSERT INTO symbol(id, text) VALUES (1, '\(Self.venueA)'), (2, '\(Self.venueB)'), (3, '01');
                INSERT INTO ingestedFile(id, path, contentHash, status) VALUES (1, 'a.log', 'h1', 'ingested');
                INSERT INTO auditEvent(id, venue, time, kind, terminal, fileId, line) VALUES
                  (1, 1, 1795845600, \(online), 3, 1, 1), (2, 2, 1795845660, \(online), 3, 1, 2),
                  (3, 1, 1795845720, \(online), 3, 1, 3), (4, 1, 1795845780, \(flow), 3, 1, 4);
                """)
        }
        let store = try Store(path: path)
        #expect(try store.textRows("SELECT venue, fileId, count, rows FROM eventSegment ORDER BY venue") == [
            ["1", "1", "3", "[[1795845600,\(online),3,null,null,null,null,null,null,null,null,null,null,null,null,1],"
                + "[1795845720,\(online),3,null,null,null,null,null,null,null,null,null,null,null,null,3],"
                + "[1795845780,\(flow),3,null,null,null,null,null,null,null,null,null,null,null,null,4]]"],
            ["2", "1", "1", "[[1795845660,\(online),3,null,null,null,null,null,null,null,null,null,null,null,null,2]]"],
        ])
        #expect(try store.textRows("SELECT type, name FROM sqlite_master WHERE name IN ('auditEvent', 'auditEventSpan', 'auditEventByVenue')")
            == [["view", "auditEvent"]])
        #expect(try store.textRows("SELECT venue, time, kind, terminal, ip, cert, fileId, line FROM auditEvent ORDER BY line") == [
            ["1", "1795845600", "\(online)", "3", "", "", "1", "1"], ["2", "1795845660", "\(online)", "3", "", "", "1", "2"],
            ["1", "1795845720", "\(online)", "3", "", "", "1", "3"], ["1", "1795845780", "\(flow)", "3", "", "", "1", "4"],
        ])
        #expect(try store.textRows("SELECT fileId, day, rows FROM fileDay") == [["1", "\((1795845600 + 28800) / 86400)", "4"]])
        #expect(try store.events(venue: 1).map(\.line) == [1, 3])
        #expect(try store.events(venue: 1).map { [$0.cert, $0.text, Int64($0.certType), Int64($0.code)] } == [[0, 0, 0, 0], [0, 0, 0, 0]])
        #expect(try store.flows(venue: 1).map { [$0.ipv4, $0.destinationIPv4, $0.bytesUp] } == [[absentInt64, absentInt64, 0]])
        #expect(try store.flows(venue: 1).map(\.line) == [4])
        #expect(try store.events(venue: 2).map(\.line) == [2])
        #expect(try store.venueIDs().sorted() == [1, 2])
    }

    /// A schema-7 database (audit events as rows with spans) opened by this build: every column of every row comes
    /// back from the `auditEvent` view as it was, the reader gives the same events and flows, and a scope of one
    /// file still limits them.
    @Test func aSchemaSevenDatabaseIsCarriedOver() throws {
        let folder = TestSupport.temporaryDirectory("schema7")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/old.sqlite"
        let online = AuditEventKind.online.rawValue
        let process = AuditEventKind.process.rawValue
        let flow = AuditEventKind.flow.rawValue
        // venue, time, kind, terminal, ip, mac, certType, cert, name, text, md5, code, dstIp, dstPort, bytesUp,
        // bytesDown, fileId, line: an id ahead of its span's order, NULL addresses, the largest MAC, big byte counts.
        let rows = [
            "1|1795845600|\(online)|3|3232235777|281474976710655|111|4|5|0|0|0||0|0|0|1|2",
            "1|1795845660|\(process)|3|3232235777||0|0|0|6|7|1||0|0|0|1|3",
            "2|1795845700|\(online)|3|||111|4|5|0|0|0||0|0|0|1|4",
            "1|1795845720|\(flow)|0|3232235778|1|0|0|0|0|0|0|134744072|53|9007199254740993|4800|2|1",
            "1|1795845600|\(online)|3|3232235777|281474976710655|111|4|5|0|0|0||0|0|0|2|2",
        ]
        do {
            let connection = try SQLiteConnection(path: path)
            for migration in Schema.migrations.prefix(7) { try connection.execute(migration) }
            let values = rows.enumerated().map { id, row in
                "(\(id + 1), " + row.split(separator: "|", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? "NULL" : String($0) }.joined(separator: ", ") + ")"
            }
            try connection.execute(
                """
                PRAGMA user_version = 7;
                INSERT INTO symbol(id, text) VALUES (1, '\(Self.venueA)'), (2, '\(Self.venueB)'), (3, '01'),
                  (4, '330106199001011234'), (5, '张三'), (6, 'game.exe'), (7, 'd41d8cd98f00b204e9800998ecf8427e');
                INSERT INTO ingestedFile(id, path, contentHash, status) VALUES (1, 'a.log', 'h1', 'ingested'),
                  (2, 'b.log', 'h2', 'ingested');
                INSERT INTO auditEvent(id, venue, time, kind, terminal, ip, mac, certType, cert, name, text, md5, code,
                  dstIp, dstPort, bytesUp, bytesDown, fileId, line) VALUES \(values.joined(separator: ", "));
                INSERT INTO auditEventSpan(venue, fileId, firstId, lastId) VALUES (1, 1, 1, 2), (2, 1, 3, 3), (1, 2, 4, 5);
                """)
        }
        let store = try Store(path: path)
        let view = try store.textRows(
            """
            SELECT venue, time, kind, terminal, ip, mac, certType, cert, name, text, md5, code, dstIp, dstPort, bytesUp,
              bytesDown, fileId, line FROM auditEvent ORDER BY fileId, line
            """)
        #expect(view.map { $0.joined(separator: "|") } == rows)
        #expect(try store.textRows("SELECT typeof(bytesUp), typeof(ip) FROM auditEvent WHERE kind = \(flow)") == [["integer", "integer"]])
        // The event the second file sends again is read once, its first copy kept.
        #expect(try store.events(venue: 1).map { [$0.timeSeconds, $0.fileID, $0.line] } == [
            [1795845600, 1, 2], [1795845660, 1, 3],
        ])
        let started = try store.events(venue: 1)[1]
        #expect(store.symbolText(started.text) == "game.exe" && started.code == 1 && started.certType == 0)
        let flows = try store.flows(venue: 1)
        #expect(flows.map { [$0.ipv4, $0.mac, $0.destinationIPv4, $0.bytesUp, $0.bytesDown, $0.line] } == [
            [3_232_235_778, 1, 134_744_072, 9_007_199_254_740_993, 4800, 1],
        ])
        try store.setScope(fileIDs: [1])
        #expect(try store.events(venue: 1).map(\.line) == [2, 3])
        #expect(try store.flows(venue: 1).isEmpty)
        #expect(try store.venueIDs() == [1, 2])
        try store.setScope(fileIDs: [2])
        #expect(try store.events(venue: 1).map { [$0.fileID, $0.line] } == [[2, 2]])
        #expect(try store.venueIDs() == [1])
    }

    /// A segment damaged on disk stops the read with its file named; no reader skips it as fewer events.
    @Test func aDamagedEventSegmentIsAnError() throws {
        let folder = TestSupport.temporaryDirectory("events-damaged")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = (1...3).map {
            "2026-11-28 10:0\($0):00|\(Self.venueA)|OFFLINE|01|192.168.1.11|00-1A-2B-3C-4D-5E|111|330106199001011234|张三"
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/a.log", atomically: true, encoding: .utf8)
        let report = try ingest([folder + "/a.log"], database: folder + "/db.sqlite")[0]
        let store = try Store(path: folder + "/db.sqlite")
        let venue = try store.venueIDs()[0]
        #expect(try store.events(venue: venue).count == 3)
        for damage in ["substr(rows, 1, length(rows) - 3)", "replace(rows, ',1]', ',x]')", "'[[1795845600,1]]'"] {
            try store.connection.execute("UPDATE eventSegment SET rows = \(damage)")
            let error = #expect(throws: StoreError.self) { _ = try store.events(venue: venue) }
            #expect(error?.description.contains("an audit event segment of file \(report.fileID) is damaged at byte") == true,
                "\(damage): \(error?.description ?? "")")
            #expect(throws: StoreError.self) { _ = try store.flows(venue: venue) }
        }
        try store.connection.execute("UPDATE eventSegment SET rows = '[[1795845600,99,0,null,null,0,0,0,0,0,0,null,0,0,0,7]]'")
        let unknown = #expect(throws: StoreError.self) { _ = try store.events(venue: venue) }
        #expect(unknown?.description.contains("file \(report.fileID) line 7 has the unknown kind 99") == true)
        // The Parquet export reads the segments with the same reader: a damaged one stops it, naming the file.
        _ = try store.assignNight(fileIDs: [report.fileID], given: "2026-11-28")
        try store.connection.execute("UPDATE eventSegment SET rows = '[[1795845600,1]]'")
        let export = #expect(throws: ExportError.self) { _ = try store.exportParquet(to: folder + "/parquet") }
        #expect(export?.description.contains("an audit event segment of file \(report.fileID) is damaged") == true,
            "\(export?.description ?? "")")
    }
}

/// `StringDictionary.truncate(keeping:)`: what a rolled-back file interned is forgotten as if never interned.
/// Interns `text`'s UTF-8 bytes.
private func intern(_ dictionary: inout StringDictionary, _ text: String) -> Int32 {
    var text = text
    return text.withUTF8 { dictionary.intern(UnsafeRawBufferPointer($0)) }
}

@Suite struct StringDictionaryTruncateTests {
    @Test(arguments: [1, 2, 3] as [UInt64])
    func truncatedDictionaryEqualsOneBuiltFromItsPrefix(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        func next(_ bound: Int) -> Int { generator.below(bound) }
        var dictionary = StringDictionary()
        var kept: [String] = []
        for round in 0..<30 {
            // Enough strings now and then to make the table grow while "a file" is open.
            let before = dictionary.count
            let added = (0..<(1 + next(round % 7 == 0 ? 3_000 : 40))).map { _ in "s\(next(5_000))" }
            for text in added { _ = intern(&dictionary, text) }
            if next(2) == 0 {
                dictionary.truncate(keeping: before)
            } else {
                for text in added where !kept.contains(text) { kept.append(text) }
            }
            var reference = StringDictionary()
            for text in kept { _ = intern(&reference, text) }
            #expect(dictionary.count == reference.count, "seed \(seed) round \(round)")
            #expect(dictionary.arena == reference.arena && dictionary.ends == reference.ends)
            // Every kept string is found again under its id, and a forgotten one comes back as a new id.
            for (offset, text) in kept.enumerated().filter({ _ in next(10) == 0 }) {
                #expect(intern(&dictionary, text) == Int32(offset + 1))
            }
            #expect(dictionary.count == kept.count)
        }
    }

    /// Texts of every length to 40 bytes that differ in one byte, at every position (the word compare and the
    /// tail's loads of 4, 2 and 1 bytes): each gets its own id, and the same id again, from any copy of its bytes.
    @Test func textsDifferingInOneByteAnywhereKeepTheirOwnIds() {
        var dictionary = StringDictionary()
        var ids: [String: Int32] = [:]
        for length in 1...40 {
            for position in 0..<length {
                for byte in ["b", "\u{0}", "\u{7F}"] {
                    var text = Array(repeating: "a", count: length)
                    text[position] = byte
                    let string = text.joined()
                    let id = intern(&dictionary, string)
                    if let known = ids[string] { #expect(id == known, "\(length) \(position)") } else { ids[string] = id }
                }
            }
            let plain = String(repeating: "a", count: length)
            ids[plain] = intern(&dictionary, plain)
        }
        #expect(dictionary.count == ids.count)
        #expect(Set(ids.values).count == ids.count)
        for (string, id) in ids {
            #expect(intern(&dictionary, string) == id)
            #expect(dictionary.string(id) == string)
        }
    }

    /// Slots carry the top bits of a hash beside the id: strings given hashes that share a slot, a tag, or both
    /// (as many as 400 on one slot with one tag), through the table's growth (which moves the tag's bits) and a
    /// rolled-back tail, each keep their own id, found again by the same hash, as a plain dictionary says.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func stringsSharingSlotAndTagKeepTheirIds(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        var dictionary = StringDictionary()
        var reference: [String: (id: Int32, hash: UInt64)] = [:]
        var order: [String] = []
        // Four hashes' worth of slots and tags: the same low half or the same high half as others.
        let lows: [UInt64] = [0x1234_5677, 0x1234_5677 ^ 0x400, 0x0000_0003]
        let highs: [UInt64] = [0xDEAD_BEEF, 0xDEAD_BEEF ^ 0x8000_0000, 0x0000_0001]
        func hash() -> UInt64 { highs[generator.below(highs.count)] << 32 | lows[generator.below(lows.count)] }
        func intern(_ text: String, _ hash: UInt64) -> Int32 {
            var text = text
            return text.withUTF8 { dictionary.intern(UnsafeRawBufferPointer($0), hash: hash) }
        }
        for round in 0..<12 {
            let before = dictionary.count
            var added: [String] = []
            for _ in 0..<(1 + generator.below(round == 5 ? 1_500 : 60)) {
                let text = "x\(generator.below(3_000))"
                if let known = reference[text] {
                    #expect(intern(text, known.hash) == known.id, "seed \(seed) round \(round) \(text)")
                    continue
                }
                let chosen = hash()
                let id = intern(text, chosen)
                #expect(id == Int32(dictionary.count), "a new string takes the next id")
                reference[text] = (id, chosen)
                order.append(text)
                added.append(text)
            }
            if generator.below(3) == 0 {
                dictionary.truncate(keeping: before)
                for text in added { reference[text] = nil }
                order.removeLast(added.count)
            }
            #expect(dictionary.count == reference.count, "seed \(seed) round \(round)")
            for (offset, text) in order.enumerated() {
                #expect(intern(text, reference[text]!.hash) == Int32(offset + 1), "seed \(seed) round \(round) \(text)")
            }
            #expect(dictionary.count == reference.count)
        }
    }

    /// Room made part way through (a batch reaching `BatchCapacity.roomAt` rows) keeps every string under its id.
    @Test(arguments: [0, 1, 700, 5_000] as [Int])
    func roomMadeAfterSomeStringsKeepsTheirIds(before: Int) {
        var dictionary = StringDictionary()
        var reference = StringDictionary()
        let texts = (0..<8_000).map { "t\($0 * 7919 % 10_007)" }
        for text in texts.prefix(before) {
            _ = intern(&dictionary, text)
            _ = intern(&reference, text)
        }
        dictionary.reserve(strings: 3 * 8_192, bytes: 40 * 8_192)
        for (offset, text) in texts.prefix(before).enumerated() {
            #expect(intern(&dictionary, text) == intern(&reference, text), "\(offset)")
        }
        #expect(dictionary.count == reference.count)
        for text in texts { #expect(intern(&dictionary, text) == intern(&reference, text)) }
        #expect(dictionary.count == reference.count && dictionary.arena == reference.arena)
    }

    /// Cert numbers are interned upper-cased: the word-wise test for a-z against a byte loop, on every byte value at
    /// every position of texts to 40 bytes (UTF-8 lead and continuation bytes included), and the ids it gives.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func lowercaseFoundWordWiseAsByteByByte(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        var dictionary = StringDictionary()
        for _ in 0..<20_000 {
            var bytes = (0..<generator.below(41)).map { _ in UInt8(ascii: "0") + UInt8(generator.below(10)) }
            if !bytes.isEmpty, generator.below(4) != 0 {
                bytes[generator.below(bytes.count)] = UInt8(truncatingIfNeeded: generator.below(256))
            }
            let expected = bytes.contains { $0 >= 0x61 && $0 <= 0x7A }
            let found = bytes.withUnsafeBytes { StringDictionary.holdsLowercase($0) }
            #expect(found == expected, "\(bytes)")
            let upper = bytes.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
            let id = bytes.withUnsafeBytes { dictionary.internUppercased($0) }
            #expect(id == upper.withUnsafeBytes { dictionary.intern($0) }, "\(bytes)")
        }
    }

    /// Interning a whole batch dictionary (with its fetches ahead) gives what interning its strings one by one
    /// gives: the same ids, the same table after, through the table's growth, for batches smaller and larger than
    /// the fetch distance, with strings old and new, of lengths around a word's.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func internAllOfEqualsInterningOneByOne(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        func next(_ bound: Int) -> Int { generator.below(bound) }
        var whole = StringDictionary()
        var reference = StringDictionary()
        for round in 0..<12 {
            var batch = StringDictionary()
            let size = [0, 1, 7, 8, 9, 17, 25, 3_000][round % 8] + next(3)
            for _ in 0..<size { _ = intern(&batch, String(repeating: "x", count: next(20)) + "\(next(4_000))") }
            let ids = whole.intern(allOf: batch)
            #expect(ids.count == batch.count + 1 && ids.first == 0)
            for id in 1..<(batch.count + 1) {
                let text = batch.string(Int32(id))
                #expect(Int64(intern(&reference, text)) == ids[id], "seed \(seed) round \(round) id \(id)")
            }
            // Strings interned one at a time (as the store's other writers do) meet the batch's.
            for _ in 0..<next(30) {
                let text = String(repeating: "x", count: next(20)) + "\(next(4_000))"
                #expect(intern(&whole, text) == intern(&reference, text), "seed \(seed) round \(round)")
            }
            #expect(whole.arena == reference.arena && whole.ends == reference.ends)
        }
    }
}
