/// The local checks of Firma Virtual requests (kind `validation`, the field named, nothing
/// sent). Structural problems (not an object, wrong JSON type, unknown or missing field) are
/// `invalid_argument`, as everywhere in the library.
enum FVValidation {
    static let personTypes = ["NATURAL", "LEGAL"]
    static let paymentStatuses = ["PENDING", "PAIDOUT"]
    static let contractTypes = ["REAL_ESTATE", "LABOR", "PERSONAL", "POWER", "COMPANY", "SOCIETY", "VEHICLE"]
    static let modals = ["SIGNATURE", "SIGNATURE_CERT_NOTARIAL", "SIGNATURE_PROT_NOTARIAL"]
    static let queryTypes = ["ALL", "TYPE", "CONTRACT-TYPE", "ID", "FEE", "MODAL"]
    static let maxSigners = 10

    // MARK: - Fields

    static func missing(_ field: String) -> SelloError {
        MissingField.library.error(field)
    }

    static func invalid(_ code: ErrorCode, _ message: String, field: String) -> SelloError {
        SelloError(.validation, code, message, field: field)
    }

    /// A required, non-empty string (trimmed).
    static func text(_ reader: FieldReader, _ key: String, prefix: String = "") throws(SelloError) -> String {
        guard let value = try reader.string(key) else { throw missing(prefix + key) }
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty else { throw invalid(.emptyField, "'\(prefix + key)' is empty", field: prefix + key) }
        return trimmed
    }

    /// An optional string that, when given, is not empty (trimmed).
    static func optionalText(_ reader: FieldReader, _ key: String) throws(SelloError) -> String? {
        guard reader.has(key) else { return nil }
        return try text(reader, key)
    }

    /// IDUser, IDOwner: a positive integer of at most 18 digits, as a number or a string of
    /// digits. Every refusal states that whole rule (a 19-digit id was told "a positive integer").
    static func positiveID(_ reader: FieldReader, _ key: String) throws(SelloError) -> String {
        let rule = "'\(key)' must be a positive integer of at most 18 digits (the service's numeric id)"
        // A fraction, or a number past 2^63 (read as a double), is a number all the same.
        if case .double(let double) = reader.member(key) {
            throw invalid(.idInvalid, "\(rule), got \(double)", field: key)
        }
        guard let value = try reader.stringOrNumber(key) else { throw missing(key) }
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.count <= 18, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(trimmed), number > 0
        else {
            throw invalid(.idInvalid, "\(rule), got \(Quote.value(value))", field: key)
        }
        return String(number)
    }

    /// IDContract, ContractID, contractID: the service's contract ids are UUIDs
    /// ("307c1f32-bbb5-4cbe-a4f4-ecf20616510a").
    static func contractID(_ reader: FieldReader, _ key: String) throws(SelloError) -> String {
        guard let value = try reader.string(key) else { throw missing(key) }
        let trimmed = value.trimmingSpaces
        guard isUUID(trimmed) else {
            throw invalid(
                .contractIdInvalid,
                "'\(key)' must be a contract id as the service issues them, a UUID such as "
                    + "307c1f32-bbb5-4cbe-a4f4-ecf20616510a; got \(Quote.value(value))",
                field: key)
        }
        return trimmed
    }

