/// A consultarEstatusComprobante request (PRODIGIA_2026.md §5.1): the SAT status of one CFDI,
/// asked with the data of its printed expression (UUID, issuer, receiver, total). A read: safe to
/// repeat, retried like any lookup.
struct CFDIStatusRequest {
    static let fields = ["uuid", "rfcEmisor", "rfcReceptor", "total", "opciones", "contrato"]

    let contrato: String
    let uuid: String
    let rfcEmisor: String
    let rfcReceptor: String
    let total: String
    let opciones: [String]

    init(_ json: JSON, defaultContrato: String, found: inout ReadFacts) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDIStatusRequest.fields)
        contrato = try CFDIFields.contrato(reader, default: defaultContrato)
        guard let uuidText = try reader.string("uuid") else {
            throw MissingField.prodigia.error("uuid", message: "uuid, the folio fiscal of the CFDI, is required")
        }
        uuid = try CFDIFields.uuid(uuidText, field: "uuid")
        var rfcs: [String] = []
        for name in ["rfcEmisor", "rfcReceptor"] {
            guard let text = try reader.string(name) else {
                throw MissingField.prodigia.error(
                    name,
                    message: "\(name) is required: the SAT finds a CFDI by UUID, issuer, receiver and total")
            }
            rfcs.append(try CFDIFields.rfc(text, field: name, found: &found))
        }
        (rfcEmisor, rfcReceptor) = (rfcs[0], rfcs[1])
        guard let total = try CFDIFields.total(reader.object["total"], field: "total") else {
            throw MissingField.prodigia.error(
                "total",
                message: "total, the CFDI's Total (such as 1160.00), is required")
        }
        self.total = total
        opciones = try reader.stringArray("opciones") ?? []
        try CFDIOptions.check(opciones, table: CFDIOptions.cancel, pipeSeparated: false, found: &found)
    }

    func httpRequest(auth: BasicCredentials) -> HTTPRequest {
        var http = HTTPRequest(.post, "/cancelacion/consultarEstatusComprobante", replay: .idempotent)
        http.query =
            [
                ("contrato", contrato), ("uuid", uuid), ("rfcEmisor", rfcEmisor), ("rfcReceptor", rfcReceptor),
                ("total", total),
            ] + opciones.map { ("opciones", $0) }
        http.headers = ["Content-Type: application/xml"]
        CFDIFields.authorize(&http, auth)
        return http
    }
}
