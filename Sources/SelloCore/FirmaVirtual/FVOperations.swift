/// The operations of API.md §7, each with the seed's method, path and body. Path parameters
/// are request fields with the seed's names, validated and percent-encoded into the path.
extension FVClient {
    private typealias V = FVValidation

    static func json(_ object: JSONObject) -> HTTPBody {
        .bytes(JSONWriter.encode(.object(object)), contentType: "application/json")
    }

    /// The seed documents these POSTs without a body (the id is in the path).
    static let emptyJSONBody = HTTPBody.bytes([], contentType: "application/json")

    static func path(_ prefix: String, _ parameters: String...) -> String {
        prefix + parameters.map { "/" + Transfer.percentEncode($0) }.joined()
    }

    // MARK: - Users

    /// GetAllUser: GET /api/v1/userapp/{IDUser}.
    public func getUser(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("get_user", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["IDUser"])
            return FVCall(.get, Self.path("/api/v1/userapp", try V.positiveID(reader, "IDUser")), replay: .idempotent)
        }
    }

    /// CreateUserApp: POST /api/v1/userapp (no token, as documented).
    public func createUser(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("create_user", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(
                json,
                allowed: [
                    "iProfileID", "sRUT", "sFirstName", "sLastName", "sEmail", "sPhone",
                    "sLogin", "sPassword", "sComments", "sUserType",
                ])
            var body = JSONObject()
            if let profile = try reader.int("iProfileID") {
                guard profile >= 0 else {
                    throw V.invalid(
                        .profileIdInvalid,
                        "'iProfileID' must be 0 or more, got \(profile)", field: "iProfileID")
                }
                body.append("iProfileID", .int(Int64(profile)))
            }
            body.append("sRUT", .string(try V.rut(try V.text(reader, "sRUT"), field: "sRUT")))
            body.append("sFirstName", .string(try V.text(reader, "sFirstName")))
            body.append("sLastName", .string(try V.text(reader, "sLastName")))
            body.append("sEmail", .string(try V.email(try V.text(reader, "sEmail"), field: "sEmail")))
            body.append("sPhone", .string(try V.phone(try V.text(reader, "sPhone"), field: "sPhone")))
            body.append("sLogin", .string(try V.login(try V.text(reader, "sLogin"), field: "sLogin")))
            guard let password = try reader.string("sPassword") else { throw V.missing("sPassword") }
            guard !password.isEmpty else { throw V.invalid(.emptyField, "'sPassword' is empty", field: "sPassword") }
            body.append("sPassword", .string(password))
            if let comments = try reader.string("sComments") { body.append("sComments", .string(comments)) }
            if let type = try reader.string("sUserType") {
                body.append(
                    "sUserType", .string(try V.choice(type, V.personTypes, field: "sUserType", code: .userTypeInvalid)))
            }
            try ClientConfig.checkSecretLength(password, field: "sPassword")
            var call = FVCall(
                .post, "/api/v1/userapp", body: Self.json(body),
                replay: .onlyIfNotSent(consequence: "the user may have been created"))
            call.authenticated = false
            call.secrets = [password]
            return call
        }
    }

    /// UpdateUserApp: PUT /api/v1/userapp/{IDUser}; "Solo se puede actualizar nombre, apellido,
    /// teléfono".
    public func updateUser(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("update_user", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["IDUser", "sFirstName", "sLastName", "sPhone"])
            let id = try V.positiveID(reader, "IDUser")
            var body = JSONObject()
            if let first = try V.optionalText(reader, "sFirstName") { body.append("sFirstName", .string(first)) }
            if let last = try V.optionalText(reader, "sLastName") { body.append("sLastName", .string(last)) }
            if let phone = try V.optionalText(reader, "sPhone") {
                body.append("sPhone", .string(try V.phone(phone, field: "sPhone")))
            }
            guard !body.isEmpty else {
                throw .invalidArgument(
                    "nothing to update: give sFirstName, sLastName or sPhone (the only fields the service updates)",
                    code: .missingField)
            }
            // Setting the same values again changes nothing: safe to repeat.
            return FVCall(.put, Self.path("/api/v1/userapp", id), body: Self.json(body), replay: .idempotent)
        }
    }

    /// PasswordReset: POST /pwd/reset {"login": email}; the service e-mails a code.
    public func resetPassword(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("reset_password", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["login"])
            let login = try V.email(try V.text(reader, "login"), field: "login")
            var call = FVCall(
                .post, "/pwd/reset", body: Self.json(["login": .string(login)]),
                replay: .onlyIfNotSent(
                    consequence: "a reset code may have been e-mailed, and a second one would replace it"))
            call.authenticated = false
            return call
        }
    }

    /// NewPassword: POST /pwd/reset (the same path) {"login", "password" (the e-mailed code),
    /// "new_password"}.
    public func newPassword(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("new_password", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["login", "password", "new_password"])
            let login = try V.email(try V.text(reader, "login"), field: "login")
            guard let code = try reader.stringOrNumber("password") else { throw V.missing("password") }
            guard !code.trimmingSpaces.isEmpty else {
                throw V.invalid(
                    .emptyField,
                    "'password' (the e-mailed code) is empty", field: "password")
            }
            guard let newPassword = try reader.string("new_password") else { throw V.missing("new_password") }
            guard !newPassword.isEmpty else {
                throw V.invalid(
                    .emptyField,
                    "'new_password' is empty", field: "new_password")
            }
            try ClientConfig.checkSecretLength(newPassword, field: "new_password")
            // The code goes as the caller gave it (the seed types it integer, its example is a string).
            let codeJSON: JSON =
                reader.object["password"]?.stringValue != nil
                ? .string(code.trimmingSpaces) : reader.object["password"] ?? .null
            var call = FVCall(
                .post, "/pwd/reset",
                body: Self.json(["login": .string(login), "password": codeJSON, "new_password": .string(newPassword)]),
                replay: .onlyIfNotSent(
                    consequence: "the password may have been changed and the code spent"))
            call.authenticated = false
            call.secrets = [code, newPassword]
            return call
        }
    }

    // MARK: - Contracts

    /// GetOneContract: GET /api/v1/contract/{IDContract}.
    public func getContract(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("get_contract", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["IDContract"])
            var call = FVCall(
                .get, Self.path("/api/v1/contract", try V.contractID(reader, "IDContract")), replay: .idempotent)
            call.reader = { message, _, _ in FVReaders.contract(message) }
            return call
        }
    }

    /// CreateContract: POST /api/v1/contract/create-contract.
    public func createContract(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("create_contract", requestText) { json, _ throws(SelloError) in
            let body = try FVContractRequest.body(json)
            return FVCall(
                .post, "/api/v1/contract/create-contract", body: Self.json(body),
                replay: .onlyIfNotSent(consequence: "the contract may have been created"))
        }
    }

    /// GetContractType: GET /api/v1/contract-type/{QTYPE}/{QVALUE}.
    public func listContractTypes(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("list_contract_types", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["QTYPE", "QVALUE"])
            guard let rawType = try reader.string("QTYPE") else { throw V.missing("QTYPE") }
            let type = try V.choice(rawType, V.queryTypes, field: "QTYPE", code: .qtypeInvalid)
            let value = try V.queryValue(reader, type: type)
            return FVCall(.get, Self.path("/api/v1/contract-type", type, value), replay: .idempotent)
        }
    }

    /// ContractOwner: GET /api/v1/contract/owner/{IDOwner}.
    public func listOwnerContracts(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("list_owner_contracts", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["IDOwner"])
            var call = FVCall(
                .get, Self.path("/api/v1/contract/owner", try V.positiveID(reader, "IDOwner")), replay: .idempotent)
            call.reader = { message, _, _ in FVReaders.contract(message) }
            return call
        }
    }

    /// ContratcDetail: GET /api/v1/contract/detail/{ContractID}.
    public func getContractDetail(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("get_contract_detail", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["ContractID"])
            var call = FVCall(
                .get, Self.path("/api/v1/contract/detail", try V.contractID(reader, "ContractID")), replay: .idempotent)
            call.reader = { message, _, _ in FVReaders.contractDetail(message) }
            return call
        }
    }

    /// DeleteContract: POST (sic) /api/v1/contract/{IDContract}, no body.
    public func deleteContract(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("delete_contract", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["IDContract"])
            return FVCall(
                .post, Self.path("/api/v1/contract", try V.contractID(reader, "IDContract")), body: Self.emptyJSONBody,
                replay: .onlyIfNotSent(consequence: "the contract may have been deleted"))
        }
    }

    /// SendContract: POST /api/v1/contract/send/draft/{IDContract}, no body; e-mails every signer.
    public func sendContract(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("send_contract", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["IDContract"])
            return FVCall(
                .post, Self.path("/api/v1/contract/send/draft", try V.contractID(reader, "IDContract")),
                body: Self.emptyJSONBody,
                replay: .onlyIfNotSent(consequence: "the signers may have been e-mailed"))
        }
    }

    // MARK: - Documents

    /// SubirDocumentos: multipart POST /api/v1/upfile, part "file" named "<contractID>.pdf" (the
    /// service links the document to the contract by that name).
    public func uploadDocument(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("upload_document", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["contractID", "file_path", "content_base64"])
            let contractID = try V.contractID(reader, "contractID")
            let filePath = try reader.string("file_path")
            let base64 = try reader.string("content_base64")
            let fileName = "\(contractID).pdf"
            let body: HTTPBody
            var fileField: String?
            switch (filePath, base64) {
            case (let path?, nil):
                let size = try FileSystem.fileSize(path, field: "file_path")
                try self.checkDocument(
                    prefix: try FileSystem.readPrefix(path, count: 5, field: "file_path"), size: size,
                    field: "file_path")
                body = .multipartFile(field: "file", fileName: fileName, path: path, contentType: "application/pdf")
                fileField = "file_path"
            case (nil, let text?):
                guard let bytes = Base64.decode(text) else {
                    throw .invalidArgument(
                        "'content_base64' is not valid base64", field: "content_base64", code: .invalidBase64)
                }
                try self.checkDocument(
                    prefix: Array(bytes.prefix(5)), size: Int64(bytes.count), field: "content_base64")
                body = .multipartBytes(field: "file", fileName: fileName, bytes: bytes, contentType: "application/pdf")
            case (nil, nil):
                throw MissingField.library.error(
                    "file_path",
                    message: "give the PDF as 'file_path' (streamed from disk) or 'content_base64'")
            default:
                throw .invalidArgument("give either 'file_path' or 'content_base64', not both", field: "content_base64")
            }
            var call = FVCall(
                .post, "/api/v1/upfile", body: body,
                replay: .onlyIfNotSent(
                    consequence: "the document may have been attached to the contract"))
            call.reportsProgress = true
            call.fileField = fileField
            return call
        }
    }

    /// The service takes only PDF files of up to max_upload_bytes.
    func checkDocument(prefix: [UInt8], size: Int64, field: String) throws(SelloError) {
        guard size <= maxUploadBytes else {
            throw V.invalid(
                .fileTooLarge,
                "the document is \(size) bytes; the service takes PDF files of up to "
                    + "\(maxUploadBytes) bytes (max_upload_bytes)",
                field: field)
        }
        guard prefix == Array("%PDF-".utf8) else {
            let what = size == 0 ? "empty" : "not a PDF (it does not start with %PDF-)"
            throw V.invalid(.notAPdf, "the document is \(what); the service takes only PDF files", field: field)
        }
    }

    /// FileList: GET /api/v1/filelist/{ContractID}.
    public func listFiles(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("list_files", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["ContractID"])
            return FVCall(
                .get, Self.path("/api/v1/filelist", try V.contractID(reader, "ContractID")), replay: .idempotent)
        }
    }

    /// SortFiles: POST /api/v1/sortfiles {"contractID", "file_order": [{"document", "ind", "action"}]}.
    public func sortFiles(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("sort_files", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["contractID", "file_order"])
            let contractID = try V.contractID(reader, "contractID")
            guard let entries = try reader.array("file_order") else { throw V.missing("file_order") }
            guard !entries.isEmpty else {
                throw V.invalid(
                    .fileOrderInvalid,
                    "'file_order' is empty: list the documents to move (CHANGE) or "
                        + "remove (REMOVE)", field: "file_order")
            }
            var order: [JSON] = []
            var seen: Set<String> = []
            for (index, entry) in entries.enumerated() {
                let prefix = "file_order[\(index)]"
                let item: JSON = try V.nested(prefix) { () throws(SelloError) -> JSON in
                    let entryReader = try FieldReader(entry, allowed: ["document", "ind", "action"])
                    let document = try V.text(entryReader, "document")
                    guard let ind = try entryReader.int("ind") else { throw V.missing("ind") }
                    guard ind >= 0 else {
                        throw V.invalid(
                            .fileOrderInvalid,
                            "'ind' must be 0 or more (the document's position), got \(ind)", field: "ind")
                    }
                    guard let action = try entryReader.string("action") else { throw V.missing("action") }
                    let normalized = try V.choice(
                        action, ["CHANGE", "REMOVE"], field: "action", code: .fileOrderInvalid)
                    guard seen.insert(document).inserted else {
                        throw V.invalid(
                            .fileOrderInvalid,
                            "the document '\(V.shorten(document))' appears twice in file_order", field: "document")
                    }
                    return ["document": .string(document), "ind": .int(Int64(ind)), "action": .string(normalized)]
                }
                order.append(item)
            }
            return FVCall(
                .post, "/api/v1/sortfiles",
                body: Self.json(["contractID": .string(contractID), "file_order": .array(order)]),
                replay: .onlyIfNotSent(consequence: "documents may have been moved or removed"))
        }
    }

    /// MergedFile: POST /api/v1/contract/merge/{ContractID}, no body.
    public func mergeFiles(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("merge_files", requestText) { json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["ContractID"])
            return FVCall(
                .post, Self.path("/api/v1/contract/merge", try V.contractID(reader, "ContractID")),
                body: Self.emptyJSONBody,
                replay: .onlyIfNotSent(
                    consequence: "the documents may have been merged (the service limits merges)"))
        }
    }

    // MARK: - Signers

    /// CreateSigner: POST /api/v1/signer/new.
    public func createSigner(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("create_signer", requestText) { json, _ throws(SelloError) in
            FVCall(
                .post, "/api/v1/signer/new", body: Self.json(try Self.signerBody(json)),
                replay: .onlyIfNotSent(consequence: "the signer may have been added"))
        }
    }

    /// UpdateSigner: POST /api/v1/signer/upd.
    public func updateSigner(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("update_signer", requestText) { json, _ throws(SelloError) in
            FVCall(
                .post, "/api/v1/signer/upd", body: Self.json(try Self.signerBody(json)),
                replay: .onlyIfNotSent(consequence: "the signer may have been changed"))
        }
    }

    /// DeleteSigner: POST /api/v1/signer/del {"contractID", "rutId"}.
    public func deleteSigner(_ requestText: UnsafePointer<CChar>?) -> JSON {
        run("delete_signer", requestText) { json, found throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["contractID", "rutId"])
            let contractID = try V.contractID(reader, "contractID")
            let rut = try V.rutForLookup(try V.text(reader, "rutId"), field: "rutId", found: &found)
            return FVCall(
                .post, "/api/v1/signer/del",
                body: Self.json(["contractID": .string(contractID), "rutId": .string(rut)]),
                replay: .onlyIfNotSent(consequence: "the signer may have been removed"))
        }
    }

    /// CreateSigner and UpdateSigner's body, in the seed's order.
    static func signerBody(_ json: JSON) throws(SelloError) -> JSONObject {
        let reader = try FieldReader(json, allowed: ["contractID", "full_name", "email", "rutId", "phone"])
        let contractID = try V.contractID(reader, "contractID")
        return [
            "contractID": .string(contractID),
            "full_name": .string(try V.text(reader, "full_name")),
            "email": .string(try V.email(try V.text(reader, "email"), field: "email")),
            "rutId": .string(try V.rut(try V.text(reader, "rutId"), field: "rutId")),
            "phone": .string(try V.phone(try V.text(reader, "phone"), field: "phone")),
        ]
    }
}

