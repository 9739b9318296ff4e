/// One message of the seed's "Catálogo de errores y mensajes fallidos" tables (seed 001). The
/// service has no error numbers: its `message` text is the error's identity.
public struct FVMessage: Sendable {
    /// The text the service sends, as the seed spells it.
    public let text: String
    /// The library's stable name for it.
    public let code: ErrorCode
    public let kind: ErrorKind
    /// The seed's "Descripción" column.
    public let meaning: String
    /// The service refused the bearer token (or, on GetAllUser, the login behind it), and how
    /// surely: an exact text that says so, or the generic "error" (`TokenRenewal` decides).
    public let tokenRefusal: TokenRefusal?
}

/// The one table of Firma Virtual's messages, matched case-insensitively on the trimmed text.
public enum FVMessages {
    public static let all: [FVMessage] = [
        // UserDataLogin and GetAllUser, status 400. On GetAllUser it is the answer to a bad token.
        FVMessage(
            text: "Login failed: Email or password incorrect.", code: .loginFailed, kind: .auth,
            meaning: "credenciales incorrectas", tokenRefusal: .refusalText),
        // CreateUserApp, status 200.
        FVMessage(
            text: "Email exists", code: .emailExists, kind: .service,
            meaning: "el correo electrónico utilizado para registrar el usuario ya existe en el "
                + "sistema", tokenRefusal: nil),
        FVMessage(
            text: "THIS Login already exists", code: .loginExists, kind: .service,
            meaning: "el nombre de usuario utilizado para registrar el usuario ya existe en el "
                + "sistema", tokenRefusal: nil),
        FVMessage(
            text: "Invalid Login must be alphanumeric whit 6 to 16 length", code: .invalidLogin, kind: .service,
            meaning: "sLogin debe tener de 6 a 16 letras o dígitos", tokenRefusal: nil),
        // UpdateUserApp, status 200.
        FVMessage(
            text: "JWT Token invalid", code: .jwtInvalid, kind: .auth,
            meaning: "Token Bearer erróneo", tokenRefusal: .refusalText),
        // Every other authenticated operation, status 400 (the seed's "error" / "Token Bearer erróneo").
        FVMessage(
            text: "error", code: .jwtInvalid, kind: .auth, meaning: "Token Bearer erróneo",
            tokenRefusal: .genericError),
        FVMessage(
            text: "Token Bearer "
                + "erróneo", code: .jwtInvalid, kind: .auth, meaning: "Token Bearer erróneo", tokenRefusal: .refusalText
        ),
        // PasswordReset, status 200.
        FVMessage(
            text: "Login / usuario desconocido..!", code: .unknownUser, kind: .service,
            meaning: "el usuario no está registrado en el sistema", tokenRefusal: nil),
        // NewPassword, status 200.
        FVMessage(
            text: "Wrong login or password ..!", code: .wrongCode, kind: .service,
            meaning: "código incorrecto", tokenRefusal: nil),
        // CreateContract, status 400.
        FVMessage(
            text: "VALIDATION-FAIL", code: .validationFail, kind: .service,
            meaning: "error en el tipo de dato enviado en el request", tokenRefusal: nil),
    ]

    private static let byText: [String: FVMessage] = {
        var table: [String: FVMessage] = [:]
        for message in all { table[key(message.text)] = message }
        return table
    }()

    static func key(_ text: String) -> String { text.trimmingSpaces.lowercased() }

    public static func find(_ text: String) -> FVMessage? { byText[key(text)] }

    /// A text outside the catalogue that says the token was refused: lower-cased and without
    /// accents, it names "jwt" or "token" and says "invalid" (inválido), "expired" or "erroneo"
    /// (CHILE_2026 §1.2: the live service's expiry signal is unknown, and "JWT Token invalid"
    /// comes at HTTP 200).
    static func refusesToken(_ text: String) -> Bool {
        let folded = TextFolding.fold(text)
        guard folded.contains("jwt") || folded.contains("token") else { return false }
        return ["invalid", "expired", "erroneo"].contains(where: { folded.contains($0) })
    }

    /// The error for an answer whose `status` is not "success". `shown` is the text as it may
    /// be shown (secrets scrubbed); `text` the text as received, for matching.
    static func error(text: String, shown: String, serviceCode: Int?) -> (error: SelloError, refusal: TokenRefusal?) {
        guard let message = find(text) else {
            if refusesToken(text) {
                return (
                    SelloError(
                        .auth, .jwtInvalid, "\(shown) (read as a refused bearer token)", serviceCode: serviceCode),
                    .tokenWords
                )
            }
            let detail = shown.isEmpty ? "an error without a message" : shown
            return (SelloError(.service, .fvError, "Firma Virtual: \(detail)", serviceCode: serviceCode), nil)
        }
        return (
            SelloError(message.kind, message.code, "\(shown) (\(message.meaning))", serviceCode: serviceCode),
            message.tokenRefusal
        )
    }
}