    static func isUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        // ASCII only: Character.isHexDigit also accepts full-width digits (issue 12, item 22).
        return groups.allSatisfy { $0.utf8.allSatisfy { Redactor.hexValue($0) != nil } }
    }

    /// One of `allowed`, case-insensitively; the service's spelling is returned.
    static func choice(_ value: String, _ allowed: [String], field: String, code: ErrorCode) throws(SelloError)
        -> String
    {
        let upper = value.trimmingSpaces.uppercased()
        guard allowed.contains(upper) else {
            throw invalid(
                code,
                "'\(field)' must be one of \(allowed.joined(separator: ", ")); got \(Quote.value(value))", field: field)
        }
        return upper
    }

    // MARK: - People

    /// Which phone numbers a signer may have: the seed's (`phone`) or express's Chilean ones.
    enum PhoneRule {
        case seed
        case chilean
    }

    /// A signer's `full_name`, `email`, `rutId` and `phone`, checked and appended to `object` in
    /// that order, the order every signer is written in (the seed's signer operations, its
    /// contracts, create-contract-express); `prefix` (`signers[1]`) names the signer in messages.
    /// `rutForLookup`: the RUT finds an existing signer (UpdateSigner) and is read by
    /// `rutForLookup`, a wrong check digit a warning; the warnings are returned.
    @discardableResult
    static func signerIdentity(
        _ reader: FieldReader, prefix: String?, phone rule: PhoneRule, into object: inout JSONObject,
        problems: inout Problems, rutForLookup lookup: Bool = false
    ) -> [Warning] {
        let name = { (key: String) in prefix.map { "\($0).\(key)" } ?? key }
        problems.append("full_name", to: &object) { () throws(SelloError) in try text(reader, "full_name") }
        problems.append("email", to: &object) { () throws(SelloError) in
            try email(try text(reader, "email"), field: name("email"))
        }
        var found = ReadFacts()
        problems.append("rutId", to: &object) { () throws(SelloError) in
            let value = try text(reader, "rutId")
            return lookup
                ? try rutForLookup(value, field: name("rutId"), found: &found) : try rut(value, field: name("rutId"))
        }
        problems.append("phone", to: &object) { () throws(SelloError) in
            let value = try text(reader, "phone")
            switch rule {
            case .seed: return try phone(value, field: name("phone"))
            case .chilean: return try chileanPhone(value, field: name("phone"))
            }
        }
        return found.warnings
    }

    /// A RUT with a correct check digit, sent as "12345678-5".
    static func rut(_ value: String, field: String) throws(SelloError) -> String {
        switch RUT.parse(value) {
        case .success(let rut): return rut.normalized
        case .failure(let problem): throw invalid(.rutInvalido, "\(field): \(problem.message)", field: field)
        }
    }

    static func email(_ value: String, field: String) throws(SelloError) -> String {
        if let problem = EmailAddress.problem(value) {
            throw invalid(
                .emailInvalid,
                "\(field): \(Quote.value(value)) is not an e-mail address: \(problem)", field: field)
        }
        return value
    }

    /// Digits with an optional leading +, 8 to 15 digits (E.164 at most): the seed's numbers
    /// are "+56978570242", "873320311", "584127957852".
    static func phone(_ value: String, field: String) throws(SelloError) -> String {
        let digits = value.hasPrefix("+") ? value.dropFirst() : Substring(value)
        guard (8...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw invalid(
                .phoneInvalid,
                "\(field): \(Quote.value(value)) is not a phone number: 8 to 15 digits with an optional "
                    + "leading + (e.g. +56978570242), without spaces or dashes",
                field: field)
        }
        return value
    }

    /// create-contract-express's phones are written "+56…" (CHILE_2026 §1.3: both integrations
    /// prefix +56 and drop a leading 0): "+56" and the 9 digits of a Chilean number. Also taken:
    /// the 9 digits alone, with a leading 0, or "56…" without the +; spaces, dashes, dots and
    /// parentheses are ignored.
    static func chileanPhone(_ value: String, field: String) throws(SelloError) -> String {
        let plain = value.filter { !" -.()".contains($0) }
        var digits = plain.hasPrefix("+") ? String(plain.dropFirst()) : plain
        if !plain.hasPrefix("+") {
            if digits.count == 10 && digits.hasPrefix("0") { digits.removeFirst() }
            if digits.count == 9 { digits = "56" + digits }
        }
        guard digits.count == 11, digits.hasPrefix("56"), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw invalid(
                .phoneInvalid,
                "\(field): \(Quote.value(value)) is not a Chilean phone number: +56 and 9 digits "
                    + "(+56912345678), or the 9 digits alone",
                field: field)
        }
        return "+" + digits
    }

    /// A contract's `callback`: an http(s) URL without spaces.
    static func callbackURL(_ value: String) throws(SelloError) -> String {
        let trimmed = value.trimmingSpaces
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), trimmed.count > 8,
            !trimmed.contains(where: { $0.isWhitespace })
        else {
            throw invalid(
                .callbackInvalid,
                "'callback' must be an http(s) URL such as https://ejemplo.com/webhook, "
                    + "got \(Quote.value(value))", field: "callback")
        }
        return trimmed
    }

    /// CreateUserApp's sLogin, as the service's "Invalid Login must be alphanumeric whit 6 to
    /// 16 length" says.
    static func login(_ value: String, field: String) throws(SelloError) -> String {
        guard (6...16).contains(value.count), value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw invalid(
                .invalidLogin,
                "Invalid Login must be alphanumeric whit 6 to 16 length: \(Quote.value(value)) "
                    + "(letters and digits only, 6 to 16 of them)",
                field: field)
        }
        return value
    }

    /// A RUT used only to find a signer (DeleteSigner): its shape is checked, a wrong check
    /// digit is a warning (the signer may have been registered with it elsewhere).
    static func rutForLookup(_ value: String, field: String, found: inout ReadFacts) throws(SelloError) -> String {
        switch RUT.parse(value) {
        case .success(let rut): return rut.normalized
        case .failure(let problem) where problem.isCheckDigit:
            let plain = value.trimmingSpaces.uppercased().replacing(".", with: "")
            let normalized = plain.contains("-") ? plain : String(plain.dropLast()) + "-" + String(plain.suffix(1))
            found.warn(
                Warning(
                    kind: .validation, code: .rutInvalido,
                    message: "\(field): \(problem.message) (\(normalized)); sent as is to find the "
                        + "signer", field: field))
            return normalized
        case .failure(let problem):
            throw invalid(.rutInvalido, "\(field): \(problem.message)", field: field)
        }
    }

    // MARK: - Contracts

    /// A signer's `portion`: 100 or 50 for a payer, 0 for a signer who does not pay; a number
    /// or a string ("100", "50.00"). Returns the value and the form to send (numbers as
    /// integers, strings as "100", "50", "0").
    static func portion(_ value: JSON, field: String) throws(SelloError) -> (percent: Int, json: JSON) {
        var percent: Int?
        var asString = false
        switch value {
        case .int, .double:
            percent = value.intValue.flatMap { Int(exactly: $0) }
        case .string(let text):
            asString = true
            let trimmed = text.trimmingSpaces
            let parts = trimmed.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            if let whole = parts.first, !whole.isEmpty, whole.count <= 3,
                whole.allSatisfy({ $0.isASCII && $0.isNumber }),
                parts.count == 1 || parts[1].allSatisfy({ $0 == "0" })
            {
                percent = Int(whole)
            }
        default:
            throw .invalidArgument(
                "'\(field)' must be a number or a string (100, 50 or 0), got "
                    + "\(value.typeName)", field: field, code: .wrongType)
        }
        guard let percent, [0, 50, 100].contains(percent) else {
            throw invalid(
                .portionInvalid,
                "'\(field)' must be 100 or 50 (the share of the price this signer pays) or "
                    + "0 (does not pay); got \(JSONWriter.string(value))",
                field: field)
        }
        return (percent, asString ? .string(String(percent)) : .int(Int64(percent)))
    }

    /// `payment` is obsolete and "debe ir con 0.00 para todos los casos".
    static func payment(_ value: JSON?, field: String) throws(SelloError) {
        guard let value, !value.isNull else { return }
        let zero: Bool
        switch value {
        case .int, .double: zero = value == .int(0) || value == .double(0)
        case .string(let text): zero = ["0", "0.0", "0.00"].contains(text.trimmingSpaces)
        default: zero = false
        }
        guard zero else {
            throw invalid(
                .paymentInvalid,
                "'\(field)' is obsolete and must be 0.00 (the seed: \"debe ir con 0.00 "
                    + "para todos los casos\"); got \(JSONWriter.string(value))",
                field: field)
        }
    }

    /// GetContractType's QVALUE for a QTYPE, in the form to put in the path. Without a readable
    /// QTYPE (nil: its own problem is reported), only QVALUE's presence can be judged.
    static func queryValue(_ reader: FieldReader, type: String?) throws(SelloError) -> String {
        guard let raw = try reader.stringOrNumber("QVALUE") else {
            if type == "ALL" { return "0" }
            throw missing("QVALUE")
        }
        let value = raw.trimmingSpaces
        guard let type else { return value }
        func bad(_ expected: String) -> SelloError {
            invalid(
                .qvalueInvalid,
                "QVALUE for QTYPE \(type) must be \(expected); got \(Quote.value(raw))", field: "QVALUE")
        }
        switch type {
        case "ALL":
            guard value == "0" else { throw bad("0") }
            return value
        case "TYPE", "CONTRACT-TYPE":
            guard contractTypes.contains(value.uppercased()) else {
                throw bad("one of \(contractTypes.joined(separator: ", "))")
            }
            return value.uppercased()
        case "MODAL":
            guard modals.contains(value.uppercased()) else { throw bad("one of \(modals.joined(separator: ", "))") }
            return value.uppercased()
        // The seed lists ids 1..26 and 1..117, but the ids depend on the account's plan (CHILE_2026
        // §1.3: never hard-coded); only what cannot be an id is refused here.
        case "ID":
            guard let number = Int(value), number > 0 else { throw bad("a contract type id, a positive integer") }
            return String(number)
        default: // FEE
            guard let number = Int(value), number > 0 else { throw bad("a fee id, a positive integer") }
            return String(number)
        }
    }

    // MARK: - Helpers

    /// Runs `body` on a nested object, naming the fields of its errors "signers[2].email".
    static func nested<T>(_ prefix: String, _ body: () throws(SelloError) -> T) throws(SelloError) -> T {
        do {
            return try body()
        } catch {
            throw error.prefixed(prefix)
        }
    }
}
