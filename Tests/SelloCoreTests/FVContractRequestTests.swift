import Testing

@testable import SelloCore

/// CreateContract's request (FVContractRequest): the seed's rules — 1 to 10 signers, iSignedCount
/// matching them, one payer of 100 or two of 50, each RUT once — and its defaults, in the seed's order.
@Suite struct FVContractRequestTests {
    static let ana: JSON = [
        "full_name": "Ana Rojas", "email": "ana@ejemplo.cl", "rutId": "11.111.111-1", "phone": "+56911111111",
        "type": "natural", "portion": "100", "payment": "0.00",
    ]
    static let jose: JSON = [
        "full_name": "José Soto", "email": "jose@ejemplo.cl", "rutId": "22222222-2", "phone": "873320311",
        "type": "LEGAL",
    ]

    static func signer(_ base: JSON, _ changes: [String: JSON?]) -> JSON {
        var object = base.objectValue ?? [:]
        for (key, value) in changes { object[key] = value }
        return .object(object)
    }

    static func request(_ signers: [JSON], _ changes: [String: JSON?] = [:]) -> JSON {
        var object: JSONObject = [
            "sOwnerType": "NATURAL", "iContractTypeFeeID": 28, "iSignedCount": .int(Int64(signers.count)),
            "signers": .array(signers),
        ]
        for (key, value) in changes { object[key] = value }
        return .object(object)
    }

    static func refusal(_ json: JSON) -> SelloError? {
        do {
            _ = try FVContractRequest.body(.written(json))
            return nil
        } catch {
            return error
        }
    }

