/// One code of the FES service's two error tables (seed 000: "errores de inicio servicio
/// certificado digital SII" and "errores servicio de enrolador").
public struct FESCode: Sendable {
    public let number: Int
    public let name: String
    public let description: String
    public let kind: ErrorKind
    /// Whether the same request may be sent again as it is (the certificate was not issued and
    /// the cause may pass); false where the caller must change something first.
    public let retryable: Bool
    /// What the caller should do, added to the error's message when the service's text does not
    /// say it (CHILE_2026.md §2.2 #13, §2.5 #4).
    public var advice: String?
}

/// The one table of FES codes.
public enum FESCodes {
    /// "Error Interno CDS" (CHILE_2026.md §2.2 #13, §2.5 #4): retried at most once, and only by
    /// hand: the request may be half-done at the enroller.
    static let internalAdvice =
        "an internal error of Certificadora del Sur; not retried automatically (the request may be half-done at "
        + "the enroller): send it again at most once, by hand, after checking with the provider that no "
        + "certificate was issued"

    public static let all: [FESCode] = [
        FESCode(number: 0, name: "EXITO", description: "Exito", kind: .service, retryable: false),
        FESCode(
            number: 101, name: "USUARIO_NO_HABILITADO",
            description: "El usuario enviado está inhabilitado", kind: .auth, retryable: false),
        FESCode(
            number: 102, name: "CARACTERES_INVALIDOS",
            description: "Se envió un parametro con un carácter invalido", kind: .service, retryable: false),
        FESCode(
            number: 103, name: "DATOS_NO_VALIDO",
            description: "El usuario enviado no tiene los privilegios correctos", kind: .auth, retryable: false),
        FESCode(
            number: 104, name: "SIN_CUOTA_DISPONIBLE",
            description: "La empresa excedió el máximo de cuota asignada", kind: .service, retryable: false),
        FESCode(
            number: 105, name: "USUARIO_O_CLAVE_INVALIDO",
            description: "El usuario enviado o la clave no son correctas", kind: .auth, retryable: false),
        FESCode(
            number: 106, name: "RUT_INVALIDO",
            description: "El rut enviado no es un rut valido", kind: .service, retryable: false),
        FESCode(
            number: 107, name: "ERROR_GENERARA_CERTIFICADO", description: "Error interno CDS", kind: .service,
            retryable: false, advice: internalAdvice),
        FESCode(
            number: 108, name: "ERROR_EMPRESA_NO_HABILITADA",
            description: "La empresa no se encuentra habilitada", kind: .service, retryable: false),
        FESCode(
            number: 109, name: "REQUEST_INCOMPLETO",
            description: "Faltan datos obligatorios en el request", kind: .service, retryable: false),
        FESCode(
            number: 110, name: "DATO_VIENEN_VACIO",
            description: "Uno de los datos enviados viene vacío", kind: .service, retryable: false),
        FESCode(
            number: 111, name: "REGION_NO_ENCONTRADA",
            description: "La región enviada no corresponde", kind: .service, retryable: false),
        FESCode(
            number: 112, name: "COMUNA_NO_ENCONTRADA",
            description: "La comuna enviada no corresponde", kind: .service, retryable: false),
        FESCode(
            number: 201, name: "IP_NO_PERMITIDA",
            description: "Error de comunicación entre red local. Error Interno CDS", kind: .service, retryable: false,
            advice: "the source IP of this machine must be allowed by Certificadora del Sur (the CA keeps an "
                + "allow-list of client IPs): ask the provider to add it; not retried"),
        FESCode(
            number: 202, name: "REQUEST_INCOMPLETO_ENROLADOR",
            description: "Faltan datos obligatorios en el "
                + "request en enrolador. Error Interno CDS", kind: .service, retryable: false,
            advice: internalAdvice),
        FESCode(
            number: 203, name: "USUARIO_CLAVE_NO_VALIDO",
            description: "Usuario o clave de enrolador no valido. Error Interno CDS", kind: .auth, retryable: false,
            advice: "the enroller refused the user or password: ask Certificadora del Sur to check the account; "
                + "not retried"),
        FESCode(
            number: 204, name: "RUT_NO_VALIDO",
            description: "Rut no valido. Error Interno CDS", kind: .service, retryable: false),
        FESCode(
            number: 205, name: "CORREO_NO_VALIDO",
            description: "Correo no valido. Error Interno CDS", kind: .service, retryable: false),
        FESCode(
            number: 206, name: "EMPRESA_NO_VALIDA",
            description: "Empresa no valida. Error Interno CDS", kind: .service, retryable: false),
        FESCode(
            number: 207, name: "DURACION_FUERA_DE_RANGO",
            description: "La duración debe ser 1, 2 o 3 años", kind: .service, retryable: false),
        FESCode(
            number: 208, name: "CLAVE_NO_SEGURA",
            description: "La clave del certificado no es segura", kind: .service, retryable: false),
        FESCode(
            number: 209, name: "ERROR_VALIDAR_VIGENVIA_CHECKIDENTITYCARD", description: "Carné no vigente",
            kind: .service, retryable: false),
        FESCode(
            number: 210, name: "ERROR_OBTENER_DATOS_PERSONALINFORMATION",
            description: "Problemas con datos personales. Error Interno CDS", kind: .service, retryable: false,
            advice: internalAdvice),
        FESCode(
            number: 211, name: "ERROR_GENERARA_VALIDACION_SOLICITUD",
            description: "No se pudo crear una "
                + "solicitud de creación de certificado. Error Interno CDS", kind: .service, retryable: false,
            advice: internalAdvice),
        FESCode(
            number: 212, name: "ERROR_GENERARA_CERTIFICADO_ENROLADOR",
            description: "No se pudo generar el "
                + "certificado en el enrolador. Error Interno CDS", kind: .service, retryable: false,
            advice: internalAdvice),
    ]

    private static let byNumber: [Int: FESCode] = Dictionary(uniqueKeysWithValues: all.map { ($0.number, $0) })

    public static func code(_ number: Int) -> FESCode? { byNumber[number] }

    /// A local validation error that mirrors the service's own check: same name and number.
    static func validation(_ number: Int, _ detail: String, field: String) -> SelloError {
        SelloError(
            .validation, .table(byNumber[number]?.name ?? "FES_\(number)"), detail, serviceCode: number, field: field)
    }

    /// The error for an `estado: FAIL` answer.
    static func serviceError(number: Int?, comentario: String?) -> SelloError {
        let text = comentario.map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
        guard let number, let code = byNumber[number], number != 0 else {
            let shown = number.map(String.init) ?? "none"
            return SelloError(
                .service, .fesUndocumentedError,
                "FES answered FAIL with errorCode \(shown), which its documentation does not list: "
                    + "\(text ?? "no comentario")",
                serviceCode: number)
        }
        // The service's comentario often repeats the table's text; say it once.
        var message: String
        if let text, text.lowercased().contains(code.description.lowercased()) {
            message = text
        } else {
            message = text.map { "\(code.description): \($0)" } ?? code.description
        }
        if let advice = code.advice { message += "; \(advice)" }
        return SelloError(code.kind, .table(code.name), message, serviceCode: number, retryable: code.retryable)
    }
}
