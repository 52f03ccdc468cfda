// LogFormats: pure parsing of UTF-8 text, standard library only (the first stage after decoding).
//
// Facade for Ingest: `FormatSniffer` (format from content), `FieldParser` (every field form of FORMATS.md §2,
// from bytes), `CSVRecordFramer` + `PubwinTableParser` / `RegistryParser` (CSV exports), `AuditPipeParser`
// and `AuditJSONLParser` (audit logs, into `AuditRecord`s), `RowIssue` (why a row is quarantined) and
// `SkipKind` (why a line is knowingly not used). Nothing here allocates a String per field.
