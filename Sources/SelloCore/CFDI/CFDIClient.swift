/// The Prodigia / PADE client: the integration API of seed 002 (stamping from the CSV interchange
/// file, cancellation, receipts, stamped XML) and today's REST methods of PRODIGIA_2026.md (XML
/// stamping, cancellation with motivo, SAT status), one at a time or in batches.
public final class CFDIClient: Sendable {
    public static let defaultBaseURL = "https://timbrado.pade.mx/servicio/rest"
    public static let maxBatchItems = 10_000
    public let client: ServiceClient
    let auth: BasicCredentials
    let contrato: String

    public init(configText: UnsafePointer<CChar>?) throws(SelloError) {
        let config = try ClientConfig.parse(
            configText, environments: .cfdi,
            serviceKeys: ["usuario", "password", "contrato"],
            requiredKeys: ["usuario", "password", "contrato"])
        try BasicCredentials.checkUser(config.serviceString("usuario") ?? "", field: "usuario")
        client = try ServiceClient(service: "cfdi", config: config)
        auth = BasicCredentials(
            user: config.serviceString("usuario") ?? "", password: config.serviceString("password") ?? "")
        contrato = config.serviceString("contrato") ?? ""
    }

    // MARK: - Operations (each one line: the request and its answer are in `prepare`)

    /// cfdi_process_file (procesarArchivo): sent once; never again once it may have arrived.
    public func processFile(_ requestText: UnsafePointer<CChar>?) -> Reply { run(.processFile, requestText) }

    /// cfdi_process_file_with_csd (procesarArchivoConCSD): the CSD is checked locally first.
    public func processFileWithCSD(_ requestText: UnsafePointer<CChar>?) -> Reply {
        run(.processFileWithCSD, requestText)
    }

    /// cfdi_stamp_xml (timbrado40): a CFDI 4.0 checked locally, then stamped.
    public func stampXML(_ requestText: UnsafePointer<CChar>?) -> Reply { run(.stampXML, requestText) }

    /// cfdi_stamp_xml_with_csd (timbrado40/timbrarCfdi): the XML and the issuer's CSD.
    public func stampXMLWithCSD(_ requestText: UnsafePointer<CChar>?) -> Reply { run(.stampXMLWithCSD, requestText) }

    /// cfdi_cancel (cancelarCfdiConOpciones): per-UUID results are data; the envelope fails only
    /// when statusOk is false.
    public func cancel(_ requestText: UnsafePointer<CChar>?) -> Reply { run(.cancel, requestText) }

    /// cfdi_cancel_with_reason (cancelacion/cancelar): SAT's motivo rules checked locally.
    public func cancelWithReason(_ requestText: UnsafePointer<CChar>?) -> Reply { run(.cancelWithReason, requestText) }

    /// cfdi_get_status (consultarEstatusComprobante): the SAT status of a CFDI.
    public func getStatus(_ requestText: UnsafePointer<CChar>?) -> Reply { run(.getStatus, requestText) }

    /// cfdi_get_cancellation_receipt (acuseCancelacion).
    public func getCancellationReceipt(_ requestText: UnsafePointer<CChar>?) -> Reply {
        run(.getCancellationReceipt, requestText)
    }

    /// cfdi_get_by_uuid (consultaCfdiPorUUID).
    public func getByUUID(_ requestText: UnsafePointer<CChar>?) -> Reply { run(.getByUUID, requestText) }

    /// One operation through the client's pipeline.
    func run(_ operation: CFDIOperation, _ requestText: UnsafePointer<CChar>?) -> Reply {
        client.run(operation.descriptor, on: self, requestText)
    }

    /// The request of `operation` checked and ready to send, and how its answer becomes `data`.
    /// A single call and a batch item run the very same `prepare`.
    func prepare(_ operation: CFDIOperation, _ json: JSON, found: inout ReadFacts) throws(SelloError) -> CFDIPrepared {
        switch operation {
        case .processFile, .processFileWithCSD:
            let request = try CFDIStampRequest(
                json, withCSD: operation == .processFileWithCSD, defaultContrato: contrato, found: &found)
            return CFDIPrepared(http: request.httpRequest(auth: auth)) { response, redactor, found throws(SelloError) in
                try CFDIResults.stamp(response, output: request.output, redactor: redactor, found: &found)
            }
        case .stampXML, .stampXMLWithCSD:
            let request = try CFDIXMLStampRequest(
                json, withCSD: operation == .stampXMLWithCSD, defaultContrato: contrato, found: &found)
            return CFDIPrepared(http: request.httpRequest(auth: auth)) { response, redactor, found throws(SelloError) in
                try CFDIResults.stamp(response, output: request.output, redactor: redactor, found: &found)
            }
        case .cancel:
            let request = try CFDICancelRequest(json, defaultContrato: contrato, found: &found)
            return CFDIPrepared(http: request.httpRequest(auth: auth)) { response, redactor, found throws(SelloError) in
                try CFDIResults.cancellation(response, output: request.output, redactor: redactor, found: &found)
            }
        case .cancelWithReason:
            let request = try CFDICancelReasonRequest(json, defaultContrato: contrato, found: &found)
            return CFDIPrepared(http: request.httpRequest(auth: auth)) { response, redactor, found throws(SelloError) in
                try CFDIResults.cancellation(response, output: request.output, redactor: redactor, found: &found)
            }
        case .getStatus:
            let request = try CFDIStatusRequest(json, defaultContrato: contrato, found: &found)
            return CFDIPrepared(http: request.httpRequest(auth: auth)) { response, redactor, found throws(SelloError) in
                try CFDIResults.status(response, redactor: redactor, found: &found)
            }
        case .getByUUID, .getCancellationReceipt:
            let request = try CFDILookupRequest(json, defaultContrato: contrato)
            let receipt = operation == .getCancellationReceipt
            let http = request.httpRequest(receipt ? "acuseCancelacion" : "consultaCfdiPorUUID", auth: auth)
            return CFDIPrepared(http: http) { response, redactor, found throws(SelloError) in
                try CFDIResults.lookup(
                    response, uuid: request.uuid, output: request.output, receipt: receipt,
                    redactor: redactor, found: &found)
            }
        }
    }
}
