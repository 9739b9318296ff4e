/// A request as the caller wrote it, read without a JSON tree (issue 13, item 2): `RequestScan`
/// finds its members in one pass, and a plain string becomes a String only when a field asks
/// for it. A lookup compares the name's bytes; nothing is built for the request as a whole.
///
/// What the scan does not take (another type, an unusual name, an error) is parsed whole, and a
/// request handed over as a value (a batch item, a nested entry, a test) is kept as that value:
/// `FieldReader` reads all of them the same way.
public struct RequestObject: Sendable {
    enum Storage: Sendable {
        /// The request's bytes and where each member lies in them.
        case text([UInt8], [RequestScan.Member])
        case value(JSON)
    }
    private(set) var storage: Storage

    public init(_ value: JSON) { storage = .value(value) }

    /// The longest text that is scanned. The scan keeps a copy of the text, and a string read
    /// from it is a second copy: past this size the request is its payload (an XML, a document
    /// in base64), a tree holds that payload once, and what the scan saves is lost in its size.
    static let maxScannedBytes = 256 * 1024

    /// Reads `bytes` strictly: the same texts fail, with the same error at the same byte, as
    /// with `JSONParser.parse`, and the same members are found.
    public init(text bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        if bytes.count <= RequestObject.maxScannedBytes, let members = RequestScan.members(bytes) {
            storage = .text(Array(bytes), members)
        } else {
            storage = .value(try JSONParser.parse(bytes))
        }
    }

    public var isObject: Bool {
        switch storage {
        case .text: return true
        case .value(let value): return value.objectValue != nil
        }
    }

    /// The JSON type's name, for "the request must be a JSON object, got …".
    public var typeName: String {
        switch storage {
        case .text: return JSON.object(JSONObject()).typeName
        case .value(let value): return value.typeName
        }
    }

    /// The member names in order (none when the request is not an object).
    public var keys: [String] {
        switch storage {
        case .text(let bytes, let members): return members.map { RequestObject.name($0, bytes) }
        case .value(let value): return value.objectValue?.keys ?? []
        }
    }

    /// The first member name that is not in `allowed`.
    func firstKey(notIn allowed: [String]) -> String? {
        switch storage {
        case .text(let bytes, let members):
            // The name in the member's own place in `allowed` is tried first: programs tend to
            // write the fields in the documented order, and then one comparison per member does.
            let unknown = bytes.withUnsafeBufferPointer { buffer in
                members.indices.first { index in
                    let name = members[index].name
                    if index < allowed.count && RequestScan.name(name, in: buffer, is: allowed[index]) { return false }
                    return !allowed.contains { RequestScan.name(name, in: buffer, is: $0) }
                }
            }
            return unknown.map { RequestObject.name(members[$0], bytes) }
        case .value(let value):
            return value.objectValue?.members.first { member in
                !allowed.contains { JSONObject.same($0, member.key) }
            }?.key
        }
    }

    /// The member's value, `.null` included; nil when there is no such member. `position`,
    /// where the member usually is (the operation's documented order), is looked at first.
    public func value(_ key: String, usuallyAt position: Int? = nil) -> JSON? {
        switch storage {
        case .value(let value):
            return value.objectValue?[key]
        case .text(let bytes, let members):
            // Read where it lies, without copying the member out (issue 13).
            return bytes.withUnsafeBufferPointer { buffer in
                RequestObject.index(of: key, buffer, members, usuallyAt: position).map {
                    RequestObject.read(members[$0].value, buffer)
                }
            }
        }
    }

    /// Whether the member is there and not null, without reading its value.
    public func isPresent(_ key: String) -> Bool {
        switch storage {
        case .value(let value):
            return value.objectValue?[key].map { !$0.isNull } ?? false
        case .text(let bytes, let members):
            guard let member = RequestObject.find(key, bytes, members) else { return false }
            if case .parsed(.null) = member.value { return false }
            return true
        }
    }

    /// Takes the member out and returns its value (nil when there was none).
    public mutating func remove(_ key: String) -> JSON? {
        switch storage {
        case .value(let value):
            guard var object = value.objectValue, let removed = object[key] else { return nil }
            object[key] = nil
            storage = .value(.object(object))
            return removed
        case .text(let bytes, var members):
            guard let member = RequestObject.find(key, bytes, members) else { return nil }
            let removed = RequestObject.read(member, bytes)
            members.removeAll { $0.name == member.name }
            storage = .text(bytes, members)
            return removed
        }
    }

