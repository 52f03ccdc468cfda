import Foundation
import LogFormats

/// What `ingest` is asked to do.
package struct IngestOptions: Sendable {
    package var inputs: [InputFile]
    /// `--format`: read every input as this format instead of recognising it.
    package var formatOverride: Format?
    /// The header map CSV exports are recognised and read by.
    package var names: ColumnNames
    /// Files parsed at once (the writer is one more thread).
    package var jobs: Int
    package var showProgress: Bool

    package init(
        inputs: [InputFile], names: ColumnNames, formatOverride: Format? = nil, jobs: Int = 2, showProgress: Bool = true
    ) {
        self.inputs = inputs
        self.names = names
        self.formatOverride = formatOverride
        self.jobs = max(1, jobs)
        self.showProgress = showProgress
    }
}

/// Where parsed files go, one at a time in input order: the store's writer, or a scan that only counts.
package protocol IngestWriter {
    /// Whether files are to be hashed the way builds before `ContentHash` did, too (a database holding such values).
    var wantsLegacyContentHash: Bool { get }
    func beginFile(path: String) throws(StoreError)
    func write(_ message: IngestMessage) throws(StoreError)
    /// Ends the file and returns its report with its final status.
    func endFile(_ report: FileReport) throws(StoreError) -> FileReport
    /// Gives up the current file after an error.
    func abandonFile()
}

extension StoreWriter: IngestWriter {
    package var wantsLegacyContentHash: Bool { store.holdsLegacyContentHashes }
}

/// Runs the ingest: files are parsed in parallel (STYLE.md §3: parallel across files first), each into
/// its own bounded channel, and the single writer stores them in input order, so that a re-run gives
/// the same database whatever the thread timing.
package enum IngestRun {
    /// Messages buffered per file in flight: with `jobs` files in flight, memory is bounded by
    /// jobs × this × one batch.
    static let channelCapacity = 16
    /// Files admitted and not yet written, at most (each holds a channel).
    static let maximumFilesAhead = 256
    /// On-disk bytes of the files admitted and not yet written, beyond one file per job: what parsed-but-unwritten
    /// batches can hold is bounded by this and by the channels' capacity.
    static let admittedBytesBudget: Int64 = 96 << 20

    package static func run(_ options: IngestOptions, writer: some IngestWriter) throws(StoreError) -> [FileReport] {
        let files = options.inputs
        guard !files.isEmpty else { return [] }
        let channels = (0..<files.count).map { _ in Channel<IngestMessage>(capacity: channelCapacity) }
        let nextFile = SharedCounter()
        let bytesRead = SharedCounter()
        let totalBytes = files.reduce(Int64(0)) { $0 + $1.sizeBytes }
        let progress = ProgressReporter(totalBytes: totalBytes, label: "ingest", enabled: options.showProgress)
        // Finished but unwritten files cannot pile up behind one slow file beyond the budget, while the other
        // core goes on parsing the files after it (dumps mix 30 MB audit logs with 50 kB billing exports).
        let admitted = AdmissionGate(
            alwaysAdmitted: options.jobs, maximumFiles: maximumFilesAhead, budgetBytes: admittedBytesBudget)
        let formatOverride = options.formatOverride
        let names = options.names
        let legacyContentHash = writer.wantsLegacyContentHash

        for _ in 0..<min(options.jobs, files.count) {
            let thread = Thread {
                while true {
                    let index = Int(nextFile.add(1)) - 1
                    guard index < files.count else { return }
                    admitted.admit(index, bytes: files[index].sizeBytes)
                    let channel = channels[index]
                    var lastReported: Int64 = 0
                    let ingestor = FileIngestor(
                        file: files[index], formatOverride: formatOverride, names: names, send: { channel.send($0) },
                        progress: { read in
                            _ = bytesRead.add(read - lastReported)
                            lastReported = read
                        }, legacyContentHash: legacyContentHash)
                    ingestor.run()
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }

        var reports: [FileReport] = []
        reports.reserveCapacity(files.count)
        var failure: StoreError?
        for index in 0..<files.count {
            let channel = channels[index]
            var began = false
            while true {
                let message = channel.receive()
                if failure != nil {
                    if case .end(let report) = message { reports.append(report) }
                    if case .end = message { break }
                    continue
                }
                do throws(StoreError) {
                    if !began {
                        try writer.beginFile(path: files[index].path)
                        began = true
                    }
                    if case .end(let report) = message {
                        reports.append(try writer.endFile(report))
                        break
                    }
                    try writer.write(message)
                } catch {
                    failure = error
                    writer.abandonFile()
                    if case .end(let report) = message {
                        reports.append(report)
                        break
                    }
                }
                progress.update(bytesRead: bytesRead.current, filesDone: index, filesTotal: files.count)
            }
            admitted.complete(bytes: files[index].sizeBytes)
        }
        progress.finish()
        if let failure { throw failure }
        return reports
    }
}
