import LogFormats

/// Where an audit file's events go: the pulse accumulator and the batch of events kept as rows. It lives in
/// the `BatchSink`, a struct in a local variable while the file is read, so the hot loop pays no dynamic
/// exclusivity checks on class properties (measured: ~5 % of audit-pipe ingest in `perf` when it did).
struct AuditLineReader {
    private var pulses = PulseAccumulator()
    private var events = AuditEventBatchBuilder()

    @inline(__always)
    /// Takes one parsed event; returns pulse runs ready to send.
    mutating func take(_ record: inout AuditRecord, lineNumber: Int, send: (IngestMessage) -> Void)
        -> [PulseRun]?
    {
        let venueIndex = pulses.noteVenueTime(record.venue, record.timeSeconds)
        if record.kind != .heartbeat && record.kind != .snapshot {
            events.append(record, line: lineNumber)
            if events.isFull { send(.events(events.take())) }
        }
        return record.terminal.isEmpty ? nil : pulses.take(record, venueIndex: venueIndex, line: lineNumber)
    }

    /// Everything still held, at the end of the file.
    mutating func finish(send: (IngestMessage) -> Void) {
        if events.count > 0 { send(.events(events.take())) }
        let drained = pulses.drain()
        if !drained.runs.isEmpty { send(.pulses(drained.runs)) }
        if !drained.addresses.isEmpty { send(.addresses(drained.addresses)) }
        if !drained.coverage.isEmpty {
            send(.coverage(drained.coverage.map { (venue: $0.0, firstSeconds: $0.1, lastSeconds: $0.2) }))
        }
    }
}
