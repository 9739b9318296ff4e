import Testing

@testable import SelloCore

/// A request is read without a tree (issue 13, item 2): `RequestObject(text:)` must accept and
/// refuse exactly what `JSONParser.parse` does, with the same error at the same byte, and give
/// every member the value the tree has.
@Suite struct RequestObjectTests {
    static let seeds: [String] = [
        #"{}"#, #" { } "#, #"{"a":"b"}"#, #"{"a":1,"b":-2.5e3,"c":true,"d":false,"e":null}"#,
        #"{"rut":"76.369.187-K","comuna":"Viña del Mar","x":"a\"b\\c\u00f1\ud83d\ude00"}"#,
        #"{"nested":{"a":[1,{"b":"c"}]},"list":["x","y"],"empty":[],"o":{}}"#,
        #"{"a":1,"a":2,"b":3,"a":4}"#, #"{"ab":1,"cd":"x","abc":2,"ab":"y","cd":3}"#,
        // Names whose lengths differ by 64 (the scan's length bits wrap there).
        "{\"abc\":1,\"\(String(repeating: "z", count: 67))\":2,\"abc\":3}",
        #"{"long":"0123456789abcdefghijklmnopqrstuvwxyz0123456789"}"#,
        #"{"k\u0065y":"escaped name"}"#, #"[1,2]"#, #""text""#, #"42"#, #"null"#, "",
        #"{"a":"b"} x"#, #"{"a" "b"}"#, #"{"a":}"#, #"{"a":"b",}"#, #"{a:1}"#, #"{"a":"b""#,
        #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, #"{"a":01}"#, #"{"a":1e999}"#, #"{"a":tru}"#,
        "{\"a\":\"tab\there\"}", "{\"a\":\"\u{01}\"}", #"{"a":[1,2}"#, #"{"a":{"b":1]}"#,
        "{\"a\":\"0123456789\u{7f}abcdef\"}", #"{"n":[0,-0,-12,123456789012345678,-123456789012345678]}"#,
        #"{"a":0,"b":-0,"c":-12,"d":123456789012345678,"e":1234567890123456789,"f":-1234567890123456789}"#,
        #"{"a":99999999999999999999,"b":1.0,"c":1e2,"d":-0.0}"#, "{\n\t\"a\" :\r\n\"b\" ,\"c\":[ ] }\n",
        "{\"a\":\"Ñuñoa\",\"b\":\"\u{80}ÿ¿ Los Ángeles, Región del Bío\",\"c\":\"x€y\",\"d\":\"é\"}",
    ]

