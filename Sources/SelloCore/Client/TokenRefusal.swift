/// What in an answer to a request that carried the bearer token says the service refused the
/// token, the strongest signal when there are several (CHILE_2026 §1.2 lists them; the live
/// service's own is unknown, [INF]).
public enum TokenRefusal: Sendable, CaseIterable {
    /// HTTP 401.
    case unauthorized
    /// One of the catalogue's exact texts that say the token (or the login behind it) was refused:
    /// "JWT Token invalid", "Token Bearer erróneo", GetAllUser's "Login failed: Email or password
    /// incorrect." (`FVMessages`).
    case refusalText
    /// HTTP 403 without such a text.
    case forbidden
    /// The seed's generic `"error"` (status 400 on most authenticated operations).
    case genericError
    /// A text outside the catalogue that names "jwt" or "token" and says "invalid", "expired" or
    /// "erroneo" (`FVMessages.refusesToken`).
    case tokenWords

    /// Whether the signal says the service refused the request before acting on it: HTTP 401 and
    /// 403 (the request refused, by HTTP's meaning), the catalogue's exact texts, and the seed's
    /// generic "error", which is CreateContract's own answer to a bad token — the common case of a
    /// token that expired early, which a write must survive. Not a text outside the catalogue that
    /// merely names a token as invalid: "Pago Webpay: token de transaccion invalido" names a
    /// payment's token, and may come after the service acted.
    public var provesNotActed: Bool {
        switch self {
        case .unauthorized, .refusalText, .forbidden, .genericError: return true
        case .tokenWords: return false
        }
    }
}

/// What the pipeline does with an answer that refused a request's bearer token.
public enum TokenRenewal: Sendable, Equatable {
    /// Log in again and send the request once more.
    case renewAndRepeat
    /// Return the answer's error as it is.
    case returnError
    /// Return the answer's error, which does not prove the service refused the request before
    /// acting on it, with what the replay policy says after a request that may have reached the
    /// service (`ReplayPolicy.afterPossibleArrival`); the refused token is not used again.
    case returnMayHaveArrived

    /// The decision for an answer carrying `refusal` to a request with `replay`; `renewed`: the
    /// request was already sent again after a new login.
    ///
    /// A request the library may repeat (`idempotent`: reads, safe writes) is renewed and sent once
    /// more on any signal. One it never sends twice (`onlyIfNotSent`, `callerMayRepeat`) only on a
    /// signal that proves the service refused it before acting on it (`provesNotActed`); on the
    /// others the service may have acted — a payment's "token de transaccion invalido" names
    /// another token, and may come after it did — so its error is returned as after any answer
    /// that may have arrived.
    public static func after(_ refusal: TokenRefusal, replay: ReplayPolicy, renewed: Bool) -> TokenRenewal {
        if case .idempotent = replay {
            return renewed ? .returnError : .renewAndRepeat
        }
        guard refusal.provesNotActed else { return .returnMayHaveArrived }
        return renewed ? .returnError : .renewAndRepeat
    }

    /// `error` (an answer's, which may have reached the service) as `returnMayHaveArrived`
    /// returns it: with what `replay` says after such an answer, retryable when it lets the
    /// caller repeat the request.
    public static func mayHaveArrived(_ error: SelloError, replay: ReplayPolicy) -> SelloError {
        replay.mayHaveArrived(error)
    }
}
