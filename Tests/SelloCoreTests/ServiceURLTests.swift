import Testing

@testable import SelloCore

/// ServiceURL (API.md §5, issue 12 items 4 and 16): http or https with a host, plain http only to
/// loopback unless allowed, no query, fragment or credentials, and never the URL's secrets in a
/// message.
@Suite struct ServiceURLTests {
    static func refusal(_ text: String, insecure: Bool = false) -> SelloError? {
        do {
            _ = try ServiceURL(text, allowInsecureHTTP: insecure)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("https://pruebas.pade.mx/servicio/rest", "https", "pruebas.pade.mx", "https://pruebas.pade.mx/servicio/rest"),
        ("https://X.CL/", "https", "x.cl", "https://X.CL"),
        ("HTTP://127.0.0.1:8080/a/", "http", "127.0.0.1", "HTTP://127.0.0.1:8080/a"),
        ("http://localhost:1", "http", "localhost", "http://localhost:1"),
        ("http://[::1]:9/x", "http", "[::1]", "http://[::1]:9/x"),
        ("http://127.254.0.9", "http", "127.254.0.9", "http://127.254.0.9"),
    ])
    func acceptedURLs(_ text: String, _ scheme: String, _ host: String, _ kept: String) throws {
        let url = try ServiceURL(text, allowInsecureHTTP: false)
        #expect((url.scheme, url.host, url.text) == (scheme, host, kept))
    }

    @Test(arguments: [
        "http://example.com/x", "http://10.0.0.1", "http://127.0.0.1.nip.io", "http://128.0.0.1", "http://[::2]",
    ])
    func plainHTTPOffLoopbackNeedsTheOption(_ text: String) throws {
        let error = try #require(Self.refusal(text))
        #expect((error.kind, error.code.name, error.field) == (.invalidArgument, "INSECURE_HTTP", "base_url"))
        #expect(Self.refusal(text, insecure: true) == nil)
    }

    @Test(arguments: [
        ("ftp://host/x", "only https://"), ("file:///etc/passwd", "only https://"), ("https://", "not a valid URL"),
        ("not a url", "not a valid URL"), ("https://h/x?token=pw-secret", "must not have a query"),
        ("https://h/x#pw-secret", "must not have a query"), ("https://u:pw-secret@h/x", "must not carry credentials"),
    ])
    func refusedURLsNeverRepeatTheirSecrets(_ text: String, _ said: String) throws {
        let error = try #require(Self.refusal(text, insecure: true))
        #expect((error.kind, error.field) == (.invalidArgument, "base_url"))
        #expect(error.code.name == "BAD_URL")
        #expect(error.message.contains(said), "\(error.message)")
        #expect(!error.message.contains("pw-secret"))
    }

    /// A URL read from a CRLF .env, or pasted with a space: what is wrong is said, and the URL
    /// is shown with its control characters escaped (a raw CR would hide them).
    @Test(arguments: [
        ("https://pruebas.pade.mx/servicio/rest\r", "ends with a line break (CR)", "rest\\r'"),
        ("https://pruebas.pade.mx/servicio/rest\r\n", "ends with a line break (CR LF)", "rest\\r\\n'"),
        ("https://pruebas.pade.mx/servicio/rest ", "ends with a space", "rest '"),
        ("https://pruebas.pade.mx/servicio/rest\t", "ends with a tab", "rest\\t'"),
        (" https://pruebas.pade.mx/servicio/rest", "begins with a space", "' https"),
        ("\nhttps://pruebas.pade.mx/servicio/rest", "begins with a line break (LF)", "'\\nhttps"),
        ("https://pruebas.pade.mx/servi\u{1B}cio/rest", "contains a control character (ESC)", "servi\\x1Bcio"),
        ("https://u:pw-secret@pruebas.pade.mx/rest\r", "ends with a line break (CR)", "pruebas.pade.mx/rest"),
    ])
    func aLineBreakOrASpaceIsNamedAndEscaped(_ text: String, _ said: String, _ shown: String) throws {
        let error = try #require(Self.refusal(text))
        #expect((error.kind, error.code.name, error.field) == (.invalidArgument, "BAD_URL", "base_url"))
        #expect(error.message.contains(said) && error.message.contains(shown), "\(error.message)")
        #expect(!error.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(!error.message.contains("pw-secret"))
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("::1", true), ("[::1]", true),
        ("127.0.0.256", false), ("127.0.0", false), ("127..0.1", false), ("0.0.0.0", false),
        ("localhost.example", false), ("127.0.0.1.example", false), ("", false),
    ])
    func loopback(_ host: String, _ expected: Bool) {
        #expect(ServiceURL.isLoopback(host) == expected)
    }
}
