/// The FES client (Certificadora del Sur): `obtenerCertificado`.
public final class FESClient: OperationClient {
    public static let defaultBaseURL =
        "https://test2.certificadoradelsur.cl/generateFES/rest-services/public/generateFes"
    /// `timeout_ms` when the configuration does not set it: issuance chains a Registro Civil
    /// check, enrolment and certificate generation, and a certificate issued after the client
    /// gave up is lost for good (no re-download; CHILE_2026.md §2.2 #12 suggests a read timeout
    /// of at least 90 s). The other services keep `ClientConfig.defaultTimeoutMs`.
    public static let defaultTimeoutMs = 120_000
    /// The path obtain_certificate adds to the base URL (seed 000).
    static let obtainPath = "/obtenerCertificado"
    /// Every path the client adds to the base URL: a base_url ending with one is refused
    /// (`ServiceEnvironments.refuseOperationPath`).
    static let operationPaths = [obtainPath]
    public let client: ServiceClient
    let usuario: String
    let clave: String
    /// The body's start, credentials included: the same for every call (`FESRequest.bodyHead`).
    let bodyHead: [UInt8]

    public init(configText: UnsafePointer<CChar>?) throws(SelloError) {
        let config = try ClientConfig.parse(
            configText, environments: .fes,
            serviceKeys: ["usuario", "clave"], requiredKeys: ["usuario", "clave"],
            defaultTimeoutMs: FESClient.defaultTimeoutMs)
        client = try ServiceClient(service: "fes", config: config, environments: .fes)
        usuario = config.serviceString("usuario") ?? ""
        clave = config.serviceString("clave") ?? ""
        bodyHead = FESRequest.bodyHead(usuario: usuario, clave: clave)
    }

    /// fes_obtain_certificate: validates, sends once, and keeps the certificate whatever happens
    /// after it arrives.
    public static let obtainCertificate = AnyOperation(
        Operation<FESClient, FESRequest>(
            "obtain_certificate",
            parse: { json, _, _ throws(SelloError) in try FESRequest(json) },
            build: { request, client in client.httpRequest(request) },
            read: { response, request, _, scope, found throws(SelloError) in
                try FESClient.readAnswer(response, request: request, redactor: scope.hooks.redactor, found: &found)
            }))

    /// The body's type with its charset (CHILE_2026.md §2.5 #6): Certificadora del Sur's services
    /// are JAX-RS reading a raw String (§0, CDSOWN), whose decoding follows the declared charset;
    /// the comuna, direccion and empresa may carry accents.
    static let contentType = "application/json; charset=utf-8"

    /// POST {base}/obtenerCertificado: the credentials travel in the body (seed 000).
    func httpRequest(_ request: FESRequest) -> HTTPRequest {
        var http = HTTPRequest(
            .post, FESClient.obtainPath,
            replay: .onlyIfNotSent(
                consequence: "a certificate may have been issued and the company's quota spent",
                advice: ReplayPolicy.askTheProvider + ": FES has no query operation, so ask Certificadora del Sur "
                    + "whether a certificate was issued for that RUT (a second request spends the quota again)"))
        let body =
            request.bodyBytes(after: bodyHead) ?? request.bodyBytes(usuario: usuario, clave: clave, redacted: false)
        http.body = .bytes(body, contentType: FESClient.contentType)
        http.headers = ["Accept: application/json"]
        http.secrets = [clave, request.claveCertificado]
        return http
    }

    /// fes_check_request: the body that would be sent, secrets masked.
    public static let checkRequest = LocalOperation(service: "fes", "check_request") { json, _ throws(SelloError) in
        let request = try FESRequest(json)
        var data = request.body(usuario: "***", clave: "***", redacted: true).objectValue ?? JSONObject()
        if let saveTo = request.saveTo { data.append("save_to", .string(saveTo)) }
        return .object(data)
    }

    /// Where the members `readAnswer` reads and writes are, found in one pass over the answer:
    /// a lookup by name for each read and each write cost some 700 instructions a call (issue
    /// 13). A name is the first member that has it, compared as `JSONObject.same` does (length
    /// first; every name here is ASCII).
    struct Places {
        var estado: Int?, errorCode: Int?, certificado: Int?
        var comentario: Int?, comentarios: Int?, mensaje: Int?

        init(_ answer: JSONObject) {
            for (index, member) in answer.members.enumerated() {
                let key = member.key
                switch key.utf8.count {
                case 6 where estado == nil && key == "estado": estado = index
                case 9 where errorCode == nil && key == "errorCode": errorCode = index
                case 10 where comentario == nil && key == "comentario": comentario = index
                case 11 where comentarios == nil && key == "comentarios": comentarios = index
                case 11 where certificado == nil && key == "certificado": certificado = index
                case 7 where mensaje == nil && key == "mensaje": mensaje = index
                default: break
                }
            }
        }

        /// The answer's message: Certificadora del Sur's services write it as `comentario` (the
        /// seed), `comentarios` or `mensaje` (CHILE_2026.md §2.2): the first that is not empty.
        func message(in answer: JSONObject) -> String? {
            func text(_ place: Int?) -> String? {
                guard let place, case .string(let text) = answer.members[place].value,
                    !text.trimmingSpaces.isEmpty
                else { return nil }
                return text
            }
            return text(comentario) ?? text(comentarios) ?? text(mensaje)
        }
    }

    /// The value of the member at `place`, if there is one.
    static func value(_ answer: JSONObject, at place: Int?) -> JSON? {
        place.map { answer.members[$0].value }
    }

