// Ingest: all input I/O, from bytes to the SQLite store (the middle stages of the data path).
//
// Facade for the CLI and Analytics:
// - `InputSource.expand` turns the command line's inputs into files;
// - `IngestRun.run(_:writer:)` reads them in parallel (`FileIngestor` per file: `DecompressingReader` ->
//   `LineBlockReader` -> `TextDecoder` -> LogFormats parsers -> columnar batches) and stores them through the
//   single `StoreWriter`, returning a `FileReport` per file;
// - `Store` owns the database (owner-only file, numbered migrations in `Schema`), and reads back what the
//   detectors need (`sessions(venue:)`, `events(venue:)`, `forEachPulse(venue:)`, ...) and the findings.
// - `EvidenceLines.read` reads the source lines findings cite again, from files still as ingested, with names and
//   certs masked (`EvidenceMasking`), for reports.
