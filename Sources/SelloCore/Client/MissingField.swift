/// The one rule for a required request field that is absent or null: nothing is sent, the
/// field is named, and the code is the one the service itself documents for a missing
/// parameter, so that one handler covers the service's answer and the library's check:
///
/// - FES: 109 `REQUEST_INCOMPLETO`, kind `validation`, every missing parameter at once (seed 000
///   checks them all before anything else; `FESRequest.checkPresentAndClean`);
/// - Prodigia: codigo 3 (the table's invalid-parameter code), kind `validation`;
/// - Firma Virtual (which documents none) and the library's own helpers: `MISSING_FIELD`, kind
///   `invalid_argument`, as docs/reference.md's conventions state for every function.
public enum MissingField {
    case library
    case fes
    case prodigia

    /// - Parameter message: what to write, when "'field' is required" is not enough (what the
    ///   field is, or its alternatives).
    public func error(_ field: String, message: String? = nil) -> SelloError {
        switch self {
        case .library:
            return .invalidArgument(message ?? "'\(field)' is required", field: field, code: .missingField)
        case .fes:
            return FESCodes.validation(109, message ?? "falta el parámetro obligatorio '\(field)'", field: field)
        case .prodigia:
            return CFDICodes.validation(3, message ?? "\(field) is required", field: field)
        }
    }
}
