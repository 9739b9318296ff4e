/// How each kind of Prodigia answer becomes the envelope's data. A stamp or a receipt that
/// arrived is never lost to a later problem (a file that cannot be written, an unreadable XML):
/// those are warnings.
enum CFDIResults {
    /// servicioTimbrado (every stamp). Codigo 307 with `xmlBase64` is the answer to an XML that
    /// was stamped before (REGRESAR_CON_ERROR_307_XML): that earlier stamp, ok, with a warning
    /// ALREADY_STAMPED, saved like any stamp — when it is the CFDI `sent`; another CFDI (the same
    /// Serie and Folio, VERIFICAR_SERIE_FOLIO) is the error CFDI_CON_TIMBRE_PREVIO.
    static func stamp(
        _ response: HTTPResponse, output: CFDIOutput, sent: SentCFDI, redactor: Redactor, found: inout ReadFacts
    ) throws(SelloError) -> JSON {
        var answer = try CFDIAnswer(response, shape: .timbrado, operation: "stamp", redactor: redactor)
        if answer.codigo == 307, let earlier = CFDIAnswer.field(answer.data, "xmlBase64")?.stringValue, !earlier.isEmpty
        {
            found.serviceCode = 307
            let selloCFD = CFDIAnswer.field(answer.data, "selloCFD")?.stringValue
            if let differs = sent.mismatch(earlier: earlier, selloCFD: selloCFD) {
                throw anotherCFDI(answer.data, differs: differs)
            }
            found.warn(
                Warning(
                    kind: .service, code: .alreadyStamped,
                    message: "Prodigia had stamped this CFDI before (codigo 307): data is that earlier "
                        + "stamp, not a new one",
                    field: "codigo"))
        } else {
            answer = try checked(answer, operation: "stamp", found: &found)
        }
        var data = answer.data
        var uuid = CFDIAnswer.field(data, "uuid")?.stringValue ?? ""
        if !CFDIFields.isUUID(uuid), let stamped = uuidInStampedXML(data) {
            uuid = stamped
            data["uuid"] = .string(stamped)
        }
        guard CFDIFields.isUUID(uuid) else {
            found.warn(
                Warning(
                    kind: .protocol, code: .uuidMissing,
                    message: "timbradoOk is true but the answer has no valid uuid, so nothing was saved; "
                        + "check the stamp with the provider (data.id "
                        + "\(CFDIAnswer.field(data, "id")?.stringValue ?? "absent"))",
                    field: "uuid"))
            attachDocument(
                &data, base64Field: "xmlBase64", uuid: uuid, suffix: ".xml", what: "stamped XML",
                output: CFDIOutput(saveDir: nil, includeXML: output.includeXML), found: &found)
            if output.saveDir != nil { data["saved_files"] = .array([]) }
            return .object(data)
        }
        attachDocument(
            &data, base64Field: "xmlBase64", uuid: uuid, suffix: ".xml", what: "stamped XML", output: output,
            found: &found)
        if let folder = output.saveDir, let pdf = CFDIAnswer.field(data, "pdfBase64")?.stringValue, !pdf.isEmpty {
            if let path = save(base64: pdf, uuid: uuid, suffix: ".pdf", folder: folder, what: "PDF", found: &found) {
                var saved = data["saved_files"]?.arrayValue ?? []
                saved.append(.string(path))
                data["saved_files"] = .array(saved)
            }
        }
        return .object(data)
    }

