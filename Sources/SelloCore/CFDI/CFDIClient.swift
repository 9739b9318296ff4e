/// The Prodigia / PADE client: the integration API of seed 002 (stamping from the CSV interchange
/// file, cancellation, receipts, stamped XML) and today's REST methods of PRODIGIA_2026.md (XML
/// stamping, cancellation with motivo, SAT status), one at a time or in batches.
public final class CFDIClient: OperationClient {
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
}
