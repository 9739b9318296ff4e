import Testing
@testable import SelloCore

/// The pieces of CFDI as Prodigia and SAT work today: the options policy, SAT's Fecha window in
/// every Mexican zone, the motivo rules, the CFDI 4.0 checks, answers read without regard to case,
/// and the normalised cancellation status.
@Suite struct CFDI40Tests {

    // MARK: - Options

    @Test(arguments: [("GENERA_PDF", "GENERAR_PDF"), ("generar_pdf", "GENERAR_PDF"), ("CALCULAR_SELLO:1", "CALCULAR_SELLO"),
                      ("ENVIAR_AMBOS", "ENVIAR_AMBOS:<valor>"), ("PKCS11", "PKCS12"), ("modo_prueba:1", "MODO_PRUEBA:<valor>"),
                      ("PLUGIN_PROCESO:GENERICO_CFDI41:1.0", "PLUGIN_PROCESO:GENERICO_CFDI40:1.0")])
    func nearMisses(_ option: String, _ suggestion: String) {
        let table = CFDIOptions.stamp + CFDIOptions.cancel
        #expect(CFDIOptions.nearMiss(option, in: table) == suggestion, "\(option)")
    }

    @Test func wellFormedUnknownOptionsAreNotNearMisses() {
        for option in ["NUEVA_OPCION", "OTRA:valor", "GENERAR_XML_V2", "X"] {
            #expect(CFDIOptions.nearMiss(option, in: CFDIOptions.stamp) == nil, "\(option)")
            #expect(CFDIOptions.isWellFormed(option), "\(option)")
        }
        for option in ["", "a b", "CON ESPACIO", "NOMBRE:", ":valor", "Ñ"] {
            #expect(!CFDIOptions.isWellFormed(option), "\(option)")
        }
    }

    @Test func policyWarnsAndRefuses() throws {
        var found = ReadFacts()
        try CFDIOptions.check(["PLUGIN_PROCESO:GENERICO_CFDI33:1.0", "NUEVA", "MODO_PRUEBA", "MODO_PRUEBA:2"],
                              table: CFDIOptions.stamp, pipeSeparated: false, found: &found)
        #expect(found.warnings.map(\.code.name) == ["CFDI33_RETIRED", "UNKNOWN_OPTION"])
        do {
            try CFDIOptions.check(["respuesta_json"], table: CFDIOptions.stamp, pipeSeparated: false, found: &found)
            Issue.record("RESPUESTA_JSON was accepted")
        } catch {
            #expect(error.code.name == "OPTION_NOT_SUPPORTED" && error.kind == .invalidArgument)
        }
        #expect(CFDIOptions.withResend307(["A"]) == ["A", "REGRESAR_CON_ERROR_307_XML"])
        #expect(CFDIOptions.withResend307(["REGRESAR_CON_ERROR_307_XML"]) == ["REGRESAR_CON_ERROR_307_XML"])
    }

    // MARK: - Fecha