    /// A 307 whose earlier CFDI is not the one sent: nothing was stamped.
    static func anotherCFDI(_ data: JSONObject, differs: [String]) -> SelloError {
        let given = CFDIAnswer.field(data, "uuid")?.stringValue
        let uuid = given.flatMap { CFDIFields.isUUID($0) ? $0 : nil } ?? uuidInStampedXML(data)
        let why =
            differs.isEmpty
            ? "with VERIFICAR_SERIE_FOLIO it may be another CFDI of the same Serie and Folio, and the library "
                + "does not compare a CSV with it"
            : "its \(differs.joined(separator: ", ")) differ from the CFDI sent"
        return SelloError(
            .service, .table("CFDI_CON_TIMBRE_PREVIO"),
            "Prodigia refused the stamp with codigo 307 and returned an earlier CFDI (UUID \(uuid ?? "unknown")) "
                + "that is not taken for this one: \(why). This CFDI was not stamped; if its Serie and Folio were "
                + "stamped before, give it another Folio (cfdi_get_by_uuid returns the earlier CFDI)",
            serviceCode: 307,
            details: ["earlier_uuid": uuid.map(JSON.string) ?? .null, "differs": .array(differs.map(JSON.string))])
    }

    /// The UUID of the TimbreFiscalDigital inside `xmlBase64`, for an answer that carries the
    /// stamped XML but not the folio itself (a 307 may).
    static func uuidInStampedXML(_ data: JSONObject) -> String? {
        guard let base64 = CFDIAnswer.field(data, "xmlBase64")?.stringValue, let bytes = Base64.decode(base64),
            case .success(let root) = parseXML(bytes), let uuid = CFDI40Check.timbre(in: root)?.attribute("UUID"),
            CFDIFields.isUUID(uuid)
        else { return nil }
        return uuid
    }

    /// servicioCancel (both cancellation families): per-UUID results are data, each with its
    /// normalised `status`; the acuses are saved as <UUID>_acuse.xml (`CFDIAcuses`).
    static func cancellation(_ response: HTTPResponse, output: CFDIOutput, redactor: Redactor, found: inout ReadFacts)
        throws(SelloError) -> JSON
    {
        var answer = try checked(
            CFDIAnswer(response, shape: .cancel, operation: "cancel", redactor: redactor), operation: "cancel",
            found: &found)
        answer.describeCancellations()
        var data = answer.data
        CFDIAcuses.warnRequested(data, found: &found)
        if let folder = output.saveDir {
            data["saved_files"] = .array(CFDIAcuses.save(data, folder: folder, found: &found))
        }
        return .object(data)
    }

    /// servicioConsultaComprobante: its `codigo` is a status of the cancellation table (90–99),
    /// a result rather than a remark; `estatus_text` describes `estatusCfdi`.
    static func status(_ response: HTTPResponse, redactor: Redactor, found: inout ReadFacts) throws(SelloError) -> JSON
    {
        let results = Set(CFDICodes.cancellationStatuses.map(\.number))
        let answer = try checked(
            CFDIAnswer(response, shape: .estatus, operation: "status query", redactor: redactor),
            operation: "status query", found: &found, results: results)
        return .object(CFDIAnswer.describeEstatus(answer.data))
    }

    /// servicioConsulta: the stamped XML (consultaCfdiPorUUID) or the acuse (acuseCancelacion).
    static func lookup(
        _ response: HTTPResponse, uuid: String, output: CFDIOutput, receipt: Bool, redactor: Redactor,
        found: inout ReadFacts
    ) throws(SelloError) -> JSON {
        let operation = receipt ? "get_cancellation_receipt" : "get_by_uuid"
        let answer = try checked(
            CFDIAnswer(response, shape: .consulta, operation: operation, redactor: redactor),
            operation: operation, found: &found)
        var data = CFDIAnswer.describeEstatus(answer.data)
        attachDocument(
            &data, base64Field: "xmlBase64", uuid: uuid, suffix: receipt ? "_acuse.xml" : ".xml",
            what: receipt ? "cancellation receipt" : "stamped XML", output: output, found: &found)
        return .object(data)
    }

