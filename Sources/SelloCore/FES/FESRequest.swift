#if canImport(Glibc)
import Glibc
#endif

/// A `fes_obtain_certificate` request, checked the way the service checks it (seed 000), in
/// the service's order: missing (109), empty (110), characters (102), then each field's rule.
public struct FESRequest: Sendable {
    /// The seed's parameters, in the seed's order; `Parameter` numbers them.
    /// Written once, as `Parameter.staticName`.
    static let parameterNames = Parameter.allCases.map { $0.staticName.description }
    static let allowedFields = parameterNames + ["save_to"]

    enum Parameter: Int, CaseIterable {
        case rut, correo, numeroDocumento, claveCertificado, duracion, nombreEmpresa, comuna, direccion, giroEmpresa
        var name: String { FESRequest.parameterNames[rawValue] }
        /// The member's name, known when compiling: the request's bytes are compared with it
        /// where they lie (`RequestObject.PlainStrings`); `parameterNames` is made of these.
        var staticName: StaticString {
            switch self {
            case .rut: "rut"
            case .correo: "correo"
            case .numeroDocumento: "numeroDocumento"
            case .claveCertificado: "claveCertificado"
            case .duracion: "duracion"
            case .nombreEmpresa: "nombreEmpresa"
            case .comuna: "comuna"
            case .direccion: "direccion"
            case .giroEmpresa: "giroEmpresa"
            }
        }
    }
    /// Every parameter in the seed's order, made once (`allCases` builds an array each time).
    static let parameters = Parameter.allCases

    public let rut: RUT
    public let correo: String
    public let numeroDocumento: String
    public let claveCertificado: String
    public let duracion: Int
    public let nombreEmpresa: String
    public let comuna: Comuna
    public let direccion: String
    public let giroEmpresa: String
    public let saveTo: String?

    public init(_ json: RequestObject) throws(SelloError) {
        let reader = try FieldReader(json, allowed: FESRequest.allowedFields)
        // A member of the wrong type is the caller's mistake, found before the service's checks:
        // every one is reported at once.
        var types = Problems()
        // Plain strings that are clean are taken from the request's bytes (none is of the wrong
        // type); else each parameter is read as a String and checked below.
        let plain = FESRequest.plainValues(json)
        let texts = plain == nil ? FESRequest.texts(reader, &types) : nil
        let duracion =
            types.check { () throws(SelloError) in
                try reader.int("duracion", usuallyAt: Parameter.duracion.rawValue)
            } ?? nil
        // A local, stored with the other fields at the end: assigned here, before checks that may
        // throw, it made the request be built aside and copied out (issue 13: some 250 instructions).
        let saveTo = types.check { () throws(SelloError) in try reader.string("save_to") } ?? nil
        try types.throwIfAny()
        let values: Values
        if let plain, duracion != nil {
            values = plain
        } else {
            values = try FESRequest.checkedValues(texts ?? FESRequest.texts(reader, &types), duracion: duracion)
        }
        var problems: [SelloError] = []
        let rut = FESRequest.checkRUT(values.rut, &problems)
        FESRequest.checkEmail(values.correo, &problems)
        let documento = FESRequest.checkDocumentNumber(values.numeroDocumento, &problems)
        // The password is kept as typed: a clean one has no space to trim.
        let clave = values.claveCertificado
        if let problem = FESRequest.passwordProblem(clave) {
            problems.append(FESCodes.validation(208, "la claveCertificado \(problem)", field: "claveCertificado"))
        }
        if let duracion, !(1...3).contains(duracion) {
            problems.append(
                FESCodes.validation(
                    207,
                    "duracion es \(duracion); debe ser 1, 2 o 3 (años)", field: "duracion"))
        }
        let comuna = FESRequest.checkComuna(values.comuna, &problems)
        if let saveTo, let problem = FESRequest.saveToProblem(saveTo) { problems.append(problem) }
        try Problems(problems).throwIfAny()
        guard let rut, let comuna, let duracion else { throw .internal("FES request validation is inconsistent") }
        self.rut = rut
        self.comuna = comuna
        self.duracion = duracion
        correo = values.correo
        numeroDocumento = documento
        claveCertificado = clave
        nombreEmpresa = values.nombreEmpresa
        direccion = values.direccion
        giroEmpresa = values.giroEmpresa
        self.saveTo = saveTo
    }

