import ArgumentParser
import DumpGenerator
import Foundation
import Ingest

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic nightly dump and its registry (with --anomalies: labelled cases and their truth).")

    @Option(name: .long, help: "Output directory (gets dump/, registry/ and, with --anomalies, truth.jsonl).")
    var out: String
    @Option(
        name: .long,
        help: "Number of venues (default 5; with --size alone, as many as the size needs; with both, this many venues sized to fit).")
    var venues: Int?
    @Option(name: .long, help: "Random seed; the same seed writes the same bytes.")
    var seed: UInt64 = 1
    @Option(name: .long, help: "Approximate size of the dump's text: bytes, or with K, M or G (e.g. 1G).")
    var size: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Small mode: ordinary terminals a venue (at least 2; scenario terminals come on top), their clients "
                + "running only around their use; not with --size."))
    var terminals: Int?
    @Flag(name: .long, help: "Inject labelled cases of every detector and near misses; write truth.jsonl.")
    var anomalies = false
    @Flag(name: .long, help: "No progress line on standard error.")
    var quiet = false
    @Flag(
        name: .long,
        help: "Write the night plainly: UTF-8, uncompressed, Pubwin's columns, no title lines or copies (for SQL engines).")
    var plain = false
    @Option(name: .long, help: "The business day of the dump (YYYY-MM-DD; default 2026-11-28).")
    var night = "2026-11-28"

    static func parseSize(_ text: String) throws(RunError) -> Int64 {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = text.uppercased()
        var multiplier: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            multiplier = unit
            digits.removeLast()
        } else if digits.hasSuffix("B"), digits.count > 1, let unit = units[digits[digits.index(digits.endIndex, offsetBy: -2)]] {
            multiplier = unit
            digits.removeLast(2)
        }
        guard let value = Double(digits), value > 0 else {
            throw .usage("--size '\(text)' is not a size such as 200M or 1G")
        }
        return Int64(value * Double(multiplier))
    }

    func run() throws {
        guard (venues ?? 5) >= 1 else { throw RunError.usage("--venues must be at least 1") }
        let targetBytes = try size.map(Self.parseSize)
        guard let day = try Wiring.parseNight(night)?.split(separator: "-").map({ Int($0) ?? 0 }), day.count == 3 else {
            throw RunError.usage("--night '\(night)' is not a date such as 2026-11-28")
        }
        let started = Date()
        let target = targetBytes ?? 0
        let report: GeneratorReport
        do {
            var options = GeneratorOptions(
                outputDirectory: out, venues: venues ?? 5, seed: seed, targetBytes: targetBytes, anomalies: anomalies,
                terminalsPerVenue: terminals, date: (day[0], day[1], day[2]))
            options.venuesGiven = venues != nil
            options.plain = plain
            report = try generateDump(options) { written in
                guard !quiet, target > 0 else { return }
                let percent = min(100, Int(written * 100 / max(1, target)))
                writeStandardError("\rgenerate: \(written >> 20) MB of about \(target >> 20) MB (\(percent)%)")
            }
        } catch {
            throw RunError.usage("generate: \(error)")
        }
        if !quiet && target > 0 { writeStandardError("\n") }
        let seconds = Date().timeIntervalSince(started)
        print(
            "Wrote \(report.files.count) files, \(report.bytesWritten >> 20) MB of text, to \(out) in "
                + String(format: "%.1f", seconds) + " s"
                + (anomalies ? "; \(report.cases) labelled cases and \(report.nearMisses) near misses in truth.jsonl" : ""))
    }
}
