import Testing

@testable import SelloCore

/// create-contract-express's request (FVExpressRequest, CHILE_2026.md §1.3): checked locally, then
/// written with the integrations' spellings — phones +56, portions as strings, rol and order — and
/// the PDF inline as base64, last, so that a file can be streamed.
@Suite struct FVExpressRequestTests {
    static let pdf = Array("%PDF-1.4\n%%EOF\n".utf8)
    static let signer: JSON = [
        "full_name": "Ana Rojas", "email": "ana@ejemplo.cl", "rutId": "11.111.111-1", "phone": "9 1111 1111",
        "portion": "100",
    ]

    static func request(_ changes: [String: JSON?] = [:], signers: [JSON] = [signer]) -> JSON {
        var object: JSONObject = [
            "sOwnerType": "natural", "iContractTypeFeeID": 49, "signers": .array(signers),
            "content_base64": .string(Base64.encode(pdf)),
        ]
        for (key, value) in changes { object[key] = value }
        return .object(object)
    }

    static func withSigner(_ changes: [String: JSON?]) -> JSON {
        var object = signer.objectValue ?? [:]
        for (key, value) in changes { object[key] = value }
        return request(signers: [.object(object)])
    }

    /// The request, recording what the document check was given.
    static func make(_ json: JSON, found: inout ReadFacts)
        throws(SelloError) -> (FVExpressRequest, [(prefix: [UInt8], size: Int64, field: String)])
    {
        var checked: [(prefix: [UInt8], size: Int64, field: String)] = []
        let request = try FVExpressRequest(.written(json), found: &found) { (prefix, size, field) throws(SelloError) in
            checked.append((prefix, size, field))
        }
        return (request, checked)
    }

    static func make(_ json: JSON) throws(SelloError) -> (
        FVExpressRequest, [(prefix: [UInt8], size: Int64, field: String)]
    ) {
        var found = ReadFacts()
        return try make(json, found: &found)
    }

