/// Finding secrets in a text seen another way (its escapes decoded, or its line breaks left out),
/// holding only a window of that view: the view is made a byte at a time, each byte with the
/// range of the original text it came from, and searched a chunk at a time. Until 2026-12-08 the
/// whole view was made first, with two 8-byte offsets per byte at each of two levels of decoding:
/// an 8 MB text holding one `%2541` cost some 400 MB to redact (the seventeenth session's audit).
extension Redactor {
    /// Bytes of a view, each with the range of the original text it came from.
    struct Traced {
        var bytes: [UInt8] = []
        var from: [Int] = []
        var to: [Int] = []

        var count: Int { bytes.count }

        mutating func emit(_ byte: UInt8, from start: Int, to end: Int) {
            bytes.append(byte)
            from.append(start)
            to.append(end)
        }

        mutating func emit(_ scalar: Unicode.Scalar, from start: Int, to end: Int) {
            UTF8.encode(scalar) { emit($0, from: start, to: end) }
        }

        /// Forgets the first `count` bytes (those read already).
        mutating func dropFirst(_ count: Int) {
            bytes.removeFirst(count)
            from.removeFirst(count)
            to.removeFirst(count)
        }
    }

    /// Looks for each of `secrets` in the bytes it is given, keeping only the last ones: the
    /// ranges of the original text that each occurrence came from.
    struct SpanFinder {
        /// How many bytes are searched at once (and so, with the offsets, about 1 MiB held).
        static let chunk = 1 << 16

        private let secrets: [[UInt8]]
        /// The bytes kept after each search: an occurrence may begin in them and end later.
        private let overlap: Int
        private var window = Traced()
        /// Every occurrence ending at or before this index of `window` has been found.
        private var searched = 0
        private var spans: [Range<Int>] = []

        init(_ secrets: [[UInt8]]) {
            self.secrets = secrets.filter { !$0.isEmpty }
            overlap = max(0, (self.secrets.map(\.count).max() ?? 0) - 1)
        }

        mutating func emit(_ byte: UInt8, from start: Int, to end: Int) {
            window.emit(byte, from: start, to: end)
            if window.count >= Self.chunk + overlap { searchAndSlide() }
        }

        mutating func emit(_ scalar: Unicode.Scalar, from start: Int, to end: Int) {
            UTF8.encode(scalar) { emit($0, from: start, to: end) }
        }

        /// The spans found, once every byte has been given.
        mutating func finish() -> [Range<Int>] {
            search()
            return spans
        }

        private mutating func searchAndSlide() {
            search()
            let drop = window.count - overlap
            window.dropFirst(drop)
            searched -= drop
        }

        /// Finds the occurrences that end after `searched` (those before were found already).
        private mutating func search() {
            var found: [Range<Int>] = []
            let window = window
            let searched = searched
            window.bytes.withUnsafeBufferPointer { text in
                for secret in secrets {
                    secret.withUnsafeBufferPointer { needle in
                        var start = max(0, searched - needle.count + 1)
                        while let match = Redactor.firstIndex(of: needle, in: text, from: start) {
                            let end = match + needle.count
                            found.append(window.from[match]..<window.to[end - 1])
                            start = end
                        }
                    }
                }
            }
            spans += found
            self.searched = window.count
        }
    }
}
