/// create-contract-express: the contract, its signers and its PDF in one call, the way every
/// integration of the live service seen in 2024–2026 creates contracts (CHILE_2026.md §1.3).
extension FVClient {
    /// POST /api/v1/contract/create-contract-express. Never sent twice once it may have reached
    /// the service (a contract is billed). `data`: {"sContractID", "sStatus", "sContractName",
    /// "message"}, and "request_id", "url" when the answer has them; an ok answer without a
    /// contract id is ok with a CONTRACT_ID_MISSING warning;
    /// a 2xx answer without `status` but with a top-level contract id is ok with STATUS_MISSING.
    public static let createContractExpress = operation("create_contract_express") {
        client, json, found throws(SelloError) in
        let request = try FVExpressRequest(json, found: &found) { (prefix, size, field) throws(SelloError) in
            try client.checkDocument(prefix: prefix, size: size, field: field)
        }
        var call = FVCall(
            .post, FVPath.createContractExpress, body: request.httpBody(),
            replay: .onlyIfNotSent(
                consequence: "the contract may have been created, and it is billed", advice: FVAdvice.contractCreated))
        call.reportsProgress = true
        call.fileField = request.document.fileField
        let contractName = request.contractName
        call.acceptsWithoutStatus = FVClient.carriesContractID
        call.reader = { message, answer, found in
            FVClient.expressData(message, answer: answer, contractName: contractName, found: &found)
        }
        return call
    }

    /// An answer without `status` that carries a contract id at its top level (GT's expected
    /// `{"sContractID", "sStatus"}`, CHILE_2026 §1.3) is the contract, created: its id must not
    /// be thrown away with an INVALID_ANSWER (the contract is billed).
    @Sendable static func carriesContractID(_ answer: JSONObject) -> Bool {
        FVReaders.contractID(message: .null, answer: answer) != nil
    }

    /// The envelope's `data`: the contract id wherever the answer put it, and the message.
    static func expressData(_ message: JSON, answer: JSONObject, contractName: String?, found: inout ReadFacts) -> JSON
    {
        let located = FVReaders.contractID(message: message, answer: answer)
        if located == nil {
            let lookFor =
                contractName.map { "find it by its sContractName '\($0)' with fv_list_owner_contracts" }
                ?? "no sContractName was given, so find it among the owner's contracts (fv_list_owner_contracts) by "
                + "its date; a unique sContractName per contract makes this certain"
            found.warn(
                Warning(
                    kind: .protocol, code: .contractIdMissing,
                    message: "Firma Virtual accepted the contract but its answer carries no contract id "
                        + "(sContractID, contractID or contractId in message.contract, message or the "
                        + "answer itself); it was created: \(lookFor), and do not create it again (it "
                        + "would be billed twice)",
                    field: "sContractName"))
        }
        var data = JSONObject()
        data.append("sContractID", JSON(located?.id))
        data.append("sStatus", located?.holder["sStatus"].flatMap { $0.stringValue.map(JSON.string) } ?? .null)
        data.append("sContractName", JSON(contractName))
        data.append("message", message)
        // CHILE_2026 §1.4: TTX's comments show an answer with `request_id` and a sometimes-present
        // `url` (a signing link); "reading request_id/url if present costs nothing". Kept when
        // present (a string or an integer id, a string url), never needed.
        if let id = answer["request_id"], id.stringValue != nil || id.intValue != nil {
            data.append("request_id", id)
        }
        if let url = answer["url"], url.stringValue != nil { data.append("url", url) }
        return .object(data)
    }
}
