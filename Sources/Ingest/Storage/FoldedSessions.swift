/// What the run totals fold of each session row (FORMATS.md §6: key, closed or not, export time, amount), kept in
/// memory as the writer stores the rows of this run, so that `Store.sessionTotals` folds them without reading their
/// segments back (parsing the JSON just written was an eighth of a sessions export's ingest). A venue is folded from
/// here only when the segments kept for it are exactly the ones the database holds after its cached standing;
/// anything else (a run past the memory cap, segments of an earlier run not yet folded) is read from the database.
struct FoldedSessions {
    struct Segment {
        var venue: Int64
        var id: Int64
        var export: Int64
        /// The segment's rows in `closed`, `amountFen` and `keyEnds`.
        var rows: Range<Int>
    }

    private(set) var segments: [Segment] = []
    private(set) var keyBytes = ContiguousArray<UInt8>()
    /// `keyEnds[row]` ends row's key in `keyBytes`; it starts where the row before ends (0 for the first).
    private(set) var keyEnds = ContiguousArray<UInt32>()
    private(set) var closed = ContiguousArray<Bool>()
    private(set) var amountFen = ContiguousArray<Int64>()

    /// Past this many bytes no more segments are kept (their venues are then read from the database).
    static let capacityBytes = 32 << 20

    var bytes: Int { keyBytes.count + keyEnds.count * 4 + closed.count + amountFen.count * 8 + segments.count * 40 }

    mutating func beginSegment(venue: Int64, id: Int64, export: Int64) {
        segments.append(Segment(venue: venue, id: id, export: export, rows: closed.count..<closed.count))
    }

    /// Adds a row to the segment begun last.
    mutating func append(key: UnsafeRawBufferPointer, closed isClosed: Bool, amountFen amount: Int64) {
        keyBytes.append(contentsOf: key)
        keyEnds.append(UInt32(keyBytes.count))
        closed.append(isClosed)
        amountFen.append(amount)
        segments[segments.count - 1].rows = segments[segments.count - 1].rows.lowerBound..<closed.count
    }

    /// Takes `other`'s segments after these (a committed file's), unless that would pass the cap.
    mutating func append(_ other: FoldedSessions) {
        guard bytes + other.bytes <= Self.capacityBytes else { return }
        if segments.isEmpty {
            self = other  // shares the file's buffers: no copy of a large file's rows
            return
        }
        let rowBase = closed.count
        let keyBase = keyBytes.count
        for segment in other.segments {
            var moved = segment
            moved.rows = (segment.rows.lowerBound + rowBase)..<(segment.rows.upperBound + rowBase)
            segments.append(moved)
        }
        keyBytes.append(contentsOf: other.keyBytes)
        keyEnds.append(contentsOf: other.keyEnds.lazy.map { $0 + UInt32(keyBase) })
        closed.append(contentsOf: other.closed)
        amountFen.append(contentsOf: other.amountFen)
    }

    mutating func removeAll() { self = FoldedSessions() }

    /// The bytes of row's key.
    func key(_ row: Int) -> Range<Int> { (row == 0 ? 0 : Int(keyEnds[row - 1]))..<Int(keyEnds[row]) }

    /// The indices in `segments` of each venue's segments, in id order.
    func segmentsByVenue() -> [Int64: [Int]] {
        var byVenue: [Int64: [Int]] = [:]
        for (index, segment) in segments.enumerated() { byVenue[segment.venue, default: []].append(index) }
        return byVenue
    }
}