    /// `answer[key] = value`, the member's place known (`Places`) or nil for a new one.
    static func set(_ answer: inout JSONObject, _ key: String, _ value: JSON, at place: Int?) {
        if let place { answer.setValue(value, at: place) } else { answer.append(key, value) }
    }

    /// `text.uppercased() == "OK"`, decided on the bytes when they are two ASCII bytes (issue 13:
    /// upper-casing made a String, some 400 instructions a call); any other text by that comparison.
    static func isOK(_ text: String) -> Bool {
        let ascii: Bool? = text.withUTF8Bytes { bytes in
            guard bytes.count == 2, bytes[0] < 0x80, bytes[1] < 0x80 else { return nil }
            return bytes[0] | 0x20 == UInt8(ascii: "o") && bytes[1] | 0x20 == UInt8(ascii: "k")
        }
        return ascii ?? (text.uppercased() == "OK")
    }

    /// `errorCode`: a number in the seed and in recorded answers, a numeric string elsewhere.
    static func errorCode(_ value: JSON?) -> Int? {
        if let number = value?.intValue { return Int(exactly: number) }
        return value?.stringValue.flatMap { Int($0.trimmingSpaces) }
    }

    /// The names of the answer's members (the seed's and CHILE_2026.md §2.2's).
    static let answerNames = JSONParser.Names([
        "estado", "errorCode", "comentario", "comentarios", "mensaje", "certificado",
    ])

    static func readAnswer(
        _ response: HTTPResponse, request: FESRequest, redactor: Redactor, found: inout ReadFacts
    ) throws(SelloError) -> JSON {
        // The object taken out of the answer at once: `data` is its only owner, so the members
        // changed below are changed in place, not copied first (issue 13).
        guard var data = try AnswerJSON.parse(response.body, names: answerNames, found: &found)?.objectValue,
            case let places = Places(data), let estado = value(data, at: places.estado)
        else {
            throw AnswerFormat.fes.unreadable(response, redactor: redactor)
        }
        let errorCode = FESClient.errorCode(value(data, at: places.errorCode))
        let comentario = places.message(in: data)
        guard estado.stringValue.map(FESClient.isOK) ?? false else {
            // The message is made from the masked comentario. (A closure, not `redactor.scrub`
            // itself: that would copy the redactor into a context.)
            throw FESCodes.serviceError(number: errorCode, comentario: comentario.map { redactor.scrub($0) })
        }
        // Written in place or appended: the places found stay where they are.
        set(&data, "errorCode", .int(Int64(errorCode ?? 0)), at: places.errorCode)
        // `comentario` holds the message under whichever name the service used. The texts may
        // echo what was sent: the envelope masks every string of the data but the documents
        // (Reply.write; test_secrets.py), so they are not masked here too (issue 13: ~700 a call).
        if let comentario { set(&data, "comentario", .string(comentario), at: places.comentario) }
        let certificado = value(data, at: places.certificado)?.stringValue
        guard let certificado, let bytes = Base64.decode(certificado), !bytes.isEmpty else {
            // Issued, and not to be had again (CHILE_2026.md §2.2 #12): a value that is there is
            // returned as it came, whatever its form; only its absence is an error.
            guard let certificado, !isBlank(certificado) else {
                throw missingCertificate(comentario: comentario.map { redactor.scrub($0) })
            }
            found.warn(notBase64Warning(saveTo: request.saveTo))
            return .object(data)
        }
        keep(bytes, request: request, in: &data, found: &found)
        return .object(data)
    }

    /// Only what base64 skips (line breaks, spaces, tabs): decodes to nothing, and is nothing.
    static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    /// OK without a certificado: nothing to keep, but the quota may be spent.
    static func missingCertificate(comentario: String?) -> SelloError {
        let said = comentario.map { " (FES said: \($0))" } ?? ""
        return SelloError(
            .protocol, .certificateMissing,
            "FES answered OK but without a certificado\(said); check with the provider before trying "
                + "again (the quota may have been spent)")
    }

    static func notBase64Warning(saveTo: String?) -> Warning {
        Warning(
            kind: .protocol, code: .certificateNotBase64,
            message: "FES answered OK with a certificado that is not base64; it is in data.certificado as it "
                + "came\(saveTo == nil ? "" : ", not saved to save_to"): store it now and check with the provider "
                + "(FES does not give a certificate twice)",
            field: "certificado")
    }

    /// Saves the certificate where asked (never over another file) and looks inside it.
    static func keep(_ bytes: [UInt8], request: FESRequest, in data: inout JSONObject, found: inout ReadFacts) {
        if let saveTo = request.saveTo {
            do {
                try FileSystem.writeAtomically(bytes, to: saveTo, replacing: false, field: "save_to")
                data["saved_to"] = .string(saveTo)
            } catch {
                found.warn(
                    Warning(
                        kind: .io, code: error.code,
                        message: "the certificate was issued but could not be saved (\(error.message)); "
                            + "it is in data.certificado: store it now",
                        field: "save_to"))
            }
        }
        switch CertificateInspection.pkcs12(bytes, password: request.claveCertificado) {
        case .success(let info):
            data["certificate_info"] = info.json
            if let rut = info.rut, rut != request.rut.normalized {
                found.warn(
                    Warning(
                        kind: .validation, code: .certificateRutMismatch,
                        message: "the certificate carries the RUT \(rut), not the requested "
                            + "\(request.rut.normalized); it was kept, check with the provider",
                        field: "rut"))
            }
        case .failure(let warning):
            found.warn(warning)
        }
    }
}
