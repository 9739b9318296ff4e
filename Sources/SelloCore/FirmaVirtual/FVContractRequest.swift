/// CreateContract's request: checked against the seed's rules, sent in the seed's order. Every
/// problem of the contract and of each signer is found in one pass (`Problems`).
enum FVContractRequest {
    private typealias V = FVValidation

    static let fields = [
        "sOwnerType", "sPaymentStatus", "iPaymentService", "iContractTypeFeeID", "iSignedCount", "callback", "signers",
    ]
    static let signerFields = ["full_name", "email", "rutId", "phone", "type", "portion", "payment"]

    /// Defaults where the seed gives one: sPaymentStatus "PENDING" ("Valor asignado por
    /// default"), iPaymentService 0 ("0:WEBPAY", the only one active), a signer's payment
    /// "0.00" ("debe ir con 0.00 para todos los casos") and portion 0 (a signer who does not pay).
    static func body(_ json: RequestObject) throws(SelloError) -> JSONObject {
        let reader = try FieldReader(json, allowed: fields)
        var problems = Problems()
        var body = JSONObject()
        problems.append("sOwnerType", to: &body) { () throws(SelloError) in
            guard let ownerType = try reader.string("sOwnerType") else { throw V.missing("sOwnerType") }
            return try V.choice(ownerType, V.personTypes, field: "sOwnerType", code: .ownerTypeInvalid)
        }
        problems.append("sPaymentStatus", to: &body) { () throws(SelloError) in
            guard let value = try reader.string("sPaymentStatus") else { return "PENDING" }
            // The seed's examples write PAYOUT where its tables say PAIDOUT: both mean paid.
            let spelled = FVReaders.isPaid(.string(value)) == true ? "PAIDOUT" : value
            return try V.choice(spelled, V.paymentStatuses, field: "sPaymentStatus", code: .paymentStatusInvalid)
        }
        problems.check { () throws(SelloError) in
            let service = try reader.int("iPaymentService") ?? 0
            guard service >= 0 else {
                throw V.invalid(
                    .paymentServiceInvalid,
                    "'iPaymentService' must be 0 (WEBPAY) or another service number, got \(service)",
                    field: "iPaymentService")
            }
            body.append("iPaymentService", .int(Int64(service)))
        }
        problems.check { () throws(SelloError) in
            guard let fee = try reader.int("iContractTypeFeeID") else { throw V.missing("iContractTypeFeeID") }
            // The ids depend on the account's plan (CHILE_2026 §1.3), as for the express path.
            guard fee > 0 else {
                throw V.invalid(
                    .feeIdInvalid,
                    "'iContractTypeFeeID' must be a positive fee id (see fv_list_contract_types), got \(fee)",
                    field: "iContractTypeFeeID")
            }
            body.append("iContractTypeFeeID", .int(Int64(fee)))
        }
        let signedCount = problems.check { () throws(SelloError) -> Int in
            guard let count = try reader.int("iSignedCount") else { throw V.missing("iSignedCount") }
            body.append("iSignedCount", .int(Int64(count)))
            return count
        }
        problems.check { () throws(SelloError) in
            if let callback = try reader.string("callback") {
                body.append("callback", .string(try V.callbackURL(callback)))
            }
        }
        signers(reader, signedCount: signedCount, into: &body, problems: &problems)
        try problems.throwIfAny()
        return body
    }

    /// `signers`, checked (`checkedSigners`) and counted against `iSignedCount`.
    static func signers(_ reader: FieldReader, signedCount: Int?, into body: inout JSONObject, problems: inout Problems)
    {
        let list = problems.check { () throws(SelloError) -> [JSON] in
            guard let list = try reader.array("signers") else { throw V.missing("signers") }
            return list
        }
        if let list {
            if let signedCount, signedCount != list.count, (1...V.maxSigners).contains(list.count) {
                problems.add(
                    V.invalid(
                        .signedCountMismatch,
                        "'iSignedCount' is \(signedCount) but 'signers' lists \(list.count); they must match",
                        field: "iSignedCount"))
            }
            let signers = checkedSigners(list, problems: &problems) { item, _, prefix, own in
                signer(item, prefix: prefix, problems: &own)
            }
            body.append("signers", .array(signers))
        }
    }

