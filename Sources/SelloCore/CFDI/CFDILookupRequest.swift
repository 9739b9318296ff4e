/// An acuseCancelacion or consultaCfdiPorUUID request: one UUID.
struct CFDILookupRequest {
    static let fields = ["uuid", "contrato", "save_dir", "include_xml"]

    let contrato: String
    let uuid: String
    let output: CFDIOutput

    init(_ json: JSON, defaultContrato: String) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDILookupRequest.fields)
        contrato = try CFDIFields.contrato(reader, default: defaultContrato)
        guard let text = try reader.string("uuid") else {
            throw MissingField.prodigia.error("uuid", message: "uuid, the folio fiscal of the CFDI, is required")
        }
        uuid = try CFDIFields.uuid(text, field: "uuid")
        output = try CFDIOutput(reader)
    }

    func httpRequest(_ method: String, auth: BasicCredentials) -> HTTPRequest {
        var http = HTTPRequest(.post, "/integracion/\(method)", replay: .idempotent)
        http.query = [("contrato", contrato), ("uuid", uuid)]
        http.headers = ["Content-Type: application/xml"]
        CFDIFields.authorize(&http, auth)
        return http
    }
}
