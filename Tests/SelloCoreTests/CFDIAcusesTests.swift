import Testing

@testable import SelloCore

/// The UUIDs a cancellation receipt names decide where the request's acuse is saved (CFDIAcuses).
@Suite struct CFDIAcusesTests {
    static let one = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"
    static let two = "5FB2822E-396D-4725-8521-CDC4BDD20C99"

    @Test func theUUIDsOfEachFoliosInOrder() {
        let acuse =
            "<Acuse><Folios xmlns=\"http://cancelacfd.sat.gob.mx\"><UUID>\(Self.one)</UUID><EstatusUUID>201"
            + "</EstatusUUID></Folios><Folios><UUID>\(Self.two)</UUID></Folios><Folios><UUID>\(Self.one)</UUID>"
            + "</Folios></Acuse>"
        #expect(CFDIAcuses.uuids(in: Base64.encode(Array(acuse.utf8))) == [Self.one, Self.two])
    }

    @Test func noneFromWhatCannotBeRead() {
        #expect(CFDIAcuses.uuids(in: "%%%").isEmpty)
        #expect(CFDIAcuses.uuids(in: Base64.encode(Array("<Acuse><UUID>not-a-uuid</UUID>".utf8))).isEmpty)
        #expect(CFDIAcuses.uuids(in: Base64.encode(Array("<Acuse><UUID>x</UUID></Acuse>".utf8))).isEmpty)
    }
}
