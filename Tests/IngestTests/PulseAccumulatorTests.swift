import LogFormats
import NetbarTestSupport
import Testing

@testable import Ingest

/// Heartbeats and snapshots of many terminals, interleaved, come back from their runs exactly as taken: each run
/// decodes to its pulses' times, values and lines in file order, runs split at the cap, and no pulse is lost.
@Suite struct PulseAccumulatorTests {
    private struct Pulse: Equatable {
        var terminal: String
        var family: PulseRun.Family
        var seconds: Int64
        var value: UInt8
        var line: Int32
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func runsDecodeToThePulsesTaken(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        let venue = Array("33010610000123".utf8)
        let terminals = (0..<5).map { String(format: "%03d", $0) }
        var accumulator = PulseAccumulator()
        var taken: [Pulse] = []
        var runs: [PulseRun] = []
        var seconds: Int64 = 1_795_800_000
        var line: Int32 = 1
        // More pulses than one run holds for some terminals; times that jump back and far ahead (up to 2^40 s: a
        // time delta's longest varints), and lines that skip far (a line delta's longest).
        for _ in 0..<30_000 {
            switch generator.below(100) {
            case 0: seconds -= Int64(generator.below(1 << 40))
            case 1: seconds += Int64(generator.below(1 << 40))
            default: seconds += Int64(generator.below(5))
            }
            line &+= generator.below(50) == 0 ? Int32(generator.below(1 << 30)) : 1
            let terminal = terminals[generator.below(generator.below(4) == 0 ? 5 : 2)]
            let kind: AuditEventKind = generator.below(3) == 0 ? .snapshot : .heartbeat
            let value = UInt8(truncatingIfNeeded: generator.below(4))
            venue.withUnsafeBytes { venueBytes in
                Array(terminal.utf8).withUnsafeBytes { terminalBytes in
                    var record = AuditRecord(kind: kind, timeSeconds: seconds, venue: venueBytes)
                    record.terminal = terminalBytes
                    record.code = value
                    let index = accumulator.noteVenueTime(venueBytes, seconds)
                    if let ready = accumulator.take(record, venueIndex: index, line: Int(line)) { runs += ready }
                }
            }
            taken.append(
                Pulse(terminal: terminal, family: kind == .snapshot ? .snapshot : .heartbeat, seconds: seconds, value: value,
                    line: line))
        }
        runs += accumulator.drain().runs
        #expect(runs.allSatisfy { $0.count <= PulseAccumulator.maximumRunCount && $0.values.count == $0.count })
        #expect(runs.contains { $0.count == PulseAccumulator.maximumRunCount })
        // Each (terminal, family)'s runs, in the order they were handed on, give back its pulses in file order.
        for terminal in terminals {
            for family in [PulseRun.Family.heartbeat, .snapshot] {
                var decoded: [Pulse] = []
                for run in runs where run.terminal == terminal && run.family == family {
                    run.times.withUnsafeBytes { times in
                        run.values.withUnsafeBytes { values in
                            run.lines.withUnsafeBytes { lines in
                                PulseRunDecoder.decode(
                                    baseSeconds: run.baseSeconds, baseLine: run.baseLine, count: run.count, times: times,
                                    values: values, lines: lines
                                ) { seconds, value, line in
                                    decoded.append(
                                        Pulse(terminal: terminal, family: family, seconds: seconds, value: value, line: line))
                                }
                            }
                        }
                    }
                    #expect(run.minSeconds == decoded.suffix(run.count).map(\.seconds).min())
                    #expect(run.maxSeconds == decoded.suffix(run.count).map(\.seconds).max())
                }
                let expected = taken.filter { $0.terminal == terminal && $0.family == family }
                let same = decoded == expected
                #expect(same, "seed \(seed) \(terminal) \(family): \(decoded.count) of \(expected.count) pulses")
            }
        }
    }
}
