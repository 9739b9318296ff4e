/// One code of the Prodigia integration API (seed 002): its number, the seed's description, a
/// stable name, and what it means for the caller.
public struct CFDICode: Sendable, Equatable {
    public let number: Int
    public let name: String
    public let description: String
    public let kind: ErrorKind
    /// Whether the very same request may be sent again as it is (the service did not act on it
    /// and the cause may pass); false where the caller must change something first.
    public let retryable: Bool

    init(_ number: Int, _ name: String, _ description: String, _ kind: ErrorKind = .service, retryable: Bool = false) {
        self.number = number
        self.name = name
        self.description = description
        self.kind = kind
        self.retryable = retryable
    }

    public var json: JSON {
        [
            "codigo": .int(Int64(number)), "name": .string(name), "descripcion": .string(description),
            "kind": .string(kind.rawValue), "retryable": .bool(retryable),
        ]
    }
}

/// The seed's three code tables, each written once.
public enum CFDICodes {
    /// "Códigos de respuesta para los diferentes servicios" / "Tabla de códigos del servicio"
    /// (the seed prints the same table twice): the global `codigo` of every answer, and the
    /// per-UUID `codigo` of a cancellation when it is not one of `cancellationStatuses`.
    public static let service: [CFDICode] = [
        CFDICode(0, "TIMBRADO_EXITOSO", "Timbrado exitoso."),
        // Never retried: Prodigia locks the account after 3 failed logins.
        CFDICode(
            1, "USUARIO_O_CONTRASENA_INVALIDOS",
            "El usuario del webservice no existe o proporcionó una contraseña incorrecta.", .auth),
        CFDICode(
            2, "CONTRATO_INVALIDO",
            "Contrato inválido. El contrato está expirado, o no cuenta con servicio de timbrado."),
        CFDICode(
            3, "PARAMETRO_INVALIDO",
            "Parámetro inválido. Uno de los parámetros de la operación del webservice es incorrecto o hace falta."),
        CFDICode(5, "FUERA_DE_LINEA_POR_MANTENIMIENTO", "Off-line por mantenimiento.", retryable: true),
        CFDICode(
            7, "CANCELACION_SAT_NO_DISPONIBLE",
            "El servicio de CancelaciónSAT no está disponible, intente más tarde.", retryable: true),
        CFDICode(20, "SIN_CERTIFICADO_DEFAULT", "El usuario no cuenta con un certificado default."),
        CFDICode(21, "CFDI_SIN_CANCELAR", "CFDI sin cancelar. Aplica a la consulta de acuse de cancelación."),
        CFDICode(201, "CANCELADO_EXITOSAMENTE", "Comprobante cancelado exitosamente. (sin autorización)."),
        CFDICode(202, "PREVIAMENTE_CANCELADO", "El comprobante ya ha sido previamente cancelado."),
        CFDICode(203, "RFC_EMISOR_NO_CORRESPONDE", "El RFC del emisor no corresponde."),
        CFDICode(205, "UUID_NO_EXISTE", "El UUID no existe."),
        CFDICode(301, "XML_MAL_FORMADO", "XML mal formado."),
        CFDICode(302, "SELLO_MAL_FORMADO", "Sello mal formado o inválido."),
        CFDICode(303, "SELLO_NO_CORRESPONDE_AL_EMISOR", "Sello no corresponde al emisor."),
        CFDICode(304, "CERTIFICADO_REVOCADO_O_CADUCO", "Certificado revocado o caduco."),
        CFDICode(
            305, "FECHA_FUERA_DE_VIGENCIA_DEL_CSD",
            "La fecha de emisión no está dentro de la vigencia del CSD del emisor."),
        CFDICode(306, "CERTIFICADO_NO_ES_CSD", "El certificado no es de tipo CSD."),
        CFDICode(307, "CFDI_CON_TIMBRE_PREVIO", "El CFDI contiene un timbre previo."),
        CFDICode(308, "CERTIFICADO_NO_EXPEDIDO_POR_EL_SAT", "Certificado no expedido por el SAT."),
        CFDICode(401, "FECHA_FUERA_DE_RANGO", "Fecha y hora de generación fuera de rango."),
        CFDICode(
            402, "RFC_NO_EN_REGIMEN_DE_CONTRIBUYENTES",
            "El RFC del emisor no se encuentra en el régimen de contribuyentes."),
        CFDICode(403, "FECHA_ANTERIOR_A_2012", "La fecha de emisión no es posterior al 1 de enero de 2012."),
        CFDICode(602, "CFDI_NO_EXISTE", "CFDI no existe."),
    ]

