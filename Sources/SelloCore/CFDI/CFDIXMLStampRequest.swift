/// A CFDI 4.0 XML to stamp (PRODIGIA_2026.md §3): the raw XML to `timbrado40` (or
/// `timbrado40Prueba`), or, with the issuer's CSD, the JSON of `timbrado40/timbrarCfdi`
/// ("timbrarConCSD"). Checked locally first (`CFDI40Check`).
struct CFDIXMLStampRequest {
    static let fields = ["xml", "xml_path", "xml_base64", "prueba", "opciones", "contrato", "save_dir", "include_xml"]

    let contrato: String
    let xml: [UInt8]
    let prueba: Bool
    /// As sent: the caller's, plus REGRESAR_CON_ERROR_307_XML.
    let opciones: [String]
    let output: CFDIOutput
    let csd: CSDCredentials?
    /// The XML carries its own Sello (no CALCULAR_SELLO): the same bytes sent again are the same
    /// CFDI, which Prodigia answers with 307 and the earlier stamp. So a request that may have
    /// arrived can be sent again by the caller (`retryable`), never twice by the library. An
    /// empty Sello (sealed there, by CALCULAR_SELLO or with the request's CSD) is sent once.
    let isSealed: Bool
    /// What a 307's earlier CFDI must agree with to be this one.
    let sent: SentCFDI

    /// Every field is checked, and every problem reported (`Problems`): the error is the first.
    /// The XML's content is checked once the XML is read; the CSD's RFC against its Emisor once
    /// both are.
    init(
        _ json: RequestObject, withCSD: Bool, defaultContrato: String, found: inout ReadFacts,
        now: Int64 = CFDIFecha.now()
    )
        throws(SelloError)
    {
        let reader = try FieldReader(json, allowed: CFDIXMLStampRequest.fields + (withCSD ? CSDCredentials.fields : []))
        var problems = Problems()
        let contrato = problems.check { () throws(SelloError) in
            try CFDIFields.contrato(reader, default: defaultContrato)
        }
        let field = ["xml_path", "xml_base64"].first { reader.has($0) } ?? "xml"
        let xml = problems.check { () throws(SelloError) in
            try CFDIFields.document(reader, name: "xml", what: "the CFDI 4.0 XML")
        }
        let prueba = problems.check { () throws(SelloError) in try reader.bool("prueba") ?? false }
        let given = problems.check { () throws(SelloError) in
            let given = try reader.stringArray("opciones") ?? []
            try CFDIOptions.check(given, table: CFDIOptions.stamp, pipeSeparated: false, found: &found)
            return given
        }
        let output = problems.check { () throws(SelloError) in try CFDIOutput(reader) }
        let calcularSello = given?.contains("CALCULAR_SELLO") ?? false
        let document = xml.flatMap { xml in
            problems.check { () throws(SelloError) in
                try CFDI40Check(xml, field: field, calcularSello: calcularSello, withCSD: withCSD, now: now)
            }
        }
        let csd = withCSD ? problems.check { () throws(SelloError) in try Self.csd(reader, document: document) } : nil
        try problems.throwIfAny()
        guard let contrato, let xml, let prueba, let given, let output, let document else {
            throw .internal("stamp_xml: a field without a value and without a problem")
        }
        (self.contrato, self.xml, self.prueba, opciones) = (contrato, xml, prueba, CFDIOptions.withResend307(given))
        (self.output, self.csd, isSealed) = (output, csd, document.hasSello && !calcularSello)
        sent = SentCFDI(identity: document.identity, opciones: given)
    }

    /// The issuer's CSD, whose RFC must be the Comprobante's Emisor's (203) when the XML was read.
    private static func csd(_ reader: FieldReader, document: CFDI40Check?) throws(SelloError) -> CSDCredentials {
        let loaded = try CSDCredentials.load(reader, rfcEmisor: nil)
        if let given = document?.emisorRFC, case let emisor = given.trimmingSpaces.uppercased(), !emisor.isEmpty,
            loaded.certificate.rfc != emisor
        {
            throw CFDICodes.validation(
                203,
                "the CSD belongs to the RFC "
                    + "\(loaded.certificate.rfc.isEmpty ? "(none)" : loaded.certificate.rfc), but the Comprobante's "
                    + "Emisor Rfc is \(Quote.value(given))", // as written: the masking knows it so (`Quote`)
                field: reader.has("cert_path") ? "cert_path" : "certBase64")
        }
        return loaded
    }

    func httpRequest(auth: BasicCredentials) -> HTTPRequest {
        // A sealed XML may be sent again as it is: Prodigia answers an XML it stamped before with
        // 307 and that stamp. With CALCULAR_SELLO the seal is Prodigia's, so the same request may
        // be a new CFDI: never, as for any stamp.
        let consequence = "a CFDI may have been stamped and a transaction of the contract spent"
        let replay: ReplayPolicy =
            isSealed
            ? .callerMayRepeat(
                consequence: consequence,
                advice: "the XML may have been stamped: send the same request again, as it is (the "
                    + "library never does it by itself): Prodigia answers an XML it stamped before "
                    + "with that stamp (warning ALREADY_STAMPED)")
            : .onlyIfNotSent(consequence: consequence, advice: CFDIStampRequest.unknownUUIDAdvice)
        var http: HTTPRequest
        if let csd {
            http = HTTPRequest(.post, CFDIPath.timbrarCfdi, replay: replay)
            http.query = [("contrato", contrato)]
            let body: JSON = [
                "xmlBase64": .string(Base64.encode(xml)), "contrato": .string(contrato),
                "certBase64": .string(csd.certBase64), "keyBase64": .string(csd.keyBase64),
                "keyPass": .string(csd.keyPass), "prueba": .string(prueba ? "true" : "false"),
                "opciones": .array(opciones.map(JSON.string)),
            ]
            http.body = .bytes(JSONWriter.encode(body), contentType: "application/json")
            http.secrets = csd.secrets
        } else {
            http = HTTPRequest(.post, prueba ? CFDIPath.timbrado40Prueba : CFDIPath.timbrado40, replay: replay)
            http.query = [("contrato", contrato)] + opciones.map { ("opciones", $0) }
            http.body = .bytes(xml, contentType: "application/xml")
        }
        CFDIFields.authorize(&http, auth)
        return http
    }
}
