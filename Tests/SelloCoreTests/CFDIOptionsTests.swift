import Testing

@testable import SelloCore

/// The `opciones` policy of every cfdi_ operation (CFDIOptions): a documented option is sent as
/// given, a near miss refused with "did you mean" (codigo 3), any other well-formed option sent
/// with UNKNOWN_OPTION, RESPUESTA_JSON refused, the CFDI 3.3 plugin sent with CFDI33_RETIRED.
@Suite struct CFDIOptionsTests {
    static func refusal(_ options: [String], table: [String] = CFDIOptions.stamp, pipes: Bool = false) -> SelloError? {
        var found = ReadFacts()
        do {
            try CFDIOptions.check(options, table: table, pipeSeparated: pipes, found: &found)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("GENERA_PDF", "GENERAR_PDF"), ("generar_pdf", "GENERAR_PDF"), ("CALCULAR_SELLO:1", "CALCULAR_SELLO"),
        ("ENVIAR_AMBOS", "ENVIAR_AMBOS:<valor>"), ("PKCS11", "PKCS12"), ("modo_prueba:1", "MODO_PRUEBA:<valor>"),
        ("PLUGIN_PROCESO:GENERICO_CFDI41:1.0", "PLUGIN_PROCESO:GENERICO_CFDI40:1.0"),
    ])
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
        try CFDIOptions.check(
            ["PLUGIN_PROCESO:GENERICO_CFDI33:1.0", "NUEVA", "MODO_PRUEBA", "MODO_PRUEBA:2"],
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

    @Test func documentedOptionsPassAndTheOthersAreJudged() throws {
        var found = ReadFacts()
        try CFDIOptions.check(
            ["PLUGIN_PROCESO:GENERICO_CFDI40:1.0", "GENERAR_PDF", "ADDENDA:LIBRE:<x/>", "OBSERVACIONES:hola"],
            table: CFDIOptions.stamp, pipeSeparated: false, found: &found)
        try CFDIOptions.check(
            ["CERT_DEFAULT", "PKCS12"], table: CFDIOptions.cancel, pipeSeparated: false, found: &found)
        #expect(found.warnings.isEmpty)
        #expect(throws: SelloError.self) {
            try CFDIOptions.check(["GENERA_PDF"], table: CFDIOptions.stamp, pipeSeparated: false, found: &found)
        }
        #expect(throws: SelloError.self) {
            try CFDIOptions.check(["OBSERVACIONES:a|b"], table: CFDIOptions.stamp, pipeSeparated: true, found: &found)
        }
        // A stamping option in a cancellation is no near miss there: sent, with a warning.
        try CFDIOptions.check(["GENERAR_PDF"], table: CFDIOptions.cancel, pipeSeparated: false, found: &found)
        #expect(found.warnings.map(\.code.name) == ["UNKNOWN_OPTION"])
    }

    @Test(arguments: CFDIOptions.stamp)
    func everyDocumentedStampingOptionPasses(_ entry: String) {
        let option = entry.hasSuffix(":") ? entry + "valor" : entry
        var found = ReadFacts()
        #expect(throws: Never.self) {
            try CFDIOptions.check([option], table: CFDIOptions.stamp, pipeSeparated: false, found: &found)
        }
        #expect(
            found.warnings.map(\.code.name) == (option == CFDIOptions.plugin33 ? ["CFDI33_RETIRED"] : []), "\(option)")
    }

    @Test func aNearMissIsCodigo3NamingTheIndexAndTheSuggestion() throws {
        let error = try #require(Self.refusal(["GENERAR_PDF", "CALCULAR_SELO"]))
        #expect(
            (error.kind, error.code.name, error.serviceCode, error.field) == (
                .validation, "PARAMETRO_INVALIDO", 3, "opciones"
            ))
        #expect(error.message == "opciones[1] 'CALCULAR_SELO' is not a documented option; did you mean CALCULAR_SELLO?")
    }

    @Test func shortNamesAllowOneEditLongerOnesTwo() {
        #expect(CFDIOptions.allowance("PKCS12") == 1 && CFDIOptions.allowance("GENERAR_PDF") == 2)
        #expect(CFDIOptions.nearMiss("PKCS1", in: CFDIOptions.cancel) == "PKCS12")
        #expect(CFDIOptions.nearMiss("PKC1", in: CFDIOptions.cancel) == nil)
        #expect(CFDIOptions.nearMiss("GENRAR_PFD", in: CFDIOptions.stamp) == nil) // three edits away
        #expect(CFDIOptions.nearMiss("GENRAR_PDF", in: CFDIOptions.stamp) == "GENERAR_PDF")
    }

    @Test func malformedOptionsAreRefused() throws {
        for option in ["con espacio", "NOMBRE:", ":valor", "A|B"] {
            let error = try #require(Self.refusal([option]), "\(option)")
            #expect(error.code.name == "PARAMETRO_INVALIDO", "\(option)")
        }
    }

    @Test func aPipeIsRefusedOnlyWhenTheOptionsTravelAsOneElement() throws {
        #expect(Self.refusal(["OBSERVACIONES:a|b"]) == nil)
        let error = try #require(Self.refusal(["CONSULTAR_SALDO", "OBSERVACIONES:a|b"], pipes: true))
        #expect(error.message.hasPrefix("opciones[1] contains '|'"))
    }

    @Test func respuestaJSONIsRefusedHoweverWritten() throws {
        for option in ["RESPUESTA_JSON", "Respuesta_Json"] {
            let error = try #require(Self.refusal([option], table: CFDIOptions.cancel))
            #expect(
                (error.kind, error.code.name, error.field) == (.invalidArgument, "OPTION_NOT_SUPPORTED", "opciones"))
        }
    }

    @Test func theUnknownOptionsAreNamedInOneWarning() {
        var found = ReadFacts()
        #expect(throws: Never.self) {
            try CFDIOptions.check(
                ["NUEVA_A", "CONSULTAR_SALDO", "NUEVA_B:1"], table: CFDIOptions.stamp, pipeSeparated: false,
                found: &found)
        }
        #expect(found.warnings.count == 1)
        #expect(
            found.warnings.first?.message.hasPrefix("opciones 'NUEVA_A', 'NUEVA_B:…' are not in the library's table")
                == true)
    }
}
