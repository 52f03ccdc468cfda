import Foundation
import NetbarTestSupport
import Testing

@testable import Ingest

/// Partition values become folder names. Venue codes are 14 digits today (others are quarantined), but a value that
/// is not a safe name must still come back whole from the readers, not open a folder elsewhere.
@Suite struct PartitionNameTests {
    @Test(arguments: [
        ("44030410000729", "44030410000729"), ("no-venue", "no-venue"), ("2026-11-28", "2026-11-28"),
        ("a/b", "a%2Fb"), ("..", "%2E."), (".hidden", "%2Ehidden"), ("x=y", "x%3Dy"), ("50%", "50%25"),
        ("网 吧", "%E7%BD%91%20%E5%90%A7"), ("", "__HIVE_DEFAULT_PARTITION__"),
    ])
    func escaped(value: String, folder: String) {
        #expect(PartitionedTable.escaped(value) == folder)
    }

    /// DuckDB and pyarrow read an escaped venue back as it was.
    @Test func readersUndoTheEscaping() throws {
        let root = TestSupport.temporaryDirectory("partition")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let venues = ["A/B 网%1", "..", "44030410000729"]
        let table = PartitionedTable(name: "t", root: root, fields: [.init("n", .int64, nullable: false)])
        for (index, venue) in venues.enumerated() {
            try table.select(night: "2026-11-28", venue: venue)
            table.columns[0].append(Int64(index))
            try table.endRow()
        }
        try table.finish()
        #expect(table.files == 3 && table.rows == 3)
        let script = """
            import duckdb, pyarrow as pa, pyarrow.dataset as ds
            rows = duckdb.sql("SELECT n, night, venue FROM read_parquet('\(root)/t/**/*.parquet', hive_partitioning=true, hive_types_autocast=false) ORDER BY n").fetchall()
            print(rows)
            schema = pa.schema([("night", pa.string()), ("venue", pa.string())])
            table = ds.dataset('\(root)/t', format='parquet', partitioning=ds.partitioning(schema, flavor='hive')).to_table()
            print(sorted(zip(table.column('n').to_pylist(), table.column('venue').to_pylist())))
            """
        let outcome = try TestSupport.run("/usr/bin/env", ["python3", "-c", script])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(
            outcome.text
                == "[(0, '2026-11-28', 'A/B 网%1'), (1, '2026-11-28', '..'), (2, '2026-11-28', '44030410000729')]\n"
                + "[(0, 'A/B 网%1'), (1, '..'), (2, '44030410000729')]\n")
    }
}