    @Test func fechaParsing() {
        #expect(CFDIFecha.parse("1970-01-01T00:00:00") == 0)
        #expect(CFDIFecha.parse("2024-02-29T23:59:59") == 1_709_251_199)
        for bad in ["2023-02-29T00:00:00", "2024-13-01T00:00:00", "2024-01-01 00:00:00", "2024-01-01T24:00:00",
                    "2024-01-01T00:00", "2024-01-01T00:00:00Z", "２０２４-01-01T00:00:00", ""] {
            #expect(CFDIFecha.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func fechaIsJudgedInEveryMexicanZone() throws {
        let now: Int64 = 1_780_000_000
        let hour: Int64 = 3600
        // Local times relative to UTC: Mexico City is now − 6 h, Tijuana now − 8 h, Cancún now − 5 h.
        #expect(CFDIFecha.problem(fecha: now - 6 * hour, now: now) == nil)
        #expect(CFDIFecha.problem(fecha: now - 6 * hour - 73 * hour, now: now) == nil)   // 72 h in Tijuana
        #expect(CFDIFecha.problem(fecha: now - 8 * hour - 72 * hour - 4 * 60, now: now) == nil)  // within tolerance
        #expect(CFDIFecha.problem(fecha: now - 8 * hour - 72 * hour - 6 * 60, now: now) == .tooOld)
        #expect(CFDIFecha.problem(fecha: now - 5 * hour, now: now) == nil)               // now in Cancún
        #expect(CFDIFecha.problem(fecha: now - 5 * hour + 4 * 60, now: now) == nil)
        #expect(CFDIFecha.problem(fecha: now - 5 * hour + 6 * 60, now: now) == .future)
    }

    // MARK: - Motivo

    @Test func motivoRules() throws {
        let uuid = "5FB2822E-396D-4725-8521-CDC4BDD20CCF", other = "0E4A4B8C-1D2E-4F60-8A7B-9C0D1E2F3A4B"
        #expect(try CFDIMotivo.motivo(.int(2), field: "m") == "02")
        #expect(try CFDIMotivo.motivo(.string("4"), field: "m") == "04")
        #expect(try CFDIMotivo.motivo(.string(" 01 "), field: "m") == "01")
        #expect(try CFDIMotivo.motivo(.string(""), field: "m") == nil)
        #expect(try CFDIMotivo.motivo(nil, field: "m") == nil)
        for bad: JSON in [.int(5), .int(0), .string("001"), .string("x"), .double(1.5)] {
            #expect(throws: SelloError.self, "\(bad)") { try CFDIMotivo.motivo(bad, field: "m") }
        }
        #expect(try CFDIMotivo.reason(motivo: "01", folio: other.lowercased(), uuid: uuid, field: "f")
                == CFDIMotivo.Reason(motivo: "01", folioSustitucion: other))
        #expect(try CFDIMotivo.reason(motivo: "03", folio: nil, uuid: uuid, field: "f") == CFDIMotivo.Reason(motivo: "03", folioSustitucion: ""))
        for (motivo, folio, code) in [("01", "", "FOLIO_SUSTITUCION_REQUERIDO"), ("01", "x", "FOLIO_SUSTITUCION_INVALIDO"),
                                      ("01", uuid.lowercased(), "FOLIO_SUSTITUCION_INVALIDO"), ("02", other, "FOLIO_SUSTITUCION_NO_PERMITIDO")] {
            do {
                _ = try CFDIMotivo.reason(motivo: motivo, folio: folio, uuid: uuid, field: "f")
                Issue.record("\(motivo)|\(folio) was accepted")
            } catch {
                #expect(error.code.name == code && error.kind == .validation)
            }
        }
    }

    @Test(arguments: [(201, "cancelled"), (95, "cancelled"), (98, "cancelled"), (202, "already_cancelled"), (96, "pending"),
                      (97, "rejected"), (94, "not_cancellable"), (205, "not_found"), (90, "not_found"), (602, "not_found"),
                      (91, "error"), (0, "error"), (999, "error")])
    func cancelStatus(_ codigo: Int, _ status: String) {
        #expect(CFDICancelStatus(codigo: codigo).rawValue == status)
    }

    // MARK: - The CFDI 4.0 checks

    static func cfdi(_ attributes: String = #"Version="4.0" Sello="abc" Fecha="2026-05-02T10:00:00""#, inside: String = "",
                     namespace: String = "http://www.sat.gob.mx/cfd/4") -> [UInt8] {
        Array("<c:Comprobante xmlns:c=\"\(namespace)\" \(attributes)><c:Emisor Rfc=\"EKU9003173C9\"/>\(inside)</c:Comprobante>".utf8)
    }

    static let may2 = CFDIFecha.parse("2026-05-02T16:00:00") ?? 0  // 10:00 in Mexico City