    /// A contract's signers, CreateContract's and create-contract-express's alike: 1 to 10 of
    /// them, each read by `read` (its position from 1, its prefix, its own problems, which are then
    /// named inside it: `signers[1].email`), no RUT twice, and — once every signer could be
    /// read — the payment rule (`checkPortions`, in the operation's `rule`).
    static func checkedSigners(
        _ list: [JSON], problems: inout Problems, rule: String? = nil,
        read: (JSON, Int, String, inout Problems) -> (JSONObject, Int)?
    ) -> [JSON] {
        guard (1...V.maxSigners).contains(list.count) else {
            problems.add(
                V.invalid(
                    .signerCountInvalid,
                    "a contract has 1 to \(V.maxSigners) signers (\"máximo de 10 participantes por contrato\"), "
                        + "got \(list.count)",
                    field: "signers"))
            return []
        }
        var signers: [JSON] = []
        var payers: [Int] = []
        var ruts: Set<String> = []
        for (index, item) in list.enumerated() {
            let prefix = "signers[\(index)]"
            var own = Problems()
            let read = read(item, index + 1, prefix, &own)
            problems.add(own, prefix: prefix)
            guard let (signer, percent) = read, own.isEmpty else { continue }
            if let rut = signer["rutId"]?.stringValue, !ruts.insert(rut).inserted {
                problems.add(
                    V.invalid(
                        .duplicateSigner, "\(prefix): the RUT \(rut) is already another signer's",
                        field: "\(prefix).rutId"))
            }
            if percent > 0 { payers.append(percent) }
            signers.append(.object(signer))
        }
        if signers.count == list.count {
            problems.check { () throws(SelloError) in
                if let rule { try checkPortions(payers, rule: rule) } else { try checkPortions(payers) }
            }
        }
        return signers
    }

    /// The seed's payment rule, for CreateContract and create-contract-express alike: one payer
    /// of 100, or two of 50. `rule` says it in the words of the operation's fields.
    static func checkPortions(
        _ payers: [Int],
        rule: String = "one signer pays 100 or two signers pay 50 each (\"pueden pagar máximo dos personas "
            + "mínimo una\"), the others 0 or no portion"
    ) throws(SelloError) {
        let sorted = payers.sorted()
        guard sorted == [100] || sorted == [50, 50] else {
            let shown =
                sorted.isEmpty ? "nobody pays" : "the portions are " + sorted.map(String.init).joined(separator: " + ")
            throw V.invalid(.portionsInvalid, "\(rule); \(shown)", field: "signers")
        }
    }

    /// One signer in the seed's order, or nil when it has problems (in `problems`).
    static func signer(_ json: JSON, prefix: String, problems: inout Problems) -> (JSONObject, Int)? {
        guard let reader = problems.check({ () throws(SelloError) in try FieldReader(json, allowed: signerFields) })
        else { return nil }
        var object = JSONObject()
        V.signerIdentity(reader, prefix: prefix, phone: .seed, into: &object, problems: &problems)
        problems.append("type", to: &object) { () throws(SelloError) in
            guard let type = try reader.string("type") else { throw V.missing("type") }
            return try V.choice(type, V.personTypes, field: "\(prefix).type", code: .signerTypeInvalid)
        }
        var percent = 0
        problems.check { () throws(SelloError) in
            var portion: (percent: Int, json: JSON) = (0, .int(0))
            if let value = reader.member("portion"), !value.isNull {
                portion = try V.portion(value, field: "\(prefix).portion")
            }
            object.append("portion", portion.json)
            percent = portion.percent
        }
        problems.check { () throws(SelloError) in
            try V.payment(reader.member("payment"), field: "\(prefix).payment")
        }
        object.append("payment", "0.00")
        return problems.isEmpty ? (object, percent) : nil
    }
}
