/// The cancellation receipts (acuses) of a servicioCancel, saved as <UUID>_acuse.xml. The 2020
/// seed lists `acuseCancelBase64` among the answer's fields without saying where; the live service
/// has one for the request, a child of servicioCancel (PRODIGIA_2026.md §4.4). Both places are
/// read: a cancelación's own, and the request's, saved under each UUID it names.
enum CFDIAcuses {
    /// Saves every acuse of `data` in `folder`; the paths written. A cancelled UUID without any
    /// acuse is a warning: the receipt is the caller's proof of the cancellation.
    static func save(_ data: JSONObject, folder: String, found: inout ReadFacts) -> [JSON] {
        let entries = cancelaciones(data)
        var saved: [JSON] = []
        var seen = false
        for entry in entries {
            guard let uuid = CFDIAnswer.field(entry, "uuid")?.stringValue,
                let acuse = CFDIAnswer.field(entry, "acuseCancelBase64")?.stringValue, !acuse.isEmpty
            else { continue }
            seen = true
            saved += write(acuse, uuid: uuid, folder: folder, found: &found)
        }
        if let acuse = CFDIAnswer.field(data, "acuseCancelBase64")?.stringValue, !acuse.isEmpty {
            seen = true
            let named = uuids(in: acuse)
            let uuids = named.isEmpty ? entries.compactMap { CFDIAnswer.field($0, "uuid")?.stringValue } : named
            for uuid in uuids { saved += write(acuse, uuid: uuid, folder: folder, found: &found) }
        }
        if !seen, entries.contains(where: { $0["status"]?.stringValue == CFDICancelStatus.cancelled.rawValue }) {
            found.warn(
                Warning(
                    kind: .protocol, code: .xmlMissing,
                    message: "the answer has no acuseCancelBase64 (neither for the request nor per cancelación): "
                        + "there is no cancellation receipt to save; cfdi_get_cancellation_receipt asks for it",
                    field: "acuseCancelBase64"))
        }
        return saved
    }

    /// A 201 is `cancelled` (API.md §7; the 2020 table's "Cancelado sin aceptación"), but the live
    /// service's 201 says "Solicitud de cancelación recibida" (PRODIGIA_2026.md §4.4): SAT received
    /// the request, and a CFDI that needs the receiver's acceptance stays vigente until then (seed
    /// 002 keeps 96 for a repeated request). Unless the service's own words say the CFDI was
    /// cancelled, each such UUID is a warning that sends the caller to `cfdi_get_status`.
    static func warnRequested(_ data: JSONObject, found: inout ReadFacts) {
        let entries = cancelaciones(data)
        for entry in entries where CFDIAnswer.integer(CFDIAnswer.field(entry, "codigo")) == 201 {
            let mensaje = CFDIAnswer.field(entry, "mensaje")?.stringValue ?? ""
            guard !mensaje.lowercased().contains("cancelado") else { continue }
            let uuid = CFDIAnswer.field(entry, "uuid")?.stringValue ?? "?"
            found.warn(
                Warning(
                    kind: .service, code: .cancellationRequested,
                    message: "\(uuid): the service received the cancellation request (201"
                        + (mensaje.isEmpty ? "" : ", \(Quote.value(mensaje))") + "), which does not "
                        + "say it is done: a CFDI that needs the receiver's acceptance stays vigente until the "
                        + "receiver accepts (or 72 hours pass); confirm with cfdi_get_status",
                    field: "cancelaciones"))
        }
    }

    /// The answer's cancelaciones, as objects.
    static func cancelaciones(_ data: JSONObject) -> [JSONObject] {
        (CFDIAnswer.field(data, "cancelaciones")?.arrayValue ?? []).compactMap(\.objectValue)
    }

    private static func write(_ acuse: String, uuid: String, folder: String, found: inout ReadFacts) -> [JSON] {
        let path = CFDIResults.save(
            base64: acuse, uuid: uuid, suffix: "_acuse.xml", folder: folder, what: "cancellation receipt",
            found: &found)
        return path.map { [.string($0)] } ?? []
    }

    /// The UUIDs an acuse names (`Folios/UUID`), in order; none when it cannot be read.
    static func uuids(in base64: String) -> [String] {
        guard let bytes = Base64.decode(base64), case .success(let root) = parseXML(bytes) else { return [] }
        var found: [String] = []
        var stack = [root]
        while let element = stack.popLast() {
            if element.name == "UUID", CFDIFields.isUUID(element.text), !found.contains(element.text) {
                found.append(element.text)
            }
            stack.append(contentsOf: element.children.reversed())
        }
        return found
    }
}
