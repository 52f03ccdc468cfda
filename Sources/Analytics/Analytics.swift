// Analytics: stored data -> detectors -> findings -> reports (the last stages of the data path).
//
// Facade for the CLI:
// - `StoreLoader` and `StoredVenues` read the store one venue at a time as `VenueSlice`s (columnar, text
//   interned to `SymbolID`s);
// - `DetectorConfig.load(yamlText:)`, `Signatures.load(directory:)` / `defaultDirectory()`;
// - `runDetectors(venues:context:)` runs the detectors listed in `DetectorList` and returns `Finding`s;
// - `FindingsRenderer` (JSON Lines, CSV) and `RunSummary` (terminal text and JSON) report them;
// - `ReportData.load` (+ `readEvidenceText`) gathers what a report needs, and `HTMLReport.render` makes the analyst's
//   page of it (run summary, SVG charts, the findings table filtered and sorted in the browser).
// Detectors are pure functions of venue slices (no I/O, no clock), one file each in `Detectors/`.
