/// The `opciones` policy of every cfdi_ operation (API.md, "CFDI — Prodigia today"): a documented
/// option is sent as given; a near miss of one is refused (codigo 3, "did you mean"); any other
/// well-formed option is sent with a warning UNKNOWN_OPTION, because Prodigia adds options faster
/// than any table; RESPUESTA_JSON is refused (the library reads the XML answer); the CFDI 3.3
/// plugin is sent with a warning CFDI33_RETIRED.
public enum CFDIOptions {
    public static let plugin40 = "PLUGIN_PROCESO:GENERICO_CFDI40:1.0"
    public static let plugin33 = "PLUGIN_PROCESO:GENERICO_CFDI33:1.0"
    public static let resend307 = "REGRESAR_CON_ERROR_307_XML"

    /// Stamping (procesarArchivo, timbrado40, timbrarCfdi): the seed's "Tabla de opciones" and
    /// the 4.0 additions of PRODIGIA_2026.md §3.2. Entries ending in ':' take a value.
    public static let stamp = [
        plugin40, plugin33, "CALCULAR_SELLO", "ESTABLECER_NO_CERTIFICADO", "ESTABLECER_CERTIFICADO",
        "CORREGIR_NAMESPACES", "REGRESAR_RFCPROVCERTIF", "RESPUESTA_XML_CFDI", "CONSULTAR_SALDO", "ENVIAR_AMBOS:",
        "ADDENDA:LIBRE:", resend307, "OBSERVACIONES:", "REGRESAR_CADENA_ORIGINAL", "GENERAR_PDF", "GENERAR_CBB",
        "VERIFICAR_SERIE_FOLIO", "MODO_PRUEBA", "MODO_PRUEBA:", "CERT_DEFAULT",
    ]

    /// Cancelling (both families) and the SAT status: the seed's "las opciones reconocidas son",
    /// plus MODO_PRUEBA, the 4.0 plugin, and PKCS12 and XML_CANCELACION with their value as
    /// PRODIGIA_2026.md §4.2 writes them (`PKCS12:<b64>`, `XML_CANCELACION:<b64>`).
    public static let cancel = [
        "PKCS12", "PKCS12:", "XML_CANCELACION", "XML_CANCELACION:", "CERT_DEFAULT", "CONSULTAR_SALDO", "MODO_PRUEBA",
        "MODO_PRUEBA:", plugin40, plugin33,
    ]

