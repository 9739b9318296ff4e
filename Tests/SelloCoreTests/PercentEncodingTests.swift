import Testing

@testable import SelloCore

/// Query strings and path segments (Transfer.percentEncode, queryString, url; FVClient.path):
/// RFC 3986, everything but the unreserved characters encoded, so base64's `+`, `/` and `=` and
/// Prodigia's `|` survive the trip.
@Suite struct PercentEncodingTests {
    @Test func unreservedCharactersStayAsTheyAre() {
        let unreserved = "ABCXYZabcxyz0189-._~"
        #expect(Transfer.percentEncode(unreserved) == unreserved)
        #expect(Transfer.percentEncode("") == "")
    }

    @Test(arguments: [
        (" ", "%20"), ("+", "%2B"), ("/", "%2F"), ("=", "%3D"), ("|", "%7C"), ("&", "%26"), ("?", "%3F"), ("#", "%23"),
        ("%", "%25"), ("@", "%40"), (":", "%3A"), ("\n", "%0A"), ("\u{0}", "%00"), ("\u{7F}", "%7F"),
        ("ñ", "%C3%B1"), ("€", "%E2%82%AC"), ("😀", "%F0%9F%98%80"),
    ])
    func everythingElseIsEncodedInUppercaseHex(_ text: String, _ encoded: String) {
        #expect(Transfer.percentEncode(text) == encoded)
    }

    @Test func base64SurvivesAQueryString() {
        let value = "Zm9v+YmFy/YmF6=="
        #expect(Transfer.percentEncode(value) == "Zm9v%2BYmFy%2FYmF6%3D%3D")
    }

    @Test func aQueryKeepsItsOrderAndRepeatedNames() {
        let query = [("contrato", "C 1"), ("arregloUUID", "A|02|"), ("arregloUUID", "B|01|C"), ("prueba", "true")]
            .map { (name: $0.0, value: $0.1) }
        #expect(
            Transfer.queryString(query) == "?contrato=C%201&arregloUUID=A%7C02%7C&arregloUUID=B%7C01%7CC&prueba=true")
        #expect(Transfer.queryString([]) == "")
        #expect(Transfer.queryString([(name: "a b", value: "")]) == "?a%20b=")
    }

    @Test func theURLIsTheBaseThePathAndTheQuery() throws {
        let base = try ServiceURL("http://127.0.0.1:8080/servicio/rest/", allowInsecureHTTP: false)
        let settings = TransportSettings(
            base: base, config: ClientConfig(baseURL: base.text, environment: nil, service: JSONObject()))
        var request = HTTPRequest(.get, "/integracion/consultaCfdiPorUUID", replay: .idempotent)
        request.query = [(name: "uuid", value: "5FB2822E-396D-4725-8521-CDC4BDD20CCF"), (name: "x", value: "a=b")]
        #expect(
            Transfer.url(request, settings: settings)
                == "http://127.0.0.1:8080/servicio/rest/integracion/consultaCfdiPorUUID"
                + "?uuid=5FB2822E-396D-4725-8521-CDC4BDD20CCF&x=a%3Db"
        )
    }

    @Test func pathSegmentsAreEncodedOneByOne() {
        #expect(FVClient.path("/api/v1/contract-type", "FEE", "28") == "/api/v1/contract-type/FEE/28")
        #expect(FVClient.path("/api/v1/contract", "../admin?x=1#y") == "/api/v1/contract/..%2Fadmin%3Fx%3D1%23y")
        #expect(FVClient.path("/api/v1/userapp") == "/api/v1/userapp")
    }
}
