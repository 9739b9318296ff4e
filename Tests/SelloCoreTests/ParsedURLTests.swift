import CCurl
import CSelloShims
import Testing

@testable import SelloCore

/// A handle hands libcurl its URL parsed (`EasyHandle.setURL`, issue 13): parsed once, kept while
/// the URL stays the same, parsed again when it changes, and the text set beside it so that
/// libcurl reports the URL it sends to. What reaches the wire: test_transport_reuse.py.
@Suite struct ParsedURLTests {
    static func text(_ parsed: OpaquePointer?) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard let parsed, curl_url_get(parsed, CURLUPART_URL, &value, 0) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }

    static func effectiveURL(_ handle: EasyHandle) -> String? {
        var value: UnsafePointer<CChar>?
        guard curlshim_easy_getinfo_string(handle.raw, CURLINFO_EFFECTIVE_URL, &value) == CURLE_OK, let value
        else { return nil }
        return String(cString: value)
    }

    static func point(_ handle: EasyHandle, _ url: RequestURL) -> CURLcode {
        var options = CurlOptions(handle.raw)
        handle.setURL(url, &options)
        return options.failure
    }

    @Test func aHandleKeepsItsParsedURLUntilTheURLChanges() throws {
        let handle = try #require(EasyHandle())
        let first = RequestURL(base: "https://h.example.cl:8443/api", path: "/a/b", query: "?x=1&y=%2B")
        let second = RequestURL(base: "https://h.example.cl:8443/api", path: "/a/b", query: "?x=2")
        #expect(Self.point(handle, first) == CURLE_OK)
        let parsed = handle.parsedURL
        #expect(Self.text(parsed) == first.text && Self.effectiveURL(handle) == first.text)
        #expect(Self.point(handle, RequestURL(base: first.base, path: first.path, query: first.query)) == CURLE_OK)
        #expect(handle.parsedURL == parsed) // the same URL: the same parse
        #expect(Self.point(handle, second) == CURLE_OK)
        #expect(Self.text(handle.parsedURL) == second.text && Self.effectiveURL(handle) == second.text)
        #expect(Self.point(handle, first) == CURLE_OK)
        #expect(Self.text(handle.parsedURL) == first.text && Self.effectiveURL(handle) == first.text)
    }

    /// A URL the parse refuses goes to libcurl as text only, which refuses it as it always did.
    @Test func aURLTheParseRefusesIsLeftToLibcurlAsText() throws {
        let handle = try #require(EasyHandle())
        let good = RequestURL(base: "http://127.0.0.1:9", path: "/ok", query: "")
        let spaced = RequestURL(base: "http://127.0.0.1:9", path: "/a b", query: "")
        #expect(Self.point(handle, good) == CURLE_OK && handle.parsedURL != nil)
        #expect(Self.point(handle, spaced) == CURLE_OK)
        #expect(handle.parsedURL == nil && Self.effectiveURL(handle) == spaced.text)
        #expect(EasyHandle.parse(spaced.text) == nil && EasyHandle.parse("http://h:99999/") == nil)
        #expect(curl_easy_perform(handle.raw) == CURLE_URL_MALFORMAT)
        #expect(Self.point(handle, good) == CURLE_OK && Self.text(handle.parsedURL) == good.text)
    }

    /// Parsed as libcurl parses CURLOPT_URL: the same normalised URL as libcurl makes of the text
    /// given alone (it reports it once it has parsed it, here before failing to connect to a
    /// closed loopback port).
    @Test func theParseIsLibcurlsOwn() throws {
        let texts = [
            "http://127.0.0.1:9/generateFES/rest-services/public/generateFes/obtenerCertificado",
            "HTTP://127.0.0.1:9/a/../b/./c?q=%41&r=a+b", "http://127.0.0.1:9", "http://[::1]:9/x#frag",
            "127.0.0.1:9/sin-esquema", "http://usuario:clave@127.0.0.1:9/%7e?",
        ]
        for text in texts {
            let handle = try #require(EasyHandle())
            var options = CurlOptions(handle.raw)
            options.set(CURLOPT_URL, text)
            options.set(CURLOPT_CONNECTTIMEOUT_MS, 2000)
            options.set(CURLOPT_TIMEOUT_MS, 2000) // should something listen there after all
            options.set(CURLOPT_PROXY, "") // loopback only, whatever the environment says
            #expect(options.failure == CURLE_OK)
            _ = curl_easy_perform(handle.raw)
            let parsed = EasyHandle.parse(text)
            defer { curl_url_cleanup(parsed) }
            #expect(parsed != nil && Self.text(parsed) == Self.effectiveURL(handle), "\(text)")
        }
    }
}
