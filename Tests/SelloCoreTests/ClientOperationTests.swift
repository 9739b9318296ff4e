import Testing

@testable import SelloCore

/// The operations as the exports run them (`ClientOperation`, `AnyOperation`): the declaration's
/// name reaches the envelope, and an exchange that needs a bearer token takes the client's tokens
/// (Firma Virtual's) or, on a client without any, fails before anything is sent.
@Suite struct ClientOperationTests {
    /// Nothing listens there: nothing is ever sent.
    static let closed = "http://127.0.0.1:1"

    static func fvClient() throws -> FVClient {
        let config =
            #"{"base_url": "\#(closed)", "login": "unit-user", "password": "unit-pass", "retries": {"max": 0}}"#
        return try config.withCString { text throws(SelloError) in try FVClient(configText: text) }
    }

    static func fesClient() throws -> FESClient {
        let config =
            #"{"base_url": "\#(closed)", "usuario": "unit-user", "clave": "unit-clave", "retries": {"max": 0}}"#
        return try config.withCString { text throws(SelloError) in try FESClient(configText: text) }
    }

    static func envelope(_ reply: Reply) -> JSONObject {
        reply.json.objectValue ?? JSONObject()
    }

    /// A Firma Virtual call that needs a token asks the client for one: the login it tries fails
    /// on the closed port, as a transport error of the login (not an internal "no tokens" error).
    @Test func aTokenExchangeTakesTheClientsTokens() throws {
        let client = try Self.fvClient()
        let envelope = Self.envelope("{\"IDUser\": 7}".withCString { FVClient.getUser.run(on: client, $0) })
        let error = try #require(envelope["error"]?.objectValue)
        #expect(error["kind"]?.stringValue == "transport")
        #expect(envelope["meta"]?.objectValue?["operation"]?.stringValue == "get_user")
        #expect(FVClient.getUser.name == "get_user")
    }

    /// On a client without tokens, an exchange that needs one is refused before it is sent.
    @Test func aTokenExchangeOnAClientWithoutTokensIsNotSent() throws {
        let client = try Self.fesClient()
        #expect(client.bearerTokens == nil)
        let probe = AnyOperation(
            Operation<FESClient, Void>(
                "probe",
                parse: { _, _, _ in },
                build: { _, _ in
                    var http = HTTPRequest(.get, "/probe", replay: .idempotent)
                    http.bearer = true
                    return http
                },
                read: { _, _, _, _, _ in .null }))
        let envelope = Self.envelope("{}".withCString { probe.run(on: client, $0) })
        let error = try #require(envelope["error"]?.objectValue)
        #expect(error["kind"]?.stringValue == "internal")
        #expect(envelope["meta"]?.objectValue?["attempts"]?.intValue == 0)
        #expect(envelope["meta"]?.objectValue?["operation"]?.stringValue == "probe")
    }
}
