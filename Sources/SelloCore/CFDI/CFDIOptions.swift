/// The `opciones` the seed documents, one table per method family.
public enum CFDIOptions {
    /// procesarArchivo / procesarArchivoConCSD: the seed's "Tabla de opciones". The entries
    /// ending in ':' take a value after the colon (ENVIAR_AMBOS:…, ADDENDA:LIBRE:…,
    /// OBSERVACIONES:…).
    public static let stamp = [
        "PLUGIN_PROCESO:GENERICO_CFDI33:1.0", "CALCULAR_SELLO", "RESPUESTA_XML_CFDI", "CONSULTAR_SALDO",
        "ENVIAR_AMBOS:", "ADDENDA:LIBRE:", "REGRESAR_CON_ERROR_307_XML", "OBSERVACIONES:",
        "REGRESAR_CADENA_ORIGINAL", "GENERAR_PDF",
    ]

    /// cancelarCfdiConOpciones: "las opciones reconocidas son".
    public static let cancel = [
        "PLUGIN_PROCESO:GENERICO_CFDI33:1.0", "PKCS12", "XML_CANCELACION", "CERT_DEFAULT", "CONSULTAR_SALDO",
    ]

    static func isKnown(_ option: String, in table: [String]) -> Bool {
        table.contains { $0.hasSuffix(":") ? option.hasPrefix($0) : option == $0 }
    }

    /// Checks every option against the table (codigo 3 locally, as the service would answer).
    /// `pipeSeparated`: the options travel as one base64 element of "A|B|C", so none may hold
    /// a pipe.
    static func check(_ options: [String], table: [String], pipeSeparated: Bool) throws(SelloError) {
        for (index, option) in options.enumerated() {
            guard isKnown(option, in: table) else {
                let hint = suggestion(for: option, in: table).map { "; did you mean \($0)?" } ?? ""
                throw CFDICodes.invalidParameter(
                    "opciones[\(index)] '\(CFDIFields.shown(option))' is not one of the documented options (\(table.joined(separator: ", ")))\(hint)",
                    field: "opciones")
            }
            if pipeSeparated && option.contains("|") {
                throw CFDICodes.invalidParameter(
                    "opciones[\(index)] contains '|', which separates the options when opciones_base64 is true",
                    field: "opciones")
            }
        }
    }

    /// The closest documented option by spelling, for typos ("GENERA_PDF").
    static func suggestion(for option: String, in table: [String]) -> String? {
        let upper = option.uppercased()
        if let exact = table.first(where: { $0 == upper || ($0.hasSuffix(":") && upper.hasPrefix($0)) }) { return exact }
        let best = table.map { ($0, TextFolding.distance(upper, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, best.0.count / 4) else { return nil }
        return best.0
    }
}
