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

    /// - Parameters:
    ///   - forms: the forms an entry may take, for the message when `uuids` is missing or empty.
    ///   - entry: reads `uuids[index]`, given the request's rfcEmisor.
    init(
        _ json: JSON, defaultContrato: String, forms: String, found: inout ReadFacts,
        entry: (_ element: JSON, _ index: Int, _ rfcEmisor: String, _ found: inout ReadFacts) throws(SelloError)
            -> Entry
    ) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDICancellation.fields)
        contrato = try CFDIFields.contrato(reader, default: defaultContrato)
        rfcEmisor = try CFDIFields.rfcEmisor(reader, found: &found)
        guard let uuids = try reader.array("uuids"), !uuids.isEmpty else {
            throw MissingField.prodigia.error("uuids", message: "uuids is required: at least one \(forms)")
        }
        var entries: [Entry] = []
        for (index, element) in uuids.enumerated() {
            entries.append(try entry(element, index, rfcEmisor, &found))
        }
        self.entries = entries
        opciones = try reader.stringArray("opciones") ?? []
        try CFDIOptions.check(opciones, table: CFDIOptions.cancel, pipeSeparated: false, found: &found)
        output = try CFDIOutput(reader, includeXMLAllowed: false)
        credentials = try CFDICancelCredentials.load(reader, opciones: opciones, rfcEmisor: rfcEmisor)
    }

    /// The request: a POST to `path` with everything in the query — contrato, rfcEmisor, each
    /// entry under `entryName`, the credentials, the options — and an empty body of type
    /// application/xml, as both families take it.
    func httpRequest(_ path: String, entryName: String, auth: BasicCredentials, text: (Entry) -> String)
        -> HTTPRequest
    {
        var http = HTTPRequest(
            .post, path,
            replay: .onlyIfNotSent(consequence: "the cancellation may have been requested from the SAT"))
        http.query = [("contrato", contrato), ("rfcEmisor", rfcEmisor)] + entries.map { (entryName, text($0)) }
        credentials.apply(to: &http)
        http.query += opciones.map { ("opciones", $0) }
        http.headers = ["Content-Type: application/xml"]
        CFDIFields.authorize(&http, auth)
        return http
    }
}
