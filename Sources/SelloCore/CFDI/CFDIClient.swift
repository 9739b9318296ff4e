/// The Prodigia / PADE client (seed 002, the integration API): stamping from the CSV
/// interchange file, cancellation, cancellation receipts and stamped XML, and batch stamping.
public final class CFDIClient: Sendable {
    public static let defaultBaseURL = "https://timbrado.pade.mx/servicio/rest"
    public static let maxBatchItems = 10_000
    public let client: ServiceClient
    let auth: BasicCredentials
    let contrato: String

    public init(configText: UnsafePointer<CChar>?) throws(SelloError) {
        let config = try ClientConfig.parse(configText, environments: .cfdi,
                                            serviceKeys: ["usuario", "password", "contrato"],
                                            requiredKeys: ["usuario", "password", "contrato"])
        try BasicCredentials.checkUser(config.serviceString("usuario") ?? "", field: "usuario")
        client = try ServiceClient(service: "cfdi", config: config)
        auth = BasicCredentials(user: config.serviceString("usuario") ?? "", password: config.serviceString("password") ?? "")
        contrato = config.serviceString("contrato") ?? ""
    }

    // MARK: - Operations

    /// cfdi_process_file (procesarArchivo): sent once; never again once it may have arrived.
    public func processFile(_ requestText: UnsafePointer<CChar>?) -> JSON {
        stamp("process_file", requestText, withCSD: false)
    }

    /// cfdi_process_file_with_csd (procesarArchivoConCSD): the CSD is checked locally first.
    public func processFileWithCSD(_ requestText: UnsafePointer<CChar>?) -> JSON {
        stamp("process_file_with_csd", requestText, withCSD: true)
    }

    private func stamp(_ operation: String, _ requestText: UnsafePointer<CChar>?, withCSD: Bool) -> JSON {
        client.call(operation, requestText) { json, context throws(SelloError) in
            let request = try CFDIStampRequest(json, withCSD: withCSD, defaultContrato: contrato)
            let http = request.httpRequest(auth: auth)
            let response = try client.transport.perform(http, context: context)
            return try CFDIClient.stampResult(response, request: request, secrets: http.secrets, context: context)
        }
    }

    /// cfdi_cancel (cancelarCfdiConOpciones): per-UUID results are data; the envelope fails only
    /// when statusOk is false.
    public func cancel(_ requestText: UnsafePointer<CChar>?) -> JSON {
        client.call("cancel", requestText) { json, context throws(SelloError) in
            let request = try CFDICancelRequest(json, defaultContrato: contrato, context: context)
            let http = request.httpRequest(auth: auth)
            let response = try client.transport.perform(http, context: context)
            var answer = try CFDIClient.checked(CFDIAnswer(response, shape: .cancel, operation: "cancel", secrets: http.secrets),
                                                operation: "cancel", context: context)
            answer.describeCancellations()
            var data = answer.data
            if let folder = request.output.saveDir {
                var saved: [JSON] = []
                for entry in data["cancelaciones"]?.arrayValue ?? [] {
                    guard let uuid = entry["uuid"]?.stringValue, let acuse = entry["acuseCancelBase64"]?.stringValue, !acuse.isEmpty else { continue }
                    if let path = CFDIClient.save(base64: acuse, uuid: uuid, suffix: "_acuse.xml", folder: folder, what: "cancellation receipt", context: context) {
                        saved.append(.string(path))
                    }
                }
                data["saved_files"] = .array(saved)
            }
            return .object(data)
        }
    }

    /// cfdi_get_cancellation_receipt (acuseCancelacion).
    public func getCancellationReceipt(_ requestText: UnsafePointer<CChar>?) -> JSON {
        lookup("get_cancellation_receipt", method: "acuseCancelacion", suffix: "_acuse.xml", what: "cancellation receipt", requestText)
    }

    /// cfdi_get_by_uuid (consultaCfdiPorUUID).
    public func getByUUID(_ requestText: UnsafePointer<CChar>?) -> JSON {
        lookup("get_by_uuid", method: "consultaCfdiPorUUID", suffix: ".xml", what: "stamped XML", requestText)
    }

