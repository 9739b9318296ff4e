/// A JSON value. Objects keep their members in order, so that what the library writes is
/// stable and reads the way the services document it.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }
    public var arrayValue: [JSON]? {
        if case .array(let array) = self { return array }
        return nil
    }
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }
    /// The value as an integer when it is an integral number.
    public var intValue: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value):
            guard value.rounded() == value, abs(value) < 9.0e15 else { return nil }
            return Int64(value)
        default: return nil
        }
    }
    public var isNull: Bool { self == .null }

    /// The JSON type's name, for error messages ("expected a string, got a number").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    public subscript(key: String) -> JSON? { objectValue?[key] }
}

/// An ordered JSON object. Lookups are linear: request and answer objects are small, and a
/// linear scan over a few keys beats hashing them.
public struct JSONObject: Sendable, Equatable {
    public private(set) var members: [(key: String, value: JSON)]

    public init() { members = [] }
    /// An empty object with room for `capacity` members (an envelope knows how many it adds).
    public init(capacity: Int) {
        members = []
        members.reserveCapacity(capacity)
    }
    public init(_ members: [(String, JSON)]) { self.members = members.map { (key: $0.0, value: $0.1) } }
    /// Takes the members as they are (no copy): the parser builds them labelled.
    init(members: [(key: String, value: JSON)]) { self.members = members }

    public var keys: [String] { members.map(\.key) }
    public var isEmpty: Bool { members.isEmpty }

    public subscript(key: String) -> JSON? {
        get { members.first(where: { JSONObject.same($0.key, key) })?.value }
        set {
            if let index = members.firstIndex(where: { JSONObject.same($0.key, key) }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key: key, value: newValue))
            }
        }
    }

    /// Whether two member names are equal, their UTF-8 lengths compared first: most names a
    /// lookup passes differ in length, and String's `==` on two different names costs some 40
    /// instructions (a FES call made about 150 such comparisons; issue 13). So a name composed
    /// and the same name decomposed are two names, as RFC 8259 §8.3 compares them; two names of
    /// one length compare by `==` (canonical equivalence), which differs from code unit by code
    /// unit only for reordered combining marks, and every name the library knows is ASCII.
    /// (`String.hasSameUTF8` is exact, and costs some 1,700 instructions a FES call here.)
    @inline(__always)
    static func same(_ name: String, _ other: String) -> Bool {
        name.utf8.count == other.utf8.count && name == other
    }

    /// Replaces the value of the member at `index` (one of `members.indices`): for a reader that
    /// found its members' places in one pass (`FESClient.Places`; issue 13).
    public mutating func setValue(_ value: JSON, at index: Int) {
        members[index].value = value
    }

    /// Appends without looking for an existing key (the caller knows the key is new).
    public mutating func append(_ key: String, _ value: JSON) {
        members.append((key: key, value: value))
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSON {
    /// `.string` or `.null` for an optional string.
    public init(_ string: String?) { self = string.map(JSON.string) ?? .null }
    public init(_ int: Int?) { self = int.map { JSON.int(Int64($0)) } ?? .null }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON)...) { self.init(elements) }
}
