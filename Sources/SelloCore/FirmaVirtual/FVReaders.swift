/// Tolerant readers of Firma Virtual's answers, whose shapes differ between the seed, its own
/// examples and the code that calls the live service (CHILE_2026.md §1.3–1.6): the library
/// accepts every shape seen and gives the caller one.
enum FVReaders {
    /// "PAIDOUT" (the seed's tables) and "PAYOUT" (its examples) both mean paid; "PENDING" not;
    /// nil for anything else.
    static func isPaid(_ value: JSON?) -> Bool? {
        guard let text = value?.stringValue?.trimmingSpaces.uppercased() else { return nil }
        switch text {
        case "PAIDOUT", "PAYOUT": return true
        case "PENDING": return false
        default: return nil
        }
    }

    /// `object` with `paid` added (a field of the library's) when its `key` holds a payment status.
    static func withPaid(_ object: JSONObject, from key: String) -> JSONObject {
        guard let paid = isPaid(object[key]), object["paid"] == nil else { return object }
        var copy = object
        copy.append("paid", .bool(paid))
        return copy
    }

    /// GetOneContract's and ContractOwner's contracts: `paid` from `sPaymentStatus`.
    static func contract(_ message: JSON) -> JSON {
        switch message {
        case .object(let object): return .object(withPaid(object, from: "sPaymentStatus"))
        case .array(let items): return .array(items.map(contract))
        default: return message
        }
    }

    /// ContratcDetail's message with `contrato` always an array (the seed's shape; some callers
    /// of the live service read it as an object), and `paid` on the contract and each signer.
    static func contractDetail(_ message: JSON) -> JSON {
        guard var detail = message.objectValue else { return message }
        switch detail["contrato"] {
        case .object(let object)?: detail["contrato"] = [contract(.object(object))]
        case .array(let items)?: detail["contrato"] = .array(items.map(contract))
        default: break
        }
        if let signers = detail["firmantes"]?.arrayValue {
            detail["firmantes"] = .array(
                signers.map { $0.objectValue.map { .object(withPaid($0, from: "payment")) } ?? $0 })
        }
        return .object(detail)
    }

    /// The contract of a (normalised) detail: the first object of `contrato`.
    static func detailContract(_ detail: JSON) -> JSONObject? {
        detail["contrato"]?.arrayValue?.first?.objectValue
    }

    // MARK: - SendContract's report

    /// The warning of a SendContract answer whose `fail_count` (a number or numeric string: the
    /// seed's table types its counts loosely) is above 0: how many of how many, and to whom with
    /// the service's `info_mail.info` (never the tokens beside it). nil when every mail went.
    static func mailsNotSent(_ message: JSON) -> Warning? {
        guard let report = message.objectValue, let failed = count(report["fail_count"]), failed > 0 else {
            return nil
        }
        let sent = count(report["ok_count"])
        let details = report["info_detail"]?.arrayValue ?? []
        let failures = details.compactMap { item -> String? in
            guard let entry = item.objectValue,
                entry["status_mail"]?.stringValue?.trimmingSpaces.lowercased() != "success"
            else { return nil }
            let who = entry["email"]?.stringValue ?? entry["full_name"]?.stringValue ?? "a signer"
            let info = entry["info_mail"]?.objectValue?["info"]?.stringValue ?? entry["info_mail"]?.stringValue
            return info.map { "\(who) (\(Quote.value($0, quoted: false)))" } ?? who
        }
        let total = sent.map { " of \(failed + min($0, Int.max - failed))" } ?? ""
        let whom = failures.isEmpty ? "" : ": " + failures.prefix(10).joined(separator: "; ")
        return Warning(
            kind: .service, code: .mailNotSent,
            message: "Firma Virtual could not e-mail \(failed)\(total) signers (fail_count \(failed))\(whom); "
                + "send the contract again or reach those signers another way")
    }

    /// A count, from a number or a numeric string; nil for anything else or a negative.
    static func count(_ value: JSON?) -> Int? {
        if let number = value?.intValue, number >= 0, number <= Int64(Int32.max) { return Int(number) }
        if let text = value?.stringValue, let number = Int(text.trimmingSpaces), number >= 0 { return number }
        return nil
    }

    // MARK: - The contract id of create-contract-express

    static let contractIDKeys = ["sContractID", "contractID", "contractId"]

    /// An object, or the first element of an array when that is an object.
    static func objectOrFirst(_ value: JSON?) -> JSONObject? {
        switch value {
        case .object(let object)?: return object
        case .array(let items)?: return items.first?.objectValue
        default: return nil
        }
    }

    /// The contract id of an answer, and the object that carried it: in `message.contract`
    /// (object or first element), then `message` (object or first element: the seed's
    /// `[contract, [signers]]`), then the top level; under sContractID, contractID or contractId.
    static func contractID(message: JSON, answer: JSONObject) -> (id: String, holder: JSONObject)? {
        let candidates = [objectOrFirst(objectOrFirst(message)?["contract"]), objectOrFirst(message), answer]
        for case let object? in candidates {
            for key in contractIDKeys {
                switch object[key] {
                case .string(let text)? where !text.trimmingSpaces.isEmpty: return (text.trimmingSpaces, object)
                case .int(let number)?: return (String(number), object)
                default: continue
                }
            }
        }
        return nil
    }
}