    /// An option as a message shows it, quoted: a value is left out (`'PKCS12:…'`), since it may
    /// be a key file, an address or a document, and so the name before it is shown only when it
    /// is a name (A–Z, 0–9, _): the head of any other text (a password holding a colon) would no
    /// longer be the secret the masking knows (`Quote`).
    static func shown(_ option: String) -> String {
        guard let colon = option.firstIndex(of: ":") else { return Quote.value(option) }
        let name = option[..<colon]
        guard !name.isEmpty, name.count <= Quote.limit,
            name.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 })
        else { return "(an option of \(option.count) characters, not shown)" }
        return "'\(name):…'"
    }

    /// Refused whatever the table: the answer would be JSON, and the library reads XML.
    static let unsupported = ["RESPUESTA_JSON"]

    static func isKnown(_ option: String, in table: [String]) -> Bool {
        table.contains { $0.hasSuffix(":") ? option.hasPrefix($0) : option == $0 }
    }

    /// `NAME` or `NAME:value`, NAME of A–Z, 0–9 and `_`.
    static func isWellFormed(_ option: String) -> Bool {
        let parts = option.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = parts.first, !name.isEmpty else { return false }
        if parts.count == 2 && parts[1].isEmpty { return false }
        return name.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Applies the policy to `options` (in request order) and returns them as they are sent.
    /// - Parameters:
    ///   - pipeSeparated: the options travel as one base64 element of "A|B|C", so none may hold
    ///     a pipe.
    ///   - found: receives the UNKNOWN_OPTION and CFDI33_RETIRED warnings.
    static func check(_ options: [String], table: [String], pipeSeparated: Bool, found: inout ReadFacts)
        throws(SelloError)
    {
        var unknown: [String] = []
        for (index, option) in options.enumerated() {
            if pipeSeparated && option.contains("|") {
                throw CFDICodes.invalidParameter(
                    "opciones[\(index)] contains '|', which separates the options when opciones_base64 is true",
                    field: "opciones")
            }
            if unsupported.contains(option.uppercased()) {
                throw SelloError(
                    .invalidArgument, .optionNotSupported,
                    "opciones[\(index)] \(shown(option)): the library reads Prodigia's XML answer; leave the "
                        + "option out (data is already JSON)",
                    field: "opciones")
            }
            if isKnown(option, in: table) {
                if option == plugin33 {
                    found.warn(
                        Warning(
                            kind: .validation, code: .cfdi33Retired,
                            message: "opciones has \(plugin33): the SAT stopped accepting CFDI 3.3 on "
                                + "2023-04-01; use \(plugin40) with the 4.0 layout",
                            field: "opciones"))
                }
                continue
            }
            if let near = nearMiss(option, in: table) {
                throw CFDICodes.invalidParameter(
                    "opciones[\(index)] \(shown(option)) is not a "
                        + "documented option; did you mean \(near)?",
                    field: "opciones")
            }
            guard isWellFormed(option) else {
                throw CFDICodes.invalidParameter(
                    "opciones[\(index)] \(shown(option)) is not an option: NAME or NAME:value, NAME of "
                        + "A–Z, 0–9 and _",
                    field: "opciones")
            }
            unknown.append(option)
        }
        if !unknown.isEmpty {
            let names = unknown.map { shown($0) }.joined(separator: ", ")
            found.warn(
                Warning(
                    kind: .validation, code: .unknownOption,
                    message: "opciones \(names) \(unknown.count == 1 ? "is" : "are") not in the "
                        + "library's table for this operation; sent as given (Prodigia decides)",
                    field: "opciones"))
        }
    }

    /// The interchange file's layout is the plugin's (PRODIGIA_2026.md §2.2: `PLUGIN_PROCESO` is
    /// mandatory today, [T1]); without one Prodigia reads the 2020 CFDI 3.3 file, which SAT refuses
    /// since 2023-04-01. The request is sent as given: the warning says what to add.
    static func warnWithoutPlugin(_ options: [String], found: inout ReadFacts) {
        guard !options.contains(where: { $0.uppercased().hasPrefix("PLUGIN_PROCESO:") }) else { return }
        found.warn(
            Warning(
                kind: .validation, code: .pluginMissing,
                message: "opciones has no PLUGIN_PROCESO: Prodigia then reads datos as the 2020 CFDI 3.3 file, "
                    + "which the SAT refuses since 2023-04-01; a CFDI 4.0 file in the 4.0 layout needs \(plugin40)",
                field: "opciones"))
    }

    /// The documented option `option` is a near miss of: the same when upper-cased, a value
    /// given to a bare option or missing from a valued one, or at most two edits away (one for
    /// short names) from a documented name. nil when it is not close to any.
    static func nearMiss(_ option: String, in table: [String]) -> String? {
        let upper = option.uppercased()
        var best: (entry: String, distance: Int)?
        for entry in table {
            let shown = entry.hasSuffix(":") ? entry + "<valor>" : entry
            if entry.hasSuffix(":") {
                let key = String(entry.dropLast())
                // No value, or lower case.
                if (upper == key && !table.contains(key)) || upper.hasPrefix(entry) { return shown }
                let segments = key.split(separator: ":").count
                let head = upper.split(separator: ":", omittingEmptySubsequences: false).prefix(segments).joined(
                    separator: ":")
                let distance = TextFolding.distance(head, key)
                if distance <= allowance(key), distance < (best?.distance ?? Int.max) { best = (shown, distance) }
            } else {
                // Lower case, or a value given to a bare option (unless the option also takes one).
                if upper == entry || (upper.hasPrefix(entry + ":") && !table.contains(entry + ":")) { return entry }
                let distance = TextFolding.distance(upper, entry)
                if distance <= allowance(entry), distance < (best?.distance ?? Int.max) { best = (entry, distance) }
            }
        }
        return best?.entry
    }

    static func allowance(_ name: String) -> Int { name.count <= 6 ? 1 : 2 }

    /// `options` with REGRESAR_CON_ERROR_307_XML appended unless already there: an XML sent again
    /// (after a timeout) then answers with the earlier stamp instead of an error.
    static func withResend307(_ options: [String]) -> [String] {
        options.contains(resend307) ? options : options + [resend307]
    }
}
