/// What every detector sees besides the venue slices: thresholds, signature lists, the registry and
/// the text behind symbol ids.
package struct DetectionContext: Sendable {
    package var config: DetectorConfig
    /// nil when no signature lists could be read.
    package var signatures: Signatures?
    /// nil when no registry was imported.
    package var registry: Registry?
    package var symbols: SymbolTable

    package init(config: DetectorConfig, signatures: Signatures?, registry: Registry?, symbols: SymbolTable) {
        self.config = config
        self.signatures = signatures
        self.registry = registry
        self.symbols = symbols
    }
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
