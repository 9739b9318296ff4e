import CSelloShims

#if canImport(Glibc)
import Glibc
#endif

/// Writes JSON as compact UTF-8: members in their order, `/` not escaped, non-ASCII as is.
///
/// The bytes go into one malloc'ed buffer that grows by doubling and is written through a
/// pointer: `Array.append` checked uniqueness and capacity for every byte and run, which made
/// writing a FES body and its envelope some 24,000 instructions (issue 13). The envelope leaves
/// as that very buffer (`takeCString`), so the C caller's copy is not made twice.
public struct JSONWriter: ~Copyable {
    /// nil once memory ran out: then nothing more is written (`failed`).
    private var base: UnsafeMutablePointer<UInt8>?
    private var count = 0
    private var capacity: Int
    /// Memory could not be had: the envelope is NULL, as the header promises ("a result is NULL
    /// only when memory could not be allocated"), not a crash in the middle of a call.
    private(set) var failed = false

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = malloc(self.capacity)?.bindMemory(to: UInt8.self, capacity: self.capacity)
        failed = base == nil
    }

    deinit { free(base) }

    /// What was written so far, copied. A request body cannot be sent cut short: without memory
    /// for it the process stops, as it would for any Swift array.
    public var bytes: [UInt8] {
        guard !failed, let base else { fatalError("sello: out of memory writing JSON") }
        return Array(UnsafeBufferPointer(start: base, count: count))
    }

    public static func encode(_ value: JSON) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        return writer.bytes
    }

    public static func string(_ value: JSON) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// The bytes as a malloc'ed NUL-terminated C string, handed over (freed by the taker with
    /// `free`, which is what `sello_free` does); nil when memory ran out.
    public consuming func takeCString() -> UnsafeMutablePointer<CChar>? {
        guard reserve(1), let base else {
            let memory = self.base
            discard self
            free(memory)
            return nil
        }
        base[count] = 0
        let taken = UnsafeMutableRawPointer(base).bindMemory(to: CChar.self, capacity: count + 1)
        discard self
        return taken
    }

    /// How many bytes are written so far: where a part starts, to look at it or take it back.
    public var written: Int { count }

    /// The bytes written from `start` on, lent to `body` (empty when memory ran out).
    public func withBytes<R>(from start: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let base, start >= 0, start <= count else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: base + start, count: count - start))
    }

    /// Takes back what was written after the first `written` bytes.
    public mutating func truncate(to written: Int) {
        count = min(max(written, 0), count)
    }

    /// Room for `more` bytes after what is written; false when memory ran out.
    @inline(__always)
    private mutating func reserve(_ more: Int) -> Bool {
        count + more <= capacity || grow(to: count + more)
    }

    private mutating func grow(to needed: Int) -> Bool {
        guard !failed else { return false }
        var grown = capacity
        while grown < needed { grown = grown > Int.max / 2 ? needed : grown * 2 }
        guard let memory = realloc(base, grown) else {
            failed = true
            return false
        }
        base = memory.bindMemory(to: UInt8.self, capacity: grown)
        capacity = grown
        return true
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        guard reserve(1), let base else { return }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func put(_ run: UnsafeBufferPointer<UInt8>) {
        guard let source = run.baseAddress, !run.isEmpty, reserve(run.count), let base else { return }
        (base + count).update(from: source, count: run.count)
        count += run.count
    }

    /// Inlined, a literal's length is known where it is written and its copy needs no call
    /// (issue 13: a call and a memmove of some 70 instructions each for some 25 pieces of
    /// structure a FES call).
    @inline(__always)
    private mutating func append(_ text: StaticString) {
        put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// JSON text the caller knows is well formed (a fixed piece of structure: `{"request":`),
    /// written as it is.
    @inline(__always)
    public mutating func writeRaw(_ text: StaticString) { append(text) }

    public mutating func write(_ value: JSON) {
        switch value {
        case .array(let array):
            put(UInt8(ascii: "["))
            for index in array.indices {
                if index > 0 { put(UInt8(ascii: ",")) }
                write(array[index])
            }
            put(UInt8(ascii: "]"))
        case .object(let object):
            put(UInt8(ascii: "{"))
            for index in object.members.indices {
                if index > 0 { put(UInt8(ascii: ",")) }
                let member = object.members[index]
                writeString(member.key)
                put(UInt8(ascii: ":"))
                write(member.value)
            }
            put(UInt8(ascii: "}"))
        default: writeScalar(value)
        }
    }

    /// Writes `value`, noting in `marked` where the value of each member whose name `marking`
    /// picks lies in what is written, at any depth but inside such a value, which is written as
    /// `write(_:)` writes it (an envelope notes its documents: `Reply`).
    mutating func write(_ value: JSON, marking: (String) -> Bool, marked: inout MarkedSpans) {
        switch value {
        case .array(let array):
            put(UInt8(ascii: "["))
            for index in array.indices {
                if index > 0 { put(UInt8(ascii: ",")) }
                write(array[index], marking: marking, marked: &marked)
            }
            put(UInt8(ascii: "]"))
        case .object(let object):
            put(UInt8(ascii: "{"))
            for index in object.members.indices {
                if index > 0 { put(UInt8(ascii: ",")) }
                let member = object.members[index]
                writeString(member.key)
                put(UInt8(ascii: ":"))
                if marking(member.key) {
                    let start = count
                    write(member.value)
                    marked.append(start..<count)
                } else {
                    write(member.value, marking: marking, marked: &marked)
                }
            }
            put(UInt8(ascii: "}"))
        default: writeScalar(value)
        }
    }

    /// A value that is neither an array nor an object.
    private mutating func writeScalar(_ value: JSON) {
        switch value {
        case .null: append("null")
        case .bool(let bool): bool ? append("true") : append("false")
        case .int(let int): writeInt(int)
        case .double(let double): writeDouble(double)
        case .string(let string): writeString(string)
        case .array, .object: write(value)
        }
    }

    /// A number, written as `write(.int(int))` writes it, without going through a `JSON`.
    mutating func writeNumber(_ int: Int64) { writeInt(int) }

    /// A number, written as `write(.double(double))` writes it, without going through a `JSON`.
    mutating func writeNumber(_ double: Double) { writeDouble(double) }

    /// Decimal digits without making a String first.
    private mutating func writeInt(_ int: Int64) {
        if int < 0 { put(UInt8(ascii: "-")) }
        guard reserve(20), let base else { return }
        var magnitude = int.magnitude
        var digits = 1
        var scan = magnitude
        while scan >= 10 {
            scan /= 10
            digits += 1
        }
        for offset in stride(from: digits - 1, through: 0, by: -1) {
            base[count + offset] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        }
        count += digits
    }

    private mutating func writeDouble(_ double: Double) {
        guard double.isFinite else {
            append("null")
            return
        }
        if double.rounded() == double, abs(double) < 1e15 {
            writeInt(Int64(double))
            return
        }
        // A number of tenths (every `elapsed_ms`): Swift's shortest form of it is its digits
        // with the point before the last one, written here without the general printer (issue
        // 13: some 1,000 instructions a call). Below 1e15 tenths no shorter decimal names the
        // same double (15 digits round-trip), so the bytes are the printer's (JSONTests).
        let tenths = (double * 10).rounded()
        if abs(tenths) < 1e15, tenths / 10 == double {
            let magnitude = Int64(abs(tenths))
            if tenths < 0 { put(UInt8(ascii: "-")) }
            writeInt(magnitude / 10)
            put(UInt8(ascii: "."))
            put(UInt8(ascii: "0") + UInt8(magnitude % 10))
            return
        }
        var text = "\(double)"
        text.withUTF8 { put($0) }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    public mutating func writeString(_ string: String) {
        // A native or small string lends its bytes as they are; only another kind is copied.
        if string.utf8.withContiguousStorageIfAvailable({ writeString(utf8: $0) }) == nil {
            var string = string
            string.withUTF8 { writeString(utf8: $0) }
        }
    }

    /// A JSON string of UTF-8 `utf8`: room for the rest of it unescaped is made before each run
    /// (a document's base64 is megabytes without one escape; room for the worst case would be
    /// six times that), then each run that needs no escape is found and copied at once,
    /// sixteen bytes at a time (`jsonshim_copy_plain`; issue 13: the eight-byte walk in Swift
    /// it replaces cost some 19 instructions a byte of an envelope's short strings).
    public mutating func writeString(utf8: UnsafeBufferPointer<UInt8>) {
        put(UInt8(ascii: "\""))
        if let source = utf8.baseAddress {
            var index = 0
            while index < utf8.count { // (wrapping: `index` stays within the count)
                let remaining = utf8.count &- index
                guard reserve(remaining &+ 1), let base else { return }
                let plain = jsonshim_copy_plain(base + count, source + index, remaining)
                count &+= plain
                index &+= plain
                if index < utf8.count {
                    appendEscaped(source[index])
                    index &+= 1
                }
            }
        }
        put(UInt8(ascii: "\""))
    }

    /// Whether any byte of `bytes` is one a JSON string escapes, looked at eight at a time; from
    /// eight bytes on, the bytes after the last whole word are looked at as the word that ends
    /// them (a byte looked at twice is looked at the same): a text's tail byte by byte cost some
    /// 40 instructions (issue 13).
    static func needsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        guard bytes.count >= 8 else { return bytes.contains(where: escapes) }
        var index = 0
        while index &+ 8 < bytes.count { // (wrapping: `index` stays below the count)
            if needsEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) { return true }
            index &+= 8
        }
        return needsEscape(UnsafeRawPointer(base + bytes.count - 8).loadUnaligned(as: UInt64.self))
    }

    /// Whether a JSON string escapes `byte`: a control character, `"` or `\\`.
    @inline(__always)
    static func escapes(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether any of eight bytes is a control character, `"` or `\\` (exact for "any"; UTF-8
    /// bytes of 0x80 and above never match).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool { JSONParser.stringStops(word) != 0 }

    /// `byte` escaped, written in place once there is room for the longest escape (a stamped
    /// XML has a `\\"` for every quote of every attribute: one reserve each, not one per byte).
    private mutating func appendEscaped(_ byte: UInt8) {
        guard reserve(6), let base else { return }
        let out = base + count
        out[0] = UInt8(ascii: "\\")
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out[1] = byte
        case 0x0A: out[1] = UInt8(ascii: "n")
        case 0x0D: out[1] = UInt8(ascii: "r")
        case 0x09: out[1] = UInt8(ascii: "t")
        default:
            let hex = JSONWriter.hexDigits.utf8Start
            out[1] = UInt8(ascii: "u")
            out[2] = UInt8(ascii: "0")
            out[3] = UInt8(ascii: "0")
            out[4] = hex[Int(byte >> 4)]
            out[5] = hex[Int(byte & 0xF)]
            count += 6
            return
        }
        count += 2
    }
}

/// Where the values a writer marked lie in what it wrote (`JSONWriter.write(_:marking:marked:)`),
/// in the order written, none inside another. The first two are kept in place: an envelope has
/// a document or two, and an array made for them and freed cost some 700 instructions a call
/// (issue 13).
struct MarkedSpans {
    private var first = 0..<0
    private var second = 0..<0
    private var more: [Range<Int>] = []
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    mutating func append(_ span: Range<Int>) {
        switch count {
        case 0: first = span
        case 1: second = span
        default: more.append(span)
        }
        count += 1
    }

    /// Each span, in the order appended.
    func forEachSpan(_ body: (Range<Int>) -> Void) {
        if count > 0 { body(first) }
        if count > 1 { body(second) }
        for span in more { body(span) }
    }

    /// The spans as an array, in the order appended.
    var all: [Range<Int>] {
        var spans: [Range<Int>] = []
        forEachSpan { spans.append($0) }
        return spans
    }
}
