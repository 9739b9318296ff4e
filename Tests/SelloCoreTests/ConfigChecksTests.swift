import Testing

@testable import SelloCore

/// A configuration read and checked once at `*_client_new` (ClientConfig.parse, ConfigChecks):
/// each refusal an `invalid_argument` naming its field, nothing a configuration says able to
/// inject bytes on the wire, cut a credential or leave a secret unmaskable.
@Suite struct ConfigChecksTests {
    static let fesKeys = ["usuario", "clave"]

    static func parse(_ text: String) throws(SelloError) -> ClientConfig {
        try ClientConfig.parse(text, environments: .fes, serviceKeys: fesKeys, requiredKeys: fesKeys)
    }

    static func refusal(_ text: String) -> SelloError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    static func fes(_ extra: String = "", usuario: String = "PruebaWS", clave: String = "bJBk9GuSJCOWLXODhniTCX7e5")
        -> String
    {
        #"{"base_url":"http://127.0.0.1:9","usuario":""# + usuario + #"","clave":""# + clave + #"""# + extra + "}"
    }

    /// A number no Int holds is out of range, and the message gives the setting's range (it said
    /// "must be an integer, got a number"); a fraction is not an integer; 5e3 is one.
    @Test func aNumberOutOfRangeSaysTheRange() throws {
        for (extra, said) in [
            (#","timeout_ms":1e30"#, "out of range (1e+30): it takes an integer from 1 to 9223372036854775807"),
            (#","timeout_ms":9223372036854775808"#, "from 1 to 9223372036854775807"),
            (#","retries":{"max":1e30}"#, "from 0 to 10"), (#","retries":{"max_delay_ms":-1e30}"#, "from 0 to 300000"),
            (#","timeout_ms":2.5"#, "must be an integer, got 2.5"),
        ] {
            let error = try #require(Self.refusal(Self.fes(extra)), "\(extra) was accepted")
            #expect(error.message.contains(said), "\(extra): \(error.message)")
        }
        #expect(try Self.parse(Self.fes(#","timeout_ms":5e3"#)).timeoutMs == 5000)
    }

    @Test func aGoodConfigurationAndItsDefaults() throws {
        let config = try Self.parse(Self.fes())
        #expect(config.baseURL == "http://127.0.0.1:9" && config.environment == nil)
        #expect((config.timeoutMs, config.connectTimeoutMs, config.maxResponseBytes) == (60_000, 10_000, 104_857_600))
        #expect(
            config.retry == RetryPolicy() && config.userAgent == "sello/\(Sello.version)" && !config.allowInsecureHTTP)
        #expect(config.serviceString("usuario") == "PruebaWS")
        #expect(config.secrets == ["bJBk9GuSJCOWLXODhniTCX7e5"]) // the clave, never the usuario
    }

    /// FES issuance chains a Registro Civil check, enrolment and certificate generation, and a
    /// certificate issued after the client gave up is lost (no re-download; CHILE_2026.md §2.2
    /// #12 suggests a read timeout of at least 90 s): the FES client waits 120 s by default; an
    /// explicit `timeout_ms` still wins, and the other services keep 60 s.
    @Test func theFESClientWaitsLongerForIssuanceByDefault() throws {
        func timeout(_ make: (UnsafePointer<CChar>) throws(SelloError) -> ServiceClient, _ text: String) throws -> Int {
            try text.withCString { pointer in try make(pointer).config.timeoutMs }
        }
        let fes = { (text: UnsafePointer<CChar>) throws(SelloError) in try FESClient(configText: text).client }
        #expect(try timeout(fes, Self.fes()) == 120_000)
        #expect(try timeout(fes, Self.fes(#","timeout_ms":5000"#)) == 5000)
        #expect(try timeout(fes, Self.fes(#","timeout_ms":60000"#)) == 60_000)
        let fv = { (text: UnsafePointer<CChar>) throws(SelloError) in try FVClient(configText: text).client }
        #expect(
            try timeout(fv, #"{"base_url":"http://127.0.0.1:9","login":"a@b.cl","password":"Clave-123"}"#) == 60_000)
        let cfdi = { (text: UnsafePointer<CChar>) throws(SelloError) in try CFDIClient(configText: text).client }
        let prodigia = #"{"base_url":"http://127.0.0.1:9","usuario":"u","password":"Clave-123","contrato":"c"}"#
        #expect(try timeout(cfdi, prodigia) == 60_000)
    }

    @Test func everySettingIsRead() throws {
        let config = try Self.parse(
            Self.fes(
                #","timeout_ms":5000,"connect_timeout_ms":700,"max_response_bytes":1024,"#
                    + #""user_agent":"mi-app/1.0","retries":{"max":0,"base_delay_ms":0,"max_delay_ms":0},"#
                    + #""proxy":"http://u:Proxy-Pass-1@127.0.0.1:3128""#))
        #expect((config.timeoutMs, config.connectTimeoutMs, config.maxResponseBytes) == (5000, 700, 1024))
        #expect(config.userAgent == "mi-app/1.0" && config.retry.maxRetries == 0 && config.retry.maxDelayMs == 0)
        #expect(config.proxySetting?.host == "127.0.0.1" && config.secrets.contains("Proxy-Pass-1"))
    }

    @Test(arguments: [
        (#","timeout_ms":0"#, "timeout_ms", "INVALID_ARGUMENT"),
        (#","connect_timeout_ms":-5"#, "connect_timeout_ms", "INVALID_ARGUMENT"),
        (#","max_response_bytes":0"#, "max_response_bytes", "INVALID_ARGUMENT"),
        (#","timeout_ms":"60""#, "timeout_ms", "WRONG_TYPE"),
        (#","retries":{"max":11}"#, "retries", "INVALID_ARGUMENT"),
        (#","retries":{"max":-1}"#, "retries", "INVALID_ARGUMENT"),
        (#","retries":{"base_delay_ms":-1}"#, "retries", "INVALID_ARGUMENT"),
        (#","retries":{"tries":3}"#, "tries", "UNKNOWN_FIELD"),
        (#","retries":3"#, "retries", "WRONG_TYPE"), (#","colour":"red""#, "colour", "UNKNOWN_FIELD"),
        (#","allow_insecure_http":"yes""#, "allow_insecure_http", "WRONG_TYPE"),
        (#","ca_file":"/nonexistent/ca.pem""#, "ca_file", "CA_FILE_UNREADABLE"),
        (#","fallback_ca_file":"/nonexistent/ca.pem""#, "fallback_ca_file", "CA_FILE_UNREADABLE"),
        (#","user_agent":"x\r\nX-Evil: 1""#, "user_agent", "INVALID_ARGUMENT"),
        (#","user_agent":"a\tb""#, "user_agent", "INVALID_ARGUMENT"),
        (#","proxy":"http://proxy.example:3128""#, "proxy", "INSECURE_HTTP"),
        (#","proxy":"gopher://h:1""#, "proxy", "BAD_PROXY"),
    ])
    func refusals(_ extra: String, _ field: String, _ code: String) throws {
        let error = try #require(Self.refusal(Self.fes(extra)), "\(extra) was accepted")
        #expect(error.kind == .invalidArgument)
        #expect((error.field, error.code.name) == (field, code), "\(extra): \(error.message)")
        #expect(!error.message.contains("bJBk9GuSJCOWLXODhniTCX7e5"))
    }

    @Test(arguments: [
        ("Prueba\\u0000WS", "bJBk9GuSJCOWLXODhniTCX7e5", "usuario", "INVALID_ARGUMENT"),
        ("PruebaWS", "bJBk9Gu\\u0000SJCOWLXODhniTCX7e5", "clave", "INVALID_ARGUMENT"),
        ("PruebaWS", "abc", "clave", "SECRET_TOO_SHORT"), ("PruebaWS", "", "clave", "MISSING_CREDENTIAL"),
        ("", "bJBk9GuSJCOWLXODhniTCX7e5", "usuario", "MISSING_CREDENTIAL"),
        ("PruebaWS\\r", "bJBk9GuSJCOWLXODhniTCX7e5", "usuario", "INVALID_ARGUMENT"),
        ("PruebaWS", "bJBk9GuSJCOWLXODhniTCX7e5\\n", "clave", "INVALID_ARGUMENT"),
        ("PruebaWS", "bJBk9GuSJCOWLXODhniTCX7e5\\r\\n", "clave", "INVALID_ARGUMENT"),
        ("PruebaWS", "bJBk9Gu\\tSJCOWLXODhniTCX7e5", "clave", "INVALID_ARGUMENT"),
        ("PruebaWS", "bJBk9GuSJCOWLXODhniTCX7e5\\u007f", "clave", "INVALID_ARGUMENT"),
    ])
    func credentialRefusals(_ usuario: String, _ clave: String, _ field: String, _ code: String) throws {
        let error = try #require(Self.refusal(Self.fes(usuario: usuario, clave: clave)))
        #expect((error.kind, error.field, error.code.name) == (.invalidArgument, field, code), "\(error.message)")
        #expect(clave.count < 8 || !error.message.contains("SJCOWLX"))
    }

    /// A credential read from a file keeps its line break (a Kubernetes secret made with
    /// --from-file, a CRLF .env): sent, it is a wrong login, and PADE locks an account after 3.
    @Test func aCredentialEndingInALineBreakSaysWhereItCameFrom() throws {
        let error = try #require(Self.refusal(Self.fes(clave: "bJBk9GuSJCOWLXODhniTCX7e5\\r\\n")))
        #expect(error.message.contains("'clave' ends with a line break (CR LF)"), "\(error.message)")
        #expect(error.message.contains("from a file") && error.message.contains("strip it"))
        #expect(!error.message.contains("SJCOWLX") && !error.message.contains("\r"))
    }

    @Test(arguments: [
        ("pass\u{1B}word", "control character (ESC)"), ("\npassword", "control character (LF)"),
        ("pass\u{01}word", "control character (U+0001)"), ("password\r", "line break (CR)"),
        ("password\n\n", "line break (LF LF)"), ("pass\u{7F}", "control character (DEL)"),
    ])
    func controlCharactersAreNamedNotShown(_ value: String, _ said: String) throws {
        let problem = try #require(ClientConfig.controlCharacterProblem(in: value, field: "clave"))
        #expect(problem.contains(said), "\(problem)")
        #expect(!problem.contains("pass\u{1B}") && !problem.contains("word"))
    }

    /// A password may hold spaces, at its ends too: sent as given.
    @Test(arguments: [" password", "password ", "pass word", "contraseña", "パスワード"])
    func spacesAndLettersAreNoProblem(_ value: String) {
        #expect(ClientConfig.controlCharacterProblem(in: value, field: "password") == nil)
    }

    /// SEED-FES prints the whole endpoint; as base_url every call went to
    /// …/obtenerCertificado/obtenerCertificado (a 404 after a call sent once).
    @Test(arguments: [
        "https://test2.certificadoradelsur.cl/generateFES/rest-services/public/generateFes/obtenerCertificado",
        "https://test2.certificadoradelsur.cl/generateFES/rest-services/public/generateFes/obtenerCertificado/",
        "https://test2.certificadoradelsur.cl/generateFES/rest-services/public/generateFes/OBTENERCERTIFICADO",
    ])
    func aBaseURLEndingWithTheOperationIsRefused(_ url: String) throws {
        let error = try #require(Self.refusal(#"{"base_url":""# + url + #"","usuario":"u","clave":"clave-1"}"#))
        #expect((error.kind, error.code.name, error.field) == (.invalidArgument, "BAD_URL", "base_url"))
        #expect(
            error.message.contains(
                "give the part before /obtenerCertificado, "
                    + "'https://test2.certificadoradelsur.cl/generateFES/rest-services/public/generateFes'"),
            "\(error.message)")
    }

    @Test func everyServiceKnowsItsOperationPaths() throws {
        #expect(ServiceEnvironments.fes.operationPaths == ["/obtenerCertificado"])
        #expect(ServiceEnvironments.cfdi.operationPaths.contains("/integracion/consultaCfdiPorUUID"))
        for environments in [ServiceEnvironments.fes, .cfdi, .fv] {
            for entry in environments.entries {
                guard let url = entry.url else { continue }
                #expect(throws: Never.self) {
                    try environments.refuseOperationPath(try ServiceURL(url, allowInsecureHTTP: false))
                }
            }
        }
        let cfdi = try ServiceURL("https://pruebas.pade.mx/servicio/rest/timbrado40", allowInsecureHTTP: false)
        let error = #expect(throws: SelloError.self) { try ServiceEnvironments.cfdi.refuseOperationPath(cfdi) }
        let said = "give the part before /timbrado40, 'https://pruebas.pade.mx/servicio/rest'"
        #expect(error?.message.contains(said) == true)
    }

    @Test func aMissingCredentialIsNamed() throws {
        let error = try #require(Self.refusal(#"{"base_url":"https://x.cl","usuario":"PruebaWS"}"#))
        #expect((error.code.name, error.field) == ("MISSING_CREDENTIAL", "clave"))
    }

    @Test func aProxyOffThisMachineIsFineForHTTPSOrWhenAllowed() throws {
        let https = try Self.parse(
            #"{"base_url":"https://x.cl","usuario":"u","clave":"clave-1","proxy":"http://proxy.example:3128"}"#)
        #expect(https.proxySetting?.host == "proxy.example")
        let allowed = try Self.parse(Self.fes(#","proxy":"http://proxy.example:3128","allow_insecure_http":true"#))
        #expect(allowed.allowInsecureHTTP)
    }

    @Test func theTextItselfMustBeAJSONObject() throws {
        #expect(try #require(Self.refusal("{")).code.name == "INVALID_JSON")
        #expect(try #require(Self.refusal("[]")).kind == .invalidArgument)
        let null = #expect(throws: SelloError.self) {
            try ClientConfig.parse(nil, environments: .fes, serviceKeys: Self.fesKeys, requiredKeys: Self.fesKeys)
        }
        #expect(null?.code.name == "NULL_ARGUMENT")
    }

    @Test func aSecretBelowTheMaskableLengthIsRefusedByName() {
        #expect(throws: Never.self) { try ClientConfig.checkSecretLength("abcd", field: "keyPass") }
        let error = #expect(throws: SelloError.self) { try ClientConfig.checkSecretLength("ñ2", field: "keyPass") }
        #expect(
            error?.code.name == "SECRET_TOO_SHORT" && error?.field == "keyPass"
                && error?.message.contains("ñ2") == false)
    }
}
