import Dispatch
import Foundation
import LogFormats
import ShippedData

/// What to generate: `netbar generate --out DIR --venues N --seed S [--size BYTES] [--terminals N] [--anomalies]`.
package struct GeneratorOptions: Sendable {
    /// Directory that receives `dump/`, `registry/` and, with anomalies, `truth.jsonl`.
    package var outputDirectory: String
    /// Venues to generate; more when `targetBytes` needs them, at least 8 with anomalies.
    package var venues: Int
    /// Whether `venues` is the analyst's number: with `targetBytes` the venues then stay that many and grow in
    /// terminals to reach the size, instead of more venues being added.
    package var venuesGiven = false
    package var seed: UInt64
    /// Approximate uncompressed text of the whole dump, in bytes; nil for a small night (20-60 terminals a venue).
    package var targetBytes: Int64?
    /// Inject labelled cases and near misses of every detector and write `truth.jsonl`.
    package var anomalies: Bool
    /// Small mode, for a dump small enough to commit: this many ordinary terminals a venue (scenario terminals come
    /// on top), and each terminal's client runs only from shortly before its first use to shortly after its last
    /// instead of all day. nil: 20-60 ordinary-sized venues whose clients run all day. At least 2, and not with
    /// `targetBytes` (whose estimate assumes clients that run all day).
    package var terminalsPerVenue: Int?
    /// The business day (local date); sessions lie within 08:00-23:59 of it.
    package var date: (year: Int, month: Int, day: Int)
    /// A night as a plain SQL engine can read it: UTF-8, uncompressed, Pubwin's column names in one order, no title
    /// or totals lines, one time form, no re-sent or midday copies and no platform files (the DuckDB peer of
    /// `benchmarks/`). The same people, sessions and cases; only the writing is plain.
    package var plain = false

    package init(
        outputDirectory: String, venues: Int, seed: UInt64, targetBytes: Int64? = nil, anomalies: Bool = false,
        terminalsPerVenue: Int? = nil, date: (year: Int, month: Int, day: Int) = (2026, 11, 28)
    ) {
        self.outputDirectory = outputDirectory
        self.venues = venues
        self.seed = seed
        self.targetBytes = targetBytes
        self.anomalies = anomalies
        self.terminalsPerVenue = terminalsPerVenue
        self.date = date
    }
}

/// What `generateDump` wrote.
package struct GeneratorReport: Sendable {
    /// Paths relative to the output directory, sorted.
    package var files: [String]
    /// Uncompressed UTF-8 text generated, in bytes (files on disk are smaller: GBK and compression).
    package var bytesWritten: Int64
    /// Labelled cases in `truth.jsonl`.
    package var cases: Int
    /// Labelled near misses in `truth.jsonl`.
    package var nearMisses: Int
}

