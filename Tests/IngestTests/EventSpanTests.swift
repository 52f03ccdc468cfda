import Foundation
import LogFormats
import NetbarTestSupport
import Testing

@testable import Ingest

/// Audit events are found through the rowid span each file gave each venue (schema 5), and a night is named from
/// the rows the writer counted by day: a file that mixes venues keeps each venue's events its own, and a
/// database written before schema 5 is carried over with the same answers.
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
        // Spans: the mixed file gave each venue one (overlapping) span; the night is the day every row falls on.
        #expect(try store.textRows("SELECT count(*) FROM auditEventSpan") == [["3"]])
        #expect(try store.textRows("SELECT sum(rows) FROM fileDay") == [["45"]])
        #expect(try store.assignNight(fileIDs: reports.map(\.fileID), given: nil) == "2026-11-28")
    }

    /// A schema-4 database (events found by an index) opened by this build: spans and day counts are made from
    /// its rows, the index is gone, and the events read are the same.
    @Test func aSchemaFourDatabaseIsCarriedOver() throws {
        let folder = TestSupport.temporaryDirectory("schema4")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/old.sqlite"
        do {
            let connection = try SQLiteConnection(path: path)
            for migration in Schema.migrations.prefix(4) { try connection.execute(migration) }
            let online = AuditEventKind.online.rawValue
            let flow = AuditEventKind.flow.rawValue
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
        #expect(try store.textRows("SELECT venue, fileId, firstId, lastId FROM auditEventSpan ORDER BY venue")
            == [["1", "1", "1", "4"], ["2", "1", "2", "2"]])
        #expect(try store.textRows("SELECT count(*) FROM sqlite_master WHERE name = 'auditEventByVenue'") == [["0"]])
        #expect(try store.textRows("SELECT fileId, day, rows FROM fileDay") == [["1", "\((1795845600 + 28800) / 86400)", "4"]])
        #expect(try store.events(venue: 1).map(\.line) == [1, 3])
        #expect(try store.flows(venue: 1).map(\.line) == [4])
        #expect(try store.events(venue: 2).map(\.line) == [2])
        #expect(try store.venueIDs().sorted() == [1, 2])
    }
}

/// `StringDictionary.truncate(keeping:)`: what a rolled-back file interned is forgotten as if never interned.
@Suite struct StringDictionaryTruncateTests {
    @Test(arguments: [1, 2, 3] as [UInt64])
    func truncatedDictionaryEqualsOneBuiltFromItsPrefix(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        func next(_ bound: Int) -> Int { generator.below(bound) }
        func intern(_ dictionary: inout StringDictionary, _ text: String) -> Int32 {
            var text = text
            return text.withUTF8 { dictionary.intern(UnsafeRawBufferPointer($0)) }
        }
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
}
