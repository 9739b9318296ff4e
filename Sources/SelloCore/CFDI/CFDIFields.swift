#if canImport(Glibc)
import Glibc
#endif

/// What every CFDI request shares: the contract (config default, overridable per call) and the
/// local output options.
struct CFDIOutput {
    let saveDir: String?
    let includeXML: Bool

    init(saveDir: String?, includeXML: Bool) {
        self.saveDir = saveDir
        self.includeXML = includeXML
    }

    /// Both fields are checked, and both problems reported.
    init(_ reader: FieldReader, includeXMLAllowed: Bool = true) throws(SelloError) {
        var problems = Problems()
        let saveDir = problems.check { () throws(SelloError) in try CFDIOutput.saveDir(reader) }
        let includeXML = problems.check { () throws(SelloError) in
            includeXMLAllowed ? (try reader.bool("include_xml") ?? false) : false
        }
        try problems.throwIfAny()
        (self.saveDir, self.includeXML) = (saveDir ?? nil, includeXML ?? false)
    }

    /// The folder to save the documents in, when given.
    static func saveDir(_ reader: FieldReader) throws(SelloError) -> String? {
        guard let saveDir = try reader.string("save_dir") else { return nil }
        if let problem = directoryProblem(saveDir) {
            // The stamp must not be lost: refuse, before sending, a folder that cannot take it.
            throw SelloError(.io, .saveDirUnwritable, "save_dir: \(problem); nothing was sent", field: "save_dir")
        }
        return saveDir
    }

    static func directoryProblem(_ path: String) -> String? {
        FileSystem.outputFolderProblem(path)
    }
}

enum CFDIFields {
    /// The contract: the request's, else the configuration's.
    static func contrato(_ reader: FieldReader, default fallback: String) throws(SelloError) -> String {
        guard let contrato = try reader.string("contrato") else { return fallback }
        guard !contrato.trimmingSpaces.isEmpty else {
            throw CFDICodes.invalidParameter(
                "contrato is empty; leave it out to use the configured one", field: "contrato")
        }
        // Checked as the configured one is (`ClientConfig.harden`): a line break from a file.
        if let problem = ClientConfig.controlCharacterProblem(in: contrato, field: "contrato") {
            throw CFDICodes.invalidParameter(problem, field: "contrato")
        }
        return contrato
    }

