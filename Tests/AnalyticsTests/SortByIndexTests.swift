@testable import Analytics
import NetbarTestSupport
import Testing

/// `sortByIndex(by:)` leaves an array as `sort(by:)` does, ties included, for any permutation (cycles of every
/// length, elements already in place).
struct SortByIndexTests {
    struct Item: Equatable {
        var rank: Int
        var tag: String
    }

    @Test(arguments: 0..<50)
    func sameAsSort(seed: Int) {
        var generator = SeededGenerator(state: UInt64(seed) &* 7919 &+ 101)
        let count = Int(generator.next() % 400)
        let items = (0..<count).map { index in
            Item(rank: Int(generator.next() % UInt64(1 + seed % 7)), tag: "item \(index) of a text past fifteen bytes")
        }
        var byIndex = items
        byIndex.sortByIndex { $0.pointee.rank < $1.pointee.rank }
        var sorted = items
        sorted.sort { $0.rank < $1.rank }
        #expect(byIndex == sorted)
    }

    @Test func emptyAndSortedAndReversed() {
        var empty: [Item] = []
        empty.sortByIndex { $0.pointee.rank < $1.pointee.rank }
        #expect(empty.isEmpty)
        var ascending = (0..<10).map { Item(rank: $0, tag: "\($0)") }
        ascending.sortByIndex { $0.pointee.rank < $1.pointee.rank }
        #expect(ascending.map(\.rank) == Array(0..<10))
        ascending.sortByIndex { $0.pointee.rank > $1.pointee.rank }
        #expect(ascending.map(\.rank) == Array((0..<10).reversed()))
    }
}