/// CreateContract's request: checked against the seed's rules, sent in the seed's order.
enum FVContractRequest {
    private typealias V = FVValidation

    static let fields = [
        "sOwnerType", "sPaymentStatus", "iPaymentService", "iContractTypeFeeID", "iSignedCount", "callback", "signers",
    ]
    static let signerFields = ["full_name", "email", "rutId", "phone", "type", "portion", "payment"]

    /// Defaults where the seed gives one: sPaymentStatus "PENDING" ("Valor asignado por
    /// default"), iPaymentService 0 ("0:WEBPAY", the only one active), a signer's payment
    /// "0.00" ("debe ir con 0.00 para todos los casos") and portion 0 (a signer who does not pay).
    static func body(_ json: JSON) throws(SelloError) -> JSONObject {
        let reader = try FieldReader(json, allowed: fields)
        guard let ownerType = try reader.string("sOwnerType") else { throw V.missing("sOwnerType") }
        let owner = try V.choice(ownerType, V.personTypes, field: "sOwnerType", code: .ownerTypeInvalid)
        let paymentStatus =
            try reader.string("sPaymentStatus").map { (value) throws(SelloError) -> String in
                // The seed's examples write PAYOUT where its tables say PAIDOUT: both mean paid.
                let spelled = FVReaders.isPaid(.string(value)) == true ? "PAIDOUT" : value
                return try V.choice(spelled, V.paymentStatuses, field: "sPaymentStatus", code: .paymentStatusInvalid)
            } ?? "PENDING"
        let paymentService = try reader.int("iPaymentService") ?? 0
        guard paymentService >= 0 else {
            throw V.invalid(
                .paymentServiceInvalid,
                "'iPaymentService' must be 0 (WEBPAY) or another service number, "
                    + "got \(paymentService)", field: "iPaymentService")
        }
        guard let fee = try reader.int("iContractTypeFeeID") else { throw V.missing("iContractTypeFeeID") }
        guard V.feeIDs.contains(fee) else {
            throw V.invalid(
                .feeIdInvalid,
                "'iContractTypeFeeID' must be a fee id from 1 to 117 (see "
                    + "fv_list_contract_types), got \(fee)", field: "iContractTypeFeeID")
        }
        guard let signedCount = try reader.int("iSignedCount") else { throw V.missing("iSignedCount") }
        let callback = try reader.string("callback").map { (value) throws(SelloError) -> String in
            try V.callbackURL(value)
        }
        guard let signerList = try reader.array("signers") else { throw V.missing("signers") }
        let signers = try FVContractRequest.signers(signerList, signedCount: signedCount)
        var body = JSONObject()
        body.append("sOwnerType", .string(owner))
        body.append("sPaymentStatus", .string(paymentStatus))
        body.append("iPaymentService", .int(Int64(paymentService)))
        body.append("iContractTypeFeeID", .int(Int64(fee)))
        body.append("iSignedCount", .int(Int64(signedCount)))
        if let callback { body.append("callback", .string(callback)) }
        body.append("signers", .array(signers))
        return body
    }