    /// A UUID (folio fiscal): 8-4-4-4-12 hexadecimal digits.
    static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let hex =
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
                guard hex else { return false }
            }
        }
        return true
    }

    static func uuid(_ text: String, field: String) throws(SelloError) -> String {
        let trimmed = text.trimmingSpaces
        guard isUUID(trimmed) else {
            throw CFDICodes.invalidParameter(
                "\(field) \(Quote.value(text)) is not a UUID (folio fiscal: 8-4-4-4-12 hexadecimal digits)",
                field: field)
        }
        return trimmed
    }

    /// The `uuid` of a request about one CFDI: required, and a UUID.
    static func requiredUUID(_ reader: FieldReader) throws(SelloError) -> String {
        guard let text = try reader.string("uuid") else {
            throw MissingField.prodigia.error("uuid", message: "uuid, the folio fiscal of the CFDI, is required")
        }
        return try uuid(text, field: "uuid")
    }

    /// A cancellation's rfcEmisor: required, and checked as every RFC.
    static func rfcEmisor(_ reader: FieldReader, found: inout ReadFacts) throws(SelloError) -> String {
        guard let text = try reader.string("rfcEmisor") else {
            throw MissingField.prodigia.error("rfcEmisor", message: "rfcEmisor, the RFC of the issuer, is required")
        }
        return try rfc(text, field: "rfcEmisor", found: &found)
    }

    /// An RFC checked with `RFC.parse`: a malformed one is an error, a wrong check digit a warning
    /// (real RFCs with one exist).
    static func rfc(_ text: String, field: String, found: inout ReadFacts) throws(SelloError) -> String {
        let length = text.trimmingSpaces.count
        guard length <= 16 else {
            throw CFDICodes.invalidParameter(
                "\(field): an RFC has 12 characters (company) or 13 (person); "
                    + "\(Quote.value(text)) has \(length)", field: field)
        }
        switch RFC.parse(text) {
        case .success(let rfc):
            if !rfc.checkDigitOK && !rfc.isGeneric {
                found.warn(
                    Warning(
                        kind: .validation, code: .rfcCheckDigit,
                        message: "\(field): the RFC \(Quote.value(text)) does not match its check digit; some "
                            + "real RFCs do not, so it was sent: make sure it is typed right",
                        field: field))
            }
            return rfc.text
        case .failure(let problem):
            throw CFDICodes.invalidParameter("\(field): \(problem.message)", field: field)
        }
    }

    /// A comprobante's total: digits with optional decimals ("1160.00").
    static func isTotal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// A total given as a string ("1160.00") or a JSON number (1160, 250.5), as its text; nil
    /// when absent. Checked with `isTotal`; a message quotes the value as given (`Quote`).
    static func total(_ value: JSON?, field: String) throws(SelloError) -> String? {
        let given: String
        let text: String
        switch value {
        case .none, .some(.null): return nil
        case .some(.string(let string)): (given, text) = (string, string.trimmingSpaces)
        case .some(.int(let int)): (given, text) = (String(int), String(int))
        case .some(.double(let double)) where double.isFinite: (given, text) = ("\(double)", "\(double)")
        case .some(let other):
            throw .invalidArgument(
                "\(field) must be a number or a string such as \"1160.00\", got "
                    + "\(other.typeName)", field: field, code: .wrongType)
        }
        guard isTotal(text) else {
            throw CFDICodes.invalidParameter(
                "\(field): the total \(Quote.value(given)) \(totalProblem(text, number: value?.stringValue == nil))",
                field: field)
        }
        return text
    }

    /// The rule a total's text breaks, said as such: "-5" is a number, but a total is never
    /// negative; 1e300 is one, but it is written as digits.
    static func totalProblem(_ text: String, number: Bool) -> String {
        if text.hasPrefix("-") && isTotal(String(text.dropFirst())) {
            return "is negative; a total is 0 or more, such as 1160.00"
        }
        if number && text.contains("e") {
            return "is written with an exponent; give it as digits with optional decimals, such as \"1160.00\""
        }
        return "is not a number such as 1160.00"
    }

    /// Every request carries the configured user's Basic credentials and no Accept header: one
    /// is reported to make Prodigia fail (PRODIGIA_2026.md §1), and "Accept:" with no value stops
    /// libcurl from adding its default "Accept: */*".
    static func authorize(_ http: inout HTTPRequest, _ auth: BasicCredentials) {
        http.headers.append("Accept:")
        http.basicAuth = auth
        http.secrets.append(auth.password)
    }

    /// A document given as exactly one of `name` (text), `name_path` or `name_base64`: present
    /// and not blank. `what` names it in messages ("the CSV interchange file").
    /// `check`: what the document must be besides non-empty, given its bytes and the field they
    /// came from; it returns the bytes to send (`CFDIEncoding.csv`).
    static func document(
        _ reader: FieldReader, name: String, what: String,
        check: (_ bytes: [UInt8], _ field: String) throws(SelloError) -> [UInt8] = { bytes, _ in bytes }
    ) throws(SelloError) -> [UInt8] {
        let names = [name, name + "_path", name + "_base64"]
        let given = names.filter { reader.has($0) }
        guard given.count <= 1 else {
            throw .invalidArgument(
                "give \(what) once: one of \(names.joined(separator: ", ")) (got "
                    + "\(given.joined(separator: ", ")))", field: given[1])
        }
        let bytes: [UInt8]
        let field = given.first ?? name
        switch field {
        case names[1]:
            bytes = try FileSystem.read(try reader.string(field) ?? "", field: field)
        case names[2]:
            guard let decoded = Base64.decode(try reader.string(field) ?? "") else {
                throw .invalidArgument("\(field) is not base64", field: field, code: .invalidBase64)
            }
            bytes = decoded
        default:
            bytes = Array((try reader.string(name) ?? "").utf8)
        }
        guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else {
            guard !given.isEmpty else {
                throw MissingField.prodigia.error(
                    field,
                    message: "\(name), \(what), is required (\(names.joined(separator: ", ")))")
            }
            throw CFDICodes.invalidParameter("\(field): \(what) is empty", field: field)
        }
        return try check(bytes, field)
    }
}
