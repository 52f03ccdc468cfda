import ArgumentParser
import DumpGenerator

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic nightly dump and its registry (with --anomalies: labelled cases and their truth).")

    @Option(name: .long, help: "Output directory.")
    var out: String
    @Option(name: .long, help: "Number of venues.")
    var venues = 5
    @Option(name: .long, help: "Random seed; the same seed writes the same bytes.")
    var seed: UInt64 = 1
    @Option(name: .long, help: "Approximate size of the dump's text, e.g. 200M or 1G.")
    var size: String?
    @Flag(name: .long, help: "Inject labelled cases of every detector and near misses; write truth.jsonl.")
    var anomalies = false

    func run() throws {
        throw RunError.usage("generate is not wired yet")
    }
}
