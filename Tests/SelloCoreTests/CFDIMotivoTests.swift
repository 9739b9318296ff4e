import Testing

@testable import SelloCore

/// SAT's cancellation reasons and their rules (CFDIMotivo, PRODIGIA_2026.md §4.5), checked before
/// anything is sent.
@Suite struct CFDIMotivoTests {
    @Test func motivoRules() throws {
        let uuid = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"
        let other = "0E4A4B8C-1D2E-4F60-8A7B-9C0D1E2F3A4B"
        #expect(try CFDIMotivo.motivo(.int(2), field: "m") == "02")
        #expect(try CFDIMotivo.motivo(.string("4"), field: "m") == "04")
        #expect(try CFDIMotivo.motivo(.string(" 01 "), field: "m") == "01")
        #expect(try CFDIMotivo.motivo(.string(""), field: "m") == nil)
        #expect(try CFDIMotivo.motivo(nil, field: "m") == nil)
        for bad: JSON in [.int(5), .int(0), .string("001"), .string("x"), .double(1.5)] {
            #expect(throws: SelloError.self, "\(bad)") { try CFDIMotivo.motivo(bad, field: "m") }
        }
        #expect(
            try CFDIMotivo.reason(motivo: "01", folio: other.lowercased(), uuid: uuid, field: "f")
                == CFDIMotivo.Reason(motivo: "01", folioSustitucion: other))
        #expect(
            try CFDIMotivo.reason(motivo: "03", folio: nil, uuid: uuid, field: "f")
                == CFDIMotivo.Reason(motivo: "03", folioSustitucion: ""))
        for (motivo, folio, code) in [
            ("01", "", "FOLIO_SUSTITUCION_REQUERIDO"), ("01", "x", "FOLIO_SUSTITUCION_INVALIDO"),
            ("01", uuid.lowercased(), "FOLIO_SUSTITUCION_INVALIDO"), ("02", other, "FOLIO_SUSTITUCION_NO_PERMITIDO"),
        ] {
            do {
                _ = try CFDIMotivo.reason(motivo: motivo, folio: folio, uuid: uuid, field: "f")
                Issue.record("\(motivo)|\(folio) was accepted")
            } catch {
                #expect(error.code.name == code && error.kind == .validation)
            }
        }
    }

    @Test func anUnknownMotivoListsTheFourReasons() {
        let error = #expect(throws: SelloError.self) { try CFDIMotivo.motivo(.string("05"), field: "uuids[0].motivo") }
        #expect((error?.kind, error?.code.name, error?.field) == (.validation, "MOTIVO_INVALIDO", "uuids[0].motivo"))
        #expect(error?.message.contains("01, 02, 03, 04") == true)
        #expect(error?.message.contains("04 Operación nominativa relacionada en una factura global") == true)
    }

    @Test func aMotivoOfAnotherTypeIsInvalidArgument() {
        for value: JSON in [.bool(true), .array(["01"]), ["m": 1]] {
            let error = #expect(throws: SelloError.self) { try CFDIMotivo.motivo(value, field: "motivo") }
            #expect((error?.kind, error?.code.name) == (.invalidArgument, "WRONG_TYPE"))
        }
    }

    @Test func aReplacementIsNamedByTheUUIDItReplaces() {
        let uuid = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"
        let error = #expect(throws: SelloError.self) {
            try CFDIMotivo.reason(motivo: "01", folio: "  ", uuid: uuid, field: "uuids[3]")
        }
        #expect(error?.field == "uuids[3]" && error?.message.contains(uuid) == true)
    }
}
