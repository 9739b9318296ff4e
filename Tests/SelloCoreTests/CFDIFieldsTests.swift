import Testing

@testable import SelloCore

#if canImport(Glibc)
import Glibc
#endif

/// What every CFDI request shares (CFDIFields): UUIDs, RFCs, totals, the contract and a document
/// given once, each refusal Prodigia's codigo 3 (PARAMETRO_INVALIDO) naming its field.
@Suite struct CFDIFieldsTests {
    static let uuid = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"

    static func refusal(_ body: () throws -> Any) -> SelloError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? SelloError
        }
    }

    @Test func uuidsAndTotals() {
        #expect(CFDIFields.isUUID("5FB2822E-396D-4725-8521-CDC4BDD20CCF"))
        #expect(CFDIFields.isUUID("5fb2822e-396d-4725-8521-cdc4bdd20ccf"))
        #expect(!CFDIFields.isUUID("5FB2822E396D-4725-8521-CDC4BDD20CCF0"))
        #expect(!CFDIFields.isUUID("5FB2822E-396D-4725-8521-CDC4BDD20CCG"))
        #expect(!CFDIFields.isUUID(""))
        for good in ["0", "1160.00", "12.5"] { #expect(CFDIFields.isTotal(good), "\(good)") }
        for bad in ["", "-1", "1.", ".5", "1,160.00", "1e3", "abc", "1.2.3"] {
            #expect(!CFDIFields.isTotal(bad), "\(bad)")
        }
    }

    @Test func aUUIDIsTrimmedAndNamedWhenRefused() throws {
        #expect(try CFDIFields.uuid(" \(Self.uuid) ", field: "uuid") == Self.uuid)
        let error = try #require(Self.refusal { try CFDIFields.uuid("5FB2822E-396D-4725-8521", field: "uuids[2]") })
        #expect(
            (error.kind, error.code.name, error.serviceCode, error.field) == (
                .validation, "PARAMETRO_INVALIDO", 3, "uuids[2]"
            ))
        #expect(!CFDIFields.isUUID("5FB2822E-396D-4725-8521-CDC4BDD20CC\u{FF26}"))
        #expect(!CFDIFields.isUUID("5FB2822E_396D_4725_8521_CDC4BDD20CCF"))
    }

    // MARK: - Totals

    @Test(arguments: [
        (JSON.string(" 1160.00 "), "1160.00"), (.int(1160), "1160"), (.double(250.5), "250.5"), (.int(0), "0"),
    ])
    func totalsAsStringsOrNumbers(_ value: JSON, _ sent: String) throws {
        #expect(try CFDIFields.total(value, field: "total") == sent)
    }

    @Test func anAbsentTotalIsNone() throws {
        #expect(try CFDIFields.total(nil, field: "total") == nil)
        #expect(try CFDIFields.total(.null, field: "total") == nil)
    }

    @Test(arguments: [
        (JSON.string("1,160.00"), "PARAMETRO_INVALIDO"), (.int(-5), "PARAMETRO_INVALIDO"), ("", "PARAMETRO_INVALIDO"),
        (.double(1e20), "PARAMETRO_INVALIDO"), (.bool(true), "WRONG_TYPE"), (.array([]), "WRONG_TYPE"),
        (.double(-1.5), "PARAMETRO_INVALIDO"), // a number, but negative: said so
    ])
    func totalsRefused(_ value: JSON, _ code: String) throws {
        let error = try #require(Self.refusal { try CFDIFields.total(value, field: "uuids[0].total") as Any })
        #expect(error.code.name == code && error.field == "uuids[0].total", "\(value)")
    }

    // MARK: - RFCs

    @Test func anRFCIsSentNormalised() throws {
        var found = ReadFacts()
        #expect(try CFDIFields.rfc(" eku9003173c9 ", field: "rfcEmisor", found: &found) == "EKU9003173C9")
        #expect(try CFDIFields.rfc("n\u{303}aa010101aa6", field: "rfcEmisor", found: &found) == "\u{D1}AA010101AA6")
        #expect(try CFDIFields.rfc("XAXX010101000", field: "rfcReceptor", found: &found) == "XAXX010101000")
        #expect(found.warnings.isEmpty)
    }

    @Test func aWrongCheckDigitIsSentWithAWarning() throws {
        var found = ReadFacts()
        #expect(try CFDIFields.rfc("EKU9003173C8", field: "rfcEmisor", found: &found) == "EKU9003173C8")
        #expect(found.warnings.map(\.code.name) == ["RFC_CHECK_DIGIT"] && found.warnings[0].field == "rfcEmisor")
    }

    @Test(arguments: [
        "EKU9003173C", "EKU9003173C9X1", "EKU\u{200D}9003173C9", String(repeating: "A", count: 17), "EKU9013173C9",
    ])
    func malformedRFCsAreRefused(_ text: String) throws {
        var found = ReadFacts()
        let error = try #require(Self.refusal { try CFDIFields.rfc(text, field: "rfcReceptor", found: &found) })
        #expect((error.code.name, error.serviceCode, error.field) == ("PARAMETRO_INVALIDO", 3, "rfcReceptor"))
        #expect(error.message.hasPrefix("rfcReceptor: "))
    }

    // MARK: - The contract and documents

    @Test func theContractIsTheRequestsElseTheConfigurations() throws {
        #expect(
            try CFDIFields.contrato(FieldReader(["contrato": "OTRO"], allowed: ["contrato"]), default: "C-1") == "OTRO")
        #expect(try CFDIFields.contrato(FieldReader([:], allowed: ["contrato"]), default: "C-1") == "C-1")
        let error = try #require(
            Self.refusal {
                try CFDIFields.contrato(FieldReader(["contrato": " "], allowed: ["contrato"]), default: "C-1")
            })
        #expect((error.code.name, error.field) == ("PARAMETRO_INVALIDO", "contrato"))
    }

    static func document(_ json: JSON) throws -> [UInt8] {
        try CFDIFields.document(
            FieldReader(json, allowed: ["datos", "datos_path", "datos_base64"]), name: "datos", what: "the CSV")
    }

    @Test func aDocumentAsTextBase64OrAFile() throws {
        #expect(try Self.document(["datos": "CFDI|4.0"]) == Array("CFDI|4.0".utf8))
        #expect(try Self.document(["datos_base64": "Q0ZESXw0LjA="]) == Array("CFDI|4.0".utf8))
        var template = Array("/tmp/sello-fields-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        _ = write(fd, "CFDI|4.0", 8)
        close(fd)
        #expect(try Self.document(["datos_path": .string(path)]) == Array("CFDI|4.0".utf8))
    }

    @Test(arguments: [
        (["datos": "x", "datos_base64": "eA=="] as JSON, "INVALID_ARGUMENT", "datos_base64"),
        ([:] as JSON, "PARAMETRO_INVALIDO", "datos"), (["datos": " \n\t"] as JSON, "PARAMETRO_INVALIDO", "datos"),
        (["datos_base64": "IAo="] as JSON, "PARAMETRO_INVALIDO", "datos_base64"),
        (["datos_base64": "not base64!"] as JSON, "INVALID_BASE64", "datos_base64"),
        (["datos_path": "/nonexistent/datos.csv"] as JSON, "FILE_UNREADABLE", "datos_path"),
    ])
    func aDocumentGivenTwiceNotAtAllOrBlank(_ json: JSON, _ code: String, _ field: String) throws {
        let error = try #require(Self.refusal { try Self.document(json) })
        #expect((error.code.name, error.field) == (code, field), "\(error.message)")
    }

    /// A total refused says the rule it breaks: -5 is a number, but negative.
    @Test func aTotalsMessageSaysTheRuleBroken() {
        for (value, said) in [
            (JSON.int(-5), "is negative"), (.string(" -1160.00"), "is negative"), (.double(-5.5), "is negative"),
            (.double(1e300), "with an exponent"), (.string("1e300"), "is not a number such as"),
            (.string("abc"), "is not a number such as"),
        ] {
            let error = #expect(throws: SelloError.self) { try CFDIFields.total(value, field: "total") }
            #expect(error?.message.contains(said) == true, "\(value): \(error?.message ?? "")")
        }
    }

    @Test func everyRequestCarriesBasicCredentialsAndNoAccept() {
        var http = HTTPRequest(.post, "/x", replay: .idempotent)
        CFDIFields.authorize(&http, BasicCredentials(user: "pade_user", password: "pade_pass"))
        #expect(http.headers == ["Accept:"] && http.basicAuth?.user == "pade_user" && http.secrets == ["pade_pass"])
    }
}