    /// "Códigos para los nuevos estatus de cancelación": the per-UUID `codigo` of a
    /// cancelación. Results, not failures: they are data in the envelope.
    public static let cancellationStatuses: [CFDICode] = [
        CFDICode(
            90, "COMPROBANTE_NO_ENCONTRADO",
            "N – 602: Comprobante no encontrado. Este código tiene lugar cuando "
                + "un comprobante no ha sido encontrado en la base de datos del SAT."),
        CFDICode(
            91, "COMPROBANTE_OBTENIDO",
            "S – Comprobante obtenido satisfactoriamente. Este código tiene lugar "
                + "cuando el comprobante consultado se encuentra en la base de datos del SAT."),
        CFDICode(
            92, "EXPRESION_IMPRESA_INVALIDA",
            "N – 601: La expresión impresa proporcionada no es válida. Este "
                + "código tiene lugar cuando alguno de los parámetros enviados para la consulta del estatus del "
                + "comprobante es erróneo."),
        CFDICode(
            93, "INDETERMINADO",
            "Indeterminado. Este código tiene lugar cuando el SAT actualizó algún elemento "
                + "en la respuesta del servicio de consulta de comprobantes y dicho elemento no es reconocido por "
                + "Prodigia.", retryable: true),
        CFDICode(
            94, "NO_CANCELABLE",
            "No Cancelable. Este código comúnmente aparecerá cuando el comprobante que se "
                + "desea cancelar contenga al menos un cfdi relacionado vigente."),
        CFDICode(
            95, "CANCELADO_CON_ACEPTACION",
            "Cancelado con aceptación. Este código aparecerá una vez que el cfdi "
                + "está cancelado y requirió de autorización por parte del receptor para ser cancelado."),
        CFDICode(
            96, "EN_PROCESO",
            "En proceso. Este código aparecerá cuando se intenta enviar una nueva solicitud de "
                + "cancelación de un comprobante que previamente intentó ser cancelado y dicha solicitud requiere de "
                + "aceptación por parte del receptor."),
        CFDICode(
            97, "SOLICITUD_RECHAZADA",
            "Solicitud rechazada. Este código aparecerá cuando el receptor rechaza la "
                + "cancelación de algún comprobante, para este caso el cfdi queda con estado vigente."),
        CFDICode(
            98, "PLAZO_VENCIDO",
            "Plazo vencido. Este código aparecerá cuando exista una solicitud de "
                + "cancelación que requiera de aceptación por parte del receptor, y tras pasar las 72 horas, no se "
                + "obtuvo "
                + "respuesta alguna. En este caso el cfdi se cancela dando por hecho que la cancelación fue aceptada."),
        CFDICode(99, "LIMITE_MAXIMO_ALCANZADO", "Límite máximo alcanzado. Pendiente por definir", retryable: true),
        CFDICode(
            201, "CANCELADO_SIN_ACEPTACION",
            "Cancelado sin aceptación. Este código aparecerá cuando el cfdi se "
                + "canceló sin necesidad de que el receptor autorice, básicamente funciona de manera unilateral."),
    ]

    /// "Códigos para el nodo estatusCfdi en el método de consulta estatus de comprobantes".
    public static let estatusCfdi: [CFDICode] = [
        CFDICode(
            0, "DESCONOCIDO",
            "Desconocido. Se obtiene cuando la respuesta del SAT no pudo ser interpretada de "
                + "acuerdo a un estatus válido del CFDI.", retryable: true),
        CFDICode(
            1, "CFDI_NO_EXISTE",
            "CFDi no existe. Se obtiene cuando la respuesta del SAT indica que el comprobante no pudo ser encontrado."),
        CFDICode(
            2, "VIGENTE",
            "Vigente. Se obtiene cuando la respuesta del SAT indica que el comprobante se "
                + "encuentra Vigente y no se puede especificar si se requiere aceptación o no para cancelarlo."),
        CFDICode(
            3, "VIGENTE_CON_ACEPTACION",
            "Vigente con aceptación. Se obtiene cuando la respuesta del SAT indica "
                + "que el comprobante se encuentra Vigente y se requiere aceptación para cancelarlo."),
        CFDICode(
            4, "VIGENTE_SIN_ACEPTACION",
            "Vigente sin aceptación. Se obtiene cuando la respuesta del SAT indica "
                + "que el comprobante se encuentra Vigente y no se requiere aceptación para cancelarlo."),
        CFDICode(
            5, "VIGENTE_NO_CANCELABLE",
            "Vigente no cancelable. Se obtiene cuando la respuesta del SAT indica "
                + "que el comprobante se encuentra Vigente y no es posible cancelarlo."),
        CFDICode(
            6, "CANCELADO",
            "Cancelado. Se obtiene cuando la respuesta del SAT indica que el comprobante se "
                + "encuentra Cancelado y no se puede especificar el medio como fue cancelado(con/sin aceptación o por "
                + "plazo vencido)."),
        CFDICode(
            7, "CANCELACION_EN_PROCESO",
            "Cancelación en proceso. Se obtiene cuando la respuesta del SAT indica "
                + "que el comprobante se encuentra Vigente y está en espera de la respuesta del receptor para su "
                + "cancelación."),
        CFDICode(
            8, "CANCELADO_CON_ACEPTACION",
            "Cancelado con aceptación. Se obtiene cuando la respuesta del SAT "
                + "indica que el comprobante se encuentra Cancelado y se requirió aceptación del receptor para "
                + "cancelarlo."),
        CFDICode(
            9, "CANCELADO_SIN_ACEPTACION",
            "Cancelado sin aceptación. Se obtiene cuando la respuesta del SAT "
                + "indica que el comprobante se encuentra Cancelado y no se requirió aceptación del receptor para "
                + "cancelarlo."),
        CFDICode(
            10, "CANCELADO_POR_PLAZO_VENCIDO",
            "Cancelado por plazo vencido. Se obtiene cuando la respuesta del "
                + "SAT indica que el comprobante se encuentra Cancelado y no hubo una respuesta del receptor en las 72 "
                + "horas hábiles posteriores a la solicitud de cancelación."),
        CFDICode(
            99, "INDETERMINADO",
            "Indeterminado. Se obtiene cuando hay un error en la interpretación de la "
                + "respuesta del SAT o cuando no hay una respuesta(que el servicio no se encuentre "
                + "disponible).", retryable: true),
    ]

