import Testing

@testable import SelloCore

/// The seed's three code tables (seed 002), each entry resolving to its description, name, kind
/// and retryability, and the XML answers read into typed JSON.
@Suite struct CFDICodeTests {
    static let serviceNumbers = [
        0, 1, 2, 3, 5, 7, 20, 21, 201, 202, 203, 205, 301, 302, 303, 304, 305, 306, 307, 308, 401, 402, 403, 602,
    ]
    static let cancellationNumbers = [90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 201]
    static let estatusNumbers = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99]

    static func isUpperSnake(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            && !name.hasPrefix("_") && !name.hasSuffix("_")
    }

    @Test func tablesHoldExactlyTheSeedsCodes() {
        #expect(CFDICodes.service.map(\.number) == Self.serviceNumbers)
        #expect(CFDICodes.cancellationStatuses.map(\.number) == Self.cancellationNumbers)
        #expect(CFDICodes.estatusCfdi.map(\.number) == Self.estatusNumbers)
        for table in [CFDICodes.service, CFDICodes.cancellationStatuses, CFDICodes.estatusCfdi] {
            #expect(Set(table.map(\.name)).count == table.count, "names are unique within a table")
            for code in table {
                #expect(Self.isUpperSnake(code.name), "\(code.name)")
                #expect(!code.description.isEmpty)
            }
        }
    }

    @Test(arguments: serviceNumbers.filter { $0 != 0 })
    func everyServiceCodeResolvesToItsError(_ number: Int) throws {
        let code = try #require(CFDICodes.serviceCode(number))
        let error = CFDICodes.serviceError(number: number, mensaje: "detalle|x", operation: "stamp")
        #expect(error.code.name == code.name)
        #expect(error.serviceCode == number)
        #expect(error.kind == code.kind)
        #expect(error.retryable == code.retryable)
        #expect(error.message.hasPrefix(code.description))
        #expect(error.message.contains(" (detalle; x)")) // the service's pipes, as messages
    }

    @Test func kindsAndRetryability() throws {
        #expect(CFDICodes.serviceCode(1)?.kind == .auth)
        #expect(CFDICodes.serviceCode(1)?.retryable == false)
        #expect(CFDICodes.service.filter(\.retryable).map(\.number) == [5, 7])
        #expect(CFDICodes.service.filter { $0.kind == .auth }.map(\.number) == [1])
        for number in [3, 301, 302, 303, 304, 305, 306, 307, 308, 401, 402, 403] {
            let code = try #require(CFDICodes.serviceCode(number))
            #expect(code.kind == .service && !code.retryable, "\(number)")
        }
        let undocumented = CFDICodes.serviceError(number: 4242, mensaje: nil, operation: "stamp")
        #expect(undocumented.code.name == "CFDI_CODIGO_NO_DOCUMENTADO")
        #expect(undocumented.serviceCode == 4242)
    }

    @Test(arguments: cancellationNumbers)
    func everyCancellationStatusDescribesItsCancelacion(_ number: Int) throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <servicioCancel><statusOk>true</statusOk><rfc>EKU9003173C9</rfc><codigo>0</codigo>
              <cancelaciones><cancelacion><uuid>5FB2822E-396D-4725-8521-CDC4BDD20CCF</uuid>\
            <codigo>\(number)</codigo></cancelacion></cancelaciones>
            </servicioCancel>
            """
        var answer = try CFDIAnswer(
            HTTPResponse(status: 200, contentType: "application/xml", body: Array(xml.utf8)),
            shape: .cancel, operation: "cancel", redactor: Redactor(secrets: []))
        answer.describeCancellations()
        let entry = try #require(answer.data["cancelaciones"]?.arrayValue?.first)
        let code = try #require(CFDICodes.cancellationStatuses.first { $0.number == number })
        #expect(entry["codigo"] == .int(Int64(number)))
        #expect(entry["descripcion"] == .string(code.description))
        #expect(entry["code_name"] == .string(code.name))
    }

    @Test func perUUIDServiceCodesUseTheServiceTable() throws {
        for number in [202, 203, 205] {
            #expect(CFDICodes.cancellation(number)?.description == CFDICodes.serviceCode(number)?.description)
        }
        // 201 is in both tables: a cancelación reads it as a cancellation status.
        #expect(CFDICodes.cancellation(201)?.name == "CANCELADO_SIN_ACEPTACION")
        #expect(CFDICodes.serviceCode(201)?.name == "CANCELADO_EXITOSAMENTE")
    }

    @Test(arguments: estatusNumbers)
    func everyEstatusCfdiResolves(_ number: Int) throws {
        let xml =
            "<servicioConsulta><consultaOk>true</consultaOk><codigo>0</codigo>"
            + "<estatusCfdi>\(number)</estatusCfdi></servicioConsulta>"
        let answer = try CFDIAnswer(
            HTTPResponse(status: 200, contentType: nil, body: Array(xml.utf8)),
            shape: .consulta, operation: "get_by_uuid", redactor: Redactor(secrets: []))
        let data = CFDIAnswer.describeEstatus(answer.data)
        let code = try #require(CFDICodes.estatus(number))
        #expect(data["estatusCfdi"] == .int(Int64(number)))
        #expect(data["estatus_cfdi_descripcion"] == .string(code.description))
        #expect(data["estatus_cfdi_name"] == .string(code.name))
    }

    // MARK: - XML to JSON

    @Test func timbradoAnswerIsTyped() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <servicioTimbrado><id>x</id><timbradoOk>true</timbradoOk><contrato>C</contrato><codigo>0</codigo>
            <version>1.1</version><uuid>5FB2822E-396D-4725-8521-CDC4BDD20CCF</uuid>\
            <noCertificadoSAT>00001000000505211329</noCertificadoSAT>
            <saldo>41</saldo><extra>7</extra><nuevo><a>1</a><a>2</a></nuevo></servicioTimbrado>
            """
        let answer = try CFDIAnswer(
            HTTPResponse(status: 200, contentType: nil, body: Array(xml.utf8)),
            shape: .timbrado, operation: "stamp", redactor: Redactor(secrets: []))
        #expect(answer.ok)
        #expect(answer.codigo == 0)
        #expect(answer.data["timbradoOk"] == true)
        #expect(answer.data["codigo"] == .int(0))
        #expect(answer.data["saldo"] == .int(41))
        #expect(answer.data["version"] == "1.1")
        #expect(answer.data["noCertificadoSAT"] == "00001000000505211329")
        #expect(answer.data["extra"] == "7")
        #expect(answer.data["nuevo"] == ["a": ["1", "2"]])
    }

    @Test func cancelacionesIsAlwaysAnArray() throws {
        for count in [0, 1, 3] {
            let items = String(
                repeating:
                    "<cancelacion><uuid>5FB2822E-396D-4725-8521-CDC4BDD20CCF</uuid><codigo>201</codigo></cancelacion>",
                count: count)
            let xml =
                "<servicioCancel><statusOk>true</statusOk><codigo>0</codigo>"
                + (count == 0 ? "" : "<cancelaciones>\(items)</cancelaciones>") + "</servicioCancel>"
            var answer = try CFDIAnswer(
                HTTPResponse(status: 200, contentType: nil, body: Array(xml.utf8)),
                shape: .cancel, operation: "cancel", redactor: Redactor(secrets: []))
            answer.describeCancellations()
            #expect(answer.data["cancelaciones"]?.arrayValue?.count == count)
        }
    }

    @Test func unreadableAnswersAreProtocolErrors() {
        let cases: [(Int, String, ErrorKind)] = [
            (200, "not xml at all", .protocol),
            (200, "<servicioTimbrado><timbradoOk>true</timbradoOk>", .protocol),
            (200, "<servicioCancel><statusOk>true</statusOk></servicioCancel>", .protocol),
            (200, "<servicioTimbrado><codigo>0</codigo></servicioTimbrado>", .protocol),
            (200, "<servicioTimbrado><timbradoOk>yes</timbradoOk></servicioTimbrado>", .protocol),
            (401, "<html>nope</html>", .auth),
            (415, "<html>type</html>", .http),
        ]
        for (status, body, kind) in cases {
            let result = Result { () throws(SelloError) in
                try CFDIAnswer(
                    HTTPResponse(status: status, contentType: nil, body: Array(body.utf8)),
                    shape: .timbrado, operation: "stamp", redactor: Redactor(secrets: []))
            }
            guard case .failure(let error) = result else {
                Issue.record("\(body) was accepted")
                continue
            }
            #expect(error.kind == kind, "\(body)")
            #expect(error.retryable == false)
        }
    }

    @Test func mensajeIsRedacted() throws {
        let xml =
            "<servicioTimbrado><timbradoOk>false</timbradoOk><codigo>3</codigo><mensaje>bad keyPass "
            + "s3cr3tPass</mensaje></servicioTimbrado>"
        let answer = try CFDIAnswer(
            HTTPResponse(status: 200, contentType: nil, body: Array(xml.utf8)),
            shape: .timbrado, operation: "stamp", redactor: Redactor(secrets: ["s3cr3tPass"]))
        #expect(answer.mensaje == "bad keyPass ***")
    }
}

