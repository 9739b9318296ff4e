import Testing

@testable import SelloCore

/// The environment's proxy variables, which the library does not use: named when a service
/// without `proxy` cannot be resolved or reached, so that a machine whose only way out is such a
/// proxy is told what to set (the audit's r2_proxy_env.py).
@Suite struct EnvironmentProxyTests {
    static func note(_ variables: [String: String], scheme: String = "https", host: String = "timbrado.pade.mx")
        -> String?
    {
        EnvironmentProxy.note(scheme: scheme, host: host) { variables[$0] }
    }

    @Test func eachVariableIsNamedWithItsValueMasked() {
        for name in ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "http_proxy", "HTTP_PROXY"] {
            let note = Self.note([name: "http://corp:Pr0xy-S3cret@proxy.corp.example:3128"])
            #expect(note?.hasPrefix("\(name) is set in the environment (http://***@proxy.corp.example:3128)") == true)
            #expect(note?.contains("sello does not use the environment's proxy variables") == true)
            #expect(note?.contains("Pr0xy-S3cret") == false && note?.contains("corp:") == false)
        }
    }

    @Test func theOneThatWouldApplyComesFirst() {
        let all = ["HTTPS_PROXY": "a.example:1", "ALL_PROXY": "b.example:2", "http_proxy": "c.example:3"]
        #expect(Self.note(all)?.hasPrefix("HTTPS_PROXY") == true)
        #expect(Self.note(all, scheme: "http")?.hasPrefix("http_proxy") == true)
        #expect(Self.note(["ALL_PROXY": "b.example:2", "http_proxy": "c.example:3"])?.hasPrefix("ALL_PROXY") == true)
        // An empty variable is no proxy (curl's reading too).
        #expect(Self.note(["https_proxy": " ", "HTTP_PROXY": "c.example:3"])?.hasPrefix("HTTP_PROXY") == true)
    }

    @Test func nothingIsSaidWhereTheProxyWouldNotHelp() {
        #expect(Self.note([:]) == nil)
        #expect(Self.note(["HTTPS_PROXY": ""]) == nil)
        #expect(Self.note(["HTTPS_PROXY": "p.example:3128"], host: "127.0.0.1") == nil)
        #expect(Self.note(["HTTPS_PROXY": "p.example:3128"], host: "localhost") == nil)
        for list in ["*", "pade.mx", ".pade.mx", "example.com, timbrado.pade.mx", " PADE.MX "] {
            #expect(Self.note(["HTTPS_PROXY": "p.example:3128", "no_proxy": list]) == nil, "\(list)")
        }
        #expect(Self.note(["HTTPS_PROXY": "p.example:3128", "NO_PROXY": "ade.mx,example.com"]) != nil)
    }
}
