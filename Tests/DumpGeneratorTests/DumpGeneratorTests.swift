import Foundation
import LogFormats
import Testing

@testable import DumpGenerator

/// A fresh directory under the system temporary directory, removed by the caller.
private func temporaryDirectory(_ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "netbar-gen-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs a tool, feeding `input` on standard input; returns its exit status and standard output.
private func run(_ tool: String, _ arguments: [String], input: Data? = nil) throws -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let outputPipe = Pipe()
    process.standardOutput = outputPipe
    process.standardError = FileHandle.nullDevice
    let inputPipe = Pipe()
    if input != nil { process.standardInput = inputPipe }
    try process.run()
    if let input {
        // Written on another thread so a full output pipe cannot block the writer.
        let writer = Thread {
            inputPipe.fileHandleForWriting.write(input)
            try? inputPipe.fileHandleForWriting.close()
        }
        writer.start()
    }
    let output = outputPipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, output)
}

/// A file's text after undoing gzip or zstd (by magic bytes, as the reader does).
private func decompressed(_ path: String) throws -> Data {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    if data.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return try run("zstd", ["-dc", path]).output }
    if data.starts(with: [0x1F, 0x8B]) { return try run("gzip", ["-dc", path]).output }
    return data
}

private func allFiles(_ root: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: root)
    var files: [String] = []
    while let path = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
            files.append(path)
        }
    }
    return files.sorted()
}

/// Folders of the shared dumps, removed when the test process exits (tests read them in any order, so none of them
/// can remove them).
private final class SharedFolders: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []

    func add(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        if paths.isEmpty { atexit { removeSharedFolders() } }
        paths.append(path)
    }

    func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }
}

private let sharedFolders = SharedFolders()
private func removeSharedFolders() { sharedFolders.removeAll() }

/// Shared dumps: generated once, read by several tests.
private enum Dumps {
    static let ordinary: String = {
        let directory = try! temporaryDirectory("ordinary")  // a test machine without a temp dir cannot run these
        sharedFolders.add(directory)
        _ = try! generateDump(GeneratorOptions(outputDirectory: directory, venues: 3, seed: 11))
        return directory
    }()
    static let anomalies: (directory: String, report: GeneratorReport) = {
        let directory = try! temporaryDirectory("anomalies")
        sharedFolders.add(directory)
        let report = try! generateDump(GeneratorOptions(outputDirectory: directory, venues: 8, seed: 5, anomalies: true))
        return (directory, report)
    }()
}

@Test func sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot() throws {
    let again = try temporaryDirectory("again")
    let other = try temporaryDirectory("other")
    defer {
        try? FileManager.default.removeItem(atPath: again)
        try? FileManager.default.removeItem(atPath: other)
    }
    _ = try generateDump(GeneratorOptions(outputDirectory: again, venues: 3, seed: 11))
    _ = try generateDump(GeneratorOptions(outputDirectory: other, venues: 3, seed: 12))
    let files = allFiles(Dumps.ordinary)
    #expect(files == allFiles(again))
    #expect(files.count > 10)
    for file in files {
        let first = try Data(contentsOf: URL(fileURLWithPath: Dumps.ordinary + "/" + file))
        let second = try Data(contentsOf: URL(fileURLWithPath: again + "/" + file))
        #expect(first == second, "\(file) differs between two runs with the same seed")
    }
    let otherVenues = try String(contentsOfFile: other + "/registry/terminals.csv", encoding: .utf8)
    let venues = try String(contentsOfFile: Dumps.ordinary + "/registry/terminals.csv", encoding: .utf8)
    #expect(otherVenues != venues)
}

