import Testing

@testable import SelloCore

/// Firma Virtual's field rules (FVValidation): each a `validation` error naming its field and
/// nothing sent; structural problems `invalid_argument`.
@Suite struct FVValidationTests {
    typealias V = FVValidation

    /// The code of the error `body` throws; nil when it throws none.
    static func code(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? SelloError)?.code.name ?? "\(error)"
        }
    }

    static func reader(_ json: JSON) throws(SelloError) -> FieldReader {
        try FieldReader(json, allowed: ["a", "IDUser", "contractID", "QVALUE"])
    }

    // MARK: - Text and ids

    @Test func requiredTextIsTrimmedAndNeverEmpty() throws {
        #expect(try V.text(Self.reader(["a": "  x "]), "a") == "x")
        let empty = #expect(throws: SelloError.self) { try V.text(Self.reader(["a": " "]), "a", prefix: "signers[1].") }
        #expect((empty?.kind, empty?.code.name, empty?.field) == (.validation, "EMPTY_FIELD", "signers[1].a"))
        let missing = #expect(throws: SelloError.self) { try V.text(Self.reader([:]), "a") }
        #expect((missing?.kind, missing?.code.name, missing?.field) == (.invalidArgument, "MISSING_FIELD", "a"))
        #expect(try V.optionalText(Self.reader(["a": nil]), "a") == nil)
        #expect(Self.code { try V.optionalText(Self.reader(["a": ""]), "a") } == "EMPTY_FIELD")
    }

    @Test(arguments: [(JSON.int(7), "7"), ("0042", "42"), (" 9 ", "9"), ("999999999999999999", "999999999999999999")])
    func positiveIDs(_ value: JSON, _ sent: String) throws {
        #expect(try V.positiveID(Self.reader(["IDUser": value]), "IDUser") == sent)
    }

    @Test(arguments: [
        JSON.int(0), .int(-1), "abc", "1.5", "", "１２", "1000000000000000000", "+5", .int(Int64.max), .double(1.5),
        .double(9.3e18), .double(1e30),
    ])
    func notPositiveIDs(_ value: JSON) throws {
        let error = #expect(throws: SelloError.self) { try V.positiveID(Self.reader(["IDUser": value]), "IDUser") }
        // The whole rule, whatever was given (a 19-digit id was told "a positive integer").
        #expect(error?.code.name == "ID_INVALID" && error?.message.contains("at most 18 digits") == true)
    }

    @Test func contractIDsAreUUIDs() throws {
        #expect(
            try V.contractID(Self.reader(["contractID": " 307c1f32-bbb5-4cbe-a4f4-ecf20616510a "]), "contractID")
                == "307c1f32-bbb5-4cbe-a4f4-ecf20616510a")
        for bad in [
            "307c1f32bbb54cbea4f4ecf20616510a", "307c1f32-bbb5-4cbe-a4f4-ecf20616510g",
            "307c1f32-bbb5-4cbe-a4f4-ecf20616510",
            "307c1f32-bbb5-4cbe-a4f4-ecf２0616510a", "../../admin", "",
        ] {
            #expect(
                Self.code { try V.contractID(Self.reader(["contractID": .string(bad)]), "contractID") }
                    == "CONTRACT_ID_INVALID", "\(bad)")
        }
        #expect(Self.code { try V.contractID(Self.reader([:]), "contractID") } == "MISSING_FIELD")
    }

    @Test func choicesIgnoreCaseAndAreSentInTheServicesSpelling() throws {
        #expect(try V.choice(" natural ", V.personTypes, field: "type", code: .signerTypeInvalid) == "NATURAL")
        let error = #expect(throws: SelloError.self) {
            try V.choice("PERSON", V.personTypes, field: "type", code: .signerTypeInvalid)
        }
        #expect((error?.code.name, error?.field) == ("SIGNER_TYPE_INVALID", "type"))
        #expect(error?.message.contains("NATURAL, LEGAL") == true)
    }

    // MARK: - People

    @Test func rutsAreSentNormalisedAndCheckedByTheirDigit() throws {
        #expect(try V.rut("12.345.678-5", field: "rutId") == "12345678-5")
        #expect(try V.rut("76369187k", field: "rutId") == "76369187-K")
        for bad in ["12.345.678-4", "12,345,678-5", "", "12.34.678-5", "K-5"] {
            let error = #expect(throws: SelloError.self) { try V.rut(bad, field: "signers[0].rutId") }
            #expect(
                (error?.kind, error?.code.name, error?.field) == (.validation, "RUT_INVALIDO", "signers[0].rutId"),
                "\(bad)")
        }
    }

    @Test func aRutOnlyLookedUpWithAWrongDigitIsSentWithAWarning() throws {
        var found = ReadFacts()
        #expect(try V.rutForLookup("12.345.678-4", field: "rutId", found: &found) == "12345678-4")
        #expect(try V.rutForLookup("123456784", field: "rutId", found: &found) == "12345678-4")
        #expect(found.warnings.map(\.code.name) == ["RUT_INVALIDO", "RUT_INVALIDO"])
        #expect(found.warnings[0].message.contains("dígito verificador esperado 5, no 4 (12345678-4)"))
        #expect(Self.code { try V.rutForLookup("12.34", field: "rutId", found: &found) } == "RUT_INVALIDO")
    }

    @Test func emails() throws {
        #expect(try V.email("ana.rojas+cl@ejemplo.cl", field: "sEmail") == "ana.rojas+cl@ejemplo.cl")
        for bad in [
            "ana", "ana@ejemplo", "a@@b.cl", "a b@c.cl", "ana@-x.cl", "ana@x.c1", ".a@b.cl", "a..b@c.cl", "añ@b.cl",
        ] {
            let error = #expect(throws: SelloError.self) { try V.email(bad, field: "sEmail") }
            #expect((error?.code.name, error?.field) == ("EMAIL_INVALID", "sEmail"), "\(bad)")
        }
    }

    @Test(arguments: ["+56978570242", "873320311", "584127957852", "12345678", "+123456789012345"])
    func phones(_ phone: String) throws {
        #expect(try V.phone(phone, field: "sPhone") == phone)
    }

    @Test(arguments: ["1234567", "+1234567890123456", "+56 9 7857 0242", "56-9-78570242", "+", "", "９１２３４５６７８"])
    func notPhones(_ phone: String) {
        #expect(Self.code { try V.phone(phone, field: "sPhone") } == "PHONE_INVALID", "\(phone)")
    }

    @Test(arguments: [
        ("912345678", "+56912345678"), ("+56912345678", "+56912345678"), ("0912345678", "+56912345678"),
        ("56912345678", "+56912345678"), ("+56 9 1234 5678", "+56912345678"), ("(9) 1234-5678", "+56912345678"),
    ])
    func chileanPhonesAreRewrittenPlus56(_ given: String, _ sent: String) throws {
        #expect(try FVValidation.chileanPhone(given, field: "phone") == sent)
    }

    @Test(arguments: ["+58412795785", "12345678", "+5691234567", "9123456789a", "+56 9 1234 56789", ""])
    func notChileanPhones(_ given: String) {
        #expect(throws: SelloError.self) { try FVValidation.chileanPhone(given, field: "phone") }
    }

    @Test func callbacksAreHTTPURLsWithoutSpaces() throws {
        #expect(try V.callbackURL(" https://ejemplo.com/webhook ") == "https://ejemplo.com/webhook")
        #expect(try V.callbackURL("HTTP://127.0.0.1:9/h") == "HTTP://127.0.0.1:9/h")
        for bad in ["ftp://x.cl/h", "https://", "https://a b.cl", "ejemplo.com/webhook", "https://x.cl/a\tb"] {
            #expect(Self.code { try V.callbackURL(bad) } == "CALLBACK_INVALID", "\(bad)")
        }
    }

    @Test func loginsAreSixToSixteenLettersAndDigits() throws {
        #expect(try V.login("anarojas1", field: "sLogin") == "anarojas1")
        for bad in ["ana", "anarojas1anarojas1", "ana.rojas", "añarojas", "ana rojas"] {
            #expect(Self.code { try V.login(bad, field: "sLogin") } == "INVALID_LOGIN", "\(bad)")
        }
    }

    // MARK: - Portions and payment

    @Test(arguments: [
        (JSON.int(100), 100, JSON.int(100)), (.double(50), 50, .int(50)), (.int(0), 0, .int(0)),
        ("100", 100, "100"), ("50.00", 50, "50"), (" 0 ", 0, "0"), ("050", 50, "50"),
    ])
    func portions(_ value: JSON, _ percent: Int, _ sent: JSON) throws {
        let portion = try V.portion(value, field: "portion")
        #expect(portion.percent == percent && portion.json == sent)
    }

    @Test(arguments: [JSON.int(25), .int(101), .double(50.5), "50.5", "1000", "cien", "", "-50", ".5"])
    func portionsThatAreNotAShare(_ value: JSON) throws {
        #expect(Self.code { try V.portion(value, field: "signers[0].portion") } == "PORTION_INVALID", "\(value)")
    }

    @Test func aPortionOfAnotherTypeIsInvalidArgument() {
        let error = #expect(throws: SelloError.self) { try V.portion(.bool(true), field: "portion") }
        #expect((error?.kind, error?.code.name) == (.invalidArgument, "WRONG_TYPE"))
    }

    @Test func paymentIsObsoleteAndMustBeZero() throws {
        for zero: JSON? in [nil, .null, .int(0), .double(0), "0", "0.0", " 0.00 "] {
            #expect(throws: Never.self) { try V.payment(zero, field: "payment") }
        }
        for other: JSON in [.int(1), "10.00", .bool(false), "0,00"] {
            #expect(Self.code { try V.payment(other, field: "payment") } == "PAYMENT_INVALID", "\(other)")
        }
    }

    // MARK: - GetContractType's QTYPE and QVALUE

    @Test(
        arguments: [
            ("ALL", nil, "0"), ("ALL", JSON.string("0"), "0"), ("TYPE", "labor", "LABOR"),
            ("CONTRACT-TYPE", "VEHICLE", "VEHICLE"),
            ("MODAL", "signature_cert_notarial", "SIGNATURE_CERT_NOTARIAL"), ("ID", .int(26), "26"), ("ID", "1", "1"),
            ("FEE", "117", "117"), ("FEE", .int(28), "28"), ("FEE", .int(118), "118"), ("ID", "27", "27"),
        ] as [(String, JSON?, String)])
    func queryValues(_ type: String, _ value: JSON?, _ path: String) throws {
        let reader = try Self.reader(value.map { JSON.object(["QVALUE": $0]) } ?? JSON.object([:]))
        #expect(try V.queryValue(reader, type: type) == path)
    }

    @Test(
        arguments: [
            ("ALL", JSON.string("1")), ("TYPE", "SALE"), ("MODAL", "LABOR"), ("ID", .int(0)), ("ID", .int(-27)),
            ("ID", "x"), ("FEE", .int(-118)), ("FEE", "0"),
        ] as [(String, JSON)])
    func queryValuesOutOfTheirTable(_ type: String, _ value: JSON) throws {
        let error = #expect(throws: SelloError.self) { try V.queryValue(Self.reader(["QVALUE": value]), type: type) }
        #expect((error?.code.name, error?.field) == ("QVALUE_INVALID", "QVALUE"))
        #expect(error?.message.hasPrefix("QVALUE for QTYPE \(type) must be") == true)
    }

    @Test func aQueryValueIsRequiredButForAll() throws {
        #expect(Self.code { try V.queryValue(Self.reader([:]), type: "FEE") } == "MISSING_FIELD")
    }

    /// Without a readable QTYPE (its own problem is reported), QVALUE is judged on presence only.
    @Test func aQueryValueWithoutItsTypeIsJudgedOnPresenceOnly() throws {
        #expect(Self.code { try V.queryValue(Self.reader([:]), type: nil) } == "MISSING_FIELD")
        #expect(try V.queryValue(Self.reader(["QVALUE": "anything "]), type: nil) == "anything")
    }

    // MARK: - Nested fields

    @Test func nestedErrorsNameTheirPlace() {
        let error = #expect(throws: SelloError.self) {
            try V.nested("signers[2]") { () throws(SelloError) in
                throw V.invalid(.emailInvalid, "'email' is wrong", field: "email")
            }
        }
        #expect(error?.field == "signers[2].email" && error?.message == "'signers[2].email' is wrong")
        let unnamed = #expect(throws: SelloError.self) {
            try V.nested("signers[0]") { () throws(SelloError) in throw SelloError.invalidArgument("not an object") }
        }
        #expect(unnamed?.field == "signers[0]")
        let named = #expect(throws: SelloError.self) {
            try V.nested("signers[1]") { () throws(SelloError) in
                throw V.invalid(.rutInvalido, "m", field: "signers[1].rutId")
            }
        }
        #expect(named?.field == "signers[1].rutId")
    }
}
