import Testing

@testable import SelloCore

#if canImport(Glibc)
import Glibc
#endif

/// The pieces of "Firma Virtual and FES today" (API.md) that live in the core: the contract id
/// finder, the callback status map, environments (express phones: FVValidationTests), the streamed base64 body.
@Suite struct ChileTodayTests {
    // MARK: - create-contract-express's contract id

    static let id = "daa84a29-e800-4115-abad-066971118ccf"

    @Test(arguments: [
        #"{"message":{"contract":{"sContractID":"@"}}}"#, // TTX's expectation
        #"{"message":{"contract":[{"sContractID":"@"}]}}"#, // an array of one
        #"{"message":[{"sContractID":"@","sStatus":"CREATED"},[{}]]}"#, // the seed's CreateContract
        #"{"message":{"contractID":"@"}}"#,
        #"{"message":"Contrato creado","contractId":"@"}"#, // GT: top level
    ])
    func theContractIDIsFoundInEveryShape(_ text: String) throws {
        let answer = try #require(try JSONParser.parse(text.replacing("@", with: Self.id)).objectValue)
        let found = FVReaders.contractID(message: answer["message"] ?? .null, answer: answer)
        #expect(found?.id == Self.id)
    }

    @Test func aMessageContractWinsOverTheTopLevel() throws {
        let answer = try #require(
            try JSONParser.parse(#"{"sContractID":"top","message":{"contract":{"sContractID":"inner"}}}"#).objectValue)
        #expect(FVReaders.contractID(message: answer["message"] ?? .null, answer: answer)?.id == "inner")
    }

    @Test(arguments: [
        #"{"message":{"msg":"ok"}}"#, #"{"message":[]}"#, #"{"message":{"contract":{"sContractID":"  "}}}"#,
    ])
    func noContractID(_ text: String) throws {
        let answer = try #require(try JSONParser.parse(text).objectValue)
        #expect(FVReaders.contractID(message: answer["message"] ?? .null, answer: answer) == nil)
    }

    // MARK: - Callbacks, payment, detail

    @Test func statusesMapToTheSeedsEnum() {
        #expect(FVCallback.status("FINISHED") == "FINISHED")
        #expect(FVCallback.status(" signed_pending ") == "SIGNED_PENDING")
        #expect(FVCallback.status("firmado") == "OTHER")
        #expect(FVCallback.status("OTHER") == "OTHER")
    }

    @Test func payoutAndPaidoutBothMeanPaid() {
        #expect(FVReaders.isPaid("PAYOUT") == true)
        #expect(FVReaders.isPaid("PAIDOUT") == true)
        #expect(FVReaders.isPaid("PENDING") == false)
        #expect(FVReaders.isPaid("??") == nil)
    }

    @Test func aDetailsContratoIsAlwaysAnArray() throws {
        let asObject = try JSONParser.parse(
            #"{"contrato":{"sContractID":"x","sPaymentStatus":"PAIDOUT"},"firmantes":[{"payment":"PAYOUT"}]}"#)
        let detail = FVReaders.contractDetail(asObject)
        #expect(detail["contrato"]?.arrayValue?.count == 1)
        #expect(FVReaders.detailContract(detail)?["paid"] == .bool(true))
        #expect(detail["firmantes"]?.arrayValue?.first?["paid"] == .bool(true))
    }

    @Test func aDetailWithoutAContractCannotConfirm() throws {
        var found = ReadFacts()
        let callback = try FVCallback.read(["contract": [["sContractID": "x", "sStatus": "FINISHED"]]], found: &found)
        for detail: JSON in [["contrato": []], ["contrato": [["sContractID": "x"]]], "texto", ["firmantes": []]] {
            #expect(throws: SelloError.self) {
                try FVClient.confirmation(callback, detail: FVReaders.contractDetail(detail), found: &found)
            }
        }
        let other: JSON = ["contrato": [["sContractID": "y", "sStatus": "FINISHED"]]]
        #expect(throws: SelloError.self) { try FVClient.confirmation(callback, detail: other, found: &found) }
        let same: JSON = ["contrato": [["sContractID": "X", "sStatus": "finished"]]]
        #expect(try FVClient.confirmation(callback, detail: same, found: &found)["agrees"] == .bool(true))
    }

    @Test func errorTextsAreReadFromEveryMessageShape() {
        #expect(FVAnswer.messageText("VALIDATION-FAIL") == "VALIDATION-FAIL")
        #expect(FVAnswer.messageText(["msg": "Contract not found"]) == "Contract not found")
        #expect(FVAnswer.messageText(["JWT Token invalid", "x"]) == "JWT Token invalid")
        #expect(FVAnswer.messageText([["error": "error"]]) == "error")
        #expect(FVAnswer.messageText([1, 2]) == "[1,2]")
    }

    // MARK: - Environments

    @Test func environmentsResolveToTheirURLs() throws {
        #expect(
            try ServiceEnvironments.fv.resolve(baseURL: nil, environment: nil) == (
                "https://qa.firmavirtual.legal", "qa"
            ))
        #expect(
            try ServiceEnvironments.fv.resolve(baseURL: nil, environment: "sandbox").url
                == "https://test.firmavirtual.legal")
        #expect(
            try ServiceEnvironments.fv.resolve(baseURL: nil, environment: "Production").url
                == "https://api.firmavirtual.legal")
        #expect(
            try ServiceEnvironments.cfdi.resolve(baseURL: nil, environment: "test").url
                == "https://pruebas.pade.mx/servicio/rest")
        #expect(try ServiceEnvironments.fes.resolve(baseURL: "https://x.cl", environment: nil) == ("https://x.cl", nil))
    }

    @Test func refusedEnvironments() {
        func code(_ environments: ServiceEnvironments, _ baseURL: String?, _ environment: String?) -> String? {
            do {
                _ = try environments.resolve(baseURL: baseURL, environment: environment)
                return nil
            } catch {
                return error.code.name
            }
        }
        #expect(code(.fes, nil, "production") == "BASE_URL_REQUIRED")
        #expect(code(.fv, "https://x.cl", "qa") == "ENVIRONMENT_CONFLICT")
        #expect(code(.cfdi, nil, "staging") == "UNKNOWN_ENVIRONMENT")
    }

    // MARK: - The streamed base64 body

    @Test(arguments: [0, 1, 2, 3, 47, 48 * 1024 - 1, 48 * 1024, 48 * 1024 + 1, 200_003])
    func theStreamedBodyIsTheWholeEncoding(_ size: Int) throws {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let path = try temporaryFile(bytes)
        defer { unlink(path) }
        let body = try Base64FileBody(prefix: Array("{\"a\":\"".utf8), path: path, suffix: Array("\"}".utf8))
        var sent: [UInt8] = []
        var buffer = [CChar](repeating: 0, count: 1000) // smaller than a piece: pieces span reads
        while true {
            let count = buffer.withUnsafeMutableBufferPointer { body.read(into: $0.baseAddress!, capacity: $0.count) }
            if count == 0 { break }
            sent += buffer.prefix(count).map { UInt8(bitPattern: $0) }
        }
        #expect(sent == Array(("{\"a\":\"" + Base64.encode(bytes) + "\"}").utf8))
        #expect(Int64(sent.count) == body.length)
        #expect(body.rewind())
    }

    @Test func aFileThatShrinksAbortsTheBody() throws {
        let path = try temporaryFile([UInt8](repeating: 65, count: 100_000))
        defer { unlink(path) }
        let body = try Base64FileBody(prefix: [], path: path, suffix: [])
        #expect(truncate(path, 10) == 0)
        var buffer = [CChar](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBufferPointer { body.read(into: $0.baseAddress!, capacity: $0.count) }
        #expect(count == Int(CURL_READFUNC_ABORT_VALUE))
        #expect(body.failure?.code.name == "FILE_CHANGED")
    }

    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        var template = Array("/tmp/sello-test-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        try #require(written == bytes.count)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// CURL_READFUNC_ABORT, as the read callback returns it.
let CURL_READFUNC_ABORT_VALUE = 0x1000_0000
