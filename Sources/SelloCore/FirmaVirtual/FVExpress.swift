/// create-contract-express: the contract, its signers and its PDF in one call, the way every
/// integration of the live service seen in 2024–2026 creates contracts (CHILE_2026.md §1.3).
extension FVClient {
    /// POST /api/v1/contract/create-contract-express. Never sent twice once it may have reached
    /// the service (a contract is billed). `data`: {"sContractID", "sStatus", "sContractName",
    /// "message"}; an ok answer without a contract id is ok with a CONTRACT_ID_MISSING warning.
    public func createContractExpress(_ requestText: UnsafePointer<CChar>?) -> JSON {
        client.call("create_contract_express", requestText) { json, context throws(SelloError) in
            let request = try FVExpressRequest(json, context: context) { (prefix, size, field) throws(SelloError) in
                try self.checkDocument(prefix: prefix, size: size, field: field)
            }
            var call = FVCall(.post, "/api/v1/contract/create-contract-express", body: request.httpBody(),
                              replay: .onlyIfNotSent(consequence: "the contract may have been created, and it is billed"))
            call.reportsProgress = true
            let answer: (message: JSON, answer: JSONObject)
            do throws(SelloError) {
                answer = try self.sendReading(call, context: context)
            } catch {
                // The transport reports the streamed file's problems without knowing the field.
                var located = error
                if error.kind == .io, case .file = request.document, located.field == nil { located.field = "file_path" }
                throw located
            }
            return Self.expressData(answer.message, answer: answer.answer, contractName: request.contractName, context: context)
        }
    }

    /// The envelope's `data`: the contract id wherever the answer put it, and the message.
    static func expressData(_ message: JSON, answer: JSONObject, contractName: String?, context: CallContext) -> JSON {
        let found = FVReaders.contractID(message: message, answer: answer)
        if found == nil {
            let lookFor = contractName.map { "find it by its sContractName '\($0)' with fv_list_owner_contracts" }
                ?? "no sContractName was given, so find it among the owner's contracts (fv_list_owner_contracts) by its date; a unique sContractName per contract makes this certain"
            context.warn(Warning(kind: "protocol", code: "CONTRACT_ID_MISSING",
                                 message: "Firma Virtual accepted the contract but its answer carries no contract id (sContractID, contractID or contractId in message.contract, message or the answer itself); it was created: \(lookFor), and do not create it again (it would be billed twice)",
                                 field: "sContractName"))
        }
        var data = JSONObject()
        data.append("sContractID", JSON(found?.id))
        data.append("sStatus", found?.holder["sStatus"].flatMap { $0.stringValue.map(JSON.string) } ?? .null)
        data.append("sContractName", JSON(contractName))
        data.append("message", message)
        return .object(data)
    }
}
