/// A cancelarCfdiConOpciones request (seed 002, the integration API), checked locally. Since
/// 2022 SAT requires a motivo: an entry may carry it (6 values, or an object), and is then sent
/// in the 6-value form that works on the integration family (PRODIGIA_2026.md §4.3, form C).
/// An entry without one is sent as in 2020, with a warning MOTIVO_MISSING.
struct CFDICancelRequest {
    static let entryFields = ["uuid", "rfcReceptor", "rfcEmisor", "total", "motivo", "folioSustitucion"]
    static let forms =
        "\"UUID|RFC_Receptor|RFC_Emisor|Total\" or \"UUID|RFC_Receptor|RFC_Emisor|Total|Motivo|FolioSustitucion\""

    /// One element of `uuids`.
    struct Entry {
        let uuid: String
        let rfcReceptor: String
        let rfcEmisor: String
        let total: String
        let reason: CFDIMotivo.Reason?
        var text: String {
            let base = "\(uuid)|\(rfcReceptor)|\(rfcEmisor)|\(total)"
            guard let reason else { return base }
            return base + "|\(reason.motivo)|\(reason.folioSustitucion)"
        }
    }

    let cancellation: CFDICancellation<Entry>
    var output: CFDIOutput { cancellation.output }

    init(_ json: RequestObject, defaultContrato: String, found: inout ReadFacts) throws(SelloError) {
        cancellation = try CFDICancellation(
            json, defaultContrato: defaultContrato, forms: CFDICancelRequest.forms, found: &found,
            entry: CFDICancelRequest.entry)
        let entries = cancellation.entries
        let missing = entries.indices.filter { entries[$0].reason == nil }
        if !missing.isEmpty {
            found.warn(
                Warning(
                    kind: .validation, code: .motivoMissing,
                    message: "uuids\(missing.map { "[\($0)]" }.joined()) "
                        + "\(missing.count == 1 ? "has" : "have") no motivo: sent in the 2020 form, but "
                        + "the SAT has required a cancellation reason (\(CFDIMotivo.codes)) since "
                        + "2022-01-01; add it, or use cfdi_cancel_with_reason",
                    field: "uuids"))
        }
    }

    /// One entry; its RFC_Emisor is held to `rfcEmisor` when there is one (nil: the request's has a
    /// problem of its own).
    static func entry(_ element: JSON, index: Int, rfcEmisor: String?, found: inout ReadFacts) throws(SelloError)
        -> Entry
    {
        let field = "uuids"
        let (parts, motivo, folio) = try entryParts(element, index: index)
        let (uuid, total) = (parts[0].trimmingSpaces, parts[3].trimmingSpaces)
        guard CFDIFields.isUUID(uuid) else {
            throw CFDICodes.invalidParameter(
                "uuids[\(index)]: \(Quote.value(parts[0])) is not a UUID "
                    + "(8-4-4-4-12 hexadecimal digits)", field: field)
        }
        let receptor = try CFDIFields.rfc(parts[1], field: "uuids[\(index)].rfcReceptor", found: &found)
        let emisor = try CFDIFields.rfc(parts[2], field: "uuids[\(index)].rfcEmisor", found: &found)
        guard rfcEmisor == nil || emisor == rfcEmisor else {
            throw CFDICodes.validation(
                203,
                "uuids[\(index)]: its RFC_Emisor \(Quote.value(parts[2])) is not rfcEmisor \(rfcEmisor ?? "")",
                field: field)
        }
        guard CFDIFields.isTotal(total) else {
            throw CFDICodes.invalidParameter(
                "uuids[\(index)]: the total \(Quote.value(parts[3])) \(CFDIFields.totalProblem(total, number: false))",
                field: field)
        }
        var reason: CFDIMotivo.Reason?
        if let motivo {
            reason = try CFDIMotivo.reason(
                motivo: motivo, folio: folio, uuid: uuid, field: "uuids[\(index)].folioSustitucion")
        } else if let folio, !folio.trimmingSpaces.isEmpty {
            throw SelloError(
                .validation, .motivoRequerido,
                "uuids[\(index)] has a folioSustitucion but no motivo: give motivo 01", field: "uuids[\(index)].motivo")
        }
        return Entry(uuid: uuid, rfcReceptor: receptor, rfcEmisor: emisor, total: total, reason: reason)
    }

    /// An entry's UUID, receptor, emisor and total (as text), motivo and folio, from either form;
    /// each as given, untrimmed, so that a message quotes what the caller typed (`Quote`).
    static func entryParts(_ element: JSON, index: Int) throws(SelloError) -> (
        parts: [String], motivo: String?, folio: String?
    ) {
        let field = "uuids"
        var parts: [String]
        var motivo: String?
        var folio: String?
        switch element {
        case .string(let text):
            parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard (4...6).contains(parts.count) else {
                throw CFDICodes.invalidParameter(
                    "uuids[\(index)] \(Quote.value(text)) must be \(forms) "
                        + "(values separated by |)", field: field)
            }
            if parts.count >= 5 { motivo = try CFDIMotivo.motivo(.string(parts[4]), field: "uuids[\(index)].motivo") }
            if parts.count == 6 { folio = parts[5] }
            parts = Array(parts.prefix(4))
        case .object:
            let reader = try FieldReader(element, allowed: entryFields)
            var values: [String] = []
            for name in ["uuid", "rfcReceptor", "rfcEmisor"] {
                guard let value = try reader.stringOrNumber(name) else {
                    throw MissingField.prodigia.error(field, message: "uuids[\(index)] needs \(name)")
                }
                values.append(value)
            }
            guard let total = try CFDIFields.total(reader.member("total"), field: field) else {
                throw MissingField.prodigia.error(field, message: "uuids[\(index)] needs total")
            }
            parts = values + [total]
            motivo = try CFDIMotivo.motivo(reader.member("motivo"), field: "uuids[\(index)].motivo")
            folio = try reader.string("folioSustitucion")
        default:
            throw .invalidArgument(
                "uuids[\(index)] must be a string \(forms) or an object {uuid, rfcReceptor, "
                    + "rfcEmisor, total, motivo, folioSustitucion}, got \(element.typeName)",
                field: field, code: .wrongType)
        }
        return (parts, motivo, folio)
    }

    func httpRequest(auth: BasicCredentials) -> HTTPRequest {
        cancellation.httpRequest(CFDIPath.cancelarConOpciones, entryName: "uuids", auth: auth) { $0.text }
    }
}