    private func lookup(_ operation: String, method: String, suffix: String, what: String, _ requestText: UnsafePointer<CChar>?) -> JSON {
        client.call(operation, requestText) { json, context throws(SelloError) in
            let request = try CFDILookupRequest(json, defaultContrato: contrato)
            let http = request.httpRequest(method, auth: auth)
            let response = try client.transport.perform(http, context: context)
            let answer = try CFDIClient.checked(CFDIAnswer(response, shape: .consulta, operation: operation, secrets: http.secrets),
                                                operation: operation, context: context)
            var data = CFDIAnswer.describeEstatus(answer.data)
            CFDIClient.attachDocument(&data, base64Field: "xmlBase64", uuid: request.uuid, suffix: suffix, what: what,
                                      output: request.output, context: context)
            return .object(data)
        }
    }

    /// cfdi_process_files: many procesarArchivo requests over one curl multi handle. Items are
    /// checked first; an invalid one becomes its own error envelope and is not sent.
    public func processFiles(_ requestText: UnsafePointer<CChar>?) -> JSON {
        client.call("process_files", requestText) { json, context throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["items", "concurrency"])
            let concurrency = try reader.int("concurrency") ?? 8
            guard (1...64).contains(concurrency) else {
                throw .invalidArgument("concurrency must be between 1 and 64, got \(concurrency)", field: "concurrency")
            }
            guard let items = try reader.array("items") else {
                throw .invalidArgument("items is required: an array of cfdi_process_file requests", field: "items", code: "MISSING_FIELD")
            }
            guard items.count <= CFDIClient.maxBatchItems else {
                throw .invalidArgument("items has \(items.count) requests; the limit is \(CFDIClient.maxBatchItems) per call", field: "items")
            }
            struct Prepared {
                let index: Int
                let request: CFDIStampRequest
                let http: HTTPRequest
                let context: CallContext
            }
            var results = [JSON](repeating: .null, count: items.count)
            var prepared: [Prepared] = []
            for (index, item) in items.enumerated() {
                let itemContext = CallContext(service: "cfdi", operation: "process_file", hooks: context.hooks)
                do throws(SelloError) {
                    let request = try CFDIStampRequest(item, withCSD: false, defaultContrato: contrato)
                    prepared.append(Prepared(index: index, request: request, http: request.httpRequest(auth: auth), context: itemContext))
                } catch {
                    results[index] = Envelope.make(.failure(error), context: itemContext)
                }
            }
            client.transport.performMany(prepared.map(\.http), contexts: prepared.map(\.context), concurrency: concurrency) { position, result in
                let item = prepared[position]
                results[item.index] = Envelope.run(item.context) { itemContext throws(SelloError) in
                    try CFDIClient.stampResult(try result.get(), request: item.request, secrets: item.http.secrets, context: itemContext)
                }
            }
            context.attempts = prepared.reduce(0) { $0 + $1.context.attempts }
            let succeeded = results.filter { $0["ok"]?.boolValue == true }.count
            return ["results": .array(results), "succeeded": .int(Int64(succeeded)), "failed": .int(Int64(results.count - succeeded))]
        }
    }

    // MARK: - Answers

    /// The envelope's data for a stamp; a stamp that arrived is never lost to a later problem
    /// (a file that cannot be written, an unreadable XML): those are warnings.
    static func stampResult(_ response: HTTPResponse, request: CFDIStampRequest, secrets: [String], context: CallContext) throws(SelloError) -> JSON {
        let answer = try checked(CFDIAnswer(response, shape: .timbrado, operation: "stamp", secrets: secrets), operation: "stamp", context: context)
        var data = answer.data
        let uuid = data["uuid"]?.stringValue ?? ""
        guard CFDIFields.isUUID(uuid) else {
            context.warn(Warning(kind: "protocol", code: "UUID_MISSING",
                                 message: "timbradoOk is true but the answer has no valid uuid, so nothing was saved; check the stamp with the provider (data.id \(data["id"]?.stringValue ?? "absent"))",
                                 field: "uuid"))
            attachDocument(&data, base64Field: "xmlBase64", uuid: uuid, suffix: ".xml", what: "stamped XML",
                           output: CFDIOutput(saveDir: nil, includeXML: request.output.includeXML), context: context)
            if request.output.saveDir != nil { data["saved_files"] = .array([]) }
            return .object(data)
        }
        attachDocument(&data, base64Field: "xmlBase64", uuid: uuid, suffix: ".xml", what: "stamped XML", output: request.output, context: context)
        if let folder = request.output.saveDir, let pdf = data["pdfBase64"]?.stringValue, !pdf.isEmpty {
            if let path = save(base64: pdf, uuid: uuid, suffix: ".pdf", folder: folder, what: "PDF", context: context) {
                var saved = data["saved_files"]?.arrayValue ?? []
                saved.append(.string(path))
                data["saved_files"] = .array(saved)
            }
        }
        return .object(data)
    }

    /// Turns an answer whose ok flag is false into the error of its codigo; a true flag with a
    /// non-zero codigo is a success with a warning.
    static func checked(_ answer: CFDIAnswer, operation: String, context: CallContext) throws(SelloError) -> CFDIAnswer {
        context.serviceStatus = answer.codigo
        if !answer.repairs.isEmpty { context.warn(AnswerJSON.repaired(answer.repairs)) }
        guard answer.ok else {
            throw CFDICodes.serviceError(number: answer.codigo, mensaje: answer.mensaje, operation: operation)
        }
        if let codigo = answer.codigo, codigo != 0 {
            let code = CFDICodes.serviceCode(codigo)
            let text = answer.mensaje.map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
            context.warn(Warning(kind: "service", code: code?.name ?? "CFDI_CODIGO_NO_DOCUMENTADO",
                                 message: "Prodigia accepted the request with codigo \(codigo): \(code?.description ?? "undocumented code")\(text.map { " (\($0))" } ?? "")",
                                 field: "codigo"))
        }
        return answer
    }

    /// Decodes the document in `base64Field` for include_xml (data.xml) and save_dir
    /// (<UUID><suffix>, listed in data.saved_files).
    static func attachDocument(_ data: inout JSONObject, base64Field: String, uuid: String, suffix: String, what: String,
                               output: CFDIOutput, context: CallContext) {
        guard output.includeXML || output.saveDir != nil else { return }
        guard let base64 = data[base64Field]?.stringValue, !base64.isEmpty else {
            context.warn(Warning(kind: "protocol", code: "XML_MISSING", message: "the answer has no \(base64Field): there is no \(what) to include or save",
                                 field: base64Field))
            if output.saveDir != nil { data["saved_files"] = .array([]) }
            return
        }
        guard let bytes = Base64.decode(base64) else {
            context.warn(Warning(kind: "protocol", code: "XML_UNREADABLE", message: "\(base64Field) is not base64; it is kept as received", field: base64Field))
            if output.saveDir != nil { data["saved_files"] = .array([]) }
            return
        }
        if output.includeXML {
            data["xml"] = .string(String(decoding: bytes, as: UTF8.self))
        }
        if let folder = output.saveDir {
            var saved = data["saved_files"]?.arrayValue ?? []
            if let path = write(bytes, uuid: uuid, suffix: suffix, folder: folder, what: what, context: context) {
                saved.append(.string(path))
            }
            data["saved_files"] = .array(saved)
        }
    }

    static func save(base64: String, uuid: String, suffix: String, folder: String, what: String, context: CallContext) -> String? {
        guard let bytes = Base64.decode(base64) else {
            context.warn(Warning(kind: "protocol", code: "XML_UNREADABLE", message: "the \(what) of \(uuid) is not base64; it was not saved", field: "save_dir"))
            return nil
        }
        return write(bytes, uuid: uuid, suffix: suffix, folder: folder, what: what, context: context)
    }

    /// Writes <folder>/<UUID><suffix> atomically; a failure is an `io` warning, never a lost stamp.
    static func write(_ bytes: [UInt8], uuid: String, suffix: String, folder: String, what: String, context: CallContext) -> String? {
        // The UUID comes from the answer: only a real UUID becomes a file name.
        guard CFDIFields.isUUID(uuid) else {
            context.warn(Warning(kind: "protocol", code: "UUID_MISSING", message: "the \(what) was not saved: '\(uuid)' is not a UUID", field: "save_dir"))
            return nil
        }
        let path = (folder.hasSuffix("/") ? folder : folder + "/") + uuid.uppercased() + suffix
        do {
            try FileSystem.writeAtomically(bytes, to: path, mode: 0o644, field: "save_dir")
            return path
        } catch {
            context.warn(Warning(kind: "io", code: error.code,
                                 message: "the \(what) of \(uuid) could not be saved (\(error.message)); it is in the envelope's data: store it now",
                                 field: "save_dir"))
            return nil
        }
    }
}
