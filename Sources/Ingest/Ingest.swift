// Ingest: bytes -> records -> columnar batches -> SQLite store.
