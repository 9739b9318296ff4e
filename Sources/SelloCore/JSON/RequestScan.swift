#if canImport(Glibc)
import Glibc
#endif

/// Where a request object's members lie in its text, found in one pass without a tree (issue 13,
/// item 2). A string without escapes of printable ASCII and Latin-1 letters (U+0080…U+00FF) —
/// most of a request, accents included — is only looked at; any other value (a number, a string
/// with an escape or another scalar, a nested object) is read by the parser, once, and kept.
///
/// The scan only takes the simple case, which is every request a program writes: an object of
/// at most `maxMembers` members whose names are ASCII without escapes. Anything else — another
/// type, a name with an escape, more members, and any error — gives nil, and `JSONParser.parse`
/// reads the text as before, reporting its errors with their messages and offsets. So a text
/// the scan takes is one the parser reads to the same members, and the scan's own checks never
/// decide an error.
public struct RequestScan: Sendable {
    /// One member: its name (between the quotes) as a range of the text, and its value — the
    /// range of a plain string (quotes included; valid UTF-8 by its form), or the value the
    /// parser read.
    public struct Member: Sendable {
        public let name: Range<Int>
        public internal(set) var value: Value
    }

    public enum Value: Sendable {
        case plainString(Range<Int>)
        case parsed(JSON)
    }

    /// Above this, names would be compared too often to find repeated ones (n²): the parser's
    /// dictionary takes over. Requests have at most a few dozen members.
    static let maxMembers = 32

    public static func members(_ bytes: UnsafeBufferPointer<UInt8>) -> [Member]? {
        var cursor = JSONParser.Cursor(bytes: bytes)
        return try? cursor.scanObject()
    }

    /// 0x80 in the place of each byte of `word` (read little-endian) where a plain string
    /// stops: `"`, `\\`, a control character or a byte of 0x80 and above. Only the lowest flag is
    /// exact (a borrow may also flag bytes above a flagged one): its byte is the first stop.
    @inline(__always)
    static func stops(_ word: UInt64) -> UInt64 {
        JSONParser.stringStops(word) | (word & 0x8080_8080_8080_8080)
    }

    /// `name(_:in:is:)` for a name known when compiling: its bytes are read where they lie,
    /// without a String's (issue 13: some 100 instructions a lookup, 800 a FES call).
    @inline(__always)
    static func name(_ name: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, is key: StaticString) -> Bool {
        guard key.hasPointerRepresentation, key.utf8CodeUnitCount == name.count, let base = bytes.baseAddress
        else { return false }
        return memcmp(base + name.lowerBound, key.utf8Start, name.count) == 0
    }

    /// Whether the name at `name` in `bytes` is `key` (RFC 8259 §8.3: byte by byte).
    @inline(__always)
    static func name(_ name: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, is key: String) -> Bool {
        let utf8 = key.utf8
        guard utf8.count == name.count else { return false }
        let base = bytes.baseAddress.map { $0 + name.lowerBound }
        return utf8.withContiguousStorageIfAvailable { key in
            guard let base, let start = key.baseAddress else { return key.isEmpty }
            return memcmp(base, start, key.count) == 0
        } ?? utf8.elementsEqual(bytes[name])
    }
}

extension JSONParser.Cursor {
    /// The members of the object that is the whole text, or nil when the scan does not take it.
    mutating func scanObject() throws(JSONParseError) -> [RequestScan.Member]? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var members: [RequestScan.Member] = []
        members.reserveCapacity(16)
        // One bit per name length seen (modulo 64): a name of a length not seen yet is new, and
        // the earlier names are compared only otherwise (issue 13: some 600 instructions a FES
        // request, whose nine names have eight lengths).
        var lengths: UInt64 = 0
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                guard let member = try scanMember() else { return nil }
                let length: UInt64 = 1 << UInt64(member.name.count & 63)
                let seen = lengths & length != 0
                lengths |= length
                if seen, let at = members.firstIndex(where: { sameName($0.name, member.name) }) {
                    // A repeated name keeps the last value in the first one's place, as `parse` does.
                    members[at].value = member.value
                } else {
                    guard members.count < RequestScan.maxMembers else { return nil }
                    members.append(member)
                }
                skipWhitespace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { return nil }
                index += 1
                break
            }
        }
        skipWhitespace()
        return index == bytes.count ? members : nil
    }

    /// `"name": value`, the name plain ASCII; nil when it is not.
    mutating func scanMember() throws(JSONParseError) -> RequestScan.Member? {
        skipWhitespace()
        let nameStart = index + 1
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), skipPlainString() else { return nil }
        let name = nameStart..<(index - 1)
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipWhitespace()
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "\""), skipPlainString(latin: true) {
            return RequestScan.Member(name: name, value: .plainString(start..<index))
        }
        // Any other value is read by the parser: its checks are the parser's own.
        return RequestScan.Member(name: name, value: .parsed(try parseValue(depth: 1)))
    }

    func sameName(_ lhs: Range<Int>, _ rhs: Range<Int>) -> Bool {
        lhs.count == rhs.count && bytes[lhs].elementsEqual(bytes[rhs])
    }

    /// Past a string of printable ASCII without escapes, eight bytes at a time; with `latin`, also
    /// past scalars U+0080…U+00FF (a value's accents: "Viña del Mar", which the parser validated
    /// through a generic path, some 1,100 instructions a FES call: issue 13). False, with `index`
    /// unchanged, for any other string. The word that holds the closing quote is not walked byte
    /// by byte: its first stop is found from the flags (issue 13: some 100 instructions a string,
    /// 20 strings a FES request).
    mutating func skipPlainString(latin: Bool = false) -> Bool {
        // `at` stays below `bytes.count`: wrapping arithmetic spares a check per step.
        var at = index &+ 1
        if let base = bytes.baseAddress {
            while at &+ 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + at).loadUnaligned(as: UInt64.self))
                let flags = RequestScan.stops(word)
                if flags == 0 {
                    at &+= 8
                    continue
                }
                at &+= flags.trailingZeroBitCount &>> 3
                if bytes[at] == UInt8(ascii: "\"") {
                    index = at &+ 1
                    return true
                }
                guard latin, isLatinPair(at) else { return false }
                at &+= 2
            }
        }
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                index = at &+ 1
                return true
            }
            if latin, byte >= 0x80, isLatinPair(at) {
                at &+= 2
                continue
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return false }
            at &+= 1
        }
        return false
    }

    /// Whether the bytes at `at` are one scalar U+0080…U+00FF: C2 or C3, then a continuation
    /// byte. Such pairs with ASCII are valid UTF-8 by their form alone.
    @inline(__always)
    func isLatinPair(_ at: Int) -> Bool {
        (bytes[at] == 0xC2 || bytes[at] == 0xC3) && at &+ 1 < bytes.count && bytes[at &+ 1] & 0xC0 == 0x80
    }
}
