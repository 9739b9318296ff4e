/// A cancellation with motivo on the timbrado family's REST endpoint, `cancelacion/cancelar`
/// (PRODIGIA_2026.md §4.2, live-probed in 2026): each CFDI as `UUID|Motivo|FolioSustitucion`
/// (form B of §4.3) in a repeated `arregloUUID`, the folio empty unless the motivo is 01.
struct CFDICancelReasonRequest {
    static let form = "\"UUID|Motivo|FolioSustitucion\""

    struct Entry {
        let uuid: String
        let reason: CFDIMotivo.Reason
        var text: String { "\(uuid)|\(reason.motivo)|\(reason.folioSustitucion)" }
    }

    let cancellation: CFDICancellation<Entry>
    var output: CFDIOutput { cancellation.output }

    init(_ json: RequestObject, defaultContrato: String, found: inout ReadFacts) throws(SelloError) {
        cancellation = try CFDICancellation(
            json, defaultContrato: defaultContrato,
            forms: "\(CFDICancelReasonRequest.form) or {uuid, motivo, folioSustitucion}", found: &found
        ) { element, index, _, _ throws(SelloError) in try CFDICancelReasonRequest.entry(element, index: index) }
    }

    static func entry(_ element: JSON, index: Int) throws(SelloError) -> Entry {
        let uuidText: String
        let motivoValue: JSON?
        let folio: String?
        switch element {
        case .string(let text):
            // Untrimmed: each part is trimmed where it is checked, and quoted as given (`Quote`).
            let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            // A bare UUID is an entry without motivo, as {"uuid": U} and "U||" are (MOTIVO_REQUERIDO).
            guard (1...3).contains(parts.count) else {
                throw CFDICodes.invalidParameter(
                    "uuids[\(index)] \(Quote.value(text)) must be \(form) (the "
                        + "folio empty unless the motivo is 01)",
                    field: "uuids")
            }
            uuidText = parts[0]
            motivoValue = parts.count > 1 ? .string(parts[1]) : nil
            folio = parts.count == 3 ? parts[2] : nil
        case .object:
            let reader = try FieldReader(element, allowed: ["uuid", "motivo", "folioSustitucion"])
            guard let text = try reader.string("uuid") else {
                throw CFDICodes.invalidParameter("uuids[\(index)] needs uuid", field: "uuids")
            }
            uuidText = text
            motivoValue = reader.member("motivo")
            folio = try reader.string("folioSustitucion")
        default:
            throw .invalidArgument(
                "uuids[\(index)] must be a string \(form) or an object {uuid, motivo, "
                    + "folioSustitucion}, got \(element.typeName)",
                field: "uuids", code: .wrongType)
        }
        let uuid = try CFDIFields.uuid(uuidText, field: "uuids[\(index)]")
        guard let motivo = try CFDIMotivo.motivo(motivoValue, field: "uuids[\(index)].motivo") else {
            throw SelloError(
                .validation, .motivoRequerido,
                "uuids[\(index)] has no motivo: the SAT requires a cancellation reason "
                    + "(\(CFDIMotivo.codes)) since 2022-01-01",
                field: "uuids[\(index)].motivo")
        }
        let reason = try CFDIMotivo.reason(
            motivo: motivo, folio: folio, uuid: uuid, field: "uuids[\(index)].folioSustitucion")
        return Entry(uuid: uuid, reason: reason)
    }

    /// POST {base}/cancelacion/cancelar; the parameters in the query, as on the integration
    /// family; an empty body of type application/xml.
    func httpRequest(auth: BasicCredentials) -> HTTPRequest {
        cancellation.httpRequest(CFDIPath.cancelar, entryName: "arregloUUID", auth: auth) { $0.text }
    }
}
