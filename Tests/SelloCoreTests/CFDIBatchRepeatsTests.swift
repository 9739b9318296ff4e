import Testing

@testable import SelloCore

/// A stamp request an earlier item of the batch already made is refused (issue 18): exactly the
/// same bytes on the wire, nothing less; reads may repeat.
@Suite struct CFDIBatchRepeatsTests {
    static func stamp(
        _ datos: String, contrato: String = "C-1", query: [(String, String)] = [], body: [UInt8]? = nil
    ) -> HTTPRequest {
        var request = HTTPRequest(.post, "/procesarArchivo", replay: .onlyIfNotSent(consequence: "a CFDI"))
        request.query = [("contrato", contrato), ("datos", datos)] + query
        request.basicAuth = BasicCredentials(user: "u", password: "p")
        if let body { request.body = .bytes(body, contentType: "application/json") }
        return request
    }

    @Test func theSameRequestIsRefusedNamingTheFirst() throws {
        var repeats = CFDIBatchRepeats()
        try repeats.check(Self.stamp("QQ=="), index: 0)
        try repeats.check(Self.stamp("QR=="), index: 1)
        let error = try #require(throws: SelloError.self) { try repeats.check(Self.stamp("QQ=="), index: 2) }
        #expect((error.kind, error.code.name, error.retryable) == (.validation, "DUPLICATE_ITEM", false))
        #expect(error.message.hasPrefix("items[2] is items[0] again"))
        #expect(error.details?["earlier_item"] == .int(0))
        // Still the first that is named, however many times it comes back.
        let again = try #require(throws: SelloError.self) { try repeats.check(Self.stamp("QQ=="), index: 3) }
        #expect(again.details?["earlier_item"] == .int(0))
    }

    @Test func anyDifferenceOnTheWireIsAnotherRequest() throws {
        var repeats = CFDIBatchRepeats()
        let variants = [
            Self.stamp("QQ=="), Self.stamp("QQ==", contrato: "C-2"), Self.stamp("QQ==", query: [("opciones", "A")]),
            Self.stamp("QQ==", query: [("opciones", "A"), ("opciones", "B")]),
            Self.stamp("QQ==", query: [("opciones", "AB")]), Self.stamp("QQ=", query: [("=opciones", "A")]),
            Self.stamp("QQ==", body: [1, 2]), Self.stamp("QQ==", body: [1, 2, 3]), Self.stamp("QQ==", body: []),
        ]
        for (index, request) in variants.enumerated() { try repeats.check(request, index: index) }
        var otherUser = Self.stamp("QQ==")
        otherUser.basicAuth = BasicCredentials(user: "u2", password: "p")
        try repeats.check(otherUser, index: variants.count)
        var otherPath = Self.stamp("QQ==")
        otherPath.path = "/procesarArchivoConCSD"
        try repeats.check(otherPath, index: variants.count + 1)
    }

    @Test func aReadMayRepeat() throws {
        var repeats = CFDIBatchRepeats()
        var read = HTTPRequest(.get, "/consultarEstatusComprobante", replay: .idempotent)
        read.query = [("uuid", "5FB2822E-396D-4725-8521-CDC4BDD20CCF")]
        for index in 0..<3 { try repeats.check(read, index: index) }
    }
}
