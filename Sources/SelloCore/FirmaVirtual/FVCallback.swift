/// The POST Firma Virtual sends to a contract's `callback` URL when the contract changes state
/// (CHILE_2026.md §1.5): `{"contract": [{"sContractID", "sStatus", "sContractName", …}],
/// "signers": [...]}`, `contract` an array of one object (or an object). It is not
/// authenticated: anyone who knows the URL can post one, so fv_confirm_callback asks the
/// service before the caller acts on it.
public enum FVCallback {
    /// The seed's contract statuses ("sStatus … 'CREATED','REVIEW', …, 'FINISHED' y 'OTHER'").
    public static let statuses = [
        "CREATED", "REVIEW", "APPROVED", "REJECTED", "IN_NOTARY", "SIGNED_PENDING", "DELIVERED",
        "FINISHED", "OTHER",
    ]

    /// A callback as the library reads it.
    struct Parsed: Sendable {
        let contractID: String
        let rawStatus: String?
        /// The seed's enum, or OTHER; nil when the callback carries no status.
        let status: String?
        let data: JSON
    }

    /// The seed's status for a raw `sStatus`, compared without regard to case or spaces; OTHER
    /// for anything else.
    public static func status(_ raw: String) -> String {
        let upper = raw.trimmingSpaces.uppercased()
        return statuses.contains(upper) ? upper : "OTHER"
    }

    /// fv_parse_callback: `{"body": <the callback's body as text, or as parsed JSON>}`.
    public static let parseOperation = LocalOperation(service: "fv", "parse_callback") {
        json, found throws(SelloError) in
        try parse(request: json, found: &found).data
    }

    static func parse(request json: RequestObject, found: inout ReadFacts) throws(SelloError) -> Parsed {
        let reader = try FieldReader(json, allowed: ["body"])
        guard let body = reader.member("body"), !body.isNull else {
            throw MissingField.library.error(
                "body",
                message: "'body' is required: the callback's body as text, or as parsed JSON")
        }
        let object: JSONObject
        switch body {
        case .string(let text):
            guard let parsed = try? JSONParser.parse(text), let value = parsed.objectValue else {
                throw invalid("the callback body is not a JSON object")
            }
            object = value
        case .object(let value):
            object = value
        default:
            throw .invalidArgument(
                "'body' must be the callback's body as text or as a JSON object, got \(body.typeName)",
                field: "body", code: .wrongType)
        }
        return try read(object, found: &found)
    }

    /// The contract of a callback body: `contract` (first object of an array, or an object),
    /// with the body's own top level as the fallback for each field.
    static func read(_ body: JSONObject, found: inout ReadFacts) throws(SelloError) -> Parsed {
        let items = body["contract"]?.arrayValue
        if let items, items.count > 1 {
            found.warn(
                Warning(
                    kind: .validation, code: .severalContracts,
                    message: "the callback lists \(items.count) contracts; the first is read", field: "body.contract"))
        }
        let contract = FVReaders.objectOrFirst(body["contract"]) ?? JSONObject()
        func text(_ keys: [String]) -> String? {
            for object in [contract, body] {
                for key in keys {
                    switch object[key] {
                    case .string(let value)? where !value.trimmingSpaces.isEmpty: return value.trimmingSpaces
                    case .int(let value)?: return String(value)
                    default: continue
                    }
                }
            }
            return nil
        }
        guard let id = text(FVReaders.contractIDKeys) else {
            throw invalid("the callback carries no contract id (sContractID in 'contract' or at the top level)")
        }
        let rawStatus = text(["sStatus"])
        let status = rawStatus.map(FVCallback.status)
        if let rawStatus, status == "OTHER", rawStatus.uppercased() != "OTHER" {
            found.warn(
                Warning(
                    kind: .validation, code: .statusUnknown,
                    message: "sStatus '\(rawStatus)' is not one of the seed's statuses "
                        + "(\(statuses.joined(separator: ", "))): reported as OTHER",
                    field: "body.contract.sStatus"))
        }
        let signers = body["signers"]?.arrayValue ?? contract["signers"]?.arrayValue ?? []
        var data = JSONObject()
        data.append("sContractID", .string(id))
        data.append("sStatus", JSON(rawStatus))
        data.append("sContractName", JSON(text(["sContractName"])))
        data.append("status", JSON(status))
        data.append("signers", .array(signers))
        data.append("contract", .object(contract.isEmpty ? body : contract))
        return Parsed(contractID: id, rawStatus: rawStatus, status: status, data: .object(data))
    }

    static func invalid(_ message: String) -> SelloError {
        SelloError(.validation, .callbackInvalid, "\(message): not a Firma Virtual callback", field: "body")
    }
}

extension FVClient {
    /// fv_confirm_callback: parses a callback, then asks the contract's detail (GET
    /// /api/v1/contract/detail/{sContractID}) and returns the status the service confirms.
    public static let confirmCallback = operation("confirm_callback") { _, json, found throws(SelloError) in
        let callback = try FVCallback.parse(request: json, found: &found)
        guard FVValidation.isUUID(callback.contractID) else {
            throw FVValidation.invalid(
                .contractIdInvalid,
                "the callback's sContractID \(Quote.value(callback.contractID)) "
                    + "is not a contract id as the service issues them (a UUID); nothing was asked",
                field: "body")
        }
        var call = FVCall(.get, FVClient.path(FVPath.contractDetail, callback.contractID), replay: .idempotent)
        call.reader = { message, _, found throws(SelloError) in
            try FVClient.confirmation(callback, detail: FVReaders.contractDetail(message), found: &found)
        }
        return call
    }

    static func confirmation(_ callback: FVCallback.Parsed, detail: JSON, found: inout ReadFacts) throws(SelloError)
        -> JSON
    {
        guard let contract = FVReaders.detailContract(detail), let confirmed = contract["sStatus"]?.stringValue else {
            throw SelloError(
                .protocol, .invalidAnswer,
                "Firma Virtual's answer is not its documented JSON {code, status, message}: the contract "
                    + "detail carries no contrato with an sStatus, so the callback cannot be confirmed")
        }
        if let id = contract["sContractID"]?.stringValue, id.lowercased() != callback.contractID.lowercased() {
            throw SelloError(
                .protocol, .invalidAnswer,
                "Firma Virtual answered the detail of contract \(id) when asked for \(callback.contractID)")
        }
        let status = FVCallback.status(confirmed)
        let agrees =
            callback.rawStatus.map { $0.trimmingSpaces.uppercased() == confirmed.trimmingSpaces.uppercased() } ?? false
        if !agrees {
            found.warn(
                Warning(
                    kind: .service, code: .callbackStatusDiffers,
                    message: "the callback says \(callback.rawStatus.map { "'\($0)'" } ?? "no status"), "
                        + "the service says '\(confirmed)' now: act on the service's",
                    field: "body.contract.sStatus"))
        }
        var data = JSONObject()
        data.append("sContractID", .string(callback.contractID))
        data.append("sStatus", .string(confirmed))
        data.append("status", .string(status))
        data.append("sPaymentStatus", contract["sPaymentStatus"] ?? .null)
        data.append("paid", FVReaders.isPaid(contract["sPaymentStatus"]).map(JSON.bool) ?? .null)
        data.append("agrees", .bool(agrees))
        data.append("callback", callback.data)
        data.append("detail", detail)
        return .object(data)
    }
}
