/// The operations of the Prodigia client, by the name they have in the envelope's `meta` and in
/// `cfdi_process_files`' `operation`.
enum CFDIOperation: String, CaseIterable {
    case processFile = "process_file"
    case processFileWithCSD = "process_file_with_csd"
    case stampXML = "stamp_xml"
    case stampXMLWithCSD = "stamp_xml_with_csd"
    case cancel
    case cancelWithReason = "cancel_with_reason"
    case getStatus = "get_status"
    case getCancellationReceipt = "get_cancellation_receipt"
    case getByUUID = "get_by_uuid"

    /// What a batch may run: every stamp and every read that a company does by the thousand.
    static let batchable: [CFDIOperation] = [.processFile, .processFileWithCSD, .stampXML, .stampXMLWithCSD, .getStatus, .getByUUID]
}

/// One request ready to send, and what its outcome means: `finish` turns the answer into the
/// envelope's data, `afterSend` words a transport failure after the request may have arrived.
/// The same value serves a single call and an item of a batch, so both follow the same rules.
struct CFDIPrepared {
    let http: HTTPRequest
    let afterSend: (SelloError) -> SelloError
    let finish: (HTTPResponse, CallContext) throws(SelloError) -> JSON

    init(http: HTTPRequest, afterSend: @escaping (SelloError) -> SelloError = { $0 },
         finish: @escaping (HTTPResponse, CallContext) throws(SelloError) -> JSON) {
        self.http = http
        self.afterSend = afterSend
        self.finish = finish
    }

    /// The envelope data of an outcome of the transport.
    func complete(_ result: Result<HTTPResponse, SelloError>, context: CallContext) throws(SelloError) -> JSON {
        switch result {
        case .success(let response): return try finish(response, context)
        case .failure(let error): throw afterSend(error)
        }
    }
}
