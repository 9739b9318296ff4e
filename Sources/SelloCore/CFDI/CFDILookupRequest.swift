/// An acuseCancelacion or consultaCfdiPorUUID request: one UUID.
struct CFDILookupRequest {
    static let fields = ["uuid", "contrato", "save_dir", "include_xml"]

    let contrato: String
    let uuid: String
    let output: CFDIOutput

    /// Every field is checked, and every problem reported (`Problems`): the error is the first.
    init(_ json: RequestObject, defaultContrato: String) throws(SelloError) {
        let reader = try FieldReader(json, allowed: CFDILookupRequest.fields)
        var problems = Problems()
        let contrato = problems.check { () throws(SelloError) in
            try CFDIFields.contrato(reader, default: defaultContrato)
        }
        let uuid = problems.check { () throws(SelloError) in try CFDIFields.requiredUUID(reader) }
        let output = problems.check { () throws(SelloError) in try CFDIOutput(reader) }
        try problems.throwIfAny()
        guard let contrato, let uuid, let output else { throw .internal("lookup: a field without a value") }
        (self.contrato, self.uuid, self.output) = (contrato, uuid, output)
    }

    func httpRequest(_ path: String, auth: BasicCredentials) -> HTTPRequest {
        var http = HTTPRequest(.post, path, replay: .idempotent)
        http.query = [("contrato", contrato), ("uuid", uuid)]
        http.headers = ["Content-Type: application/xml"]
        CFDIFields.authorize(&http, auth)
        return http
    }
}
