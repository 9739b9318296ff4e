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

    /// An answer's Content-Type: the usual ones as literals, every one the same text as
    /// String(cString:) makes (ill-formed UTF-8 repaired alike).
    @Test func contentTypesAreReadAsStringCStringReadsThem() {
        let texts = [
            "application/json", "application/json; charset=utf-8", "application/xml", "application/json; charset=UTF-8",
            "application/jsonx", "application/jso", "text/html", "", "application/xml\u{0301}",
        ]
        for text in texts {
            let read = text.withCString { Transfer.contentType($0) }
            #expect(read.hasSameUTF8(as: text), "\(text)")
        }
        let illFormed: [CChar] = [0x61, -23, 0x62, 0]
        let (read, made) = illFormed.withUnsafeBufferPointer {
            ($0.baseAddress.map(Transfer.contentType), $0.baseAddress.map { String(cString: $0) })
        }
        #expect(read != nil && read.map { $0.hasSameUTF8(as: made ?? "") } == true)
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

    /// A handle keeps its URL and header list while the next request's are the same bytes:
    /// canonically equivalent text ("é" as one scalar or as "e" and an accent) is not the same.
    @Test func urlsAndHeaderLinesAreComparedByteForByte() {
        let composed = "/caf\u{E9}"
        let decomposed = "/cafe\u{301}"
        #expect(composed == decomposed) // what String's == says
        #expect(!composed.hasSameUTF8(as: decomposed))
        #expect(composed.hasSameUTF8(as: "/caf\u{E9}"))
        #expect("".hasSameUTF8(as: ""))
        #expect(!"a".hasSameUTF8(as: "ab"))
        #expect(
            RequestURL(base: "http://h", path: composed, query: "")
                != RequestURL(base: "http://h", path: decomposed, query: ""))
        #expect(
            RequestURL(base: "http://h", path: "/a", query: "?x=1")
                != RequestURL(base: "http://h", path: "/a", query: ""))
        #expect(RequestURL(base: "http://h", path: "/a", query: "").byteCount == "http://h/a".utf8.count)
        let lines = HeaderLines(request: ["X-A: \(composed)"], expect: true, contentType: "application/json")
        #expect(lines == HeaderLines(request: ["X-A: \(composed)"], expect: true, contentType: "application/json"))
        #expect(lines != HeaderLines(request: ["X-A: \(decomposed)"], expect: true, contentType: "application/json"))
        #expect(lines != HeaderLines(request: ["X-A: \(composed)"], expect: false, contentType: "application/json"))
        #expect(lines != HeaderLines(request: ["X-A: \(composed)"], expect: true, contentType: nil))
        #expect(
            lines
                != HeaderLines(request: ["X-A: \(composed)", "X-B: 1"], expect: true, contentType: "application/json"))
    }

    /// The lines each kind of request is sent with: its own, then, with a body, an empty Expect:
    /// and the body's Content-Type (a multipart body's is curl's).
    @Test func headerLinesFollowTheMethodAndTheBody() {
        var get = Self.request(.get)
        get.headers = ["Accept: application/json"]
        #expect(
            Transfer.headerLines(get)
                == HeaderLines(request: ["Accept: application/json"], expect: false, contentType: nil))
        #expect(Transfer.headerLines(Self.request(.post)) == HeaderLines(request: [], expect: true, contentType: nil))
        let json = HTTPBody.bytes([1], contentType: "application/json")
        #expect(
            Transfer.headerLines(Self.request(.post, json))
                == HeaderLines(request: [], expect: true, contentType: "application/json"))
        #expect(
            Transfer.headerLines(Self.request(.put, json))
                == HeaderLines(request: [], expect: true, contentType: "application/json"))
        let multipart = HTTPBody.multipartBytes(
            field: "f", fileName: "a.pdf", bytes: [1], contentType: "application/pdf")
        #expect(
            Transfer.headerLines(Self.request(.post, multipart))
                == HeaderLines(request: [], expect: true, contentType: nil))
        let inline = HTTPBody.base64File(prefix: [], path: "/a.pdf", suffix: [], contentType: "application/json")
        #expect(
            Transfer.headerLines(Self.request(.post, inline))
                == HeaderLines(request: [], expect: true, contentType: "application/json"))
    }

    /// The same value (one storage, or the same inline bytes) is known the same without its bytes
    /// being compared; any other pair is compared byte for byte, as before.
    @Test func oneValueHasTheSameUTF8WithoutComparing() {
        let long = String(repeating: "https://servicio.example.cl/ruta/", count: 3)
        let copy = long
        let rebuilt = String(decoding: Array(long.utf8), as: UTF8.self)
        #expect(long.hasSameRepresentation(as: copy) && long.hasSameUTF8(as: copy))
        #expect(!long.hasSameRepresentation(as: rebuilt) && long.hasSameUTF8(as: rebuilt))
        #expect("short".hasSameRepresentation(as: String(decoding: Array("short".utf8), as: UTF8.self)))
        #expect(!"short".hasSameRepresentation(as: "shorT") && !"short".hasSameUTF8(as: "shorT"))
        let composed = "/caf\u{E9}"
        #expect(!composed.hasSameRepresentation(as: "/cafe\u{301}") && !composed.hasSameUTF8(as: "/cafe\u{301}"))
        let cases = ["", "a", "application/json", long, rebuilt, composed, "/cafe\u{301}", "Accept: application/json"]
        for first in cases {
            for second in cases {
                let bytesEqual = Array(first.utf8) == Array(second.utf8)
                #expect(first.hasSameUTF8(as: second) == bytesEqual, "\(first) \(second)")
                #expect(!first.hasSameRepresentation(as: second) || bytesEqual, "\(first) \(second)")
            }
        }
    }

    /// Retry-After is read only for the statuses the transport may retry.
    @Test func retryAfterIsReadForTheRetriedStatusesOnly() {
        let retried = (100..<600).filter { HTTPTransport.mayRetry(status: $0) }
        #expect(retried == [429, 500, 502, 503, 504])
    }
}