@Test func gbkAuditPipeDecodesAndHasPipeTrailBytesInNames() throws {
    var sawPipeTrail = false
    var gbkPipeFiles = 0
    for file in allFiles(Dumps.ordinary + "/dump") {
        let text = try decompressed(Dumps.ordinary + "/dump/" + file)
        guard String(data: text, encoding: .utf8) == nil else { continue }  // GBK files are not valid UTF-8
        let decoded = try run("iconv", ["-f", "GB18030", "-t", "UTF-8"], input: text)
        #expect(decoded.status == 0, "\(file) does not decode as GB18030")
        guard let utf8 = String(data: decoded.output, encoding: .utf8), utf8.contains("|HEARTBEAT|") else { continue }
        gbkPipeFiles += 1
        // 珅 is 0xAB 0x7C in GBK: a raw split on `|` would cut the name in two.
        for line in utf8.split(separator: "\n") where line.contains("|SWIPE|") && line.contains("珅") {
            #expect(line.split(separator: "|", omittingEmptySubsequences: false).count == 8)
            sawPipeTrail = true
        }
        let raw = [UInt8](text)
        #expect(zip(raw, raw.dropFirst()).contains { $0 == 0xAB && $1 == 0x7C })
    }
    #expect(gbkPipeFiles >= 1)
    #expect(sawPipeTrail)
}

@Test func ordinaryCertsAreValidAdultResidentIDs() throws {
    var checked = 0
    for file in allFiles(Dumps.ordinary + "/dump") {
        var data = try decompressed(Dumps.ordinary + "/dump/" + file)
        if String(data: data, encoding: .utf8) == nil { data = try run("iconv", ["-f", "GB18030", "-t", "UTF-8"], input: data).output }
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) where line.contains("|SWIPE|") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            guard fields[4] == "111" || fields[4] == "112" else { continue }
            let cert = Array(fields[5].uppercased().utf8)
            #expect(ResidentID.problem(cert) == nil, "\(fields[5]) is not a valid resident ID")
            if let birth = ResidentID.birthDate(cert) {
                #expect(ResidentID.age(birth: birth, on: (2026, 11, 28)) >= 18)
            }
            checked += 1
        }
    }
    #expect(checked > 50)
}

@Test func syntheticIDsCarryTheirCheckCharacter() {
    var random = SeededRandom(seed: 1)
    var sawX = false
    for sequence in 0..<500 {
        let cert = SyntheticID.residentID(
            region: random.pick(Tables.personRegions), year: random.int(1950...2005), month: random.int(1...12),
            day: random.int(1...28), sequence: sequence)
        #expect(cert.count == 18)
        #expect(ResidentID.problem(cert) == nil)
        sawX = sawX || cert[17] == UInt8(ascii: "X")
    }
    #expect(sawX)
}

@Test func zstdFilesAreSeveralFramesTheToolDecompresses() throws {
    let text = Array(String(repeating: "2026-11-28 14:03:22|33010610000123|HEARTBEAT|012|192.168.1.22|00-1A-2B-3C-4D-5E|IDLE\n", count: 2000).utf8)
    let directory = try temporaryDirectory("zstd")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Output.write(try Output.zstd(text, frames: 3), to: directory + "/three.zst")
    let listing = String(decoding: try run("zstd", ["-lv", directory + "/three.zst"]).output, as: UTF8.self)
    #expect(listing.contains("Frames: 3"))
    let roundTrip = try run("zstd", ["-dc", directory + "/three.zst"])
    #expect(roundTrip.status == 0)
    #expect([UInt8](roundTrip.output) == text)

    var multiFrameFiles = 0
    for file in allFiles(Dumps.ordinary + "/dump") {
        let path = Dumps.ordinary + "/dump/" + file
        guard try Data(contentsOf: URL(fileURLWithPath: path)).starts(with: [0x28, 0xB5, 0x2F, 0xFD]) else { continue }
        #expect(try run("zstd", ["-t", "-q", path]).status == 0)
        let listing = String(decoding: try run("zstd", ["-lv", path]).output, as: UTF8.self)
        if !listing.contains("Frames: 1\n") { multiFrameFiles += 1 }
    }
    #expect(multiFrameFiles >= 1)
}

