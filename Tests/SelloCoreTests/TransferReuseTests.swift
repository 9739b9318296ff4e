import Testing

@testable import SelloCore

/// Which transfers may keep the options the last one left on its handle (`Transfer.isPlain`,
/// `Transfer.mayReuse`): an option one transfer sets and the next does not set again must never
/// reach the next request. What is sent on the wire after each kind of transfer is tested
/// through the library in test_transport_reuse.py.
@Suite struct TransferReuseTests {
    static func request(_ method: HTTPMethod, _ body: HTTPBody = .none, progress: Bool = false) -> HTTPRequest {
        var request = HTTPRequest(method, "/x", replay: .idempotent)
        request.body = body
        request.reportsProgress = progress
        return request
    }

    @Test func inMemoryBodiesAndGetsArePlain() {
        let hooks = CallHooks()
        #expect(Transfer.isPlain(Self.request(.get), hooks: hooks))
        #expect(Transfer.isPlain(Self.request(.post), hooks: hooks))
        #expect(Transfer.isPlain(Self.request(.post, .bytes([1], contentType: "application/json")), hooks: hooks))
        // Progress is only set when the caller has a callback for it.
        #expect(Transfer.isPlain(Self.request(.post, progress: true), hooks: hooks))
    }

    /// Each of these sets an option (custom method, MIME post, read and seek functions) that a
    /// plain transfer does not set again.
    @Test func putAndStreamedOrMultipartBodiesAreNot() {
        let hooks = CallHooks()
        #expect(!Transfer.isPlain(Self.request(.put), hooks: hooks))
        let multipart = HTTPBody.multipartBytes(
            field: "f", fileName: "a.pdf", bytes: [1], contentType: "application/pdf")
        #expect(!Transfer.isPlain(Self.request(.post, multipart), hooks: hooks))
        let file = HTTPBody.multipartFile(field: "f", fileName: "a.pdf", path: "/a.pdf", contentType: "application/pdf")
        #expect(!Transfer.isPlain(Self.request(.post, file), hooks: hooks))
        let inline = HTTPBody.base64File(prefix: [], path: "/a.pdf", suffix: [], contentType: "application/json")
        #expect(!Transfer.isPlain(Self.request(.post, inline), hooks: hooks))
    }

    @Test func aTransferWithProgressIsNotPlain() {
        let client = ClientHooks()
        client.setProgress({ _, _, _ in }, userData: nil)
        let hooks = CallHooks(client: client)
        #expect(!Transfer.isPlain(Self.request(.post, progress: true), hooks: hooks))
        #expect(Transfer.isPlain(Self.request(.post, progress: false), hooks: hooks))
    }

    @Test func basicCredentialsAreNeverInherited() {
        let url = RequestURL(base: "http://h", path: "/a", query: "")
        let withAuth = SettledOptions(url: url, basicAuth: true)
        let without = SettledOptions(url: url, basicAuth: false)
        #expect(!Transfer.mayReuse(withAuth, plain: true, basicAuth: false))
        #expect(Transfer.mayReuse(withAuth, plain: true, basicAuth: true))
        #expect(Transfer.mayReuse(without, plain: true, basicAuth: false))
        #expect(Transfer.mayReuse(without, plain: true, basicAuth: true))
        #expect(!Transfer.mayReuse(without, plain: false, basicAuth: false))
        #expect(!Transfer.mayReuse(withAuth, plain: false, basicAuth: true))
    }
}
