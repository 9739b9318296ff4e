/// create-contract-express's request (API.md "Firma Virtual and FES today", CHILE_2026.md §1.3):
/// the contract, its signers and its PDF in one call. Checked locally (nothing is sent when a
/// check fails), then written with the service's spellings and the PDF inline as base64 in
/// `document.content_file`.
struct FVExpressRequest {
    private typealias V = FVValidation

    static let fields = [
        "sOwnerType", "iContractTypeFeeID", "iSignedCount", "signers", "sContractName", "callback",
        "iAgreementId", "iPriceId", "provider", "file_path", "content_base64",
    ]
    static let signerFields = ["full_name", "email", "rutId", "phone", "rol", "order", "type", "portion", "payment"]
    /// `rol`: 0 signs, 3 pays (CHILE_2026 §1.3, TTX).
    static let roles: Set<Int> = [0, 3]
    /// `provider` values seen in use: LEXGOSIGN selects an advanced electronic signature (FEA).
    static let knownProviders = ["LEXGOSIGN"]

    /// Every member of the body but `document`, in the order the integrations send them.
    let body: JSONObject
    let document: FVDocument
    let contractName: String?

    /// - Parameter checkDocument: the PDF checks shared with fv_upload_document.
    init(
        _ json: RequestObject, found: inout ReadFacts,
        checkDocument: (_ prefix: [UInt8], _ size: Int64, _ field: String) throws(SelloError) -> Void
    ) throws(SelloError) {
        let reader = try FieldReader(json, allowed: FVExpressRequest.fields)
        var problems = Problems()
        var body = JSONObject()
        problems.append("sOwnerType", to: &body) { () throws(SelloError) in
            guard let ownerType = try reader.string("sOwnerType") else { throw V.missing("sOwnerType") }
            return try V.choice(ownerType, V.personTypes, field: "sOwnerType", code: .ownerTypeInvalid)
        }
        problems.check { () throws(SelloError) in
            guard let fee = try reader.int("iContractTypeFeeID") else { throw V.missing("iContractTypeFeeID") }
            // Fee ids are per account and plan (49, 109 in use): only their form is checked.
            guard fee > 0 else {
                throw V.invalid(
                    .feeIdInvalid,
                    "'iContractTypeFeeID' must be a positive fee id (see fv_list_contract_types), got \(fee)",
                    field: "iContractTypeFeeID")
            }
            body.append("iContractTypeFeeID", .int(Int64(fee)))
        }
        FVExpressRequest.signers(reader, into: &body, problems: &problems)
        contractName = problems.check { () throws(SelloError) in try V.optionalText(reader, "sContractName") } ?? nil
        if let contractName { body.append("sContractName", .string(contractName)) }
        FVExpressRequest.options(reader, into: &body, problems: &problems, found: &found)
        let document = problems.check { () throws(SelloError) in
            try FVDocument.read(reader, check: checkDocument)
        }
        try problems.throwIfAny()
        guard let document else { throw .internal("create_contract_express: a document without a value") }
        self.body = body
        self.document = document
    }

    /// `callback`, `iAgreementId`, `iPriceId` and `provider`, each when given.
    static func options(
        _ reader: FieldReader, into body: inout JSONObject, problems: inout Problems, found: inout ReadFacts
    ) {
        problems.check { () throws(SelloError) in
            if let callback = try reader.string("callback") {
                body.append("callback", .string(try V.callbackURL(callback)))
            }
        }
        for key in ["iAgreementId", "iPriceId"] {
            problems.check { () throws(SelloError) in
                guard let value = try reader.int(key) else { return }
                guard value >= 0 else {
                    throw V.invalid(
                        key == "iPriceId" ? .priceIdInvalid : .agreementIdInvalid,
                        "'\(key)' must be 0 or more, got \(value)", field: key)
                }
                body.append(key, .int(Int64(value)))
            }
        }
        problems.check { () throws(SelloError) in
            guard let provider = try V.optionalText(reader, "provider") else { return }
            let upper = provider.uppercased()
            if !FVExpressRequest.knownProviders.contains(upper) {
                found.warn(
                    Warning(
                        kind: .validation, code: .unknownProvider,
                        message: "provider \(Quote.value(provider)) is sent as given; the only value "
                            + "seen in use is LEXGOSIGN (advanced signature)",
                        field: "provider"))
            }
            body.append("provider", .string(upper))
        }
    }