@Test func truthLinesParseAndCoverEveryDetector() throws {
    let (directory, report) = Dumps.anomalies
    let text = try String(contentsOfFile: directory + "/truth.jsonl", encoding: .utf8)
    let lines = text.split(separator: "\n")
    #expect(lines.count == report.cases + report.nearMisses)
    var casesByDetector: [String: Int] = [:]
    var nearMissesByDetector: [String: Int] = [:]
    // venues.csv is GBK; its codes are the ASCII digits that start each row.
    let venues = Set(
        try Data(contentsOf: URL(fileURLWithPath: directory + "/registry/venues.csv"))
            .split(separator: 0x0A).dropFirst().map { String(decoding: $0.prefix(14), as: UTF8.self) })
    for line in lines {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let kind = try #require(object["kind"] as? String)
        let detector = try #require(object["detector"] as? String)
        let venue = try #require(object["venue"] as? String)
        #expect(venues.contains(venue))
        #expect(object["terminal"] is String || object["terminal"] is NSNull)
        if let cert = object["cert"] as? String { #expect(cert == cert.uppercased()) }
        let start = try #require(object["start"] as? String)
        let end = try #require(object["end"] as? String)
        #expect(start.hasSuffix("+08:00") && end.hasSuffix("+08:00") && start <= end)
        if kind == "case" { casesByDetector[detector, default: 0] += 1 } else {
            #expect(kind == "near-miss")
            nearMissesByDetector[detector, default: 0] += 1
        }
    }
    let detectors = [
        "unbilled-use", "manual-billing", "second-billing", "card-free-login", "id-sharing", "staff-card", "invalid-id",
        "minor", "after-hours", "audit-gap", "ip-mismatch", "private-network",
    ]
    for detector in detectors {
        #expect(casesByDetector[detector, default: 0] >= 1, "no case of \(detector)")
        #expect(nearMissesByDetector[detector, default: 0] >= 1, "no near miss of \(detector)")
    }
}

@Test func targetSizeIsApproached() throws {
    let directory = try temporaryDirectory("size")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var reported: Int64 = 0
    let report = try generateDump(
        GeneratorOptions(outputDirectory: directory, venues: 1, seed: 3, targetBytes: 30_000_000),
        progress: { reported = $0 })
    #expect(report.bytesWritten >= 20_000_000 && report.bytesWritten <= 60_000_000)
    #expect(reported == report.bytesWritten)
}

/// Bytes of every file under `root`, as stored on disk.
private func bytesOnDisk(_ root: String) throws -> Int {
    try allFiles(root).reduce(0) { total, file in
        let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + file)
        return total + ((attributes[.size] as? Int) ?? 0)
    }
}

/// The detectors with at least one labelled line of `kind` (`case` or `near-miss`) in a truth file.
private func labelledDetectors(_ truthPath: String, kind: String) throws -> Set<String> {
    var detectors: Set<String> = []
    for line in try String(contentsOfFile: truthPath, encoding: .utf8).split(separator: "\n") {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        if object["kind"] as? String == kind, let detector = object["detector"] as? String { detectors.insert(detector) }
    }
    return detectors
}

/// Small mode is what `samples/` is made with (`--terminals 3 --seed 7`): it must stay commit-sized and still label
/// every detector; the other seeds guard against a lucky one.
@Test(arguments: [(UInt64(7), 3), (1, 2), (4, 3)])
func smallModeStaysSmallAndLabelsEveryDetector(seed: UInt64, terminals: Int) throws {
    let directory = try temporaryDirectory("small")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let report = try generateDump(
        GeneratorOptions(outputDirectory: directory, venues: 8, seed: seed, anomalies: true, terminalsPerVenue: terminals))
    // A default night is about 60 MB of text; the whole small dump is under a tenth of that, and under 3 MB on
    // disk whichever files the seed leaves uncompressed.
    #expect(report.bytesWritten < 6_000_000)
    #expect(try bytesOnDisk(directory) < 3_000_000)
    let registry = try Data(contentsOf: URL(fileURLWithPath: directory + "/registry/venues.csv"))
    // The header, 8 venues, and the two every labelled night adds: one with no billing export, one known only
    // from an anonymised platform export.
    #expect(registry.filter { $0 == 0x0A }.count == 11)
    let detectors: Set = [
        "unbilled-use", "manual-billing", "second-billing", "card-free-login", "id-sharing", "staff-card", "invalid-id",
        "minor", "after-hours", "audit-gap", "ip-mismatch", "private-network",
    ]
    #expect(try labelledDetectors(directory + "/truth.jsonl", kind: "case") == detectors)
    #expect(try labelledDetectors(directory + "/truth.jsonl", kind: "near-miss") == detectors)
}

