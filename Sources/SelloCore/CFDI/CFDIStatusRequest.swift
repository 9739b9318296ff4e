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

    /// Every field is checked, and every problem reported (`Problems`): the error is the first.
    init(_ json: RequestObject, defaultContrato: String, found: inout ReadFacts) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDIStatusRequest.fields)
        var problems = Problems()
        let contrato = problems.check { () throws(SelloError) in
            try CFDIFields.contrato(reader, default: defaultContrato)
        }
        let uuid = problems.check { () throws(SelloError) in try CFDIFields.requiredUUID(reader) }
        let emisor = problems.check { () throws(SelloError) in try Self.rfc(reader, "rfcEmisor", found: &found) }
        let receptor = problems.check { () throws(SelloError) in try Self.rfc(reader, "rfcReceptor", found: &found) }
        let total = problems.check { () throws(SelloError) in
            guard let total = try CFDIFields.total(reader.member("total"), field: "total") else {
                throw MissingField.prodigia.error(
                    "total", message: "total, the CFDI's Total (such as 1160.00), is required")
            }
            return total
        }
        let opciones = problems.check { () throws(SelloError) in
            let opciones = try reader.stringArray("opciones") ?? []
            try CFDIOptions.check(opciones, table: CFDIOptions.cancel, pipeSeparated: false, found: &found)
            return opciones
        }
        try problems.throwIfAny()
        guard let contrato, let uuid, let emisor, let receptor, let total, let opciones else {
            throw .internal("get_status: a field without a value and without a problem")
        }
        (self.contrato, self.uuid, rfcEmisor, rfcReceptor, self.total, self.opciones) =
            (contrato, uuid, emisor, receptor, total, opciones)
    }

    /// rfcEmisor or rfcReceptor: required, and an RFC.
    private static func rfc(_ reader: FieldReader, _ name: String, found: inout ReadFacts) throws(SelloError) -> String
    {
        guard let text = try reader.string(name) else {
            throw MissingField.prodigia.error(
                name, message: "\(name) is required: the SAT finds a CFDI by UUID, issuer, receiver and total")
        }
        return try CFDIFields.rfc(text, field: name, found: &found)
    }

    func httpRequest(auth: BasicCredentials) -> HTTPRequest {
        var http = HTTPRequest(.post, CFDIPath.consultarEstatus, replay: .idempotent)
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
