import Testing

@testable import SelloCore

/// The pieces of CFDI as Prodigia and SAT work today: answers read without regard to case and the
/// normalised cancellation status (the options policy, the Fecha window, the motivo rules and the
/// CFDI 4.0 checks have their files: CFDIOptionsTests, CFDIFechaTests, CFDIMotivoTests,
/// CFDI40CheckTests).
@Suite struct CFDI40Tests {
    // MARK: - Cancellation status

    @Test(arguments: [
        (201, "cancelled"), (95, "cancelled"), (98, "cancelled"), (202, "already_cancelled"), (96, "pending"),
        (97, "rejected"), (94, "not_cancellable"), (205, "not_found"), (90, "not_found"), (602, "not_found"),
        (91, "error"), (0, "error"), (999, "error"),
    ])
    func cancelStatus(_ codigo: Int, _ status: String) {
        #expect(CFDICancelStatus(codigo: codigo).rawValue == status)
    }

    // MARK: - Answers

    @Test func answersAreReadWithoutRegardToCase() throws {
        let xml =
            "<ServicioTimbrado><TIMBRADOOK>true</TIMBRADOOK><Codigo>0</Codigo>"
            + "<UUID>5FB2822E-396D-4725-8521-CDC4BDD20CCF</UUID></ServicioTimbrado>"
        let answer = try CFDIAnswer(
            HTTPResponse(status: 202, contentType: nil, body: Array(xml.utf8)),
            shape: .timbrado, operation: "stamp", redactor: Redactor(secrets: []))
        #expect(answer.ok && answer.codigo == 0)
        #expect(answer.data["uuid"] == answer.data["UUID"] && answer.data["uuid"] != nil)
        #expect(answer.data.keys == ["TIMBRADOOK", "Codigo", "UUID", "uuid"]) // the service's names kept
    }

    @Test func estatusText() throws {
        let xml =
            "<servicioConsultaComprobante><consultaOk>true</consultaOk><codigo>91</codigo>"
            + "<estatusCfdi>9</estatusCfdi></servicioConsultaComprobante>"
        let answer = try CFDIAnswer(
            HTTPResponse(status: 202, contentType: nil, body: Array(xml.utf8)),
            shape: .estatus, operation: "status", redactor: Redactor(secrets: []))
        let data = CFDIAnswer.describeEstatus(answer.data)
        #expect(data["estatus_text"] == "Cancelado sin aceptación")
        #expect(data["estatus_cfdi_name"] == "CANCELADO_SIN_ACEPTACION")
    }
}
