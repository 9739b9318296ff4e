import Testing

@testable import SelloCore

/// The memory of recent answers (`RecentMemo`): what was kept is found, a key kept again moves
/// to the most recent place, and past its capacity the oldest goes first.
@Suite struct RecentMemoTests {
    @Test func theOldestGoesFirstAndAKeptKeyIsRenewed() {
        let memo = RecentMemo<Int, String>(capacity: 3)
        #expect(memo.value(for: 1) == nil)
        memo.keep("one", for: 1)
        memo.keep("two", for: 2)
        memo.keep("three", for: 3)
        memo.keep("one again", for: 1) // 1 is now the most recent
        memo.keep("four", for: 4) // 2, the oldest, goes
        #expect(memo.value(for: 1) == "one again")
        #expect(memo.value(for: 2) == nil)
        #expect(memo.value(for: 3) == "three" && memo.value(for: 4) == "four")
    }

    @Test func manyThreadsAtOnceLoseNothingTheyNeed() async {
        let memo = RecentMemo<Int, Int>(capacity: 64)
        await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var fine = true
                    for round in 0..<500 {
                        let key = task * 1000 + round % 8
                        memo.keep(key * 2, for: key)
                        fine = fine && (memo.value(for: key).map { $0 == key * 2 } ?? true)
                    }
                    return fine
                }
            }
            for await fine in group { #expect(fine) }
        }
    }
}