    @Test func aGoodCFDI40() throws {
        let checked = try CFDI40Check(Self.cfdi(), field: "xml", calcularSello: false, now: Self.may2)
        #expect(checked.emisorRFC == "EKU9003173C9" && checked.hasSello)
        let unsealed = try CFDI40Check(Self.cfdi(#"Version="4.0" Sello="" Fecha="2026-05-02T10:00:00""#), field: "xml",
                                       calcularSello: true, now: Self.may2)
        #expect(!unsealed.hasSello)
    }

    @Test func theChecksAndTheirCodes() {
        let tfd = #"<t:TimbreFiscalDigital xmlns:t="http://www.sat.gob.mx/TimbreFiscalDigital" UUID="U"/>"#
        let cases: [([UInt8], String)] = [
            (Array("<a".utf8), "XML_MAL_FORMADO"),
            (Array(#"<!DOCTYPE a [<!ENTITY x "y">]><a/>"#.utf8), "XML_MAL_FORMADO"),
            (Self.cfdi(#"Version="3.3" Sello="a" Fecha="2026-05-02T10:00:00""#, namespace: "http://www.sat.gob.mx/cfd/3"), "CFDI33_RETIRED"),
            (Self.cfdi(namespace: "urn:x"), "XML_MAL_FORMADO"),
            (Self.cfdi(#"Version="4.1" Sello="a" Fecha="2026-05-02T10:00:00""#), "XML_MAL_FORMADO"),
            (Self.cfdi(inside: "<c:Complemento>\(tfd)</c:Complemento>"), "CFDI_CON_TIMBRE_PREVIO"),
            (Self.cfdi(#"Version="4.0" Fecha="2026-05-02T10:00:00""#), "SELLO_MAL_FORMADO"),
            (Self.cfdi(#"Version="4.0" Sello="a" Fecha="2026-04-28T10:00:00""#), "FECHA_FUERA_DE_RANGO"),
            (Self.cfdi(#"Version="4.0" Sello="a" Fecha="2026-05-02T13:00:00""#), "FECHA_FUERA_DE_RANGO"),
            (Self.cfdi(#"Version="4.0" Sello="a" Fecha="mayo""#), "XML_MAL_FORMADO"),
        ]
        for (bytes, code) in cases {
            do {
                _ = try CFDI40Check(bytes, field: "xml", calcularSello: false, now: Self.may2)
                Issue.record("accepted: \(String(decoding: bytes, as: UTF8.self))")
            } catch {
                #expect(error.code.name == code, "\(String(decoding: bytes, as: UTF8.self)): \(error.message)")
                #expect(error.kind == .validation && error.field == "xml")
            }
        }
    }

    // MARK: - Answers

    @Test func answersAreReadWithoutRegardToCase() throws {
        let xml = "<ServicioTimbrado><TIMBRADOOK>true</TIMBRADOOK><Codigo>0</Codigo><UUID>5FB2822E-396D-4725-8521-CDC4BDD20CCF</UUID></ServicioTimbrado>"
        let answer = try CFDIAnswer(HTTPResponse(status: 202, contentType: nil, body: Array(xml.utf8)),
                                    shape: .timbrado, operation: "stamp", redactor: Redactor(secrets: []))
        #expect(answer.ok && answer.codigo == 0)
        #expect(answer.data["uuid"] == answer.data["UUID"] && answer.data["uuid"] != nil)
        #expect(answer.data.keys == ["TIMBRADOOK", "Codigo", "UUID", "uuid"])  // the service's names kept
    }

    @Test func estatusText() throws {
        let xml = "<servicioConsultaComprobante><consultaOk>true</consultaOk><codigo>91</codigo><estatusCfdi>9</estatusCfdi></servicioConsultaComprobante>"
        let answer = try CFDIAnswer(HTTPResponse(status: 202, contentType: nil, body: Array(xml.utf8)),
                                    shape: .estatus, operation: "status", redactor: Redactor(secrets: []))
        let data = CFDIAnswer.describeEstatus(answer.data)
        #expect(data["estatus_text"] == "Cancelado sin aceptación")
        #expect(data["estatus_cfdi_name"] == "CANCELADO_SIN_ACEPTACION")
    }
}