    /// Turns an answer whose ok flag is false into the error of its codigo; a true flag with a
    /// non-zero codigo is a success with a warning, unless the codigo is one of the operation's
    /// `results`.
    static func checked(_ answer: CFDIAnswer, operation: String, found: inout ReadFacts, results: Set<Int> = [])
        throws(SelloError) -> CFDIAnswer
    {
        found.serviceCode = answer.codigo
        if !answer.repairs.isEmpty { found.warn(AnswerJSON.repaired(answer.repairs)) }
        guard answer.ok else {
            throw CFDICodes.serviceError(
                number: answer.codigo, mensaje: answer.mensaje, operation: operation, codigoText: answer.codigoText)
        }
        if let codigo = answer.codigo, codigo != 0, !results.contains(codigo) {
            let code = CFDICodes.serviceCode(codigo)
            let text = CFDICodes.shownMensaje(answer.mensaje)
            found.warn(
                Warning(
                    kind: .service, code: code.map { .table($0.name) } ?? .cfdiCodigoNoDocumentado,
                    message: "Prodigia accepted the request with codigo \(codigo): "
                        + "\(code?.description ?? "undocumented code")\(text.map { " (\($0))" } ?? "")",
                    field: "codigo"))
        }
        return answer
    }

    /// Decodes the document in `base64Field` for include_xml (data.xml) and save_dir
    /// (<UUID><suffix>, listed in data.saved_files).
    static func attachDocument(
        _ data: inout JSONObject, base64Field: String, uuid: String, suffix: String, what: String,
        output: CFDIOutput, found: inout ReadFacts
    ) {
        guard output.includeXML || output.saveDir != nil else { return }
        guard let base64 = CFDIAnswer.field(data, base64Field)?.stringValue, !base64.isEmpty else {
            found.warn(
                Warning(
                    kind: .protocol, code: .xmlMissing,
                    message: "the answer has no \(base64Field): there is no \(what) to include or save",
                    field: base64Field))
            if output.saveDir != nil { data["saved_files"] = .array([]) }
            return
        }
        guard let bytes = Base64.decode(base64) else {
            found.warn(
                Warning(
                    kind: .protocol, code: .xmlUnreadable,
                    message: "\(base64Field) is not base64; it is kept as received", field: base64Field))
            if output.saveDir != nil { data["saved_files"] = .array([]) }
            return
        }
        if output.includeXML {
            data["xml"] = .string(String(decoding: bytes, as: UTF8.self))
        }
        if let folder = output.saveDir {
            var saved = data["saved_files"]?.arrayValue ?? []
            if let path = write(bytes, uuid: uuid, suffix: suffix, folder: folder, what: what, found: &found) {
                saved.append(.string(path))
            }
            data["saved_files"] = .array(saved)
        }
    }

    static func save(base64: String, uuid: String, suffix: String, folder: String, what: String, found: inout ReadFacts)
        -> String?
    {
        guard let bytes = Base64.decode(base64) else {
            found.warn(
                Warning(
                    kind: .protocol, code: .xmlUnreadable,
                    message: "the \(what) of \(uuid) is not base64; it was not saved", field: "save_dir"))
            return nil
        }
        return write(bytes, uuid: uuid, suffix: suffix, folder: folder, what: what, found: &found)
    }

    /// Writes <folder>/<UUID><suffix> atomically; a failure is an `io` warning, never a lost stamp.
    static func write(
        _ bytes: [UInt8], uuid: String, suffix: String, folder: String, what: String, found: inout ReadFacts
    ) -> String? {
        // The UUID comes from the answer: only a real UUID becomes a file name.
        guard CFDIFields.isUUID(uuid) else {
            found.warn(
                Warning(
                    kind: .protocol, code: .uuidMissing,
                    message: "the \(what) was not saved: '\(uuid)' is not a UUID", field: "save_dir"))
            return nil
        }
        let path = (folder.hasSuffix("/") ? folder : folder + "/") + uuid.uppercased() + suffix
        do {
            try FileSystem.writeAtomically(bytes, to: path, mode: 0o644, field: "save_dir")
            return path
        } catch {
            found.warn(
                Warning(
                    kind: .io, code: error.code,
                    message: "the \(what) of \(uuid) could not be saved (\(error.message)); it is in the "
                        + "envelope's data: store it now",
                    field: "save_dir"))
            return nil
        }
    }
}
