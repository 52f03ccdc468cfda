// Analytics: stored data -> detectors -> findings -> reports (the last stages of the data path).
//
// Facade for the CLI:
// - `StoreLoader` and `StoredVenues` read the store one venue at a time as `VenueSlice`s (columnar, text
//   interned to `SymbolID`s);
// - `DetectorConfig.load(yamlText:)`, `Signatures.load(directory:)` / `defaultDirectory()`;
// - `runDetectors(venues:context:)` runs the detectors listed in `DetectorList` and returns `Finding`s;
// - `FindingsRenderer` (JSON Lines, CSV, HTML) and `RunSummary` (terminal text and JSON) report them.
// Detectors are pure functions of venue slices (no I/O, no clock), one file each in `Detectors/`.
