import Testing

@testable import SelloCore

/// ProxySetting (issue 12, item 3): the `proxy` setting checked once at client creation, its
/// password masked in every message and known as a secret in every form it travels in.
@Suite struct ProxySettingTests {
    @Test(arguments: ["http://u:pw-secret@bad host:1", "gopher://h:1", "http://h:99999", "http://:1", "http://h:1/?q"])
    func malformedProxiesAreRefusedWithoutTheirPassword(_ proxy: String) {
        do {
            _ = try ProxySetting(proxy)
            Issue.record("accepted \(proxy)")
        } catch {
            #expect(error.code.name == "BAD_PROXY")
            #expect(!error.message.contains("pw-secret"))
        }
    }

    @Test func aProxyWithoutSchemeIsHTTPAndItsSecretsAreKnown() throws {
        let proxy = try ProxySetting("sello:p%40ss-word@127.0.0.1:3128")
        #expect(proxy.url == "http://sello:p%40ss-word@127.0.0.1:3128" && proxy.isLoopback)
        #expect(
            proxy.secrets.contains("p@ss-word") && proxy.secrets.contains(Base64.encode(Array("sello:p@ss-word".utf8))))
    }

    @Test(arguments: ProxySetting.schemes)
    func everySupportedScheme(_ scheme: String) throws {
        let proxy = try ProxySetting("\(scheme)://proxy.example:1080")
        #expect(proxy.scheme == scheme && proxy.host == "proxy.example" && !proxy.isLoopback && proxy.secrets.isEmpty)
    }

    @Test(arguments: [
        "http://h:0", "http://h:65536", "http://h:-1", "http://u:p@h:1 ", "http://h:1\r\nX: y", "http://h:1#f",
    ])
    func moreMalformedProxies(_ proxy: String) {
        let error = #expect(throws: SelloError.self) { try ProxySetting(proxy) }
        #expect(error?.code.name == "BAD_PROXY" && error?.field == "proxy")
    }

    /// A proxy read from a CRLF .env: what is wrong is said, the URL shown escaped, not raw.
    @Test(arguments: [
        ("http://u:Proxy-Pass-1@127.0.0.1:3128\r\n", "ends with a line break (CR LF)", "3128\\r\\n'"),
        ("http://127.0.0.1:3128 ", "ends with a space", "3128 '"),
        ("http://u:Proxy-Pass-1\r@127.0.0.1:3128", "contains a control character (CR)", "http://***@127.0.0.1:3128'"),
    ])
    func aLineBreakIsNamedAndEscaped(_ proxy: String, _ said: String, _ shown: String) throws {
        let error = try #require(#expect(throws: SelloError.self) { try ProxySetting(proxy) })
        #expect(error.code.name == "BAD_PROXY" && error.field == "proxy")
        #expect(error.message.contains(said) && error.message.contains(shown), "\(error.message)")
        #expect(!error.message.unicodeScalars.contains { $0.value < 0x20 } && !error.message.contains("Proxy-Pass"))
    }

    @Test func aShortProxyPasswordCannotBeMasked() {
        let error = #expect(throws: SelloError.self) { try ProxySetting("http://u:abc@127.0.0.1:3128") }
        #expect(
            error?.code.name == "SECRET_TOO_SHORT" && error?.field == "proxy" && error?.message.contains("abc") == false
        )
    }

    @Test func theHostIsLowerCasedAndLoopbackRecognised() throws {
        let proxy = try ProxySetting("SOCKS5H://LocalHost:1080")
        #expect(proxy.scheme == "socks5h" && proxy.host == "localhost" && proxy.isLoopback)
        #expect(proxy.url == "SOCKS5H://LocalHost:1080")
    }
}
