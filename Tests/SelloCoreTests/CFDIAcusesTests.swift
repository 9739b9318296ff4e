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

    static func answer(_ entries: [(uuid: String, codigo: JSON, mensaje: String?)]) -> JSONObject {
        var cancelaciones: [JSON] = []
        for entry in entries {
            var object = JSONObject()
            object.append("uuid", .string(entry.uuid))
            object.append("codigo", entry.codigo)
            if let mensaje = entry.mensaje { object.append("mensaje", .string(mensaje)) }
            cancelaciones.append(.object(object))
        }
        var data = JSONObject()
        data.append("cancelaciones", .array(cancelaciones))
        return data
    }

    /// A 201 that only says the request was received (the live text), or says nothing, is a
    /// warning naming its UUID; one whose text says the CFDI was cancelled (the seed's) is not,
    /// and neither is any other code.
    @Test func aRequestReceivedIsAWarningPerUUID() {
        var found = ReadFacts()
        let data = Self.answer([
            (Self.one, .int(201), "Solicitud de cancelación recibida"),
            (Self.two, .int(201), nil),
            ("5FB2822E-396D-4725-8521-CDC4BDD20C00", .int(201), "Comprobante CANCELADO exitosamente."),
            ("5FB2822E-396D-4725-8521-CDC4BDD20C01", .int(202), "Solicitud de cancelación recibida"),
        ])
        CFDIAcuses.warnRequested(data, found: &found)
        #expect(found.warnings.map(\.code) == [.cancellationRequested, .cancellationRequested])
        #expect(found.warnings.first?.message.hasPrefix(Self.one) == true)
        #expect(found.warnings.last?.message.hasPrefix(Self.two) == true)
        #expect(found.warnings.allSatisfy { $0.kind == .service && $0.message.contains("cfdi_get_status") })
    }
}
