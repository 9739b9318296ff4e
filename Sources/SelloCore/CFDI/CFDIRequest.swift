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

    init(_ reader: FieldReader, includeXMLAllowed: Bool = true) throws(SelloError) {
        saveDir = try reader.string("save_dir")
        includeXML = includeXMLAllowed ? (try reader.bool("include_xml") ?? false) : false
        if let saveDir, let problem = CFDIOutput.directoryProblem(saveDir) {
            // The stamp must not be lost: refuse, before sending, a folder that cannot take it.
            throw SelloError(.io, "SAVE_DIR_UNWRITABLE", "save_dir: \(problem); nothing was sent", field: "save_dir")
        }
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
            throw CFDICodes.invalidParameter("contrato is empty; leave it out to use the configured one", field: "contrato")
        }
        return contrato
    }

    /// A caller's value as an error message shows it: at most 60 characters.
    static func shown(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "…"
    }

    /// A UUID (folio fiscal): 8-4-4-4-12 hexadecimal digits.
    static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let hex = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
                guard hex else { return false }
            }
        }
        return true
    }

    static func uuid(_ text: String, field: String) throws(SelloError) -> String {
        let trimmed = text.trimmingSpaces
        guard isUUID(trimmed) else {
            throw CFDICodes.invalidParameter("\(field) '\(shown(text))' is not a UUID (folio fiscal: 8-4-4-4-12 hexadecimal digits)", field: field)
        }
        return trimmed
    }

    /// An RFC checked with `RFC.parse`: a malformed one is an error, a wrong check digit a warning
    /// (real RFCs with one exist).
    static func rfc(_ text: String, field: String, context: CallContext) throws(SelloError) -> String {
        let length = text.trimmingSpaces.count
        guard length <= 16 else {
            throw CFDICodes.invalidParameter("\(field): an RFC has 12 characters (company) or 13 (person); '\(shown(text))' has \(length)", field: field)
        }
        switch RFC.parse(text) {
        case .success(let rfc):
            if !rfc.checkDigitOK && !rfc.isGeneric {
                context.warn(Warning(kind: "validation", code: "RFC_CHECK_DIGIT",
                                     message: "\(field): the RFC \(rfc.text) does not match its check digit; some real RFCs do not, so it was sent: make sure it is typed right",
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
}

/// A procesarArchivo / procesarArchivoConCSD request (seed 002), checked locally.
struct CFDIStampRequest {
    static let fields = ["datos", "datos_path", "datos_base64", "prueba", "opciones", "opciones_base64", "contrato",
                         "save_dir", "include_xml"]

    let contrato: String
    /// The CSV interchange file as bytes.
    let datos: [UInt8]
    let prueba: Bool
    let opciones: [String]
    let opcionesBase64: Bool
    let output: CFDIOutput
    let csd: CSDCredentials?

    init(_ json: JSON, withCSD: Bool, defaultContrato: String) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDIStampRequest.fields + (withCSD ? CSDCredentials.fields : []))
        contrato = try CFDIFields.contrato(reader, default: defaultContrato)
        datos = try CFDIStampRequest.readDatos(reader)
        prueba = try reader.bool("prueba") ?? false
        opciones = try reader.stringArray("opciones") ?? []
        opcionesBase64 = try reader.bool("opciones_base64") ?? false
        try CFDIOptions.check(opciones, table: CFDIOptions.stamp, pipeSeparated: opcionesBase64)
        output = try CFDIOutput(reader)
        csd = withCSD ? try CSDCredentials.load(reader, rfcEmisor: nil) : nil
    }

    /// The CSV from exactly one of datos (text), datos_path, datos_base64; present and not empty.
    static func readDatos(_ reader: FieldReader) throws(SelloError) -> [UInt8] {
        let given = ["datos", "datos_path", "datos_base64"].filter { reader.has($0) }
        guard given.count <= 1 else {
            throw .invalidArgument("give the CSV once: one of datos, datos_path or datos_base64 (got \(given.joined(separator: ", ")))", field: given[1])
        }
        let bytes: [UInt8]
        let field = given.first ?? "datos"
        switch field {
        case "datos_path":
            let path = try reader.string("datos_path") ?? ""
            bytes = try FileSystem.read(path, field: "datos_path")
        case "datos_base64":
            guard let decoded = Base64.decode(try reader.string("datos_base64") ?? "") else {
                throw .invalidArgument("datos_base64 is not base64", field: "datos_base64", code: "INVALID_BASE64")
            }
            bytes = decoded
        default:
            bytes = Array((try reader.string("datos") ?? "").utf8)
        }
        guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else {
            throw CFDICodes.invalidParameter(given.isEmpty ? "datos, the CSV interchange file, is required (datos, datos_path or datos_base64)"
                                                            : "\(field): the CSV interchange file is empty", field: field)
        }
        return bytes
    }

    /// The `opciones` as sent: one element each, or the documented optional form, one base64
    /// element of the pipe-separated options.
    var opcionesSent: [String] {
        guard opcionesBase64, !opciones.isEmpty else { return opciones }
        return [Base64.encode(Array(opciones.joined(separator: "|").utf8))]
    }

    /// procesarArchivo: URL query parameters, an empty body of type application/xml.
    /// procesarArchivoConCSD: the JSON body of the seed's example.
    func httpRequest(auth: BasicCredentials) -> HTTPRequest {
        let replay = ReplayPolicy.onlyIfNotSent(consequence: "a CFDI may have been stamped and a transaction of the contract spent")
        var http: HTTPRequest
        let datosBase64 = Base64.encode(datos)
        if let csd {
            http = HTTPRequest(.post, "/integracion/procesarArchivoConCSD", replay: replay)
            let body: JSON = ["contrato": .string(contrato), "certBase64": .string(csd.certBase64), "keyBase64": .string(csd.keyBase64),
                              "keyPass": .string(csd.keyPass), "datos": .string(datosBase64), "prueba": .string(prueba ? "true" : "false"),
                              "opciones": .array(opcionesSent.map(JSON.string))]
            http.body = .bytes(JSONWriter.encode(body), contentType: "application/json")
            http.secrets = csd.secrets
        } else {
            http = HTTPRequest(.post, "/integracion/procesarArchivo", replay: replay)
            http.query = [("contrato", contrato), ("prueba", prueba ? "true" : "false"), ("datos", datosBase64)]
                + opcionesSent.map { ("opciones", $0) }
            http.headers = ["Content-Type: application/xml"]
        }
        http.headers.append("Accept: application/xml")
        http.basicAuth = auth
        http.secrets.append(auth.password)
        return http
    }
}

/// A cancelarCfdiConOpciones request (seed 002), checked locally.
struct CFDICancelRequest {
    static let fields = ["rfcEmisor", "uuids", "opciones", "contrato", "save_dir"] + CSDCredentials.fields

    /// One element of `uuids`: "UUID|RFC_Receptor|RFC_Emisor|Total".
    struct Entry {
        let uuid: String
        let rfcReceptor: String
        let rfcEmisor: String
        let total: String
        var text: String { "\(uuid)|\(rfcReceptor)|\(rfcEmisor)|\(total)" }
    }

    enum Credentials {
        /// The CSD sent in the request (certBase64, keyBase64, keyPass).
        case csd(CSDCredentials)
        /// Option PKCS12: certBase64 is a PKCS#12 holding certificate and key, opened by keyPass.
        case pkcs12(certBase64: String, keyPass: String)
        /// Option CERT_DEFAULT: the certificate stored with Prodigia.
        case stored
    }

    let contrato: String
    let rfcEmisor: String
    let entries: [Entry]
    let opciones: [String]
    let credentials: Credentials
    let output: CFDIOutput

    init(_ json: JSON, defaultContrato: String, context: CallContext) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDICancelRequest.fields)
        contrato = try CFDIFields.contrato(reader, default: defaultContrato)
        guard let rfcText = try reader.string("rfcEmisor") else {
            throw CFDICodes.invalidParameter("rfcEmisor, the RFC of the CFDI's issuer, is required", field: "rfcEmisor")
        }
        rfcEmisor = try CFDIFields.rfc(rfcText, field: "rfcEmisor", context: context)
        guard let uuids = try reader.array("uuids"), !uuids.isEmpty else {
            throw CFDICodes.invalidParameter("uuids is required: at least one \"UUID|RFC_Receptor|RFC_Emisor|Total\"", field: "uuids")
        }
        var entries: [Entry] = []
        for (index, element) in uuids.enumerated() {
            entries.append(try CFDICancelRequest.entry(element, index: index, rfcEmisor: rfcEmisor, context: context))
        }
        self.entries = entries
        opciones = try reader.stringArray("opciones") ?? []
        try CFDIOptions.check(opciones, table: CFDIOptions.cancel, pipeSeparated: false)
        output = try CFDIOutput(reader, includeXMLAllowed: false)

        let givesCSD = CSDCredentials.fields.contains { reader.has($0) }
        if opciones.contains("CERT_DEFAULT") {
            guard !givesCSD else {
                throw .invalidArgument("opciones has CERT_DEFAULT (the certificate stored with Prodigia): leave out cert_path, certBase64, key_path, keyBase64 and keyPass",
                                       field: "opciones")
            }
            credentials = .stored
        } else if opciones.contains("PKCS12") {
            credentials = try CFDICancelRequest.pkcs12(reader)
        } else {
            credentials = .csd(try CSDCredentials.load(reader, rfcEmisor: rfcEmisor))
        }
    }

    static func entry(_ element: JSON, index: Int, rfcEmisor: String, context: CallContext) throws(SelloError) -> Entry {
        let field = "uuids"
        let parts: [String]
        switch element {
        case .string(let text):
            parts = text.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            guard parts.count == 4 else {
                throw CFDICodes.invalidParameter("uuids[\(index)] '\(CFDIFields.shown(text))' must be \"UUID|RFC_Receptor|RFC_Emisor|Total\" (4 values separated by |)", field: field)
            }
        case .object:
            let reader = try FieldReader(element, allowed: ["uuid", "rfcReceptor", "rfcEmisor", "total"])
            var values: [String] = []
            for name in ["uuid", "rfcReceptor", "rfcEmisor", "total"] {
                let value: String?
                if name == "total", let number = reader.object["total"], case .double(let double) = number {
                    value = double.isFinite ? "\(double)" : nil
                } else {
                    value = try reader.stringOrNumber(name)
                }
                guard let value else {
                    throw CFDICodes.invalidParameter("uuids[\(index)] needs \(name)", field: field)
                }
                values.append(value.trimmingSpaces)
            }
            parts = values
        default:
            throw .invalidArgument("uuids[\(index)] must be a string \"UUID|RFC_Receptor|RFC_Emisor|Total\" or an object {uuid, rfcReceptor, rfcEmisor, total}, got \(element.typeName)",
                                   field: field, code: "WRONG_TYPE")
        }
        guard CFDIFields.isUUID(parts[0]) else {
            throw CFDICodes.invalidParameter("uuids[\(index)]: '\(CFDIFields.shown(parts[0]))' is not a UUID (8-4-4-4-12 hexadecimal digits)", field: field)
        }
        let receptor = try CFDIFields.rfc(parts[1], field: "uuids[\(index)].rfcReceptor", context: context)
        let emisor = try CFDIFields.rfc(parts[2], field: "uuids[\(index)].rfcEmisor", context: context)
        guard emisor == rfcEmisor else {
            throw CFDICodes.validation(203, "uuids[\(index)]: its RFC_Emisor \(emisor) is not rfcEmisor \(rfcEmisor)", field: field)
        }
        guard CFDIFields.isTotal(parts[3]) else {
            throw CFDICodes.invalidParameter("uuids[\(index)]: the total '\(CFDIFields.shown(parts[3]))' is not a number such as 1160.00", field: field)
        }
        return Entry(uuid: parts[0], rfcReceptor: receptor, rfcEmisor: emisor, total: parts[3])
    }

    static func pkcs12(_ reader: FieldReader) throws(SelloError) -> Credentials {
        if reader.has("key_path") || reader.has("keyBase64") {
            throw .invalidArgument("opciones has PKCS12: certBase64 (or cert_path) is the PKCS#12 file holding the key; leave out key_path and keyBase64",
                                   field: "opciones")
        }
        guard let (bytes, field) = try CSDCredentials.certificateBytes(reader) else {
            throw CFDICodes.invalidParameter("opciones has PKCS12: give the PKCS#12 file as cert_path or certBase64", field: "certBase64")
        }
        guard let keyPass = try reader.string("keyPass"), !keyPass.isEmpty else {
            throw CFDICodes.invalidParameter("keyPass, the password of the PKCS#12 file, is required", field: "keyPass")
        }
        try ClientConfig.checkSecretLength(keyPass, field: "keyPass")
        switch openPKCS12(bytes, password: keyPass) {
        case .success: break
        case .failure(.wrongPassword):
            throw SelloError(.validation, "CONTRASENA_DE_LLAVE_INCORRECTA", "keyPass does not open the PKCS#12 file (\(field))", field: "keyPass")
        case .failure:
            throw SelloError(.validation, "CERTIFICADO_ILEGIBLE", "\(field) is not a PKCS#12 file with a certificate (option PKCS12)", field: field)
        }
        return .pkcs12(certBase64: Base64.encode(bytes), keyPass: keyPass)
    }

    func httpRequest(auth: BasicCredentials) -> HTTPRequest {
        var http = HTTPRequest(.post, "/integracion/cancelarCfdiConOpciones",
                               replay: .onlyIfNotSent(consequence: "the cancellation may have been requested from the SAT"))
        http.query = [("contrato", contrato), ("rfcEmisor", rfcEmisor)] + entries.map { ("uuids", $0.text) }
        switch credentials {
        case .csd(let csd):
            http.query += [("certBase64", csd.certBase64), ("keyBase64", csd.keyBase64), ("keyPass", csd.keyPass)]
            http.secrets = csd.secrets
        case .pkcs12(let certBase64, let keyPass):
            http.query += [("certBase64", certBase64), ("keyPass", keyPass)]
            http.secrets = [keyPass, certBase64]
        case .stored:
            break
        }
        http.query += opciones.map { ("opciones", $0) }
        http.headers = ["Content-Type: application/xml", "Accept: application/xml"]
        http.basicAuth = auth
        http.secrets.append(auth.password)
        return http
    }
}

/// An acuseCancelacion or consultaCfdiPorUUID request: one UUID.
struct CFDILookupRequest {
    static let fields = ["uuid", "contrato", "save_dir", "include_xml"]

    let contrato: String
    let uuid: String
    let output: CFDIOutput

    init(_ json: JSON, defaultContrato: String) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDILookupRequest.fields)
        contrato = try CFDIFields.contrato(reader, default: defaultContrato)
        guard let text = try reader.string("uuid") else {
            throw CFDICodes.invalidParameter("uuid, the folio fiscal of the CFDI, is required", field: "uuid")
        }
        uuid = try CFDIFields.uuid(text, field: "uuid")
        output = try CFDIOutput(reader)
    }

    func httpRequest(_ method: String, auth: BasicCredentials) -> HTTPRequest {
        var http = HTTPRequest(.post, "/integracion/\(method)", replay: .idempotent)
        http.query = [("contrato", contrato), ("uuid", uuid)]
        http.headers = ["Content-Type: application/xml", "Accept: application/xml"]
        http.basicAuth = auth
        http.secrets = [auth.password]
        return http
    }
}
