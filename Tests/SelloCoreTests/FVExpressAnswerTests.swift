import Testing

@testable import SelloCore

/// create-contract-express's answer without `status` (CHILE_2026 §1.3: GT expects a top-level
/// `sContractID` and `sStatus`; the shape is recorded nowhere): a 2xx JSON object that carries a
/// contract id at its top level is the contract, created, read with a STATUS_MISSING warning;
/// anything else without `status` stays the unreadable answer it was.
@Suite struct FVExpressAnswerTests {
    static let id = "22c886c1-c83c-44c4-a1be-2e976fef7303"

    static func read(_ body: String, status: Int = 201, express: Bool = true) -> Result<JSON, SelloError> {
        let response = HTTPResponse(status: status, contentType: "application/json", body: Array(body.utf8))
        var found = ReadFacts()
        return Result { () throws(SelloError) -> JSON in
            let (message, answer) = try FVAnswer.read(
                response, redactor: Redactor(secrets: []), authenticated: true, found: &found,
                acceptsWithoutStatus: express ? FVClient.carriesContractID : nil)
            let data = FVClient.expressData(message, answer: answer, contractName: "corr-9", found: &found)
            #expect(found.warnings.map(\.code) == [.statusMissing])
            #expect(found.warnings.first?.kind == .protocol)
            #expect(found.warnings.first?.message.contains(id) == true)
            return data
        }
    }

    @Test(arguments: ["sContractID", "contractID", "contractId"])
    func aTopLevelIdWithoutStatusIsTheContract(_ key: String) throws {
        let data = try Self.read(#"{"\#(key)": "\#(Self.id)", "sStatus": "CREATED"}"#).get()
        #expect(data["sContractID"]?.stringValue == Self.id)
        #expect(data["sStatus"]?.stringValue == "CREATED")
        #expect(data["sContractName"]?.stringValue == "corr-9")
        #expect(data["message"] == .null)
        #expect(
            try Self.read(#"{"sContractID": "\#(Self.id)"}"#, status: 200).get()["sContractID"]?.stringValue == Self.id)
    }

    @Test(arguments: [
        (#"{"sStatus": "CREATED"}"#, 201), (#"{"sContractID": ""}"#, 201), ("[]", 201), ("", 201),
        (#"{"sContractID": "\#(id)"}"#, 400), (#"{"sContractID": "\#(id)"}"#, 500),
    ])
    func withoutAnIdOrA2xxItIsUnreadable(_ body: String, _ status: Int) {
        guard case .failure(let error) = Self.read(body, status: status) else {
            Issue.record("\(body) at \(status) was read")
            return
        }
        #expect(error.code != .statusMissing)
        if status == 201 { #expect(error.code == .invalidAnswer) }
    }

    /// Other operations keep the envelope rule.
    @Test func otherOperationsNeedTheStatus() {
        guard case .failure(let error) = Self.read(#"{"sContractID": "\#(Self.id)"}"#, express: false) else {
            Issue.record("read without status")
            return
        }
        #expect(error.kind == .protocol && error.code == .invalidAnswer)
    }
}
