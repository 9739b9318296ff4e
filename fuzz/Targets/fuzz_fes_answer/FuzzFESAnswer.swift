// libFuzzer target: the FES answer reader (FESClient.readAnswer) and the envelope around it, which turns whatever the
// service sends into data or an error: JSON parsing, estado/errorCode, base64, PKCS#12 opening
// (OpenSSL) and the certificate's subject. The first byte picks the HTTP status; the rest is the
// body. The first 64 bytes are also read as a Retry-After header value.
//
// Oracles: no crash or hang, and neither secret of the call (the configured clave and the
// request's claveCertificado) — not even 8 characters of one — appears in an error, unless those
// characters are in the body outside any whole secret (then the service said them, not us).
@testable import SelloCore

let clave = "bJBk9GuSJCOWLXODhniTCX7e5"
let request: FESRequest = {
    let text =
        #"{"rut":"19.371.037-9","correo":"eleon@certificadoradelsur.cl","numeroDocumento":"100123456","#
        + #""claveCertificado":"Secreta123xyz","duracion":3,"nombreEmpresa":"CDS","comuna":"LOS ANGELES","#
        + #""direccion":"Lautaro 867","giroEmpresa":"Otros"}"#
    return try! FESRequest(RequestObject(try! JSONParser.parse(text)))
}()
let secrets = [clave, request.claveCertificado]
let statuses = [200, 200, 200, 200, 201, 400, 401, 404, 500, 502, 503, 504]

/// Every 8-character piece of every secret.
let pieces: [String] = secrets.flatMap { secret -> [String] in
    let characters = Array(secret)
    return (0...(characters.count - 8)).map { String(characters[$0..<($0 + 8)]) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 1 else { return 0 }
    let status = statuses[Int(data[0]) % statuses.count]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    _ = Transfer.retryAfterMs(String(decoding: body.prefix(64), as: UTF8.self))
    let response = HTTPResponse(status: status, contentType: "application/json", body: body)
    let scope = CallScope(
        service: "fes", operation: "obtain_certificate", hooks: CallHooks(redactor: Redactor(secrets: secrets)))
    var found = ReadFacts()
    var facts = CallFacts()
    do {
        let data = try FESClient.readAnswer(response, request: request, redactor: scope.hooks.redactor, found: &found)
        facts.warnings = found.warnings
        _ = JSONWriter.encode(Envelope.success(data, scope: scope, facts: facts))
    } catch {
        let text = JSONWriter.string(Envelope.failure(error, scope: scope, facts: facts))
        var said = String(decoding: body, as: UTF8.self)
        for secret in secrets { said = said.replacing(secret, with: "***") }
        for piece in pieces where text.contains(piece) && !said.contains(piece) {
            fatalError("a secret leaked into an error envelope: \(text.prefix(300))")
        }
    }
    return 0
}