    static func refusal(_ json: JSON) -> SelloError? {
        do {
            _ = try make(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func theBodyWithTheIntegrationsSpellings() throws {
        let (request, checked) = try Self.make(
            Self.request(["sContractName": " Venta 1 ", "callback": "https://x.cl/h", "iPriceId": 0]))
        #expect(
            request.body.keys == [
                "sOwnerType", "iContractTypeFeeID", "iSignedCount", "signers", "sContractName", "callback", "iPriceId",
            ])
        #expect(
            request.body["sOwnerType"] == "NATURAL" && request.body["iSignedCount"] == 1
                && request.contractName == "Venta 1")
        #expect(
            request.body["signers"] == [
                [
                    "full_name": "Ana Rojas", "email": "ana@ejemplo.cl", "rutId": "11111111-1",
                    "phone": "+56911111111", "rol": 0, "order": 1, "type": "NATURAL", "portion": "100",
                    "payment": "0.00",
                ]
            ])
        #expect(
            checked.count == 1 && checked[0].prefix == Array("%PDF-".utf8) && checked[0].size == Int64(Self.pdf.count))
        #expect(checked[0].field == "content_base64")
    }

    @Test func thePDFGoesLastAsBase64() throws {
        let (request, _) = try Self.make(Self.request())
        guard case .bytes(let bytes, let type) = request.httpBody() else {
            Issue.record("not an in-memory body")
            return
        }
        let sent = try JSONParser.parse(bytes)
        #expect(type == "application/json" && sent.objectValue?.keys.last == "document")
        #expect(sent["document"] == ["content_file": .string(Base64.encode(Self.pdf))])
    }

    @Test func aFileIsStreamedBetweenThePrefixAndTheClosingBraces() throws {
        let (request, _) = try Self.make(Self.request(["content_base64": nil, "file_path": "/bin/sh"]))
        guard case .base64File(let prefix, let path, let suffix, _) = request.httpBody() else {
            Issue.record("not a streamed body")
            return
        }
        #expect(path == "/bin/sh" && suffix == Array(#""}}"#.utf8))
        #expect(String(decoding: prefix, as: UTF8.self).hasSuffix(#","document":{"content_file":""#))
        let whole = try JSONParser.parse(prefix + Array("QUJD".utf8) + suffix)
        #expect(whole["document"]?["content_file"] == "QUJD" && whole["iSignedCount"] == 1)
    }

    @Test func twoPayersOfFiftyAndTheirOrder() throws {
        var second = Self.signer.objectValue ?? [:]
        second["rutId"] = "22222222-2"
        second["portion"] = .int(50)
        second["rol"] = 3
        second["order"] = 5
        var first = Self.signer.objectValue ?? [:]
        first["portion"] = "50.00"
        let (request, _) = try Self.make(Self.request(signers: [.object(first), .object(second)]))
        let signers = request.body["signers"]?.arrayValue ?? []
        #expect(signers.map { $0["portion"] } == ["50", "50"] && signers.map { $0["order"] } == [1, 5])
        #expect(signers.map { $0["rol"] } == [0, 3])
    }

    @Test(
        arguments: [
            (["rol": 2], "ROL_INVALID", "signers[0].rol"), (["order": 0], "ORDER_INVALID", "signers[0].order"),
            (["phone": "+58412795785"], "PHONE_INVALID", "signers[0].phone"),
            (["type": "EMPRESA"], "SIGNER_TYPE_INVALID", "signers[0].type"),
            (["portion": nil], "PORTIONS_INVALID", "signers"),
            (["portion": nil, "rol": 3], "PORTIONS_INVALID", "signers[0].portion"),
            (["payment": "1"], "PAYMENT_INVALID", "signers[0].payment"),
            (["rutId": "11.111.111-2"], "RUT_INVALIDO", "signers[0].rutId"),
            (["email": nil], "MISSING_FIELD", "signers[0].email"),
        ] as [([String: JSON?], String, String)])
    func signerRefusals(_ changes: [String: JSON?], _ code: String, _ field: String) throws {
        let error = try #require(Self.refusal(Self.withSigner(changes)))
        #expect((error.code.name, error.field) == (code, field), "\(error.message)")
    }

    @Test(
        arguments: [
            (["sOwnerType": nil], "MISSING_FIELD", "sOwnerType"),
            (["iContractTypeFeeID": 0], "FEE_ID_INVALID", "iContractTypeFeeID"),
            (["iSignedCount": 2], "SIGNED_COUNT_MISMATCH", "iSignedCount"),
            (["sContractName": " "], "EMPTY_FIELD", "sContractName"),
            (["callback": "x"], "CALLBACK_INVALID", "callback"),
            (["iAgreementId": -1], "AGREEMENT_ID_INVALID", "iAgreementId"),
            (["iPriceId": -1], "PRICE_ID_INVALID", "iPriceId"), (["content_base64": nil], "MISSING_FIELD", "file_path"),
            (["file_path": "/bin/sh"], "INVALID_ARGUMENT", "content_base64"),
            (["content_base64": "%%%"], "INVALID_BASE64", "content_base64"),
            (["file_path": "/nonexistent.pdf", "content_base64": nil], "FILE_UNREADABLE", "file_path"),
            (["signers": .array([])], "SIGNER_COUNT_INVALID", "signers"),
        ] as [([String: JSON?], String, String)])
    func requestRefusals(_ changes: [String: JSON?], _ code: String, _ field: String) throws {
        let error = try #require(Self.refusal(Self.request(changes)))
        #expect((error.code.name, error.field) == (code, field), "\(error.message)")
    }

    @Test func anUnknownProviderIsSentWithAWarning() throws {
        var found = ReadFacts()
        let (request, _) = try Self.make(Self.request(["provider": "docusign"]), found: &found)
        #expect(request.body["provider"] == "DOCUSIGN" && found.warnings.map(\.code.name) == ["UNKNOWN_PROVIDER"])
        var known = ReadFacts()
        #expect(try Self.make(Self.request(["provider": "lexgosign"]), found: &known).0.body["provider"] == "LEXGOSIGN")
        #expect(known.warnings.isEmpty)
    }

    @Test func theDocumentCheckDecides() {
        let error = #expect(throws: SelloError.self) {
            var found = ReadFacts()
            _ = try FVExpressRequest(.written(Self.request()), found: &found) { (prefix, _, field) throws(SelloError) in
                throw SelloError(.validation, .notAPdf, "\(field) starts with \(prefix.count) bytes", field: field)
            }
        }
        #expect(error?.code.name == "NOT_A_PDF" && error?.field == "content_base64")
    }
}
