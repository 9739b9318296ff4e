#if canImport(Glibc)
import Glibc
#endif

/// Why a JSON text could not be read; `offset` is the byte where reading stopped.
public struct JSONParseError: Error, Sendable, Equatable {
    public let message: String
    public let offset: Int
    /// The text is JSON, but reading it would cost more memory than `Limits` allows.
    public var tooComplex = false
}

/// A strict RFC 8259 parser over UTF-8 bytes: invalid UTF-8, control characters in strings,
/// trailing garbage and nesting deeper than `maxDepth` are errors (never a crash or a deep
/// recursion on hostile input).
public struct JSONParser {
    public static let maxDepth = 200

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSON {
        var parser = Cursor(bytes: bytes)
        return try parser.parseDocument()
    }

    /// A service's answer (issue 12, items 10 and 14): read strictly; failing that, read with the
    /// damage a real service produces repaired (`Cursor.repairing`) and described in `repairs`, so
    /// that one stray byte does not lose a certificate. Either way the memory the value takes is
    /// bounded by a small multiple of the answer's size (`costLimit`): an answer of tiny values
    /// that would take more is refused with `tooComplex`.
    /// `names`: the member names the reader expects, taken as they are when read (`Names`).
    public static func parseAnswer(
        _ bytes: [UInt8], names: Names = Names()
    ) throws(JSONParseError) -> (value: JSON, repairs: [String]) {
        let limit = costLimit(forBytes: bytes.count)
        var strictError: JSONParseError?
        do {
            return try bytes.withUnsafeBufferPointer {
                buffer throws(JSONParseError) -> (value: JSON, repairs: [String]) in
                var parser = Cursor(bytes: buffer, budget: limit)
                parser.names = names
                return (try parser.parseDocument(), [])
            }
        } catch  where error.tooComplex {
            throw error
        } catch {
            strictError = error
        }
        do {
            return try bytes.withUnsafeBufferPointer {
                buffer throws(JSONParseError) -> (value: JSON, repairs: [String]) in
                var parser = Cursor(bytes: buffer, budget: limit, repairing: true)
                parser.names = names
                let value = try parser.parseDocument()
                return (value, parser.repairs.sorted())
            }
        } catch  where error.tooComplex {
            throw error
        } catch {
            throw strictError ?? error
        }
    }

