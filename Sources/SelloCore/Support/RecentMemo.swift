/// The last `capacity` answers of a pure function, most recent last, shared by every thread: for
/// work that costs millions of instructions and is asked again and again with the same inputs
/// (a company's CSD, stamp after stamp; issue 13). Lookups compare keys linearly: a memo holds a
/// few dozen entries at most.
final class RecentMemo<Key: Equatable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private let entries = Locked<[(key: Key, value: Value)]>([])

    init(capacity: Int) { self.capacity = max(capacity, 1) }

    func value(for key: Key) -> Value? {
        entries.withLock { list in list.last(where: { $0.key == key })?.value }
    }

    func keep(_ value: Value, for key: Key) {
        entries.withLock { list in
            list.removeAll { $0.key == key }
            if list.count >= capacity { list.removeFirst(list.count - capacity + 1) }
            list.append((key: key, value: value))
        }
    }
}