/// Writes a synthetic nightly dump: `dump/<venue>/...`, `registry/venues.csv` and `registry/terminals.csv`, the
/// signature lists to analyse it with in `signatures/`, and with `anomalies` `truth.jsonl`. The same options give byte-identical output; venues are built on all cores.
/// `progress` gets the text bytes generated so far, from one thread at a time.
package func generateDump(_ options: GeneratorOptions, progress: ((Int64) -> Void)? = nil) throws -> GeneratorReport {
    guard CivilTime.isValidDate(year: options.date.year, month: options.date.month, day: options.date.day) else {
        throw GeneratorError(description: "The business date \(options.date) is not a date.")
    }
    if let terminals = options.terminalsPerVenue {
        // Two ordinary terminals give the manual-billing scenarios the ordinary sessions they turn manual.
        guard terminals >= Planner.minimumTerminalsPerVenue else {
            throw GeneratorError(
                description: "Terminals per venue must be at least \(Planner.minimumTerminalsPerVenue), not \(terminals).")
        }
        guard options.targetBytes == nil else {
            throw GeneratorError(description: "A size and a number of terminals per venue cannot be combined.")
        }
    }
    let specs = Planner.venueSpecs(options)
    let outputDirectory = options.outputDirectory
    try FileManager.default.createDirectory(atPath: outputDirectory + "/registry", withIntermediateDirectories: true)

    let state = SharedProgress(count: specs.count, progress: progress)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, specs.count))
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let index = state.nextIndex() {
            do {
                let builder = VenueBuilder(spec: specs[index], seed: options.seed, date: options.date)
                state.finish(index, with: try builder.run(outputDirectory: outputDirectory))
            } catch {
                state.fail(error)
            }
        }
    }
    let outputs = try state.results()

    var files = outputs.flatMap(\.files)
    let venuesText = csv([["场所编码", "场所名称", "业主", "地址", "联系电话", "接入服务商", "公网IP", "内网网段", "登记终端数", "计费系统", "审计系统"]]
        + outputs.map(\.venueRow), newline: "\r\n")
    try Output.write(
        try Output.encode(venuesText, encoding: options.plain ? .utf8 : .gbk, compression: .none),
        to: outputDirectory + "/registry/venues.csv")
    let terminalsText = csv([["场所编码", "终端号", "IP地址", "MAC地址"]] + outputs.flatMap(\.terminalRows), newline: "\n")
    try Output.write(terminalsText, to: outputDirectory + "/registry/terminals.csv")
    files += ["registry/venues.csv", "registry/terminals.csv"]
    // The signature lists the dump is analysed with (`--signatures DIR`): the shipped billing clients, and the
    // shipped card-free list with the tool the scenarios plant.
    try FileManager.default.createDirectory(atPath: outputDirectory + "/signatures", withIntermediateDirectories: true)
    try Output.write(Array(ShippedData.billingClients.utf8), to: outputDirectory + "/signatures/billing-clients.txt")
    try Output.write(
        Array((ShippedData.cardFreeTools + "\n# Planted by `netbar generate` in its labelled scenarios:\n"
            + Tables.cardFreeTool + "\n").utf8),
        to: outputDirectory + "/signatures/card-free-tools.txt")
    files += ["signatures/billing-clients.txt", "signatures/card-free-tools.txt"]

    let truths = outputs.flatMap(\.truths).sorted()
    if options.anomalies {
        let start = TimeFormatter(year: options.date.year, month: options.date.month, day: options.date.day)
        var text = ""
        for record in truths { text += truthLine(record, times: start) + "\n" }
        try Output.write(Array(text.utf8), to: outputDirectory + "/truth.jsonl")
        files.append("truth.jsonl")
    }
    return GeneratorReport(
        files: files.sorted(), bytesWritten: outputs.reduce(0) { $0 + $1.textBytes },
        cases: truths.filter(\.isCase).count, nearMisses: truths.filter { !$0.isCase }.count)
}

/// Work distribution and results across the worker threads.
private final class SharedProgress: @unchecked Sendable {  // every field is guarded by `lock`
    private let lock = NSLock()
    private var next = 0
    private var outputs: [VenueOutput?]
    private var error: (any Error)?
    private var textBytes: Int64 = 0
    private let progress: ((Int64) -> Void)?

    init(count: Int, progress: ((Int64) -> Void)?) {
        outputs = Array(repeating: nil, count: count)
        self.progress = progress
    }

    func nextIndex() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard error == nil, next < outputs.count else { return nil }
        next += 1
        return next - 1
    }

    func finish(_ index: Int, with output: VenueOutput) {
        lock.lock()
        defer { lock.unlock() }
        outputs[index] = output
        textBytes += output.textBytes
        // Called under the lock, so the caller's closure never runs on two threads at once.
        progress?(textBytes)
    }

    func fail(_ failure: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if error == nil { error = failure }
    }

    func results() throws -> [VenueOutput] {
        lock.lock()
        defer { lock.unlock() }
        if let error { throw error }
        return outputs.map { $0! }  // every index was finished when no error was recorded
    }
}

private func csv(_ rows: [[String]], newline: String) -> [UInt8] {
    var text = ""
    for row in rows {
        text += row.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + newline
    }
    return Array(text.utf8)
}

private func truthLine(_ record: TruthRecord, times: TimeFormatter) -> String {
    func quoted(_ text: String?) -> String {
        guard let text else { return "null" }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"" + escaped + "\""
    }
    return "{\"kind\":\(quoted(record.isCase ? "case" : "near-miss")),\"detector\":\(quoted(record.detector)),"
        + "\"venue\":\(quoted(record.venue)),\"terminal\":\(quoted(record.terminal)),\"cert\":\(quoted(record.cert)),"
        + (record.address.map { "\"address\":\(quoted($0))," } ?? "")
        + "\"start\":\(quoted(times.iso8601(record.start))),\"end\":\(quoted(times.iso8601(record.end))),"
        + "\"note\":\(quoted(record.note))}"
}
