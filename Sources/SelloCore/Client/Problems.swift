/// Every problem of one request, found in one pass (issue 13: "validation collecting every
/// problem, as FES does today"), so that a caller fixes a request once, not once per field.
/// Each check runs even when one before it failed; what is thrown at the end is the first problem
/// — the one a check that stopped there would have thrown — with every problem in
/// `details.problems`. What makes the rest unreadable (not an object, an unknown member) is still
/// thrown at once by `FieldReader`.
public struct Problems {
    public private(set) var found: [SelloError] = []

    public init() {}

    /// Problems already found (a check's own list: a CSD's missing parts).
    public init(_ found: [SelloError]) { self.found = found }

    public var isEmpty: Bool { found.isEmpty }

    /// Runs one check: its value, or nil when it failed (the problem is kept; a check that found
    /// several, such as a CSD's missing parts, keeps each). With `prefix`, the problem's field is
    /// named inside the member it belongs to (`signers[1].email`).
    @discardableResult
    public mutating func check<T>(prefix: String? = nil, _ body: () throws(SelloError) -> T) -> T? {
        do {
            return try body()
        } catch {
            let each = error.problems.isEmpty ? [error] : error.problems
            found += prefix.map { prefix in each.map { $0.prefixed(prefix) } } ?? each
            return nil
        }
    }

    /// Runs a check whose value is the string member `key` of `body`, appended when it passes.
    public mutating func append(_ key: String, to body: inout JSONObject, _ value: () throws(SelloError) -> String) {
        if let text = check(value) { body.append(key, .string(text)) }
    }

    public mutating func add(_ problem: SelloError) { found.append(problem) }

    /// Another list's problems (a member's), named inside `prefix`.
    public mutating func add(_ other: Problems, prefix: String) {
        found += other.found.map { $0.prefixed(prefix) }
    }

    /// Throws the first problem with every one attached; returns when there is none.
    public func throwIfAny() throws(SelloError) {
        guard let first = found.first else { return }
        throw first.withProblems(found)
    }
}

extension SelloError {
    /// Attaches every problem found, so that a caller can fix them all at once.
    func withProblems(_ problems: [SelloError]) -> SelloError {
        guard problems.count > 1 else { return self }
        var copy = self
        copy.problems = problems
        var details = details ?? JSONObject()
        details.append(
            "problems",
            .array(
                problems.map { problem in
                    [
                        "field": JSON(problem.field), "code": .string(problem.code.name),
                        "service_code": JSON(problem.serviceCode),
                        "message": .string(problem.message),
                    ]
                }))
        copy.details = details
        return copy
    }

    /// The same problem of a member's field, named inside the member (`signers[1]` + `email`),
    /// in its field and in its message; a problem without a field is the member's own.
    func prefixed(_ prefix: String) -> SelloError {
        var copy = self
        if let field, !field.hasPrefix(prefix) {
            copy.message = message.replacing("'\(field)'", with: "'\(prefix).\(field)'")
            copy.field = "\(prefix).\(field)"
        } else if field == nil {
            copy.field = prefix
        }
        return copy
    }
}
