import Testing

@testable import SelloCore

/// A 307's earlier CFDI is taken for the one sent only when the two agree (CFDIIdentity, SentCFDI).
@Suite struct CFDIIdentityTests {
    static func cfdi(sello: String = "abc", folio: String = "1", total: String = "1160.00", receptor: String = "XAXX")
        -> [UInt8]
    {
        Array(
            ("<c:Comprobante xmlns:c=\"http://www.sat.gob.mx/cfd/4\" Version=\"4.0\" Sello=\"\(sello)\" "
                + "Fecha=\"2026-05-02T10:00:00\" Serie=\"A\" Folio=\"\(folio)\" Total=\"\(total)\">"
                + "<c:Emisor Rfc=\"EKU9003173C9\"/><c:Receptor Rfc=\"\(receptor)\"/></c:Comprobante>").utf8)
    }

    static func identity(_ bytes: [UInt8], sealed: Bool) throws -> CFDIIdentity {
        guard case .success(let root) = parseXML(bytes) else { throw SelloError.internal("not XML") }
        return CFDIIdentity(comprobante: root, sealed: sealed)
    }

    @Test func theSameCFDIHasNoDifferences() throws {
        let sent = try Self.identity(Self.cfdi(), sealed: true)
        #expect(sent.differences(from: Self.cfdi()).isEmpty)
    }

    @Test func eachFactThatDiffersIsNamed() throws {
        let sent = try Self.identity(Self.cfdi(), sealed: true)
        #expect(sent.differences(from: Self.cfdi(sello: "xyz", total: "580.00")) == ["Sello", "Total"])
        #expect(sent.differences(from: Self.cfdi(folio: "2", receptor: "XEXX")) == ["Folio", "Receptor Rfc"])
        #expect(sent.differences(from: Array("not xml".utf8)).count == 7)
    }

    @Test func withoutTheCallersSealTheSealIsNotCompared() throws {
        let sent = try Self.identity(Self.cfdi(sello: ""), sealed: false)
        #expect(sent.differences(from: Self.cfdi(sello: "sealed-by-prodigia")).isEmpty)
    }

    @Test func aCSVIsTakenForTheEarlierCFDIOnlyWithoutVerificarSerieFolio() {
        let earlier = Base64.encode(Self.cfdi())
        #expect(SentCFDI(identity: nil, opciones: []).mismatch(earlier: earlier) == nil)
        #expect(SentCFDI(identity: nil, opciones: ["VERIFICAR_SERIE_FOLIO"]).mismatch(earlier: earlier) == [])
    }

    @Test func theAnswersSelloCFDStandsForTheSealedCFDI() throws {
        let sent = SentCFDI(identity: try Self.identity(Self.cfdi(), sealed: true), opciones: [])
        #expect(sent.mismatch(earlier: "%%%", selloCFD: "abc") == nil) // not decoded
        #expect(sent.mismatch(earlier: Base64.encode(Self.cfdi(total: "1.00")), selloCFD: "xyz") == ["Total"])
        let unsealed = SentCFDI(identity: try Self.identity(Self.cfdi(sello: ""), sealed: false), opciones: [])
        #expect(unsealed.mismatch(earlier: "%%%", selloCFD: "") != nil)
    }

    @Test func anEarlierCFDIThatIsNotBase64DiffersInEverything() throws {
        let sent = SentCFDI(identity: try Self.identity(Self.cfdi(), sealed: true), opciones: [])
        #expect(sent.mismatch(earlier: "%%%")?.count == 7)
        #expect(sent.mismatch(earlier: Base64.encode(Self.cfdi())) == nil)
    }
}
