/// The FES client (Certificadora del Sur): `obtenerCertificado`.
public final class FESClient: Sendable {
    public static let defaultBaseURL = "https://test2.certificadoradelsur.cl/generateFES/rest-services/public/generateFes"
    public let client: ServiceClient
    let usuario: String
    let clave: String

    public init(configText: UnsafePointer<CChar>?) throws(SelloError) {
        let config = try ClientConfig.parse(configText, environments: .fes,
                                            serviceKeys: ["usuario", "clave"], requiredKeys: ["usuario", "clave"])
        client = try ServiceClient(service: "fes", config: config)
        usuario = config.serviceString("usuario") ?? ""
        clave = config.serviceString("clave") ?? ""
    }

    /// fes_obtain_certificate: validates, sends once, and keeps the certificate whatever happens
    /// after it arrives.
    public func obtainCertificate(_ requestText: UnsafePointer<CChar>?) -> JSON {
        client.call("obtain_certificate", requestText) { json, context throws(SelloError) in
            let request = try FESRequest(json)
            var http = HTTPRequest(.post, "/obtenerCertificado",
                                   replay: .onlyIfNotSent(consequence: "a certificate may have been issued and the company's quota spent"))
            http.body = .bytes(JSONWriter.encode(request.body(usuario: usuario, clave: clave, redacted: false)),
                               contentType: "application/json")
            http.headers = ["Accept: application/json"]
            http.secrets = [clave, request.claveCertificado]
            let response = try client.transport.perform(http, context: context)
            return try FESClient.readAnswer(response, request: request, context: context, secrets: http.secrets)
        }
    }

    /// fes_check_request: the body that would be sent, secrets masked.
    public static func checkRequest(_ requestText: UnsafePointer<CChar>?) -> JSON {
        localCall(service: "fes", operation: "check_request", requestText) { json, _ throws(SelloError) in
            let request = try FESRequest(json)
            var data = request.body(usuario: "***", clave: "***", redacted: true).objectValue ?? JSONObject()
            if let saveTo = request.saveTo { data.append("save_to", .string(saveTo)) }
            return .object(data)
        }
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

    static func readAnswer(_ response: HTTPResponse, request: FESRequest, context: CallContext, secrets: [String]) throws(SelloError) -> JSON {
        let redactor = Redactor(secrets: secrets)
        guard let answer = try AnswerJSON.parse(response.body, context: context), let object = answer.objectValue, object["estado"] != nil else {
            guard (200..<300).contains(response.status) else {
                throw SelloError(.http, "HTTP_\(response.status)", "FES answered HTTP \(response.status) without its JSON answer: \(redactor.sample(response.body))")
            }
            throw SelloError(.protocol, "INVALID_ANSWER", "FES's answer is not its documented JSON: \(redactor.sample(response.body))",
                             details: ["sample": .string(redactor.sample(response.body))])
        }
        let estado = object["estado"]?.stringValue?.uppercased()
        let errorCode = FESClient.errorCode(object["errorCode"])
        let comentario = FESClient.message(object).map(redactor.scrub)
        guard estado == "OK" else {
            throw FESCodes.serviceError(number: errorCode, comentario: comentario)
        }
        guard let certificado = object["certificado"]?.stringValue, let bytes = Base64.decode(certificado), !bytes.isEmpty else {
            throw SelloError(.protocol, "CERTIFICATE_MISSING",
                             "FES answered OK but without a readable base64 certificado; check with the provider before trying again (the quota may have been spent)")
        }
        var data = object
        data["errorCode"] = .int(Int64(errorCode ?? 0))
        // The service's text may echo what it was sent; the base64 certificate is left as is.
        // `comentario` holds the message under whichever name the service used.
        if let comentario { data["comentario"] = .string(comentario) }
        for key in ["comentarios", "mensaje"] where data[key]?.stringValue != nil {
            data[key] = data[key]?.stringValue.map { .string(redactor.scrub($0)) }
        }
        if let saveTo = request.saveTo {
            do {
                try FileSystem.writeAtomically(bytes, to: saveTo, field: "save_to")
                data["saved_to"] = .string(saveTo)
            } catch {
                context.warn(Warning(kind: "io", code: error.code,
                                     message: "the certificate was issued but could not be saved (\(error.message)); it is in data.certificado: store it now",
                                     field: "save_to"))
            }
        }
        switch CertificateInspection.pkcs12(bytes, password: request.claveCertificado) {
        case .success(let info):
            data["certificate_info"] = info.json
            if let rut = info.rut, rut != request.rut.normalized {
                context.warn(Warning(kind: "validation", code: "CERTIFICATE_RUT_MISMATCH",
                                     message: "the certificate carries the RUT \(rut), not the requested \(request.rut.normalized); it was kept, check with the provider",
                                     field: "rut"))
            }
        case .failure(let warning):
            context.warn(warning)
        }
        return .object(data)
    }
}