    @Test func theBodyInTheSeedsOrderWithItsDefaults() throws {
        let body = try FVContractRequest.body(
            .written(Self.request([Self.ana, Self.jose], ["callback": "https://ejemplo.com/hook"])))
        #expect(
            body.keys == [
                "sOwnerType", "sPaymentStatus", "iPaymentService", "iContractTypeFeeID", "iSignedCount", "callback",
                "signers",
            ])
        #expect(body["sPaymentStatus"] == "PENDING" && body["iPaymentService"] == 0 && body["iSignedCount"] == 2)
        let signers = body["signers"]?.arrayValue ?? []
        #expect(
            signers.first == [
                "full_name": "Ana Rojas", "email": "ana@ejemplo.cl", "rutId": "11111111-1", "phone": "+56911111111",
                "type": "NATURAL", "portion": "100", "payment": "0.00",
            ])
        #expect(
            signers.last?["portion"] == 0 && signers.last?["payment"] == "0.00"
                && signers.last?["rutId"] == "22222222-2")
    }

    @Test func payoutIsWrittenPaidout() throws {
        #expect(
            try FVContractRequest.body(.written(Self.request([Self.ana], ["sPaymentStatus": "payout"])))[
                "sPaymentStatus"]
                == "PAIDOUT")
        #expect(
            try FVContractRequest.body(.written(Self.request([Self.ana], ["sPaymentStatus": "PAIDOUT"])))[
                "sPaymentStatus"]
                == "PAIDOUT")
    }

    @Test(
        arguments: [
            (["100"], true), (["50", "50"], true), (["100", "0", "0"], true), ([JSON.int(50), "50.00"], true),
            ([], false), (["50"], false), (["100", "50"], false), (["100", "100"], false), (["50", "50", "50"], false),
            (["0", "0"], false),
        ] as [([JSON], Bool)])
    func oneSignerPays100OrTwoPay50(_ portions: [JSON], _ accepted: Bool) {
        let ruts = ["11111111-1", "22222222-2", "33333333-3", "44444444-4"]
        var signers = portions.enumerated().map {
            Self.signer(Self.ana, ["portion": $0.element, "rutId": .string(ruts[$0.offset])])
        }
        if signers.isEmpty { signers = [Self.jose] }
        let error = Self.refusal(Self.request(signers))
        if accepted {
            #expect(error == nil, "\(portions): \(error?.message ?? "")")
        } else {
            #expect((error?.code.name, error?.field) == ("PORTIONS_INVALID", "signers"), "\(portions)")
        }
    }

    @Test func theRefusalSaysWhoPays() throws {
        #expect(try #require(Self.refusal(Self.request([Self.jose]))).message.hasSuffix("nobody pays"))
        let two = [Self.ana, Self.signer(Self.jose, ["portion": "50"])]
        #expect(try #require(Self.refusal(Self.request(two))).message.hasSuffix("the portions are 50 + 100"))
    }

    @Test func eachRUTSignsOnce() throws {
        let error = try #require(
            Self.refusal(Self.request([Self.ana, Self.signer(Self.jose, ["rutId": "11111111-1"])])))
        #expect((error.code.name, error.field) == ("DUPLICATE_SIGNER", "signers[1].rutId"))
    }

    @Test(arguments: [0, 11])
    func oneToTenSigners(_ count: Int) throws {
        let signers = (0..<count).map {
            Self.signer(Self.jose, ["rutId": .string("\(10_000_000 + $0)-\(RUTCheck.digit(10_000_000 + $0))")])
        }
        let error = try #require(Self.refusal(Self.request(signers)))
        #expect((error.code.name, error.field) == ("SIGNER_COUNT_INVALID", "signers"))
    }

    @Test(
        arguments: [
            (["iSignedCount": 2], "SIGNED_COUNT_MISMATCH", "iSignedCount"),
            (["iSignedCount": nil], "MISSING_FIELD", "iSignedCount"),
            (["iContractTypeFeeID": 0], "FEE_ID_INVALID", "iContractTypeFeeID"),
            (["iContractTypeFeeID": -118], "FEE_ID_INVALID", "iContractTypeFeeID"),
            (["iPaymentService": -1], "PAYMENT_SERVICE_INVALID", "iPaymentService"),
            (["sOwnerType": "EMPRESA"], "OWNER_TYPE_INVALID", "sOwnerType"),
            (["sOwnerType": nil], "MISSING_FIELD", "sOwnerType"),
            (["sPaymentStatus": "FREE"], "PAYMENT_STATUS_INVALID", "sPaymentStatus"),
            (["callback": "ejemplo.com"], "CALLBACK_INVALID", "callback"),
            (["signers": "ana"], "WRONG_TYPE", "signers"),
            (["extra": 1], "UNKNOWN_FIELD", "extra"),
        ] as [([String: JSON?], String, String)])
    func contractRefusals(_ changes: [String: JSON?], _ code: String, _ field: String) throws {
        let error = try #require(Self.refusal(Self.request([Self.ana], changes)))
        #expect((error.code.name, error.field) == (code, field), "\(error.message)")
    }

    @Test(
        arguments: [
            (["email": "ana@"], "EMAIL_INVALID", "signers[0].email"),
            (["rutId": "11.111.111-2"], "RUT_INVALIDO", "signers[0].rutId"),
            (["phone": "12"], "PHONE_INVALID", "signers[0].phone"), (["type": nil], "MISSING_FIELD", "signers[0].type"),
            (["type": "EMPRESA"], "SIGNER_TYPE_INVALID", "signers[0].type"),
            (["portion": "30"], "PORTION_INVALID", "signers[0].portion"),
            (["payment": "10.00"], "PAYMENT_INVALID", "signers[0].payment"),
            (["full_name": " "], "EMPTY_FIELD", "signers[0].full_name"),
            (["rol": 3], "UNKNOWN_FIELD", "signers[0].rol"),
        ] as [([String: JSON?], String, String)])
    func signerRefusalsNameTheSigner(_ changes: [String: JSON?], _ code: String, _ field: String) throws {
        let error = try #require(Self.refusal(Self.request([Self.signer(Self.ana, changes)])))
        #expect((error.code.name, error.field) == (code, field), "\(error.message)")
    }
}

/// A RUT's check digit, for making distinct valid RUTs.
enum RUTCheck {
    static func digit(_ body: Int) -> String {
        var sum = 0
        var factor = 2
        var rest = body
        while rest > 0 {
            sum += rest % 10 * factor
            rest /= 10
            factor = factor == 7 ? 2 : factor + 1
        }
        let value = 11 - sum % 11
        return value == 11 ? "0" : value == 10 ? "K" : String(value)
    }
}