/// A service's mensaje in a message is bounded: an answer that repeats the request must not carry it.
@Suite struct CFDIMensajeTests {
    @Test func aLongMensajeIsCut() {
        let long = String(repeating: "x", count: 1000)
        let error = CFDICodes.serviceError(number: 3, mensaje: long, operation: "cancel")
        #expect(error.message.count < 500 && error.message.contains(String(repeating: "x", count: 300) + "…"))
        #expect(CFDICodes.shownMensaje("  ") == nil && CFDICodes.shownMensaje(" corto ") == "corto")
    }

    @Test func aMensajeOfSeveralMessagesDropsTheDescription() {
        let described = CFDICodes.serviceError(
            number: 20,
            mensaje: "El usuario no cuenta con un certificado default.|CALCULAR_SELLO sin certificado default",
            operation: "stamp")
        #expect(
            described.message
                == "El usuario no cuenta con un certificado default. (CALCULAR_SELLO sin certificado default)")
        // Case and the trailing period aside, and each repeat wherever it is.
        let repeated = CFDICodes.serviceError(
            number: 20, mensaje: "otro | EL USUARIO NO CUENTA CON UN CERTIFICADO DEFAULT|| tercero.", operation: "stamp"
        )
        #expect(repeated.message == "El usuario no cuenta con un certificado default. (otro; tercero.)")
        let only = CFDICodes.serviceError(
            number: 20, mensaje: "El usuario no cuenta con un certificado default|", operation: "stamp")
        #expect(only.message == "El usuario no cuenta con un certificado default.")
    }
}
