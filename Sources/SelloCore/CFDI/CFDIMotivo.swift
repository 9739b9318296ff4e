/// SAT's cancellation reasons, required since 2022-01-01 (PRODIGIA_2026.md §4.5), and their rules,
/// checked before anything is sent: SAT refuses a cancellation that breaks them, and a refused
/// cancellation may have to wait for the receiver again.
enum CFDIMotivo {
    static let descriptions: [(code: String, text: String)] = [
        ("01", "Comprobante emitido con errores con relación"),
        ("02", "Comprobante emitido con errores sin relación"),
        ("03", "No se llevó a cabo la operación"),
        ("04", "Operación nominativa relacionada en una factura global"),
    ]

    static var codes: String { descriptions.map(\.code).joined(separator: ", ") }

    /// One CFDI to cancel with its reason: what the 3-value (`UUID|Motivo|FolioSustitucion`) and
    /// the 6-value integration forms carry besides the 2020 fields.
    struct Reason: Equatable {
        let motivo: String
        /// The replacing CFDI's UUID (motivo 01), or "" (sent empty: `UUID|02|`).
        let folioSustitucion: String
    }

    /// The motivo as sent, "01"–"04", from a string ("02", "2") or a JSON number 1–4; nil when
    /// absent or empty.
    static func motivo(_ value: JSON?, field: String) throws(SelloError) -> String? {
        let given: String // as the caller gave it, for the message (`Quote`)
        switch value {
        case .none, .some(.null): return nil
        case .some(.string(let string)): given = string
        case .some(let number) where number.intValue != nil: given = String(number.intValue ?? 0)
        case .some(let other):
            throw .invalidArgument(
                "\(field) must be a string \"01\"–\"04\" or a number 1–4, got "
                    + "\(other.typeName)", field: field, code: .wrongType)
        }
        let text = given.trimmingSpaces
        if text.isEmpty { return nil }
        let normalized = text.count == 1 ? "0" + text : text
        guard descriptions.contains(where: { $0.code == normalized }) else {
            throw SelloError(
                .validation, .motivoInvalido,
                "\(field) \(Quote.value(given)) is not a SAT cancellation reason: \(codes) "
                    + "(\(descriptions.map { "\($0.code) \($0.text)" }.joined(separator: "; ")))",
                field: field)
        }
        return normalized
    }

    /// The reason of one CFDI: motivo 01 needs the replacing CFDI's UUID, 02–04 must not carry
    /// one (SAT's rules).
    static func reason(motivo: String, folio given: String?, uuid: String, field: String) throws(SelloError) -> Reason {
        let folio = (given ?? "").trimmingSpaces
        if motivo == "01" {
            guard !folio.isEmpty else {
                throw SelloError(
                    .validation, .folioSustitucionRequerido,
                    "\(field): motivo 01 (errores con relación) needs folioSustitucion, the UUID of the "
                        + "CFDI that replaces \(uuid); stamp the replacement first (CfdiRelacionados TipoRelacion 04)",
                    field: field)
            }
            guard CFDIFields.isUUID(folio) else {
                throw SelloError(
                    .validation, .folioSustitucionInvalido,
                    "\(field): folioSustitucion \(Quote.value(given ?? "")) is not a UUID (8-4-4-4-12 "
                        + "hexadecimal digits)", field: field)
            }
            guard folio.uppercased() != uuid.uppercased() else {
                throw SelloError(
                    .validation, .folioSustitucionInvalido,
                    "\(field): folioSustitucion is the UUID being cancelled; it must be the UUID of the "
                        + "CFDI that replaces it", field: field)
            }
            return Reason(motivo: motivo, folioSustitucion: folio.uppercased())
        }
        guard folio.isEmpty else {
            throw SelloError(
                .validation, .folioSustitucionNoPermitido,
                "\(field): motivo \(motivo) takes no folioSustitucion (only 01, errores con relación, "
                    + "names a replacing CFDI)", field: field)
        }
        return Reason(motivo: motivo, folioSustitucion: "")
    }
}
