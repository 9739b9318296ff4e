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

    // MARK: - Operations (each one line: each is declared in `CFDIOperation`)

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
}
