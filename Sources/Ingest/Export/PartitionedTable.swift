import Glibc
import Parquet

/// One table written as Parquet files partitioned the Hive way, `ROOT/TABLE/night=N/venue=V/part-0.parquet` (or
/// `night=N/` alone for a table of no venue), so Spark, DuckDB and pyarrow find the partitions by the folder names.
///
/// Rows come partition by partition, or at least venue by venue: a venue's partitions stay open (one per night) until
/// the venue changes, so a table read in venue order needs no sort. A partition's rows are cut into row groups of
/// `rowGroupRows`; nothing else is held.
final class PartitionedTable {
    let name: String
    let fields: [ParquetField]
    private let folder: String
    let byVenue: Bool
    private let rowGroupRows: Int
    /// The current partition's columns; `append` writes into them.
    var columns: [ParquetColumn]
    private var current: Partition?
    private var open: [Partition: (writer: ParquetFileWriter, columns: [ParquetColumn])] = [:]
    private var openVenue: String?
    private(set) var files = 0
    private(set) var rows = 0

    struct Partition: Hashable {
        var night: String
        var venue: String
    }

    init(name: String, root: String, fields: [ParquetField], byVenue: Bool = true, rowGroupRows: Int = 1 << 20) {
        self.name = name
        self.fields = fields
        self.folder = root + "/" + name
        self.byVenue = byVenue
        self.rowGroupRows = rowGroupRows
        columns = fields.map { ParquetColumn($0) }
    }

    /// Makes the partition of (`night`, `venue`) current. A new venue closes every partition of the previous one.
    func select(night: String, venue: String) throws(ExportError) {
        let partition = Partition(night: night, venue: byVenue ? venue : "")
        if partition == current { return }
        if let current { open[current]!.columns = columns }
        if partition.venue != openVenue {
            try closeAll()
            openVenue = partition.venue
        }
        if open[partition] == nil {
            var path = folder + "/night=" + Self.escaped(night)
            if byVenue { path += "/venue=" + Self.escaped(venue) }
            try Self.makeFolders(path)
            do {
                let writer = try ParquetFileWriter(path: path + "/part-0.parquet", fields: fields)
                open[partition] = (writer, fields.map { ParquetColumn($0) })
            } catch {
                throw ExportError(description: error.description)
            }
            files += 1
        }
        columns = open[partition]!.columns
        open[partition]!.columns = []
        current = partition
    }

    /// Counts the row just appended to `columns`; a full row group is written out.
    @inline(__always)
    func endRow() throws(ExportError) {
        rows += 1
        if columns[0].rows >= rowGroupRows { try writeRowGroup() }
    }

    private func writeRowGroup() throws(ExportError) {
        guard let current else { return }
        do {
            try open[current]!.writer.write(columns)
        } catch {
            throw ExportError(description: error.description)
        }
        for index in columns.indices { columns[index].removeAll() }
    }

    private func closeAll() throws(ExportError) {
        if let current {
            try writeRowGroup()
            open[current]!.columns = columns
        }
        for (_, partition) in open {
            do {
                if partition.columns.first.map({ $0.rows > 0 }) == true { try partition.writer.write(partition.columns) }
                try partition.writer.close()
            } catch {
                throw ExportError(description: error.description)
            }
        }
        open.removeAll()
        current = nil
        columns = fields.map { ParquetColumn($0) }
    }

    /// Writes what is left and closes every file.
    func finish() throws(ExportError) { try closeAll() }

    /// A partition value as a folder name: bytes other than letters, digits, `-`, `_` and `.` (and a leading `.`)
    /// as `%XX`, the escaping Hive and Spark undo when they read the value back.
    static func escaped(_ value: String) -> String {
        if value.isEmpty { return "__HIVE_DEFAULT_PARTITION__" }
        var result = ""
        for (index, byte) in value.utf8.enumerated() {
            let plain =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || (byte == UInt8(ascii: ".") && index > 0)
            if plain {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// `mkdir -p`, owner-only folders (the files hold whole cert numbers).
    static func makeFolders(_ path: String) throws(ExportError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw ExportError(description: "cannot create folder '\(prefix)': \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
    }
}

package struct ExportError: Error, CustomStringConvertible {
    package var description: String
}
