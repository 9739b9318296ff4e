/// The Prodigia / PADE client: the integration API of seed 002 (stamping from the CSV interchange
/// file, cancellation, receipts, stamped XML) and today's REST methods of PRODIGIA_2026.md (XML
/// stamping, cancellation with motivo, SAT status), one at a time or in batches.
public final class CFDIClient: OperationClient {
    public static let defaultBaseURL = "https://timbrado.pade.mx/servicio/rest"
    public static let maxBatchItems = 10_000
    public let client: ServiceClient
    let auth: BasicCredentials
    let contrato: String
    /// Prodigia's refusal of this client's usuario and password, once it has come (the first
    /// one): they cannot change for the life of the client, and PADE locks the account after 3
    /// failed logins (PRODIGIA_2026.md §1), so every later call fails at once instead of spending
    /// another attempt. Per client, not global: another client may have the right password. The
    /// client is shared across threads, hence the lock.
    let refusal = Locked<SelloError?>(nil)

    public init(configText: UnsafePointer<CChar>?) throws(SelloError) {
        let config = try ClientConfig.parse(
            configText, environments: .cfdi,
            serviceKeys: ["usuario", "password", "contrato"],
            requiredKeys: ["usuario", "password", "contrato"])
        try BasicCredentials.checkUser(config.serviceString("usuario") ?? "", field: "usuario")
        client = try ServiceClient(service: "cfdi", config: config, environments: .cfdi)
        auth = BasicCredentials(
            user: config.serviceString("usuario") ?? "", password: config.serviceString("password") ?? "")
        contrato = config.serviceString("contrato") ?? ""
    }
}

extension CFDIClient {
    /// Throws, before anything is read, built or sent, when Prodigia refused this client's
    /// credentials on an earlier call (`remember`).
    func checkCredentialsNotRefused() throws(SelloError) {
        if let earlier = refusal.withLock({ $0 }) { throw CFDIClient.refusedEarlier(earlier) }
    }

    /// Remembers `error` when it is Prodigia refusing the credentials: kind `auth`, which in this
    /// client is only codigo 1 or an HTTP 401/403 without Prodigia's answer (a wrong contrato is
    /// codigo 2, kind service; a CSD's password is checked locally, kind validation).
    func remember(_ error: SelloError) {
        guard error.kind == .auth else { return }
        refusal.withLock { earlier in
            if earlier == nil { earlier = error }
        }
    }

    /// The error of a call not sent because of an earlier refusal: the refusal's kind, code and
    /// service code (callers that handle `auth` keep doing so), and what to do.
    static func refusedEarlier(_ refusal: SelloError) -> SelloError {
        SelloError(
            refusal.kind, refusal.code,
            "not sent: Prodigia refused this client's usuario and password on an earlier call (\(refusal.code)"
                + "\(refusal.serviceCode.map { ", codigo \($0)" } ?? "")); another attempt with them could lock the "
                + "PADE account (Prodigia locks it after 3 failed logins, through its portal or the web service), so "
                + "this client sends nothing more: create a new client with the right usuario and password (if the "
                + "account is locked, reset the password on the PADE portal first)",
            serviceCode: refusal.serviceCode)
    }
}
