import LogFormats

/// What `netbar scan` tells of one file without storing it: enough for a cluster job to group the night's files by
/// venue and to name the night and its end exactly as one `analyze` of the whole dump would (FORMATS.md §5).
package struct FileScan: Sendable {
    package var report: FileReport
    /// Every venue a row of the file names (sessions, records, transactions, audit events, heartbeats, addresses).
    package var venues: Set<String> = []
    /// Rows by local (UTC+8) day number, counted as the store counts them to name a night (`fileDay`).
    package var dayRows: [Int64: Int64] = [:]
    /// The latest time of the file's data as the store reads the end of a dump (`dataEndSeconds`); nil when none.
    package var dataEndSeconds: Int64?
}

/// An `IngestWriter` that keeps nothing but each file's venues, day counts and latest time: the same parsers as an
/// ingest, no database.
package final class ScanWriter: IngestWriter {
    package private(set) var scans: [FileScan] = []
    private var current = FileScan(report: FileReport(path: ""))
    /// A scan's hashes only meet other scans' of the same build.
    package let wantsLegacyContentHash = false

    package init() {}

    package func beginFile(path: String) throws(StoreError) {
        current = FileScan(report: FileReport(path: path))
    }

    private func count(_ seconds: Int64, rows: Int64 = 1) {
        current.dayRows[(seconds + 28800) / 86400, default: 0] += rows
    }

    private func end(_ seconds: Int64) {
        current.dataEndSeconds = max(current.dataEndSeconds ?? seconds, seconds)
    }

    private func venues(_ ids: ContiguousArray<Int32>, _ dictionary: StringDictionary) {
        for id in Set(ids) { current.venues.insert(dictionary.string(id)) }
    }

    package func write(_ message: IngestMessage) throws(StoreError) {
        switch message {
        case .sessions(let batch, _), .realnameSessions(let batch):
            venues(batch.venue, batch.dictionary)
            for row in 0..<batch.count {
                count(batch.startSeconds[row])
                let endSeconds = batch.endSeconds[row]
                end(endSeconds == absentInt64 ? batch.startSeconds[row] : endSeconds)
            }
        case .transactions(let batch):
            venues(batch.venue, batch.dictionary)
            for row in 0..<batch.count {
                count(batch.timeSeconds[row])
                end(batch.timeSeconds[row])
            }
        case .events(let batch):
            venues(batch.venue, batch.dictionary)
            for row in 0..<batch.count { count(batch.timeSeconds[row]) }
        case .pulses(let runs):
            for run in runs {
                current.venues.insert(run.venue)
                count(run.minSeconds, rows: Int64(run.count))
            }
        case .addresses(let aggregates):
            for aggregate in aggregates { current.venues.insert(aggregate.venue) }
        case .coverage(let spans):
            for span in spans {
                current.venues.insert(span.venue)
                end(span.lastSeconds)
            }
        case .quarantine, .registry, .end:
            break
        }
    }

    package func endFile(_ report: FileReport) throws(StoreError) -> FileReport {
        current.report = report
        // A file the store would not keep (nothing usable) counts for nothing, as in an ingest.
        if !report.keepsRows {
            current.venues = []
            current.dayRows = [:]
            current.dataEndSeconds = nil
        }
        scans.append(current)
        return report
    }

    package func abandonFile() {}
}

extension FileScan {
    /// One JSON object (a line of `netbar scan`): path, status, format, content hash, bytes, venues, rows by night
    /// name (`YYYY-MM-DD`), and the latest time as epoch seconds.
    package var json: String {
        var line = "{\"path\":\(JSONText.quoted(report.path)),\"status\":\(JSONText.quoted(report.status.rawValue))"
        line += ",\"format\":\(report.format.map { JSONText.quoted($0.rawValue) } ?? "null")"
        line += ",\"content_hash\":\(JSONText.quoted(report.contentHash)),\"bytes\":\(report.bytes)"
        line += ",\"venues\":[" + venues.sorted().map(JSONText.quoted).joined(separator: ",") + "]"
        line += ",\"days\":{" + dayRows.sorted { $0.key < $1.key }.map { "\"\(Self.dayName($0.key))\":\($0.value)" }
            .joined(separator: ",") + "}"
        line += ",\"data_end\":\(dataEndSeconds.map(String.init) ?? "null")}"
        return line
    }

    /// `2026-11-28` of a local day number (as SQLite's `date(day * 86400, 'unixepoch')` names it).
    static func dayName(_ day: Int64) -> String {
        let date = CivilTime.civilFromDays(day)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day))"
    }

}