    /// The signers, each checked, in order: 1 to 10 of them, as many as iSignedCount, no RUT
    /// twice, and one payer of 100 or two of 50.
    static func signers(_ signerList: [JSON], signedCount: Int) throws(SelloError) -> [JSON] {
        guard (1...V.maxSigners).contains(signerList.count) else {
            throw V.invalid(
                .signerCountInvalid,
                "a contract has 1 to \(V.maxSigners) signers (\"máximo de 10 "
                    + "participantes por contrato\"), got \(signerList.count)",
                field: "signers")
        }
        guard signedCount == signerList.count else {
            throw V.invalid(
                .signedCountMismatch,
                "'iSignedCount' is \(signedCount) but 'signers' lists \(signerList.count); they must match",
                field: "iSignedCount")
        }
        var signers: [JSON] = []
        var payers: [Int] = []
        var ruts: Set<String> = []
        for (index, item) in signerList.enumerated() {
            let prefix = "signers[\(index)]"
            let (signer, percent) = try V.nested(prefix) { () throws(SelloError) -> (JSONObject, Int) in
                try FVContractRequest.signer(item, prefix: prefix)
            }
            if percent > 0 { payers.append(percent) }
            if let rut = signer["rutId"]?.stringValue, !ruts.insert(rut).inserted {
                throw V.invalid(
                    .duplicateSigner,
                    "\(prefix): the RUT \(rut) is already another signer's", field: "\(prefix).rutId")
            }
            signers.append(.object(signer))
        }
        try checkPortions(payers)
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

    static func signer(_ json: JSON, prefix: String) throws(SelloError) -> (JSONObject, Int) {
        let reader = try FieldReader(json, allowed: signerFields)
        let name = try V.text(reader, "full_name")
        let email = try V.email(try V.text(reader, "email"), field: "\(prefix).email")
        let rut = try V.rut(try V.text(reader, "rutId"), field: "\(prefix).rutId")
        let phone = try V.phone(try V.text(reader, "phone"), field: "\(prefix).phone")
        guard let typeText = try reader.string("type") else { throw V.missing("type") }
        let type = try V.choice(typeText, V.personTypes, field: "\(prefix).type", code: .signerTypeInvalid)
        var portion: (percent: Int, json: JSON) = (0, .int(0))
        if let value = reader.object["portion"], !value.isNull {
            portion = try V.portion(value, field: "\(prefix).portion")
        }
        try V.payment(reader.object["payment"], field: "\(prefix).payment")
        let object: JSONObject = [
            "full_name": .string(name), "email": .string(email), "rutId": .string(rut), "phone": .string(phone),
            "type": .string(type), "portion": portion.json, "payment": "0.00",
        ]
        return (object, portion.percent)
    }
}