    private static let serviceByNumber = index(service)
    private static let cancellationByNumber = index(cancellationStatuses)
    private static let estatusByNumber = index(estatusCfdi)

    private static func index(_ table: [CFDICode]) -> [Int: CFDICode] {
        Dictionary(uniqueKeysWithValues: table.map { ($0.number, $0) })
    }

    public static func serviceCode(_ number: Int) -> CFDICode? { serviceByNumber[number] }
    public static func estatus(_ number: Int) -> CFDICode? { estatusByNumber[number] }

    /// The meaning of a cancelación's own `codigo`: a cancellation status (90–99, 201) first,
    /// else a service code (202 already cancelled, 203, 205, …).
    public static func cancellation(_ number: Int) -> CFDICode? {
        cancellationByNumber[number] ?? serviceByNumber[number]
    }

    /// A local validation that mirrors one of the service's documented checks: the same name
    /// and number as the service would answer, with what exactly is wrong.
    static func validation(_ number: Int, _ detail: String, field: String?) -> SelloError {
        SelloError(
            .validation, .table(serviceByNumber[number]?.name ?? "CFDI_\(number)"), detail, serviceCode: number,
            field: field)
    }

    /// The parameter check the service reports as codigo 3.
    static func invalidParameter(_ detail: String, field: String) -> SelloError {
        validation(3, detail, field: field)
    }

    /// A service's `mensaje` as a message shows it: trimmed, nil when empty, and at most
    /// `mensajeLimit` characters (the full answer stays in `data` of a success). A service that
    /// repeats the request (a CSD key is kilobytes) must not make the message carry it.
    static func shownMensaje(_ mensaje: String?) -> String? {
        guard let text = mensaje?.trimmingSpaces, !text.isEmpty else { return nil }
        return text.count <= mensajeLimit ? text : String(text.prefix(mensajeLimit)) + "…"
    }

    static let mensajeLimit = 300

    /// The messages of `mensaje` other than `description`, joined with "; "; nil when none is left.
    /// Prodigia separates several messages with a pipe (seed 002, "serán separados por un carácter
    /// pipe"), the first often the code's own description: shown whole, the message said it twice.
    static func beyondDescription(_ mensaje: String, _ description: String) -> String? {
        func plain(_ text: String) -> String {
            let trimmed = text.trimmingSpaces
            return (trimmed.hasSuffix(".") ? String(trimmed.dropLast()) : trimmed).lowercased()
        }
        let own = plain(description)
        let rest = mensaje.split(separator: "|").map { String($0).trimmingSpaces }.filter {
            !$0.isEmpty && plain($0) != own
        }
        return rest.isEmpty ? nil : rest.joined(separator: "; ")
    }

    /// The error for an answer whose ok flag is false (a status query's may carry a code of the
    /// cancellation-status table, 90–99).
    static func serviceError(number: Int?, mensaje: String?, operation: String, codigoText: String? = nil)
        -> SelloError
    {
        let text = shownMensaje(mensaje)
        guard let number, let code = serviceByNumber[number] ?? cancellationByNumber[number], number != 0 else {
            // Quoted whole or not at all (`Quote`): masked when the envelope is written.
            let given = codigoText.map { Quote.value($0, quoted: false) }
            let shown = number.map(String.init) ?? given ?? "none"
            return SelloError(
                .service, .cfdiCodigoNoDocumentado,
                "Prodigia refused the \(operation) with codigo \(shown), which its documentation does "
                    + "not list: \(text ?? "no mensaje")",
                serviceCode: number,
                details: codigoText.flatMap { $0.count <= Quote.limit ? ["codigo": .string($0)] : nil })
        }
        var message = code.description
        if let text, let rest = beyondDescription(text, code.description) { message += " (\(rest))" }
        if code.kind == .auth {
            message += "; not retried: Prodigia locks the account after 3 failed logins, check usuario and password"
        }
        return SelloError(code.kind, .table(code.name), message, serviceCode: number, retryable: code.retryable)
    }
}
