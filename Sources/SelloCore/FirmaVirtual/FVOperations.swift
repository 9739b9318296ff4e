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

    /// A GET of one resource by the id in its path: the request's only field, checked by `id`;
    /// the answer's message becomes `data` through `data` when given.
    static func getByID(
        _ name: String, _ prefix: String, _ field: String,
        id: @escaping @Sendable (FieldReader, String) throws(SelloError) -> String,
        data: (@Sendable (JSON) -> JSON)? = nil
    ) -> AnyOperation<FVClient> {
        operation(name) { _, json, _ throws(SelloError) in
            let reader = try FieldReader(json, allowed: [field])
            var call = FVCall(.get, path(prefix, try id(reader, field)), replay: .idempotent)
            if let data { call.reader = { message, _, _ in data(message) } }
            return call
        }
    }

    // MARK: - Users

    /// GetAllUser: GET /api/v1/userapp/{IDUser}.
    public static let getUser = getByID("get_user", FVPath.userapp, "IDUser", id: V.positiveID)

    /// CreateUserApp: POST /api/v1/userapp (no token, as documented).
    public static let createUser = operation("create_user") { _, json, _ throws(SelloError) in
        let (body, password) = try FVClient.userBody(json)
        var call = FVCall(
            .post, FVPath.userapp, body: FVClient.json(body),
            replay: .onlyIfNotSent(consequence: "the user may have been created"))
        call.authenticated = false
        call.secrets = password.map { [$0] } ?? []
        return call
    }

    /// CreateUserApp's body, in the seed's order, every problem of it found at once; and the
    /// password, a secret of the call.
    static func userBody(_ json: RequestObject) throws(SelloError) -> (JSONObject, String?) {
        let reader = try FieldReader(
            json,
            allowed: [
                "iProfileID", "sRUT", "sFirstName", "sLastName", "sEmail", "sPhone",
                "sLogin", "sPassword", "sComments", "sUserType",
            ])
        var body = JSONObject()
        var problems = Problems()
        problems.check { () throws(SelloError) in
            guard let profile = try reader.int("iProfileID") else { return }
            guard profile >= 0 else {
                throw V.invalid(
                    .profileIdInvalid,
                    "'iProfileID' must be 0 or more, got \(profile)", field: "iProfileID")
            }
            body.append("iProfileID", .int(Int64(profile)))
        }
        problems.append("sRUT", to: &body) { () throws(SelloError) in
            try V.rut(try V.text(reader, "sRUT"), field: "sRUT")
        }
        problems.append("sFirstName", to: &body) { () throws(SelloError) in try V.text(reader, "sFirstName") }
        problems.append("sLastName", to: &body) { () throws(SelloError) in try V.text(reader, "sLastName") }
        problems.append("sEmail", to: &body) { () throws(SelloError) in
            try V.email(try V.text(reader, "sEmail"), field: "sEmail")
        }
        problems.append("sPhone", to: &body) { () throws(SelloError) in
            try V.phone(try V.text(reader, "sPhone"), field: "sPhone")
        }
        problems.append("sLogin", to: &body) { () throws(SelloError) in
            try V.login(try V.text(reader, "sLogin"), field: "sLogin")
        }
        var password: String?
        problems.check { () throws(SelloError) in
            guard let value = try reader.string("sPassword") else { throw V.missing("sPassword") }
            guard !value.isEmpty else { throw V.invalid(.emptyField, "'sPassword' is empty", field: "sPassword") }
            body.append("sPassword", .string(value))
            password = value
        }
        problems.check { () throws(SelloError) in
            if let comments = try reader.string("sComments") { body.append("sComments", .string(comments)) }
        }
        problems.check { () throws(SelloError) in
            guard let type = try reader.string("sUserType") else { return }
            body.append(
                "sUserType", .string(try V.choice(type, V.personTypes, field: "sUserType", code: .userTypeInvalid)))
        }
        // Checked last: a too-short password breaks the library's own rule, not the service's.
        problems.check { () throws(SelloError) in
            if let password { try ClientConfig.checkSecretLength(password, field: "sPassword") }
        }
        try problems.throwIfAny()
        return (body, password)
    }

    /// UpdateUserApp: PUT /api/v1/userapp/{IDUser}; "Solo se puede actualizar nombre, apellido,
    /// teléfono".
    public static let updateUser = operation("update_user") { _, json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["IDUser", "sFirstName", "sLastName", "sPhone"])
        var problems = Problems()
        let id = problems.check { () throws(SelloError) in try V.positiveID(reader, "IDUser") }
        var body = JSONObject()
        let before = problems.found.count
        problems.check { () throws(SelloError) in
            if let first = try V.optionalText(reader, "sFirstName") { body.append("sFirstName", .string(first)) }
        }
        problems.check { () throws(SelloError) in
            if let last = try V.optionalText(reader, "sLastName") { body.append("sLastName", .string(last)) }
        }
        problems.check { () throws(SelloError) in
            guard let phone = try V.optionalText(reader, "sPhone") else { return }
            body.append("sPhone", .string(try V.phone(phone, field: "sPhone")))
        }
        if body.isEmpty, problems.found.count == before {
            problems.add(
                .invalidArgument(
                    "nothing to update: give sFirstName, sLastName or sPhone (the only fields the service updates)",
                    code: .missingField))
        }
        try problems.throwIfAny()
        guard let id else { throw .internal("update_user: IDUser without a value") }
        // Setting the same values again changes nothing: safe to repeat.
        return FVCall(.put, FVClient.path(FVPath.userapp, id), body: FVClient.json(body), replay: .idempotent)
    }

    /// PasswordReset: POST /pwd/reset {"login": email}; the service e-mails a code.
    public static let resetPassword = operation("reset_password") { _, json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["login"])
        let login = try V.email(try V.text(reader, "login"), field: "login")
        var call = FVCall(
            .post, FVPath.pwdReset, body: FVClient.json(["login": .string(login)]),
            replay: .onlyIfNotSent(
                consequence: "a reset code may have been e-mailed, and a second one would replace it"))
        call.authenticated = false
        return call
    }

    /// NewPassword: POST /pwd/reset (the same path) {"login", "password" (the e-mailed code),
    /// "new_password"}.
    public static let newPassword = operation("new_password") { _, json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["login", "password", "new_password"])
        var problems = Problems()
        let login = problems.check { () throws(SelloError) in
            try V.email(try V.text(reader, "login"), field: "login")
        }
        // The code as sent (trimmed): the secret masked is what travels (review).
        let code = problems.check { () throws(SelloError) -> String in
            guard let given = try reader.stringOrNumber("password") else { throw V.missing("password") }
            let code = given.trimmingSpaces
            guard !code.isEmpty else {
                throw V.invalid(.emptyField, "'password' (the e-mailed code) is empty", field: "password")
            }
            try ClientConfig.checkSecretLength(code, field: "password")
            return code
        }
        let newPassword = problems.check { () throws(SelloError) -> String in
            guard let value = try reader.string("new_password") else { throw V.missing("new_password") }
            guard !value.isEmpty else {
                throw V.invalid(.emptyField, "'new_password' is empty", field: "new_password")
            }
            // It becomes the password of every later login: a line break pasted with it would
            // make one no one can type, the account then locked by the failed logins.
            if let problem = ClientConfig.controlCharacterProblem(in: value, field: "new_password") {
                throw .invalidArgument(problem, field: "new_password")
            }
            try ClientConfig.checkSecretLength(value, field: "new_password")
            return value
        }
        try problems.throwIfAny()
        guard let login, let code, let newPassword else { throw .internal("new_password: a field without a value") }
        // The code goes as the caller gave it (the seed types it integer, its example is a string).
        let given = reader.member("password")
        let codeJSON: JSON = given?.stringValue != nil ? .string(code) : given ?? .null
        var call = FVCall(
            .post, FVPath.pwdReset,
            body: FVClient.json(["login": .string(login), "password": codeJSON, "new_password": .string(newPassword)]),
            replay: .onlyIfNotSent(
                consequence: "the password may have been changed and the code spent"))
        call.authenticated = false
        call.secrets = [code, newPassword]
        return call
    }

    // MARK: - Contracts

    /// GetOneContract: GET /api/v1/contract/{IDContract}.
    public static let getContract = getByID(
        "get_contract", FVPath.contract, "IDContract", id: V.contractID, data: FVReaders.contract)

    /// CreateContract: POST /api/v1/contract/create-contract.
    public static let createContract = operation("create_contract") { _, json, _ throws(SelloError) in
        let body = try FVContractRequest.body(json)
        return FVCall(
            .post, FVPath.createContract, body: FVClient.json(body),
            replay: .onlyIfNotSent(consequence: "the contract may have been created", advice: FVAdvice.contractCreated))
    }

    /// GetContractType: GET /api/v1/contract-type/{QTYPE}/{QVALUE}.
    public static let listContractTypes = operation("list_contract_types") { _, json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["QTYPE", "QVALUE"])
        var problems = Problems()
        let type = problems.check { () throws(SelloError) in
            guard let rawType = try reader.string("QTYPE") else { throw V.missing("QTYPE") }
            return try V.choice(rawType, V.queryTypes, field: "QTYPE", code: .qtypeInvalid)
        }
        let value = problems.check { () throws(SelloError) in try V.queryValue(reader, type: type) }
        try problems.throwIfAny()
        guard let type, let value else { throw .internal("list_contract_types: a field without a value") }
        return FVCall(.get, FVClient.path(FVPath.contractType, type, value), replay: .idempotent)
    }

    /// ContractOwner: GET /api/v1/contract/owner/{IDOwner}.
    public static let listOwnerContracts = getByID(
        "list_owner_contracts", FVPath.ownerContracts, "IDOwner", id: V.positiveID, data: FVReaders.contract)

    /// ContratcDetail: GET /api/v1/contract/detail/{ContractID}.
    public static let getContractDetail = getByID(
        "get_contract_detail", FVPath.contractDetail, "ContractID", id: V.contractID,
        data: FVReaders.contractDetail)

    /// DeleteContract: POST (sic) /api/v1/contract/{IDContract}, no body. Its answer's body code
    /// is 204 with `message` {}; sent as the HTTP status, it comes without a body: `data` {} alike.
    public static let deleteContract = operation("delete_contract") { _, json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["IDContract"])
        var call = FVCall(
            .post, FVClient.path(FVPath.contract, try V.contractID(reader, "IDContract")),
            body: FVClient.emptyJSONBody,
            replay: .onlyIfNotSent(consequence: "the contract may have been deleted", advice: FVAdvice.contractDeleted))
        call.noContentData = .object(JSONObject())
        return call
    }

    /// SendContract: POST /api/v1/contract/send/draft/{IDContract}, no body; e-mails every signer.
    /// A report with `fail_count` > 0 is still the service's success: ok with a MAIL_NOT_SENT warning.
    public static let sendContract = operation("send_contract") { _, json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["IDContract"])
        var call = FVCall(
            .post, FVClient.path(FVPath.sendDraft, try V.contractID(reader, "IDContract")),
            body: FVClient.emptyJSONBody,
            replay: .onlyIfNotSent(consequence: "the signers may have been e-mailed", advice: FVAdvice.sent))
        call.reader = { message, _, found in
            if let warning = FVReaders.mailsNotSent(message) { found.warn(warning) }
            return message
        }
        return call
    }

    // MARK: - Documents

    /// SubirDocumentos: multipart POST /api/v1/upfile, part "file" named "<contractID>.pdf" (the
    /// service links the document to the contract by that name).
    public static let uploadDocument = operation("upload_document") { client, json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["contractID", "file_path", "content_base64"])
        var problems = Problems()
        let contractID = problems.check { () throws(SelloError) in try V.contractID(reader, "contractID") }
        let document = problems.check { () throws(SelloError) in
            try FVDocument.read(reader) { (prefix, size, field) throws(SelloError) in
                try client.checkDocument(prefix: prefix, size: size, field: field)
            }
        }
        try problems.throwIfAny()
        guard let contractID, let document else { throw .internal("upload_document: a field without a value") }
        let fileName = "\(contractID).pdf"
        let body: HTTPBody
        switch document {
        case .file(let path):
            body = .multipartFile(field: "file", fileName: fileName, path: path, contentType: "application/pdf")
        case .bytes(let bytes):
            body = .multipartBytes(field: "file", fileName: fileName, bytes: bytes, contentType: "application/pdf")
        }
        var call = FVCall(
            .post, FVPath.upfile, body: body,
            replay: .onlyIfNotSent(
                consequence: "the document may have been attached to the contract", advice: FVAdvice.documents))
        call.reportsProgress = true
        call.fileField = document.fileField
        return call
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
    public static let listFiles = getByID("list_files", FVPath.filelist, "ContractID", id: V.contractID)

    /// SortFiles: POST /api/v1/sortfiles {"contractID", "file_order": [{"document", "ind", "action"}]}.
    public static let sortFiles = operation("sort_files") { _, json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["contractID", "file_order"])
        var problems = Problems()
        let contractID = problems.check { () throws(SelloError) in try V.contractID(reader, "contractID") }
        let entries =
            problems.check { () throws(SelloError) -> [JSON] in
                guard let entries = try reader.array("file_order") else { throw V.missing("file_order") }
                guard !entries.isEmpty else {
                    throw V.invalid(
                        .fileOrderInvalid,
                        "'file_order' is empty: list the documents to move (CHANGE) or remove (REMOVE)",
                        field: "file_order")
                }
                return entries
            } ?? []
        var order: [JSON] = []
        var seen: Set<String> = []
        for (index, entry) in entries.enumerated() {
            let item = problems.check(prefix: "file_order[\(index)]") { () throws(SelloError) -> JSON in
                try FVClient.fileOrderEntry(entry, seen: &seen)
            }
            if let item { order.append(item) }
        }
        try problems.throwIfAny()
        guard let contractID else { throw .internal("sort_files: contractID without a value") }
        return FVCall(
            .post, FVPath.sortfiles,
            body: FVClient.json(["contractID": .string(contractID), "file_order": .array(order)]),
            replay: .onlyIfNotSent(consequence: "documents may have been moved or removed", advice: FVAdvice.documents))
    }

    /// One entry of SortFiles' file_order, its first problem thrown (named inside the entry by
    /// the caller); a document listed twice is a problem of the second entry.
    static func fileOrderEntry(_ entry: JSON, seen: inout Set<String>) throws(SelloError) -> JSON {
        let entryReader = try FieldReader(entry, allowed: ["document", "ind", "action"])
        let document = try V.text(entryReader, "document")
        guard let ind = try entryReader.int("ind") else { throw V.missing("ind") }
        guard ind >= 0 else {
            throw V.invalid(
                .fileOrderInvalid, "'ind' must be 0 or more (the document's position), got \(ind)", field: "ind")
        }
        guard let action = try entryReader.string("action") else { throw V.missing("action") }
        let normalized = try V.choice(action, ["CHANGE", "REMOVE"], field: "action", code: .fileOrderInvalid)
        guard seen.insert(document).inserted else {
            throw V.invalid(
                .fileOrderInvalid, "the document \(Quote.value(document)) appears twice in file_order",
                field: "document")
        }
        return ["document": .string(document), "ind": .int(Int64(ind)), "action": .string(normalized)]
    }

    /// MergedFile: POST /api/v1/contract/merge/{ContractID}, no body.
    public static let mergeFiles = operation("merge_files") { _, json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["ContractID"])
        return FVCall(
            .post, FVClient.path(FVPath.merge, try V.contractID(reader, "ContractID")),
            body: FVClient.emptyJSONBody,
            replay: .onlyIfNotSent(
                consequence: "the documents may have been merged (the service limits merges)",
                advice: FVAdvice.documents))
    }

    // MARK: - Signers

    /// CreateSigner: POST /api/v1/signer/new.
    public static let createSigner = operation("create_signer") { _, json, found throws(SelloError) in
        FVCall(
            .post, FVPath.signerNew,
            body: FVClient.json(try FVClient.signerBody(json, rutForLookup: false, found: &found)),
            replay: .onlyIfNotSent(consequence: "the signer may have been added", advice: FVAdvice.signers))
    }

    /// UpdateSigner: POST /api/v1/signer/upd. Its rutId finds the signer to change, so it is read as
    /// DeleteSigner's is: a wrong check digit (the seed's own example, 14123123-6) is a warning.
    public static let updateSigner = operation("update_signer") { _, json, found throws(SelloError) in
        FVCall(
            .post, FVPath.signerUpd,
            body: FVClient.json(try FVClient.signerBody(json, rutForLookup: true, found: &found)),
            replay: .onlyIfNotSent(consequence: "the signer may have been changed", advice: FVAdvice.signers))
    }

    /// DeleteSigner: POST /api/v1/signer/del {"contractID", "rutId"}.
    public static let deleteSigner = operation("delete_signer") { _, json, found throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["contractID", "rutId"])
        var problems = Problems()
        let contractID = problems.check { () throws(SelloError) in try V.contractID(reader, "contractID") }
        let rut = problems.check { () throws(SelloError) in
            try V.rutForLookup(try V.text(reader, "rutId"), field: "rutId", found: &found)
        }
        try problems.throwIfAny()
        guard let contractID, let rut else { throw .internal("delete_signer: a field without a value") }
        return FVCall(
            .post, FVPath.signerDel,
            body: FVClient.json(["contractID": .string(contractID), "rutId": .string(rut)]),
            replay: .onlyIfNotSent(consequence: "the signer may have been removed", advice: FVAdvice.signers))
    }

    /// CreateSigner and UpdateSigner's body, in the seed's order. `rutForLookup` (UpdateSigner):
    /// rutId finds the signer and is read by `V.rutForLookup`, its warning added to `found`.
    static func signerBody(_ json: RequestObject, rutForLookup: Bool, found: inout ReadFacts)
        throws(SelloError) -> JSONObject
    {
        let reader = try FieldReader(json, allowed: ["contractID", "full_name", "email", "rutId", "phone"])
        var body = JSONObject()
        var problems = Problems()
        problems.append("contractID", to: &body) { () throws(SelloError) in try V.contractID(reader, "contractID") }
        let warnings = V.signerIdentity(
            reader, prefix: nil, phone: .seed, into: &body, problems: &problems, rutForLookup: rutForLookup)
        try problems.throwIfAny()
        found.warnings += warnings
        return body
    }
}
