/// Reads the members of a request or configuration object with the checks every operation
/// needs: it must be an object, unknown members are refused (with the known ones listed), and a
/// member of the wrong JSON type is an `invalid_argument` naming the field.
public struct FieldReader {
    public let request: RequestObject
    let what: String

    /// - Parameters:
    ///   - allowed: every member the operation knows.
    ///   - what: "request" or "configuration", for messages.
    public init(_ request: RequestObject, allowed: [String], what: String = "request") throws(SelloError) {
        guard request.isObject else {
            throw .invalidArgument("the \(what) must be a JSON object, got \(request.typeName)")
        }
        if let key = request.firstKey(notIn: allowed) {
            let known = allowed.sorted().joined(separator: ", ")
            throw .invalidArgument(
                "unknown \(what) field '\(key)'; known fields: \(known)", field: key, code: .unknownField)
        }
        self.request = request
        self.what = what
    }

    /// A request or configuration handed over as a value (a batch item, a nested entry).
    public init(_ json: JSON, allowed: [String], what: String = "request") throws(SelloError) {
        try self.init(RequestObject(json), allowed: allowed, what: what)
    }

    public func has(_ key: String) -> Bool { request.isPresent(key) }

    /// The member as it is, `.null` included; nil when absent.
    public func member(_ key: String) -> JSON? { request.value(key) }

    /// The member when present and not null; `position` is where it usually is.
    func present(_ key: String, usuallyAt position: Int? = nil) -> JSON? {
        guard let value = request.value(key, usuallyAt: position), !value.isNull else { return nil }
        return value
    }

    func wrongType(_ key: String, _ expected: String, _ value: JSON) -> SelloError {
        // PHP's json_encode writes an empty array as a list, whatever the program meant by it.
        let emptyList = expected == "an object" && value.arrayValue?.isEmpty == true
        let hint =
            emptyList ? " (an empty list; from PHP, write an empty object as (object)[], or leave the field out)" : ""
        return .invalidArgument(
            "\(what) field '\(key)' must be \(expected), got \(value.typeName)\(hint)", field: key, code: .wrongType)
    }

    /// A string member; nil when absent or null. `position`, where the member usually is (its
    /// place in the documented order), is looked at first (issue 13).
    public func string(_ key: String, usuallyAt position: Int? = nil) throws(SelloError) -> String? {
        guard let value = present(key, usuallyAt: position) else { return nil }
        guard let string = value.stringValue else { throw wrongType(key, "a string", value) }
        return string
    }

    /// A string member, or a number given where the service's field is textual (an id).
    public func stringOrNumber(_ key: String) throws(SelloError) -> String? {
        guard let value = present(key) else { return nil }
        switch value {
        case .string(let string): return string
        case .int(let int): return String(int)
        default: throw wrongType(key, "a string or an integer", value)
        }
    }

    /// An integer member; nil when absent or null. A number that is not one says which rule it
    /// breaks: a fraction is not an integer; a whole number past what an Int holds (1e30, 2^63)
    /// is out of `range`, the caller's (checked by the caller within an Int), which is said
    /// (INVALID_ARGUMENT: its JSON type is right).
    public func int(_ key: String, usuallyAt position: Int? = nil, range: ClosedRange<Int> = Int.min...Int.max)
        throws(SelloError) -> Int?
    {
        guard let value = present(key, usuallyAt: position) else { return nil }
        if let int = value.intValue, let result = Int(exactly: int) { return result }
        guard case .double(let double) = value else { throw wrongType(key, "an integer", value) }
        // A whole number written with an exponent (5e3) is an integer, exactly, when an Int holds it.
        if double.rounded() == double, let result = Int(exactly: double) { return result }
        guard double.rounded() == double else {
            throw .invalidArgument(
                "\(what) field '\(key)' must be an integer, got \(double)", field: key, code: .wrongType)
        }
        throw .invalidArgument(
            "\(what) field '\(key)' is out of range (\(double)): it takes an integer from \(range.lowerBound) to "
                + "\(range.upperBound)\(range == Int.min...Int.max ? ", and its own rule within that" : "")",
            field: key)
    }

    public func bool(_ key: String) throws(SelloError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard let bool = value.boolValue else { throw wrongType(key, "true or false", value) }
        return bool
    }

    public func objectMember(_ key: String) throws(SelloError) -> JSON? {
        guard let value = present(key) else { return nil }
        guard value.objectValue != nil else { throw wrongType(key, "an object", value) }
        return value
    }

    public func array(_ key: String) throws(SelloError) -> [JSON]? {
        guard let value = present(key) else { return nil }
        guard let array = value.arrayValue else { throw wrongType(key, "an array", value) }
        return array
    }

    public func stringArray(_ key: String) throws(SelloError) -> [String]? {
        guard let array = try array(key) else { return nil }
        var strings: [String] = []
        for (index, element) in array.enumerated() {
            guard let string = element.stringValue else {
                throw .invalidArgument(
                    "\(what) field '\(key)[\(index)]' must be a string, got "
                        + "\(element.typeName)", field: key, code: .wrongType)
            }
            strings.append(string)
        }
        return strings
    }
}
