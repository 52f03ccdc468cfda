/// What every detector sees besides the venue slices: thresholds, signature lists, the registry and
/// the text behind symbol ids.
package struct DetectionContext: Sendable {
    package var config: DetectorConfig
    /// nil when no signature lists could be read.
    package var signatures: Signatures?
    /// nil when no registry was imported.
    package var registry: Registry?
    package var symbols: SymbolTable
    /// When set, `id-sharing` hands every session with a cert here and leaves its overlap part (which crosses
    /// venues) to the caller: a Spark job runs each group of venues apart and joins the sessions of all groups.
    package var identitySessions: IdentitySessionCollector?

    package init(
        config: DetectorConfig, signatures: Signatures?, registry: Registry?, symbols: SymbolTable,
        identitySessions: IdentitySessionCollector? = nil
    ) {
        self.config = config
        self.signatures = signatures
        self.registry = registry
        self.symbols = symbols
        self.identitySessions = identitySessions
    }
}

/// Sessions with a cert, as `id-sharing`'s overlap rule reads them (billing sessions merged with platform records),
/// with their symbols as text.
package final class IdentitySessionCollector: @unchecked Sendable {
    // @unchecked: detectors run on one thread; the collector is read after they finish.
    package struct Session: Sendable, Equatable {
        package var cert: String
        package var venue: String
        /// Empty when the platform record names no terminal.
        package var terminal: String
        package var startSeconds: Int64
        package var endSeconds: Int64
        package var source: SourceRef

        package init(cert: String, venue: String, terminal: String, startSeconds: Int64, endSeconds: Int64, source: SourceRef) {
            self.cert = cert
            self.venue = venue
            self.terminal = terminal
            self.startSeconds = startSeconds
            self.endSeconds = endSeconds
            self.source = source
        }
    }

    package private(set) var sessions: [Session] = []

    package init() {}

    func add(_ session: Session) { sessions.append(session) }
}

/// One rule of FORMATS.md §4. `consume` is called once per venue (in venue-code order), then `finish`.
/// Detectors are pure: no I/O, no clock, no randomness (STYLE.md §3).
package protocol Detector {
    /// The detector's thresholds, owned beside its rule.
    associatedtype Config: DetectorSettings
    static var id: DetectorID { get }
    /// A fresh detector; it reads its thresholds as `context.config[Self.self]`.
    init()
    /// Inputs the rule needs that this run lacks (e.g. "registry", 登记资料), in both languages for the run summary
    /// and the reports; empty when complete.
    func missingInputs(_ context: DetectionContext) -> [Wording]
    mutating func consume(_ venue: VenueSlice, context: DetectionContext)
    mutating func finish(context: DetectionContext) -> [Finding]
}