    /// The two readers on one text: the same error, or the same members in the same order.
    static func agree(_ bytes: [UInt8]) -> Bool {
        let tree = Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
        let request = Result { () throws(JSONParseError) in
            try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in try RequestObject(text: buffer) }
        }
        switch (tree, request) {
        case (.failure(let expected), .failure(let got)):
            return expected == got
        case (.success(let value), .success(let request)):
            guard request.json == value, request.isObject == (value.objectValue != nil) else { return false }
            guard let object = value.objectValue else { return request.typeName == value.typeName }
            guard request.keys == object.keys else { return false }
            return object.members.allSatisfy { request.value($0.key) == $0.value }
        default:
            return false
        }
    }

    @Test(arguments: seeds) func readsAsTheTreeDoes(_ text: String) {
        #expect(Self.agree(Array(text.utf8)), "\(text)")
    }

    /// Every seed cut short at every byte, and each byte of it replaced by a byte that matters
    /// to JSON or to UTF-8: some 8,000 texts, most of them invalid somewhere.
    @Test func agreesOnDamagedText() {
        let replacements: [UInt8] = [
            0x00, 0x09, 0x1F, 0x22, 0x2C, 0x30, 0x3A, 0x5C, 0x5D, 0x7B, 0x7D, 0x80, 0xC3, 0xFF,
        ]
        var checked = 0
        for seed in Self.seeds {
            let bytes = Array(seed.utf8)
            for cut in 0..<bytes.count {
                #expect(Self.agree(Array(bytes[..<cut])), "\(seed) cut at \(cut)")
                checked += 1
                for byte in replacements {
                    var damaged = bytes
                    damaged[cut] = byte
                    #expect(Self.agree(damaged), "\(seed) with \(byte) at \(cut)")
                    checked += 1
                }
            }
        }
        #expect(checked > 7_500)
    }

    /// Plain strings are skipped eight bytes at a time: a byte that ends, escapes or spoils a
    /// string, at every offset of strings of every length, is still found.
    @Test func everyBadByteAtEveryOffsetOfAPlainString() {
        for length in 1...20 {
            for offset in 0..<length {
                for bad in [UInt8(0x01), 0x22, 0x5C, 0x80, 0xC3, 0xFF] {
                    var text = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    text[offset] = bad
                    let document = Array(#"{"k":""#.utf8) + text + Array(#"","z":1}"#.utf8)
                    #expect(Self.agree(document), "\(bad) at \(offset) of \(length)")
                }
            }
        }
    }

    /// The word-at-a-time skip stops exactly where a byte-by-byte walk does, for two chosen
    /// bytes (a borrow from one may flag the other) at every pair of offsets, at every alignment.
    /// With `latin` (a value), a scalar U+0080…U+00FF — C2 or C3 and a continuation byte — is
    /// skipped as well, and any other byte of 0x80 and above still stops the skip.
    @Test(arguments: [false, true]) func aPlainStringIsSkippedAsByteByByte(latin: Bool) {
        func reference(_ bytes: [UInt8]) -> Int? {
            var at = 1
            while at < bytes.count {
                if bytes[at] == 0x22 { return at + 1 }
                if latin, bytes[at] == 0xC2 || bytes[at] == 0xC3, at + 1 < bytes.count,
                    (0x80...0xBF).contains(bytes[at + 1])
                {
                    at += 2
                    continue
                }
                if bytes[at] == 0x5C || bytes[at] < 0x20 || bytes[at] >= 0x80 { return nil }
                at += 1
            }
            return nil
        }
        let chosen: [UInt8] = [
            0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xC3, 0xC4, 0xFF,
        ]
        var checked = 0
        for length in 0...17 {
            for (first, second) in [(0, 1), (1, 2), (0, 7), (3, 4), (6, 7), (7, 8), (2, 10)] where second < length {
                for a in chosen {
                    for b in chosen {
                        var text = [UInt8(ascii: "\"")] + [UInt8](repeating: UInt8(ascii: "a"), count: length)
                        text[first + 1] = a
                        text[second + 1] = b
                        for tail in [[], [UInt8(ascii: "\"")], Array(#"","z":1}"#.utf8)] {
                            let bytes = text + tail
                            let skipped = bytes.withUnsafeBufferPointer { buffer -> Int? in
                                var cursor = JSONParser.Cursor(bytes: buffer)
                                return cursor.skipPlainString(latin: latin) ? cursor.index : nil
                            }
                            #expect(skipped == reference(bytes), "\(bytes)")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 10_000)
    }

    /// More than 16 members switch the repeated-name lookup to a dictionary, as in the tree.
    @Test func manyMembersWithRepeatedNames() {
        let members = (0..<40).map { #""k\#($0 % 23)":\#($0)"# }.joined(separator: ",")
        #expect(Self.agree(Array("{\(members)}".utf8)))
    }

    static func isScanned(_ text: String) throws -> Bool {
        if case .text = try RequestObject(text: text).storage { return true }
        return false
    }

    static func isPlainString(_ text: String, _ key: String) throws -> Bool {
        guard case .text(let bytes, let members) = try RequestObject(text: text).storage,
            let member = RequestObject.find(key, bytes, members), case .plainString = member.value
        else { return false }
        return true
    }

    /// The requests programs write are scanned; what the scan does not take is parsed whole.
    @Test func whatIsScannedAndWhatIsParsed() throws {
        #expect(try Self.isScanned(#"{"rut":"76.369.187-K","duracion":1,"comuna":"Viña del Mar","o":{"a":[1]}}"#))
        #expect(try Self.isScanned(#" {"a":"b","a":"c"} "#) && Self.isScanned("{}"))
        #expect(try Self.isScanned("{" + (0..<32).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"))
        #expect(try !Self.isScanned("{" + (0..<33).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"))
        #expect(try !Self.isScanned(#"{"k\u0065y":1}"#))
        #expect(try !Self.isScanned(#"{"ñ":1}"#))
        // A value's accents are skipped as ASCII is; another scalar is the parser's to read.
        #expect(try Self.isPlainString(#"{"comuna":"Viña del Mar"}"#, "comuna"))
        #expect(try Self.isPlainString("{\"a\":\"\u{80}\u{FF} Ñuñoa, Región del Bío Bío\"}", "a"))
        #expect(try !Self.isPlainString(#"{"a":"x€y"}"#, "a") && !Self.isPlainString(#"{"a":"\u00f1"}"#, "a"))
        #expect(try !Self.isScanned("[1]") && !Self.isScanned(#""{}""#))
        // A large request is its payload: held once, by a tree, not as a copy and a string.
        let payload = String(repeating: "QUJD", count: RequestObject.maxScannedBytes / 4)
        #expect(try Self.isScanned(#"{"b":"\#(payload.dropLast(8))"}"#))
        #expect(try !Self.isScanned(#"{"b":"\#(payload)"}"#))
    }

    @Test func takesOutAMemberAndKeepsTheRest() throws {
        var request = try RequestObject(text: #"{"a":"x","call_id":"c-1","b":[1]}"#)
        #expect(request.remove("call_id") == .string("c-1"))
        #expect(request.remove("call_id") == nil)
        #expect(request.keys == ["a", "b"])
        #expect(request.json == ["a": "x", "b": [1]])
    }

    /// A batch item or a test hands a value over: the reader sees the same request.
    @Test func aValueReadsAsItsText() throws {
        let text = #"{"a":"x","n":3,"o":{"p":null}}"#
        let fromText = try RequestObject(text: text)
        let fromValue = RequestObject(try JSONParser.parse(text))
        #expect(fromText.json == fromValue.json)
        #expect(fromText.keys == fromValue.keys)
        for key in ["a", "n", "o", "missing"] { #expect(fromText.value(key) == fromValue.value(key)) }
    }

    /// FieldReader over a request text: unknown fields, wrong types and values as over a tree.
    @Test func fieldReaderOverText() throws {
        let reader = try FieldReader(
            try RequestObject(text: #"{"s":"x","i":7,"b":true,"n":null}"#),
            allowed: ["s", "i", "b", "n"])
        #expect(try reader.string("s") == "x")
        #expect(try reader.int("i") == 7)
        #expect(try reader.bool("b") == true)
        #expect(try reader.string("n") == nil)
        #expect(!reader.has("n") && reader.has("s"))
        #expect(throws: SelloError.self) { try reader.string("i") }
        #expect(throws: SelloError.self) {
            try FieldReader(try RequestObject(text: #"{"s":"x","zz":1}"#), allowed: ["s"])
        }
        #expect(throws: SelloError.self) { try FieldReader(try RequestObject(text: "[1]"), allowed: ["s"]) }
    }

    /// A member is found wherever it is, whatever place it is said to usually have.
    @Test func aMemberIsFoundWhereverItIsUsuallyExpected() throws {
        let request = try RequestObject(text: #"{"a":"x","bb":1,"ccc":"yy","a2":null}"#)
        for position in [nil, -1, 0, 1, 2, 3, 4, 99] {
            #expect(request.value("a", usuallyAt: position) == "x")
            #expect(request.value("bb", usuallyAt: position) == 1)
            #expect(request.value("ccc", usuallyAt: position) == "yy")
            #expect(request.value("a2", usuallyAt: position) == .null)
            #expect(request.value("b", usuallyAt: position) == nil)
            let reader = try FieldReader(request, allowed: ["a", "bb", "ccc", "a2"])
            #expect(try reader.string("ccc", usuallyAt: position) == "yy")
            #expect(try reader.int("bb", usuallyAt: position) == 1)
            #expect(try reader.string("a2", usuallyAt: position) == nil)
        }
    }

    /// The first unknown member, found over the text (each member's own place in `allowed` tried
    /// first) as over the tree, for the members in every order with unknown ones among them.
    /// The values a message quoting the request must not show: the text of every member named as
    /// a secret, read from the text and from a tree alike; other members and non-text values not.
    @Test func secretValuesAreTheTextsOfTheSecretNamedMembers() throws {
        let text = #"{"correo":"a@b.cl","claveCertificado":"Secreta123","keyPass":"Clave-Key-1","password":7}"#
        let fromText = try Array(text.utf8).withUnsafeBufferPointer { try RequestObject(text: $0) }
        #expect(fromText.secretValues == ["Secreta123", "Clave-Key-1"])
        #expect(RequestObject(try JSONParser.parse(Array(text.utf8))).secretValues == ["Secreta123", "Clave-Key-1"])
        #expect(RequestObject(.array([.string("Secreta123")])).secretValues.isEmpty)
    }

    @Test func theFirstUnknownMemberIsTheSameOverTextAndTree() throws {
        let allowed = ["a", "bb", "ccc", "d"]
        let orders: [[String]] = [
            ["a", "bb", "ccc", "d"], ["d", "ccc", "bb", "a"], ["bb", "a"], ["a", "zz", "bb"], ["zz", "a"],
            ["a", "bb", "ccc", "d", "e"], ["a", "b", "ccc", "dd"], ["a", "bb", "ccc", "d", "a"], ["ccc", "x", "y"], [],
        ]
        for order in orders {
            let text = "{" + order.map { "\"\($0)\":1" }.joined(separator: ",") + "}"
            let fromText = try RequestObject(text: text)
            let fromTree = RequestObject(try JSONParser.parse(text))
            #expect(fromText.firstKey(notIn: allowed) == fromTree.firstKey(notIn: allowed), "\(text)")
            #expect(fromText.firstKey(notIn: allowed) == order.first { !allowed.contains($0) }, "\(text)")
        }
    }
}

extension RequestObject {
    init(text: String) throws(JSONParseError) {
        let bytes = Array(text.utf8)
        self = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in try RequestObject(text: buffer) }
    }
}

extension RequestObject {
    /// `json` as the library gets a request: written as the caller's text, then read.
    static func written(_ json: JSON) -> RequestObject {
        do {
            return try RequestObject(text: JSONWriter.string(json))
        } catch {
            Issue.record("a written request cannot be read back: \(error.message)")
            return RequestObject(json)
        }
    }
}