    /// 1 to 10 signers; one payer of 100 or two of 50 (a payer is a signer with a portion); then
    /// `iSignedCount`, which, when given, must count them.
    static func signers(_ reader: FieldReader, into body: inout JSONObject, problems: inout Problems) {
        let list = problems.check { () throws(SelloError) -> [JSON] in
            guard let list = try reader.array("signers") else { throw V.missing("signers") }
            return list
        }
        let signers =
            list.map { list in
                FVContractRequest.checkedSigners(
                    list, problems: &problems,
                    rule: "at most two signers pay, and their portions add up to 100 (one pays \"100\", or two "
                        + "pay \"50\" each; the others \"0\")"
                ) { item, position, prefix, own in
                    signer(item, position: position, prefix: prefix, problems: &own)
                }
            } ?? []
        problems.check { () throws(SelloError) in
            if let count = try reader.int("iSignedCount"), let list, count != list.count {
                throw V.invalid(
                    .signedCountMismatch,
                    "'iSignedCount' is \(count) but 'signers' lists \(list.count); they must match",
                    field: "iSignedCount")
            }
        }
        body.append("iSignedCount", .int(Int64(signers.count)))
        body.append("signers", .array(signers))
    }

    /// One signer in the order the integrations write it (`position` is its default `order`;
    /// `prefix` names it in messages), or nil when it has problems (in `problems`, named inside the
    /// signer by the caller).
    static func signer(_ json: JSON, position: Int, prefix: String, problems: inout Problems) -> (JSONObject, Int)? {
        guard let reader = problems.check({ () throws(SelloError) in try FieldReader(json, allowed: signerFields) })
        else { return nil }
        var object = JSONObject()
        V.signerIdentity(reader, prefix: prefix, phone: .chilean, into: &object, problems: &problems)
        let rol = problems.check { () throws(SelloError) -> Int in
            let rol = try reader.int("rol") ?? 0
            guard roles.contains(rol) else {
                throw V.invalid(.rolInvalid, "'rol' must be 0 (signs) or 3 (pays), got \(rol)", field: "rol")
            }
            object.append("rol", .int(Int64(rol)))
            return rol
        }
        problems.check { () throws(SelloError) in
            let order = try reader.int("order") ?? position
            guard order > 0 else {
                throw V.invalid(
                    .orderInvalid, "'order' must be a positive integer (1 signs first), got \(order)", field: "order")
            }
            object.append("order", .int(Int64(order)))
        }
        problems.append("type", to: &object) { () throws(SelloError) in
            guard let value = try reader.string("type") else { return "NATURAL" }
            return try V.choice(value, V.personTypes, field: "type", code: .signerTypeInvalid)
        }
        let percent = problems.check { () throws(SelloError) -> Int in
            guard let value = reader.member("portion"), !value.isNull else { return 0 }
            return try V.portion(value, field: "portion").percent
        }
        if let percent { object.append("portion", .string(String(percent))) }
        if rol == 3, percent == 0 {
            problems.add(
                V.invalid(
                    .portionsInvalid, "a payer (rol 3) must pay a portion: give it \"100\" or \"50\"", field: "portion")
            )
        }
        problems.check { () throws(SelloError) in try V.payment(reader.member("payment"), field: "payment") }
        object.append("payment", "0.00")
        return problems.isEmpty ? (object, percent ?? 0) : nil
    }

    /// The request body: everything in `body`, then `document.content_file`, last, so that a
    /// file can be streamed between the JSON before it and the two closing braces after it.
    func httpBody() -> HTTPBody {
        switch document {
        case .file(let path):
            var prefix = JSONWriter.encode(.object(body))
            prefix.removeLast() // the closing brace: `body` always has members, so a comma follows
            prefix.append(contentsOf: Array(#","document":{"content_file":""#.utf8))
            return .base64File(prefix: prefix, path: path, suffix: Array(#""}}"#.utf8), contentType: "application/json")
        case .bytes(let bytes):
            var whole = body
            whole.append("document", ["content_file": .string(Base64.encode(bytes))])
            return .bytes(JSONWriter.encode(.object(whole)), contentType: "application/json")
        }
    }
}
