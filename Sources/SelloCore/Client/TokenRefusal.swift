/// What in an answer to a request that carried the bearer token says the service refused the
/// token, the strongest signal when there are several (CHILE_2026 §1.2 lists them; the live
/// service's own is unknown, [INF]).
public enum TokenRefusal: Sendable, CaseIterable {
    /// HTTP 401.
    case unauthorized
    /// One of the seed's exact texts that say the token (or the login behind it) was refused:
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
    public static func after(_ refusal: TokenRefusal, replay: ReplayPolicy, renewed: Bool) -> TokenRenewal {
        renewed ? .returnError : .renewAndRepeat
    }
}
