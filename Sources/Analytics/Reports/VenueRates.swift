import Ingest

/// The inspection sheet's rates per venue and night (FORMATS.md §8), gathered from the venues as detection passes
/// over them.
package struct VenueRatesCollector {
    let nightOfFile: [Int64: String]
    private(set) var rows: [VenueRateRow] = []

    package init(nightOfFile: [Int64: String]) {
        self.nightOfFile = nightOfFile
    }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        // TODO(helper B): the six rates.
    }

    package func finish() -> [VenueRateRow] { rows }
}
