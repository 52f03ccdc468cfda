// LogFormats: pure parsing of UTF-8 text, standard library only (the first stage after decoding).
//
// Facade for Ingest: `FormatSniffer` (format from content), `Format.makeDecoder` (the format table: one
// `RecordDecoder` per format, each format in its own folder under `Formats/`), `RecordSink` (what decoders
// hand their records, quarantined rows and skips to), `ColumnNames` (the header map of the CSV formats, as
// data), `FieldParser` (every field form of FORMATS.md §2, from bytes), `RowIssue` (why a row is quarantined)
// and `SkipKind` (why a line is knowingly not used). Nothing here allocates a String per field.
