/// The operations of the Prodigia client, by the name they have in the envelope's `meta` and in
/// `cfdi_process_files`' `operation`. Each one's descriptor reads its request into a
/// `CFDIPrepared` (`CFDIClient.prepare`): the HTTP request and the reader of its answer.
enum CFDIOperation: String, CaseIterable, Sendable {
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
    static let batchable: [CFDIOperation] = [
        .processFile, .processFileWithCSD, .stampXML, .stampXMLWithCSD, .getStatus, .getByUUID,
    ]

    /// The operation's descriptor, run by the client's pipeline.
    var descriptor: Operation<CFDIClient, CFDIPrepared> {
        let operation = self
        return Operation(
            rawValue,
            parse: { json, client, found throws(SelloError) in try client.prepare(operation, json, found: &found) },
            build: { prepared, _ in prepared.http },
            read: { response, prepared, _, scope, found throws(SelloError) in
                try prepared.read(response, scope.hooks.redactor, &found)
            })
    }
}

/// One request checked and ready to send, and how its answer becomes the envelope's data. The
/// same value serves a single call and an item of a batch, so both follow the same rules.
struct CFDIPrepared: Sendable {
    typealias Reader = @Sendable (HTTPResponse, Redactor, inout ReadFacts) throws(SelloError) -> JSON
    let http: HTTPRequest
    let read: Reader

    init(http: HTTPRequest, read: @escaping Reader) {
        self.http = http
        self.read = read
    }
}
