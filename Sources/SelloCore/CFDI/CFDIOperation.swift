/// One operation of the Prodigia client, declared once: the name it has in the envelope's `meta`
/// and in `cfdi_process_files`' `operation`, and how its request becomes a `CFDIPrepared` (the
/// HTTP request and the reader of its answer). A single call and an item of a batch run the very
/// same `prepare`, so both follow the same rules.
public struct CFDIOperation: ClientOperation {
    typealias Prepare = @Sendable (CFDIClient, RequestObject, inout ReadFacts) throws(SelloError) -> CFDIPrepared

    let name: String
    let prepare: Prepare
    /// The descriptor the client's pipeline runs.
    let descriptor: Operation<CFDIClient, CFDIPrepared>

    /// A single call: through the client's pipeline.
    public func run(on client: CFDIClient, _ requestText: UnsafePointer<CChar>?) -> Reply {
        client.client.run(descriptor, on: client, requestText)
    }

    init(_ name: String, prepare: @escaping Prepare) {
        self.name = name
        self.prepare = prepare
        descriptor = Operation(
            name,
            parse: { json, client, found throws(SelloError) in
                // Checked first: with credentials refused earlier nothing is worth reading.
                try client.checkCredentialsNotRefused()
                return try prepare(client, json, &found)
            },
            build: { prepared, _ in prepared.http },
            read: { response, prepared, client, scope, found throws(SelloError) in
                do throws(SelloError) {
                    return try prepared.read(response, scope.hooks.redactor, &found)
                } catch {
                    client.remember(error)
                    throw error
                }
            })
    }

    /// What a batch may run: every stamp and every read that a company does by the thousand.
    static let batchable: [CFDIOperation] = [
        CFDIClient.processFile, CFDIClient.processFileWithCSD, CFDIClient.stampXML, CFDIClient.stampXMLWithCSD,
        CFDIClient.getStatus, CFDIClient.getByUUID,
    ]

    fileprivate static func csvStamp(_ name: String, withCSD: Bool) -> CFDIOperation {
        stamp(name) { client, json, found throws(SelloError) in
            let request = try CFDIStampRequest(json, withCSD: withCSD, defaultContrato: client.contrato, found: &found)
            return (request.httpRequest(auth: client.auth), request.output, request.sent)
        }
    }

    fileprivate static func xmlStamp(_ name: String, withCSD: Bool) -> CFDIOperation {
        stamp(name) { client, json, found throws(SelloError) in
            let request = try CFDIXMLStampRequest(
                json, withCSD: withCSD, defaultContrato: client.contrato, found: &found)
            return (request.httpRequest(auth: client.auth), request.output, request.sent)
        }
    }

    /// A stamp, whichever its request: what to send and where its documents go, then the stamp's
    /// answer read the same way.
    private static func stamp(
        _ name: String,
        _ request:
            @escaping @Sendable (CFDIClient, RequestObject, inout ReadFacts) throws(SelloError) -> (
                HTTPRequest, CFDIOutput, SentCFDI
            )
    ) -> CFDIOperation {
        CFDIOperation(name) { client, json, found throws(SelloError) in
            let (http, output, sent) = try request(client, json, &found)
            return CFDIPrepared(http: http) { response, redactor, found throws(SelloError) in
                try CFDIResults.stamp(response, output: output, sent: sent, redactor: redactor, found: &found)
            }
        }
    }

    fileprivate static func lookup(_ name: String, path: String, receipt: Bool) -> CFDIOperation {
        CFDIOperation(name) { client, json, _ throws(SelloError) in
            let request = try CFDILookupRequest(json, defaultContrato: client.contrato)
            return CFDIPrepared(http: request.httpRequest(path, auth: client.auth)) {
                response, redactor, found throws(SelloError) in
                try CFDIResults.lookup(
                    response, uuid: request.uuid, output: request.output, receipt: receipt,
                    redactor: redactor, found: &found)
            }
        }
    }
}

/// The operations, each declared once; the exports run them (`cfdi_get_status` →
/// `CFDIClient.getStatus`).
extension CFDIClient {
    /// procesarArchivo (seed 002): the CSV interchange file; with the CSD, procesarArchivoConCSD,
    /// the CSD checked locally first. Sent once; never again once it may have arrived.
    public static let processFile = CFDIOperation.csvStamp("process_file", withCSD: false)
    public static let processFileWithCSD = CFDIOperation.csvStamp("process_file_with_csd", withCSD: true)
    /// timbrado40 (PRODIGIA_2026.md): a CFDI 4.0 XML checked locally, then stamped; with the
    /// issuer's CSD, timbrado40/timbrarCfdi.
    public static let stampXML = CFDIOperation.xmlStamp("stamp_xml", withCSD: false)
    public static let stampXMLWithCSD = CFDIOperation.xmlStamp("stamp_xml_with_csd", withCSD: true)

    /// cancelarCfdiConOpciones (seed 002): per-UUID results are data; the envelope fails only
    /// when statusOk is false.
    public static let cancel = CFDIOperation("cancel") { client, json, found throws(SelloError) in
        let request = try CFDICancelRequest(json, defaultContrato: client.contrato, found: &found)
        return CFDIPrepared(http: request.httpRequest(auth: client.auth)) {
            response, redactor, found throws(SelloError) in
            try CFDIResults.cancellation(response, output: request.output, redactor: redactor, found: &found)
        }
    }

    /// cancelacion/cancelar (PRODIGIA_2026.md): with SAT's motivo, whose rules are checked locally.
    public static let cancelWithReason = CFDIOperation("cancel_with_reason") { client, json, found throws(SelloError) in
        let request = try CFDICancelReasonRequest(json, defaultContrato: client.contrato, found: &found)
        return CFDIPrepared(http: request.httpRequest(auth: client.auth)) {
            response, redactor, found throws(SelloError) in
            try CFDIResults.cancellation(response, output: request.output, redactor: redactor, found: &found)
        }
    }

    /// consultarEstatusComprobante: the SAT status of a CFDI.
    public static let getStatus = CFDIOperation("get_status") { client, json, found throws(SelloError) in
        let request = try CFDIStatusRequest(json, defaultContrato: client.contrato, found: &found)
        return CFDIPrepared(http: request.httpRequest(auth: client.auth)) {
            response, redactor, found throws(SelloError) in
            try CFDIResults.status(response, redactor: redactor, found: &found)
        }
    }

    /// acuseCancelacion (seed 002).
    public static let getCancellationReceipt = CFDIOperation.lookup(
        "get_cancellation_receipt", path: CFDIPath.acuseCancelacion, receipt: true)
    /// consultaCfdiPorUUID (seed 002).
    public static let getByUUID = CFDIOperation.lookup(
        "get_by_uuid", path: CFDIPath.consultaCfdiPorUUID, receipt: false)
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