    /// The eight textual parameters as read, composed (NFC) but for the password; a member of the
    /// wrong type is kept in `types`. macOS writes "Peña" as n + U+0303: sent so, the service
    /// refused it with 102 (audit of 2026-12-08). The password is kept as typed: it protects the
    /// file, and whatever opens it later gets the bytes the user types. A clean request takes
    /// `plainValues` instead, which only accepts text below U+0100, composed already.
    static func texts(_ reader: FieldReader, _ types: inout Problems) -> Texts {
        func text(_ parameter: Parameter) -> String? {
            let text =
                types.check { () throws(SelloError) in
                    try reader.string(parameter.name, usuallyAt: parameter.rawValue)
                } ?? nil
            return parameter == .claveCertificado ? text : text.map(composed)
        }
        return Texts(
            rut: text(.rut), correo: text(.correo), numeroDocumento: text(.numeroDocumento),
            claveCertificado: text(.claveCertificado), nombreEmpresa: text(.nombreEmpresa), comuna: text(.comuna),
            direccion: text(.direccion), giroEmpresa: text(.giroEmpresa))
    }

    /// `text` in Unicode's composed form (NFC): the standard library's own normalisation, for
    /// text that is not all ASCII (which is composed already).
    static func composed(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 } ? text : String(decoding: text._nfcCodeUnits, as: UTF8.self)
    }

    /// `checkedValues` for a scanned request whose eight textual parameters are plain strings
    /// and clean, checked and trimmed on the request's bytes, each String made once; nil for
    /// any other request (issue 13: a String, a JSON value and a second pass over its bytes per
    /// parameter cost some 1,900 instructions a call).
    static func plainValues(_ request: RequestObject) -> Values? {
        request.withPlainStrings { strings -> Values? in
            func value(_ parameter: Parameter) -> String? {
                strings.bytes(parameter.staticName, usuallyAt: parameter.rawValue).flatMap {
                    cleaned(bytes: $0, parameter)
                }
            }
            guard let rut = value(.rut), let correo = value(.correo), let numeroDocumento = value(.numeroDocumento),
                let claveCertificado = value(.claveCertificado), let nombreEmpresa = value(.nombreEmpresa),
                let comuna = value(.comuna), let direccion = value(.direccion), let giroEmpresa = value(.giroEmpresa)
            else { return nil }
            return Values(
                rut: rut, correo: correo, numeroDocumento: numeroDocumento, claveCertificado: claveCertificado,
                nombreEmpresa: nombreEmpresa, comuna: comuna, direccion: direccion, giroEmpresa: giroEmpresa)
        }
    }

    /// Every parameter present, non-empty and clean, without its surrounding spaces: decided on
    /// bytes when it can be, else by the service's checks, which report what is wrong (issue 13:
    /// checking and trimming in one pass, without arrays, saved some 3,300 instructions a call).
    static func checkedValues(_ texts: Texts, duracion: Int?) throws(SelloError) -> Values {
        if duracion != nil, let clean = texts.values(cleaned) { return clean }
        try checkPresentAndClean(texts, duracion: duracion)
        guard let trimmed = texts.values({ text, _ in text?.trimmingSpaces }) else {
            throw .internal("FES request validation is inconsistent")
        }
        return trimmed
    }

    /// The service's first checks, each over every parameter in order: missing (109), empty
    /// (110), characters (102). All the problems found are thrown together.
    static func checkPresentAndClean(_ texts: Texts, duracion: Int?) throws(SelloError) {
        var problems: [SelloError] = []
        for parameter in parameters
        where parameter == .duracion ? duracion == nil : texts[parameter] == nil {
            problems.append(MissingField.fes.error(parameter.name))
        }
        // An empty parameter is one problem: its spaces are not also reported as characters.
        var empty: Set<Parameter> = []
        for parameter in parameters where texts[parameter].map({ $0.trimmingSpaces.isEmpty }) ?? false {
            empty.insert(parameter)
            problems.append(FESCodes.validation(110, "'\(parameter.name)' viene vacío", field: parameter.name))
        }
        for parameter in parameters where !empty.contains(parameter) {
            let password = parameter == .claveCertificado
            guard let text = texts[parameter], let bad = disallowedCharacter(in: text, password: password)
            else { continue }
            // The password itself is never echoed, not even one character of it; a control
            // character is no part of one anybody chose, and naming it says what to fix.
            let control = bad.unicodeScalars.first.map { $0.value < 0x20 || $0.value == 0x7F } ?? false
            let shown = password && !control ? "un carácter no permitido" : "el carácter \(describe(bad))"
            let fromFile =
                ClientConfig.trailingLineBreak(text) != nil
                ? " (un salto de línea al final: ¿se leyó de un archivo? quítelo)" : ""
            problems.append(
                FESCodes.validation(102, "'\(parameter.name)' contiene \(shown)\(fromFile)", field: parameter.name))
        }
        try Problems(problems).throwIfAny()
    }

    static func checkRUT(_ text: String, _ problems: inout [SelloError]) -> RUT? {
        switch RUT.parse(text) {
        case .success(let rut): return rut
        case .failure(let problem):
            problems.append(FESCodes.validation(106, problem.message, field: "rut"))
            return nil
        }
    }

    static func checkEmail(_ text: String, _ problems: inout [SelloError]) {
        if let problem = EmailAddress.problem(text) {
            problems.append(FESCodes.validation(205, "el correo '\(text)' no es válido: \(problem)", field: "correo"))
        }
    }

    /// The document number without its thousands dots, upper-cased.
    static func checkDocumentNumber(_ text: String, _ problems: inout [SelloError]) -> String {
        // `replacing` costs some 8,000 instructions even when there is no dot to remove.
        let dotted = text.withUTF8Bytes { $0.contains(UInt8(ascii: ".")) }
        let documento = upperCased(dotted ? text.replacing(".", with: "") : text)
        if !isDocumentNumber(documento) {
            problems.append(
                SelloError(
                    .validation, .numeroDocumentoInvalido,
                    "numeroDocumento: el número de documento (serie) de la cédula son 9 dígitos "
                        + "(p. ej. 100.123.456) o una letra y 8 o 9 dígitos (A012345678)",
                    field: "numeroDocumento"))
        }
        return documento
    }

    /// `text.uppercased()`, which is `text` itself when it is ASCII without a lower-case letter
    /// (a document number's digits: issue 13, upper-casing made a String, some 190 instructions).
    static func upperCased(_ text: String) -> String {
        let upper = text.withUTF8Bytes { bytes in
            !bytes.contains { $0 >= 0x80 || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) }
        }
        return upper ? text : text.uppercased()
    }

    static func checkComuna(_ name: String, _ problems: inout [SelloError]) -> Comuna? {
        if let comuna = Comunas.find(name) { return comuna }
        let suggestions = Comunas.suggestions(for: name)
        let hint = suggestions.isEmpty ? "" : "; ¿quiso decir \(suggestions.joined(separator: ", "))?"
        problems.append(
            FESCodes.validation(
                112,
                "'\(name)' no es una de las \(Comunas.count) comunas de Chile\(hint)", field: "comuna"))
        return nil
    }

    /// The whole JSON body of obtenerCertificado, written straight into bytes (no JSON tree:
    /// issue 13's hot path): the RUT as `xxxxxxxx-x`, the comuna as the seed writes it (its
    /// official name upper-cased without accents, made once with the table: "LOS ANGELES"), the
    /// parameters in the seed's order. With `redacted`, the three secrets are `***`.
    func bodyBytes(usuario: String, clave: String, redacted: Bool) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.writeRaw(#"{"request":{"encabezado":{"usuario":"#)
        writer.writeString(redacted ? "***" : usuario)
        writer.writeRaw(#","clave":"#)
        writer.writeString(redacted ? "***" : clave)
        writer.writeRaw(#"},"parametro":{"rut":"#)
        writer.writeString(rut.normalized)
        writer.writeRaw(#","correo":"#)
        writer.writeString(correo)
        writer.writeRaw(#","numeroDocumento":"#)
        writer.writeString(numeroDocumento)
        writer.writeRaw(#","claveCertificado":"#)
        writer.writeString(redacted ? "***" : claveCertificado)
        writer.writeRaw(#","duracion":"#)
        writer.write(.int(Int64(duracion)))
        writer.writeRaw(#","nombreEmpresa":"#)
        writer.writeString(nombreEmpresa)
        writer.writeRaw(#","comuna":"#)
        writer.writeString(comuna.upperUnaccentedName)
        writer.writeRaw(#","direccion":"#)
        writer.writeString(direccion)
        writer.writeRaw(#","giroEmpresa":"#)
        writer.writeString(giroEmpresa)
        writer.writeRaw("}}}")
        return writer.bytes
    }

    /// The body's start, up to the RUT's opening quote: the credentials, the same for every call
    /// of a client (`FESClient` makes it once).
    static func bodyHead(usuario: String, clave: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.writeRaw(#"{"request":{"encabezado":{"usuario":"#)
        writer.writeString(usuario)
        writer.writeRaw(#","clave":"#)
        writer.writeString(clave)
        writer.writeRaw(#"},"parametro":{"rut":""#)
        return writer.bytes
    }

    /// `bodyBytes(usuario:clave:redacted: false)` after `head` (`bodyHead`'s), each parameter
    /// copied as it is into one array of the body's size: a checked parameter holds nothing JSON
    /// escapes, and eleven strings through JSONWriter and its copy out cost some 2,500
    /// instructions a call (issue 13). nil when a parameter would be escaped after all: then
    /// JSONWriter writes the body.
    func bodyBytes(after head: [UInt8]) -> [UInt8]? {
        guard (0...9).contains(duracion) else { return nil }
        let comuna = comuna.upperUnaccentedName
        let size =
            head.count + FESRequest.bodyFixedBytes + RUT.maxNormalizedBytes + correo.utf8.count
            + numeroDocumento.utf8.count + claveCertificado.utf8.count + nombreEmpresa.utf8.count
            + comuna.utf8.count + direccion.utf8.count + giroEmpresa.utf8.count
        // Written in a temporary buffer (on the stack when small), then copied into the array:
        // `Array(unsafeUninitializedCapacity:)` went through the generic array allocation, some
        // 350 instructions more.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { buffer -> [UInt8]? in
            var out = BodyBuffer(buffer)
            head.withUnsafeBufferPointer { out.put($0) }
            out.put(rut: rut)
            out.put(#"","correo":""#)
            out.put(parameter: correo)
            out.put(#"","numeroDocumento":""#)
            out.put(parameter: numeroDocumento)
            out.put(#"","claveCertificado":""#)
            out.put(parameter: claveCertificado)
            out.put(#"","duracion":"#)
            out.put(digit: duracion)
            out.put(#","nombreEmpresa":""#)
            out.put(parameter: nombreEmpresa)
            out.put(#"","comuna":""#)
            out.put(parameter: comuna)
            out.put(#"","direccion":""#)
            out.put(parameter: direccion)
            out.put(#"","giroEmpresa":""#)
            out.put(parameter: giroEmpresa)
            out.put(#""}}}"#)
            return out.complete ? Array(UnsafeBufferPointer(rebasing: buffer[..<out.count])) : nil
        }
    }

    /// The bytes `bodyBytes(after:)` writes besides the head and the textual parameters: the
    /// names, the punctuation and duracion's digit (a figure too small only sends the body
    /// through JSONWriter; the tests see it).
    static let bodyFixedBytes = 135

    /// Bytes copied into a buffer made for them; `complete` turns false when one does not fit
    /// or a parameter would be escaped (nothing more is written then).
    struct BodyBuffer {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0
        private(set) var complete = true

        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

        mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard complete, let source = bytes.baseAddress, let base = buffer.baseAddress else { return }
            guard bytes.count <= buffer.count - count else {
                complete = false
                return
            }
            (base + count).initialize(from: source, count: bytes.count)
            count += bytes.count
        }

        mutating func put(_ text: StaticString) {
            put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        mutating func put(parameter: String) {
            parameter.withUTF8Bytes { bytes in
                if JSONWriter.needsEscape(bytes) { complete = false } else { put(bytes) }
            }
        }

        /// The RUT as `normalized` writes it, without making the string.
        mutating func put(rut: RUT) {
            guard complete, let base = buffer.baseAddress, buffer.count - count >= RUT.maxNormalizedBytes,
                let written = rut.writeNormalized(
                    into: UnsafeMutableBufferPointer(start: base + count, count: RUT.maxNormalizedBytes))
            else {
                put(parameter: rut.normalized)
                return
            }
            count += written
        }

        mutating func put(digit: Int) {
            var byte = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
            withUnsafePointer(to: &byte) { put(UnsafeBufferPointer(start: $0, count: 1)) }
        }
    }

    /// The body as JSON (`fes_check_request` shows it): read back from `bodyBytes`, so that
    /// what is shown is what is sent.
    func body(usuario: String, clave: String, redacted: Bool) -> JSON {
        // The writer's own output always parses; `.null` would only mean a writer defect,
        // which the tests would see.
        (try? JSONParser.parse(bodyBytes(usuario: usuario, clave: clave, redacted: redacted))) ?? .null
    }

    /// The seed asks for at least 8 characters with an upper-case letter, a lower-case letter
    /// and a digit.
    static func passwordProblem(_ password: String) -> String? {
        // `.some(nil)`: ASCII without a problem; nil: not ASCII, for the rule on Characters.
        let ascii: String?? = password.withUTF8Bytes { $0.isASCIIWithoutCR ? .some(asciiPasswordProblem($0)) : nil }
        return ascii ?? unicodePasswordProblem(password)
    }

    static func unicodePasswordProblem(_ password: String) -> String? {
        var missing: [String] = []
        if password.count < 8 { missing.append("al menos 8 caracteres (tiene \(password.count))") }
        if !password.contains(where: { $0.isUppercase }) { missing.append("una letra mayúscula") }
        if !password.contains(where: { $0.isLowercase }) { missing.append("una letra minúscula") }
        if !password.contains(where: { $0.isASCII && $0.isNumber }) { missing.append("un número") }
        return missing.isEmpty ? nil : "debe tener " + missing.joined(separator: ", ")
    }

    /// `passwordProblem` for ASCII text without CR, on bytes (same order, same messages).
    static func asciiPasswordProblem(_ password: some RandomAccessCollection<UInt8>) -> String? {
        var missing: [String] = []
        if password.count < 8 { missing.append("al menos 8 caracteres (tiene \(password.count))") }
        if !password.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
            missing.append("una letra mayúscula")
        }
        if !password.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) {
            missing.append("una letra minúscula")
        }
        if !password.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            missing.append("un número")
        }
        return missing.isEmpty ? nil : "debe tener " + missing.joined(separator: ", ")
    }

    static func isDocumentNumber(_ text: String) -> Bool {
        text.withUTF8Bytes { $0.isASCIIWithoutCR ? isASCIIDocumentNumber($0) : nil } ?? isUnicodeDocumentNumber(text)
    }

    /// `isDocumentNumber` for ASCII text without CR, on bytes.
    static func isASCIIDocumentNumber(_ bytes: some RandomAccessCollection<UInt8>) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if bytes.count == 9 && bytes.allSatisfy(isDigit) { return true }
        guard (9...10).contains(bytes.count), let first = bytes.first, (first | 0x20) >= UInt8(ascii: "a"),
            (first | 0x20) <= UInt8(ascii: "z")
        else {
            return false
        }
        return bytes.dropFirst().allSatisfy(isDigit)
    }

    static func isUnicodeDocumentNumber(_ text: String) -> Bool {
        let characters = Array(text)
        if characters.count == 9 && characters.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        guard (9...10).contains(characters.count), let first = characters.first, first.isASCII, first.isLetter else {
            return false
        }
        return characters.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func describe(_ character: Character) -> String {
        guard let scalar = character.unicodeScalars.first else { return "?" }
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            return "de control U+\(String(scalar.value, radix: 16, uppercase: true))"
        }
        return "'\(character)'"
    }

    /// The certificate must not be lost: refuse, before sending, a save_to whose folder cannot
    /// take the file, or where something already is: it may be the only copy of an earlier
    /// certificate, and FES gives none twice (CHILE_2026.md §2.2 #12).
    static func saveToProblem(_ path: String) -> SelloError? {
        if let problem = FileSystem.outputFileProblem(path) {
            return SelloError(.io, .saveToUnwritable, "save_to: \(problem); nothing was sent", field: "save_to")
        }
        guard !FileSystem.exists(path) else {
            return SelloError(
                .io, .saveToExists,
                "save_to: '\(path)' exists, and a certificate is never written over a file (it may be the "
                    + "only copy of an earlier one): choose a new name or move that file; nothing was sent",
                field: "save_to")
        }
        return nil
    }
}

extension FESRequest {
    /// The eight textual parameters as read, by name: a struct rather than an array, no
    /// allocation on the hot path (issue 13; a generic struct was destroyed through its
    /// metadata, some 500 instructions each time).
    struct Texts {
        var rut, correo, numeroDocumento, claveCertificado: String?
        var nombreEmpresa, comuna, direccion, giroEmpresa: String?

        /// The parameter's text; nil when absent, and for duracion, which is not textual.
        subscript(_ parameter: Parameter) -> String? {
            switch parameter {
            case .rut: return rut
            case .correo: return correo
            case .numeroDocumento: return numeroDocumento
            case .claveCertificado: return claveCertificado
            case .duracion: return nil
            case .nombreEmpresa: return nombreEmpresa
            case .comuna: return comuna
            case .direccion: return direccion
            case .giroEmpresa: return giroEmpresa
            }
        }

        /// Each text transformed, in the seed's order; nil as soon as one transform gives nil.
        func values(_ transform: (String?, Parameter) -> String?) -> Values? {
            guard let rut = transform(rut, .rut), let correo = transform(correo, .correo),
                let numeroDocumento = transform(numeroDocumento, .numeroDocumento),
                let claveCertificado = transform(claveCertificado, .claveCertificado),
                let nombreEmpresa = transform(nombreEmpresa, .nombreEmpresa),
                let comuna = transform(comuna, .comuna), let direccion = transform(direccion, .direccion),
                let giroEmpresa = transform(giroEmpresa, .giroEmpresa)
            else { return nil }
            return Values(
                rut: rut, correo: correo, numeroDocumento: numeroDocumento, claveCertificado: claveCertificado,
                nombreEmpresa: nombreEmpresa, comuna: comuna, direccion: direccion, giroEmpresa: giroEmpresa)
        }
    }

    /// The eight textual parameters once present and clean, without their surrounding spaces.
    struct Values {
        var rut, correo, numeroDocumento, claveCertificado: String
        var nombreEmpresa, comuna, direccion, giroEmpresa: String
    }
}