    /// The whole request as a value, for what reads it as a tree.
    public var json: JSON {
        switch storage {
        case .value(let value):
            return value
        case .text(let bytes, let members):
            var object = JSONObject(capacity: members.count)
            for member in members {
                object.append(RequestObject.name(member, bytes), RequestObject.read(member, bytes))
            }
            return .object(object)
        }
    }

    static func find(_ key: String, _ bytes: [UInt8], _ members: [RequestScan.Member]) -> RequestScan.Member? {
        bytes.withUnsafeBufferPointer { index(of: key, $0, members) }.map { members[$0] }
    }

    /// Where the member named `key` is, `position` tried first. The names are compared in place:
    /// `first(where:)` copied every member it passed, a retain and a release of each parsed value.
    static func index(
        of key: String, _ buffer: UnsafeBufferPointer<UInt8>, _ members: [RequestScan.Member],
        usuallyAt position: Int? = nil
    ) -> Int? {
        if let position, members.indices.contains(position),
            RequestScan.name(members[position].name, in: buffer, is: key)
        {
            return position
        }
        return members.indices.first { RequestScan.name(members[$0].name, in: buffer, is: key) }
    }

    static func name(_ member: RequestScan.Member, _ bytes: [UInt8]) -> String {
        String(decoding: bytes[member.name], as: UTF8.self)
    }

    /// A member's value: a plain string made from the bytes between its quotes (printable
    /// ASCII and scalars U+0080…U+00FF, checked by the scan), any other value as the parser
    /// read it.
    static func read(_ member: RequestScan.Member, _ bytes: [UInt8]) -> JSON {
        bytes.withUnsafeBufferPointer { read(member.value, $0) }
    }

    static func read(_ value: RequestScan.Value, _ buffer: UnsafeBufferPointer<UInt8>) -> JSON {
        switch value {
        case .parsed(let value):
            return value
        case .plainString(let range):
            let characters = (range.lowerBound + 1)..<(range.upperBound - 1)
            return .string(string(UnsafeBufferPointer(rebasing: buffer[characters])))
        }
    }

    /// The string of UTF-8 `bytes`, written in place: up to 15 ASCII bytes make a small string
    /// without the UTF-8 validation `String(decoding:)` runs (issue 13: some 500 instructions a
    /// FES call); other bytes are validated, by the standard library's specialised check.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { string in string.initialize(fromContentsOf: bytes) }
    }

    /// The scanned request's bytes and members, for a reader that takes the plain strings as
    /// bytes (`PlainStrings`); nil for a request that was not scanned.
    func withPlainStrings<Result>(_ body: (PlainStrings) -> Result?) -> Result? {
        guard case .text(let bytes, let members) = storage else { return nil }
        return bytes.withUnsafeBufferPointer { body(PlainStrings(buffer: $0, members: members)) }
    }

    /// The members of a scanned request that are plain strings, read as the bytes between their
    /// quotes: no String, no JSON value is made for them (issue 13: FES's parameters are checked
    /// and trimmed on these bytes, and a String made once for what is kept).
    struct PlainStrings {
        let buffer: UnsafeBufferPointer<UInt8>
        let members: [RequestScan.Member]

        /// The bytes of member `key`'s value (`position` tried first); nil when there is no such
        /// member or its value is not a plain string.
        func bytes(_ key: StaticString, usuallyAt position: Int) -> UnsafeBufferPointer<UInt8>? {
            let found =
                members.indices.contains(position) && RequestScan.name(members[position].name, in: buffer, is: key)
                ? position : members.indices.first { RequestScan.name(members[$0].name, in: buffer, is: key) }
            guard let index = found, case .plainString(let range) = members[index].value else { return nil }
            return UnsafeBufferPointer(rebasing: buffer[(range.lowerBound + 1)..<(range.upperBound - 1)])
        }
    }
}

extension RequestObject {
    /// The text values of the members named as secrets (`Redactor.secretNames`: a password, a
    /// key): masked wherever a message quotes the request, before the request is built.
    var secretValues: [String] {
        keys.filter { Redactor.secretNames.contains($0) }.compactMap { value($0)?.stringValue }
    }
}
