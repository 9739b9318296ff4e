/// The FES client (Certificadora del Sur): `obtenerCertificado`.
public final class FESClient: OperationClient {
    public static let defaultBaseURL =
        "https://test2.certificadoradelsur.cl/generateFES/rest-services/public/generateFes"
    /// `timeout_ms` when the configuration does not set it: issuance chains a Registro Civil
    /// check, enrolment and certificate generation, and a certificate issued after the client
    /// gave up is lost for good (no re-download; CHILE_2026.md §2.2 #12 suggests a read timeout
    /// of at least 90 s). The other services keep `ClientConfig.defaultTimeoutMs`.
    public static let defaultTimeoutMs = 120_000
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
        client = try ServiceClient(service: "fes", config: config)
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
            .post, "/obtenerCertificado",
            replay: .onlyIfNotSent(
                consequence: "a certificate may have been issued and the company's quota spent"))
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

    /// The answer's message: Certificadora del Sur's services write it as `comentario` (the
    /// seed), `comentarios` or `mensaje` (CHILE_2026.md §2.2): the first that is not empty.
    static func message(_ answer: JSONObject) -> String? {
        for key in ["comentario", "comentarios", "mensaje"] {
            if let text = answer[key]?.stringValue, !text.trimmingSpaces.isEmpty { return text }
        }
        return nil
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
            let estado = data["estado"]
        else {
            throw AnswerFormat.fes.unreadable(response, redactor: redactor)
        }
        let errorCode = FESClient.errorCode(data["errorCode"])
        // (A closure, not `redactor.scrub` itself: that would copy the redactor into a context.)
        let comentario = FESClient.message(data).map { redactor.scrub($0) }
        guard estado.stringValue?.uppercased() == "OK" else {
            throw FESCodes.serviceError(number: errorCode, comentario: comentario)
        }
        guard let certificado = data["certificado"]?.stringValue, let bytes = Base64.decode(certificado),
            !bytes.isEmpty
        else {
            throw SelloError(
                .protocol, .certificateMissing,
                "FES answered OK but without a readable base64 certificado; check with the provider "
                    + "before trying again (the quota may have been spent)")
        }
        data["errorCode"] = .int(Int64(errorCode ?? 0))
        // The service's text may echo what it was sent; the base64 certificate is left as is.
        // `comentario` holds the message under whichever name the service used.
        if let comentario { data["comentario"] = .string(comentario) }
        for key in ["comentarios", "mensaje"] {
            if case .string(let text)? = data[key] { data[key] = .string(redactor.scrub(text)) }
        }
        if let saveTo = request.saveTo {
            do {
                try FileSystem.writeAtomically(bytes, to: saveTo, field: "save_to")
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
        return .object(data)
    }
}