@Test func smallModeClientsRunOnlyAroundTheirUse() throws {
    let directory = try temporaryDirectory("small-clients")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try generateDump(GeneratorOptions(outputDirectory: directory, venues: 2, seed: 3, terminalsPerVenue: 2))
    var heartbeatsByTerminal: [String: Int] = [:]
    for file in allFiles(directory + "/dump") {
        var data = try decompressed(directory + "/dump/" + file)
        if String(data: data, encoding: .utf8) == nil { data = try run("iconv", ["-f", "GB18030", "-t", "UTF-8"], input: data).output }
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            if fields.count == 7, fields[2] == "HEARTBEAT" {
                heartbeatsByTerminal[fields[1] + "/" + fields[3], default: 0] += 1
            } else if line.hasPrefix("{"),
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "heartbeat", let venue = object["venue"] as? String,
                let terminal = object["terminal"] as? String
            {
                heartbeatsByTerminal[venue + "/" + terminal, default: 0] += 1
            }
        }
    }
    // Two ordinary terminals a venue, each with a client that runs from its first session to its last: busy
    // all day, but switched off at night, so fewer than the 1,440 heartbeats of a client that never stops.
    #expect(!heartbeatsByTerminal.isEmpty)
    for (terminal, count) in heartbeatsByTerminal {
        #expect(count > 300 && count < 1300, "\(terminal) sent \(count) heartbeats")
    }
}

@Test func smallModeRejectsTooFewTerminalsAndASize() throws {
    let directory = try temporaryDirectory("small-invalid")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(throws: GeneratorError.self) {
        try generateDump(GeneratorOptions(outputDirectory: directory, venues: 8, seed: 1, terminalsPerVenue: 1))
    }
    #expect(throws: GeneratorError.self) {
        try generateDump(
            GeneratorOptions(outputDirectory: directory, venues: 1, seed: 1, targetBytes: 1_000_000, terminalsPerVenue: 3))
    }
}

/// The exports of other systems and the platform (FORMATS.md §3.6) are in every labelled night, so that the
/// end-to-end tests read them: vendor headers, title lines of any content, platform files with pinyin and
/// Chinese headers, an anonymised export, a venue without a billing export, gateway FLOW lines.
@Test(arguments: [UInt64(5), 11, 23])
func labelledNightsHoldEveryVariation(seed: UInt64) throws {
    let directory = try temporaryDirectory("variations")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try generateDump(GeneratorOptions(outputDirectory: directory, venues: 8, seed: seed, anomalies: true))
    var firstLines: [String] = []
    var venuesWithSessions = Set<String>()
    var venues = Set<String>()
    var gatewayFlows = 0
    for file in allFiles(directory + "/dump") {
        var data = try decompressed(directory + "/dump/" + file)
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        let gbk = try run("iconv", ["-f", "GB18030", "-t", "UTF-8"], input: data).output
        let text = String(data: data, encoding: .utf8) ?? String(decoding: gbk, as: UTF8.self)
        let venue = String(file.prefix(14))
        venues.insert(venue)
        let head = text.split(separator: "\n").prefix(6).joined(separator: "\n")
        firstLines.append(head)
        if head.contains("开始时间") || head.contains("上机时间") { venuesWithSessions.insert(venue) }
        gatewayFlows += text.components(separatedBy: "|FLOW||").count - 1
            + text.components(separatedBy: "\"event\":\"flow\",\"terminal\":\"\"").count - 1
    }
    let all = firstLines.joined(separator: "\n")
    #expect(all.contains("YYCSDM,YYCSMC,DZQH") || all.contains("营业场所代码,营业场所名称,地址区划"), "a platform file")
    #expect(all.contains("PERSONID,SITEID,XB,CUSTOMERNAME,ONLINETIME,OFFLINETIME,AREAID,BIRTHDAY"), "an anonymised export")
    #expect(all.contains("场所名称:") && all.contains(",场所编码:"), "a title line naming other formats' columns")
    #expect(all.contains("机器号") || all.contains("终端编号"), "another billing system's header")
    #expect(venues.count == 10 && venues.subtracting(venuesWithSessions).count >= 2, "venues without a billing export")
    #expect(gatewayFlows > 0, "gateway FLOW lines without a terminal")
}
