/// What both cancellation requests carry besides the form of their entries — cfdi_cancel's
/// (`CFDICancelRequest`) and cfdi_cancel_with_reason's (`CFDICancelReasonRequest`): the same
/// fields, read and checked in the same order, and the query they start.
struct CFDICancellation<Entry: Sendable>: Sendable {
    static var fields: [String] { ["rfcEmisor", "uuids", "opciones", "contrato", "save_dir"] + CSDCredentials.fields }

    let contrato: String
    let rfcEmisor: String
    let entries: [Entry]
    let opciones: [String]
    let credentials: CFDICancelCredentials
    let output: CFDIOutput
    /// The certificate's and the key's fields as the caller gave them (cert_path or certBase64),
    /// named when the URL is too long.
    let credentialFields: [String: String]

    /// Every field and every entry is checked, and every problem reported (`Problems`): the
    /// error is the first. What compares with rfcEmisor (an entry's RFC_Emisor, the CSD's RFC)
    /// is checked only when rfcEmisor was read.
    /// - Parameters:
    ///   - forms: the forms an entry may take, for the message when `uuids` is missing or empty.
    ///   - entry: reads `uuids[index]`, given the request's rfcEmisor (nil when it has a problem).
    init(
        _ json: RequestObject, defaultContrato: String, forms: String, found: inout ReadFacts,
        entry: (_ element: JSON, _ index: Int, _ rfcEmisor: String?, _ found: inout ReadFacts) throws(SelloError)
            -> Entry
    ) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDICancellation.fields)
        var problems = Problems()
        let contrato = problems.check { () throws(SelloError) in
            try CFDIFields.contrato(reader, default: defaultContrato)
        }
        let rfcEmisor = problems.check { () throws(SelloError) in try CFDIFields.rfcEmisor(reader, found: &found) }
        var entries: [Entry] = []
        if let uuids = problems.check({ () throws(SelloError) in try Self.uuids(reader, forms: forms) }) {
            for (index, element) in uuids.enumerated() {
                if let read = problems.check({ () throws(SelloError) in try entry(element, index, rfcEmisor, &found) })
                {
                    entries.append(read)
                }
            }
        }
        let opciones = problems.check { () throws(SelloError) in
            let opciones = try reader.stringArray("opciones") ?? []
            try CFDIOptions.check(opciones, table: CFDIOptions.cancel, pipeSeparated: false, found: &found)
            return opciones
        }
        let output = problems.check { () throws(SelloError) in try CFDIOutput(reader, includeXMLAllowed: false) }
        // The options say which credentials to expect (CERT_DEFAULT, PKCS12): unread, none are judged.
        let credentials = opciones.flatMap { opciones in
            problems.check { () throws(SelloError) in
                try CFDICancelCredentials.load(reader, opciones: opciones, rfcEmisor: rfcEmisor)
            }
        }
        try problems.throwIfAny()
        guard let contrato, let rfcEmisor, let opciones, let output, let credentials else {
            throw .internal("cancel: a field without a value and without a problem")
        }
        (self.contrato, self.rfcEmisor, self.entries, self.opciones) = (contrato, rfcEmisor, entries, opciones)
        (self.output, self.credentials) = (output, credentials)
        credentialFields = [
            "certBase64": reader.has("cert_path") ? "cert_path" : "certBase64",
            "keyBase64": reader.has("key_path") ? "key_path" : "keyBase64", "keyPass": "keyPass",
        ]
    }

    private static func uuids(_ reader: FieldReader, forms: String) throws(SelloError) -> [JSON] {
        guard let uuids = try reader.array("uuids"), !uuids.isEmpty else {
            throw MissingField.prodigia.error("uuids", message: "uuids is required: at least one \(forms)")
        }
        return uuids
    }

    /// The request: a POST to `path` with everything in the query — contrato, rfcEmisor, each
    /// entry under `entryName`, the credentials, the options — and an empty body of type
    /// application/xml, as both families take it.
    func httpRequest(_ path: String, entryName: String, auth: BasicCredentials, text: (Entry) -> String)
        -> HTTPRequest
    {
        var http = HTTPRequest(
            .post, path,
            replay: .onlyIfNotSent(
                consequence: "the cancellation may have been requested from the SAT",
                advice: "before trying again, cfdi_get_status (or cfdi_get_cancellation_receipt) with each UUID "
                    + "tells whether it was cancelled"))
        http.query = [("contrato", contrato), ("rfcEmisor", rfcEmisor)] + entries.map { (entryName, text($0)) }
        credentials.apply(to: &http)
        http.query += opciones.map { ("opciones", $0) }
        http.headers = ["Content-Type: application/xml"]
        http.longQuery = longQuery(entryName: entryName)
        CFDIFields.authorize(&http, auth)
        return http
    }

    /// What helps when the query is too long: fewer UUIDs a call, and, unless it is already so,
    /// the CSD stored with Prodigia (CERT_DEFAULT, PRODIGIA_2026.md §4.2), which leaves the
    /// certificate and key (or the PKCS#12, the signed XML) out of the URL.
    func longQuery(entryName: String) -> LongQuery {
        var remedy = "Send fewer UUIDs per call"
        if !credentials.isStored {
            remedy +=
                ", or give opciones [\"CERT_DEFAULT\"] to sign with the CSD stored in your Prodigia account "
                + "(when it has one), so that the certificate and key stay out of the URL"
        }
        return LongQuery(
            fields: credentialFields.merging([entryName: "uuids", "opciones": "opciones"]) { $1 }, remedy: remedy)
    }
}
