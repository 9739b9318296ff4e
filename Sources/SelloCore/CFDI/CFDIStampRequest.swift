/// A procesarArchivo / procesarArchivoConCSD request (seed 002), checked locally.
struct CFDIStampRequest {
    static let fields = [
        "datos", "datos_path", "datos_base64", "prueba", "opciones", "opciones_base64", "contrato",
        "save_dir", "include_xml",
    ]

    let contrato: String
    /// The CSV interchange file as bytes.
    let datos: [UInt8]
    let prueba: Bool
    let opciones: [String]
    let opcionesBase64: Bool
    let output: CFDIOutput
    let csd: CSDCredentials?
    /// Which of datos, datos_path, datos_base64 the caller gave, named when the URL is too long.
    let datosField: String
    /// A CSV is not compared with a 307's earlier CFDI (`SentCFDI`).
    var sent: SentCFDI { SentCFDI(identity: nil, opciones: opciones) }

    /// Every field is checked, and every problem reported (`Problems`): the error is the first.
    init(_ json: RequestObject, withCSD: Bool, defaultContrato: String, found: inout ReadFacts) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDIStampRequest.fields + (withCSD ? CSDCredentials.fields : []))
        var problems = Problems()
        let contrato = problems.check { () throws(SelloError) in
            try CFDIFields.contrato(reader, default: defaultContrato)
        }
        let datos = problems.check { () throws(SelloError) in
            try CFDIFields.document(reader, name: "datos", what: "the CSV interchange file", check: CFDIEncoding.csv)
        }
        let prueba = problems.check { () throws(SelloError) in try reader.bool("prueba") ?? false }
        let opciones = problems.check { () throws(SelloError) in try reader.stringArray("opciones") ?? [] }
        let base64 = problems.check { () throws(SelloError) in try reader.bool("opciones_base64") ?? false }
        if let opciones, let base64 {
            problems.check { () throws(SelloError) in
                try CFDIOptions.check(opciones, table: CFDIOptions.stamp, pipeSeparated: base64, found: &found)
            }
            CFDIOptions.warnWithoutPlugin(opciones, found: &found)
        }
        let output = problems.check { () throws(SelloError) in try CFDIOutput(reader) }
        let csd =
            withCSD ? problems.check { () throws(SelloError) in try CSDCredentials.load(reader, rfcEmisor: nil) } : nil
        try problems.throwIfAny()
        guard let contrato, let datos, let prueba, let opciones, let base64, let output else {
            throw .internal("process_file: a field without a value and without a problem")
        }
        (self.contrato, self.datos, self.prueba, self.opciones) = (contrato, datos, prueba, opciones)
        (opcionesBase64, self.output, self.csd) = (base64, output, csd)
        datosField = ["datos_path", "datos_base64"].first { reader.has($0) } ?? "datos"
    }

    /// The `opciones` as sent: one element each, or the documented optional form, one base64
    /// element of the pipe-separated options.
    var opcionesSent: [String] {
        guard opcionesBase64, !opciones.isEmpty else { return opciones }
        return [Base64.encode(Array(opciones.joined(separator: "|").utf8))]
    }

    /// After a stamp that may have been made: its UUID is not known, so no read of the library's
    /// (cfdi_get_by_uuid takes one) can tell (docs/errors.md).
    static let unknownUUIDAdvice =
        ReplayPolicy.askTheProvider + ": the CFDI's UUID is not known, so look it up in Prodigia's portal (or "
        + "the SAT's records) before stamping it again, or there may be two CFDI for one sale"

    /// procesarArchivo: URL query parameters, an empty body of type application/xml.
    /// procesarArchivoConCSD: the JSON body of the seed's example.
    func httpRequest(auth: BasicCredentials) -> HTTPRequest {
        let replay = ReplayPolicy.onlyIfNotSent(
            consequence: "a CFDI may have been stamped and a transaction of the contract spent",
            advice: CFDIStampRequest.unknownUUIDAdvice)
        var http: HTTPRequest
        let datosBase64 = Base64.encode(datos)
        if let csd {
            http = HTTPRequest(.post, CFDIPath.procesarArchivoConCSD, replay: replay)
            let body: JSON = [
                "contrato": .string(contrato), "certBase64": .string(csd.certBase64),
                "keyBase64": .string(csd.keyBase64),
                "keyPass": .string(csd.keyPass), "datos": .string(datosBase64),
                "prueba": .string(prueba ? "true" : "false"),
                "opciones": .array(opcionesSent.map(JSON.string)),
            ]
            http.body = .bytes(JSONWriter.encode(body), contentType: "application/json")
            http.secrets = csd.secrets
        } else {
            http = HTTPRequest(.post, CFDIPath.procesarArchivo, replay: replay)
            http.query =
                [("contrato", contrato), ("prueba", prueba ? "true" : "false"), ("datos", datosBase64)]
                + opcionesSent.map { ("opciones", $0) }
            http.headers = ["Content-Type: application/xml"]
            http.longQuery = LongQuery(
                fields: ["datos": datosField, "opciones": "opciones"],
                remedy: "Use an operation that carries the document in its body: cfdi_process_file_with_csd "
                    + "(the same datos, with the issuer's CSD), cfdi_stamp_xml or cfdi_stamp_xml_with_csd (the "
                    + "CFDI as XML)")
        }
        CFDIFields.authorize(&http, auth)
        return http
    }
}