    /// What reading an answer of `count` bytes may cost (estimated bytes of memory): three times
    /// the answer's size plus 8 MiB. Most answers stay far below (their size is in documents,
    /// which cost their own length), but a list of ordinary records costs nearly three times its
    /// size (a Firma Virtual contract list: 2.8), and with the answer's size alone every such
    /// list over some 4.7 MB was refused (audit of 2026-12-08). Tiny values (`0,`: 16 bytes of
    /// estimate for 2 of answer) stay refused. The actual peak, with arrays growing by doubling,
    /// is at most about twice the estimate.
    public static func costLimit(forBytes count: Int) -> Int {
        let (tripled, overflow) = count.multipliedReportingOverflow(by: 3)
        let (limit, beyond) = tripled.addingReportingOverflow(8 << 20)
        return overflow || beyond ? .max : limit
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSON {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in try parse(buffer) }
        } catch let error as JSONParseError {
            throw error
        } catch {
            throw JSONParseError(message: "\(error)", offset: 0)
        }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        try parse(Array(text.utf8))
    }

    /// 0x80 in the place of each byte of `word` (read little-endian) where a string's plain run
    /// stops: `"`, `\\` or a control character. Only the lowest flag is exact (a borrow may also
    /// flag bytes above a flagged one): its byte is the first stop.
    @inline(__always)
    static func stringStops(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let control = (word &- 0x20 &* ones) & ~word & highs
        return control | zeroBytes(word ^ (0x22 &* ones)) | zeroBytes(word ^ (0x5C &* ones))
    }

    /// Whether `string` is made of exactly `bytes`. Decoding repairs what is not UTF-8 (its
    /// result is always valid), so the bytes come back unchanged exactly when they were valid:
    /// `String(validating:)` is not specialised here and cost some 850 instructions more a
    /// string (issue 13: a FES request's comuna, "Viña del Mar").
    static func holds(_ string: String, exactly bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            guard utf8.count == bytes.count else { return false }
            guard let lhs = utf8.baseAddress, let rhs = bytes.baseAddress else { return true }
            return memcmp(lhs, rhs, bytes.count) == 0
        }
    }

    /// The value of the integer `text` (an optional `-` and digits, as the parser found it),
    /// nil when it is not one or Int64 cannot hold it: what `Int64(String)` reads from it.
    static func integer(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var digits = text[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte &- UInt8(ascii: "0"))
            // Summed negatively for a negative number: Int64.min has no positive counterpart.
            let (tens, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowedAgain) =
                negative ? tens.subtractingReportingOverflow(digit) : tens.addingReportingOverflow(digit)
            guard !overflowed, !overflowedAgain else { return nil }
            value = next
        }
        return value
    }

    /// Member names a reader expects in an answer, each of at most 16 bytes: a name read whose
    /// bytes are one of them is taken as that String instead of a new one (issue 13: making a
    /// String costs some 150 instructions, finding it here some 50; a FES answer has four).
    public struct Names: Sendable {
        /// Each name's first sixteen UTF-8 bytes (zero-padded) as two words, its length, the name.
        let entries: [(first: UInt64, second: UInt64, count: Int, name: String)]

        public init() { entries = [] }

        public init(_ names: [String]) {
            entries = names.compactMap { name in
                let utf8 = Array(name.utf8) + [UInt8](repeating: 0, count: 16)
                guard utf8.count <= 32 else { return nil }
                let count = utf8.count - 16
                return utf8.withUnsafeBufferPointer { bytes in
                    Names.words(bytes, at: 0, count: count).map { ($0.0, $0.1, count, name) }
                }
            }
        }

        /// Bytes `start..<start + count` of `bytes` (count at most 16) as two words, the bytes
        /// past them zero; nil when `bytes` ends within sixteen bytes of `start`.
        @inline(__always)
        static func words(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, count: Int) -> (UInt64, UInt64)? {
            guard let base = bytes.baseAddress, start >= 0, count >= 0, count <= 16, start <= bytes.count &- 16
            else { return nil }
            func mask(_ count: Int) -> UInt64 { count >= 8 ? ~0 : count <= 0 ? 0 : (1 &<< (count &* 8)) &- 1 }
            let raw = UnsafeRawPointer(base + start)
            return (
                UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) & mask(count),
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) & mask(count &- 8)
            )
        }

        /// The name whose bytes are `bytes[start..<start + count]`, if any.
        @inline(__always)
        func name(in bytes: UnsafeBufferPointer<UInt8>, at start: Int, count: Int) -> String? {
            guard !entries.isEmpty, let (first, second) = Names.words(bytes, at: start, count: count) else {
                return nil
            }
            for index in entries.indices
            where entries[index].first == first && entries[index].second == second && entries[index].count == count {
                return entries[index].name
            }
            return nil
        }
    }

    /// Internal, not private: `RequestScan` walks a request with the same checks.
    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// Estimated bytes of memory still allowed for the values read.
        var budget = Int.max
        /// Accepts what a service's answer gets wrong: a byte order mark, invalid UTF-8 or an
        /// unpaired surrogate in a string (read as U+FFFD), a raw control character in a string,
        /// NUL bytes after the value.
        var repairing = false
        var repairs: Set<String> = []
        /// Member names read as these strings when their bytes are one's.
        var names = Names()

        init(bytes: UnsafeBufferPointer<UInt8>, budget: Int = .max, repairing: Bool = false) {
            self.bytes = bytes
            self.budget = budget
            self.repairing = repairing
        }

        func failure(_ message: String) -> JSONParseError {
            JSONParseError(message: "\(message) at byte \(index)", offset: index)
        }

        mutating func charge(_ cost: Int) throws(JSONParseError) {
            budget -= cost
            guard budget >= 0 else {
                var error = failure("the answer holds too many values to read within a few times its size")
                error.tooComplex = true
                throw error
            }
        }

        mutating func parseDocument() throws(JSONParseError) -> JSON {
            if repairing, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                index = 3
                repairs.insert("a byte order mark before the JSON was skipped")
            }
            skipWhitespace()
            let value = try parseValue(depth: 0)
            skipWhitespace()
            if repairing, index < bytes.count,
                bytes[index...].allSatisfy({ $0 == 0 || $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 })
            {
                index = bytes.count
                repairs.insert("NUL bytes after the JSON were ignored")
            }
            guard index == bytes.count else { throw failure("unexpected text after the JSON value") }
            return value
        }

        /// Past spaces, tabs and line breaks. Compact JSON has none between most tokens: one look
        /// at the next byte, in place, settles that (issue 13: a call per token, some 20
        /// instructions each, 18 of them in a FES request and 20 in its answer).
        @inline(__always)
        mutating func skipWhitespace() {
            guard index < bytes.count, bytes[index] <= 0x20 else { return }
            skipWhitespaceRun()
        }

        mutating func skipWhitespaceRun() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSON {
            guard depth < JSONParser.maxDepth else {
                throw failure(
                    "nesting deeper than \(JSONParser.maxDepth) levels")
            }
            try charge(MemoryLayout<JSON>.stride)
            guard index < bytes.count else { throw failure("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw failure("unexpected character")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw failure("unexpected end of input") }
            let start = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != start[offset] {
                throw failure("invalid literal")
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSON {
            index += 1
            // Where each name is, once the object is past a few members: looking a repeated name
            // up in JSONObject is a linear scan, which made an object of n members cost n²
            // (an 8 MiB request of distinct names took minutes: test_faults.py::test_huge_inputs_answer_quickly).
            var positions: [String: Int]?
            var members: [(key: String, value: JSON)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(JSONObject())
            }
            members.reserveCapacity(8) // most objects are small: one allocation instead of four
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw failure(
                        "expected a member name")
                }
                let key = try parseString(isName: true)
                try charge(MemoryLayout<(String, JSON)>.stride + (positions == nil ? 0 : 48))
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth + 1)
                // A repeated member name keeps the last value (in the first one's place), as most
                // parsers do.
                if positions == nil && members.count >= 16 {
                    positions = Dictionary(
                        members.enumerated().map { ($0.element.key, $0.offset) },
                        uniquingKeysWith: { first, _ in first })
                }
                if positions != nil {
                    if let at = positions?[key] {
                        members[at].value = value
                    } else {
                        positions?[key] = members.count
                        members.append((key, value))
                    }
                } else if let at = members.firstIndex(where: { JSONObject.same($0.key, key) }) {
                    members[at].value = value
                } else {
                    members.append((key, value))
                }
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of input in an object") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(JSONObject(members: members))
                default: throw failure("expected ',' or '}'")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSON {
            index += 1
            var array: [JSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(array)
            }
            while true {
                skipWhitespace()
                array.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of input in an array") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(array)
                default: throw failure("expected ',' or ']'")
                }
            }
        }

        mutating func parseNumber() throws(JSONParseError) -> JSON {
            let start = index
            var isInteger = true
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            let number = UnsafeBufferPointer(rebasing: bytes[start..<index])
            // An integer is summed from its digits: a String for `Int64(_:)` cost some 250
            // instructions a number (issue 13).
            if isInteger, let value = JSONParser.integer(number) { return .int(value) }
            guard let value = Double(String(decoding: number, as: UTF8.self)), value.isFinite else {
                throw failure("number out of range")
            }
            return .double(value)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        /// A string; a member name (`isName`) that is one of `names` is that name's String.
        mutating func parseString(isName: Bool = false) throws(JSONParseError) -> String {
            index += 1
            let start = index
            // Fast path: no escapes, validate the UTF-8 once (ASCII needs no validation).
            var ascii = true
            while true {
                skipToStringStop(ascii: &ascii)
                guard index < bytes.count else { throw failure("unterminated string") }
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    let string: String
                    if isName, let name = names.name(in: bytes, at: start, count: slice.count) {
                        string = name
                    } else {
                        string = ascii ? String(decoding: slice, as: UTF8.self) : try validated(slice)
                    }
                    index += 1
                    try chargeString(slice.count)
                    return string
                case UInt8(ascii: "\\"):
                    return try parseEscapedString(from: start)
                default:
                    try controlCharacter()
                    index += 1
                }
            }
        }

        /// Moves `index` to the first `"`, `\\` or control character from it (or to the end),
        /// clearing `ascii` if a byte passed is 0x80 or above. Eight bytes at a time (a
        /// certificate or a stamped XML is kilobytes of base64), the stop in a word found from
        /// its flags, so no byte is looked at twice (issue 13: some 80 instructions a string).
        /// (`index` stays within `bytes.count`: wrapping arithmetic spares a check per step.)
        @inline(__always)
        mutating func skipToStringStop(ascii: inout Bool) {
            let highs: UInt64 = 0x8080_8080_8080_8080
            if let base = bytes.baseAddress {
                while index &+ 8 <= bytes.count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                    let flags = JSONParser.stringStops(word)
                    guard flags != 0 else {
                        if word & highs != 0 { ascii = false }
                        index &+= 8
                        continue
                    }
                    // The high bits of the bytes before the stop: those below its flag's lowest bit.
                    if word & highs & ((flags & (0 &- flags)) &- 1) != 0 { ascii = false }
                    index &+= flags.trailingZeroBitCount &>> 3
                    return
                }
            }
            while index < bytes.count, !JSONWriter.escapes(bytes[index]) {
                if bytes[index] >= 0x80 { ascii = false }
                index &+= 1
            }
        }

        /// The rest of a string that holds escapes, `start` being its first byte and `index` at
        /// its first backslash.
        mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
            var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    try chargeString(buffer.count)
                    return try buffer.withUnsafeBufferPointer { buffer throws(JSONParseError) in try validated(buffer) }
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw failure("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): buffer.append(0x22)
                    case UInt8(ascii: "\\"): buffer.append(0x5C)
                    case UInt8(ascii: "/"): buffer.append(0x2F)
                    case UInt8(ascii: "b"): buffer.append(0x08)
                    case UInt8(ascii: "f"): buffer.append(0x0C)
                    case UInt8(ascii: "n"): buffer.append(0x0A)
                    case UInt8(ascii: "r"): buffer.append(0x0D)
                    case UInt8(ascii: "t"): buffer.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = try parseEscapedScalar() else {
                            buffer.append(contentsOf: [0xEF, 0xBF, 0xBD]) // repaired: U+FFFD
                            continue
                        }
                        buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default: throw failure("invalid escape")
                    }
                default:
                    if byte < 0x20 { try controlCharacter() }
                    buffer.append(byte)
                    index += 1
                }
            }
            throw failure("unterminated string")
        }

        /// The scalar of a \\u escape (a surrogate pair read whole), or nil for an unpaired
        /// surrogate when repairing (then nothing after it is consumed).
        mutating func parseEscapedScalar() throws(JSONParseError) -> Unicode.Scalar? {
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    index += 2
                    let low = try parseHex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index -= 6 // not a pair: the second escape is read on its own
                        return try unpairedSurrogate()
                    }
                } else {
                    return try unpairedSurrogate()
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                return try unpairedSurrogate()
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
            return unicode
        }

        mutating func unpairedSurrogate() throws(JSONParseError) -> Unicode.Scalar? {
            guard repairing else { throw failure("unpaired surrogate") }
            repairs.insert("an unpaired surrogate escape was read as U+FFFD")
            return nil
        }

        mutating func controlCharacter() throws(JSONParseError) {
            guard repairing else { throw failure("control character in a string") }
            repairs.insert("a raw control character inside a string was kept")
        }

        mutating func validated(_ slice: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> String {
            let string = String(decoding: slice, as: UTF8.self)
            if JSONParser.holds(string, exactly: slice) { return string }
            guard repairing else { throw failure("invalid UTF-8 in a string") }
            repairs.insert("bytes that are not UTF-8 were read as U+FFFD")
            return string
        }

        /// A string of more than 15 bytes takes its own storage (shorter ones are inline).
        mutating func chargeString(_ count: Int) throws(JSONParseError) {
            if count > 15 { try charge(count + 32) }
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw failure("invalid \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw failure("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}
