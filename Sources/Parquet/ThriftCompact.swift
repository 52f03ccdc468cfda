/// Thrift's compact protocol, write side only: the encoding of Parquet's page headers and file footer
/// (parquet-format's `parquet.thrift`). Just what a writer needs: i32/i64 (zigzag varints), binary, bool, structs and
/// lists of i32, binary or structs.
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    /// The last field id written in each open struct (field headers carry the delta from it).
    private var lastFieldIDs: [Int16] = [0]

    enum FieldType: UInt8 {
        case booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8
        case list = 9, set = 10, map = 11, structure = 12
    }

    private mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let last = lastFieldIDs[lastFieldIDs.count - 1]
        let delta = Int(id) - Int(last)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
    }

    private func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(zigzag(Int64(value)))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(zigzag(value))
    }

    mutating func bool(_ id: Int16, _ value: Bool) { fieldHeader(id, value ? .booleanTrue : .booleanFalse) }

    mutating func binary(_ id: Int16, _ value: some Collection<UInt8>) {
        fieldHeader(id, .binary)
        rawBinary(value)
    }

    mutating func string(_ id: Int16, _ value: String) { binary(id, value.utf8) }

    private mutating func rawBinary(_ value: some Collection<UInt8>) {
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Opens a struct-valued field; `endStruct` closes it.
    mutating func beginStruct(_ id: Int16) {
        fieldHeader(id, .structure)
        lastFieldIDs.append(0)
    }

    /// Closes a struct (a field's, a list element's, or the outermost one).
    mutating func endStruct() {
        bytes.append(0)
        lastFieldIDs.removeLast()
    }

    /// An empty struct-valued field (Thrift's unit types: `StringType`, `MICROS`, …).
    mutating func emptyStruct(_ id: Int16) {
        beginStruct(id)
        endStruct()
    }

    private mutating func listHeader(_ id: Int16, count: Int, of type: FieldType) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
    }

    mutating func listOfI32(_ id: Int16, _ values: [Int32]) {
        listHeader(id, count: values.count, of: .i32)
        for value in values { varint(zigzag(Int64(value))) }
    }

    mutating func listOfStrings(_ id: Int16, _ values: [String]) {
        listHeader(id, count: values.count, of: .binary)
        for value in values { rawBinary(value.utf8) }
    }

    /// A list of structs: `element` writes each one's fields; its struct is opened and closed here.
    mutating func listOfStructs<Element>(_ id: Int16, _ values: [Element], _ element: (inout Self, Element) -> Void) {
        listHeader(id, count: values.count, of: .structure)
        for value in values {
            lastFieldIDs.append(0)
            element(&self, value)
            endStruct()
        }
    }

    /// Ends the outermost struct (a page header or the file footer); the writer can start the next one.
    mutating func endMessage() {
        bytes.append(0)
        lastFieldIDs = [0]
    }

    /// Forgets what was written, keeping the buffer's capacity.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        lastFieldIDs = [0]
    }
}
