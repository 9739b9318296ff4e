/// The stable names of `error.code` and of a warning's `code` (API.md §3). Typed, so that a typo
/// is a compile error rather than a new public code. Three families:
///   - the library's own names, each a constant below and listed in `library`;
///   - the names of a service's code table (FESCodes, CFDICodes, FVMessages), made only by those
///     tables with `table(_:)`;
///   - HTTP_<status> and CURL_<n>, made by the transport from the number.
/// docs/errors.md names every one of the first two families (a unit test checks it).
public struct ErrorCode: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    private init(_ name: String) { self.name = name }

    public var description: String { name }

    /// A name from a service's code table (its entries are the table's own constants).
    static func table(_ name: String) -> ErrorCode { ErrorCode(name) }

    /// HTTP_<status>: an HTTP status the service does not document.
    static func httpStatus(_ status: Int) -> ErrorCode { ErrorCode("HTTP_\(status)") }

    /// CURL_<n>: a libcurl error with no name of its own here.
    static func curl(_ code: Int) -> ErrorCode { ErrorCode("CURL_\(code)") }

    public static let agreementIdInvalid = ErrorCode("AGREEMENT_ID_INVALID")
    public static let alreadyStamped = ErrorCode("ALREADY_STAMPED")
    public static let answerRepaired = ErrorCode("ANSWER_REPAIRED")
    public static let answerTooComplex = ErrorCode("ANSWER_TOO_COMPLEX")
    public static let badProxy = ErrorCode("BAD_PROXY")
    public static let badUrl = ErrorCode("BAD_URL")
    public static let baseUrlRequired = ErrorCode("BASE_URL_REQUIRED")
    public static let callbackInvalid = ErrorCode("CALLBACK_INVALID")
    public static let callbackStatusDiffers = ErrorCode("CALLBACK_STATUS_DIFFERS")
    public static let cancelled = ErrorCode("CANCELLED")
    public static let caFileUnreadable = ErrorCode("CA_FILE_UNREADABLE")
    public static let certificadoIlegible = ErrorCode("CERTIFICADO_ILEGIBLE")
    public static let certificateMissing = ErrorCode("CERTIFICATE_MISSING")
    public static let certificateNotBase64 = ErrorCode("CERTIFICATE_NOT_BASE64")
    public static let certificateRutMismatch = ErrorCode("CERTIFICATE_RUT_MISMATCH")
    public static let certificateUnreadable = ErrorCode("CERTIFICATE_UNREADABLE")
    public static let cancellationRequested = ErrorCode("CANCELLATION_REQUESTED")
    public static let cfdi33Retired = ErrorCode("CFDI33_RETIRED")
    public static let cfdiCodigoNoDocumentado = ErrorCode("CFDI_CODIGO_NO_DOCUMENTADO")
    public static let comunaNoEncontrada = ErrorCode("COMUNA_NO_ENCONTRADA")
    public static let connectionLost = ErrorCode("CONNECTION_LOST")
    public static let connectFailed = ErrorCode("CONNECT_FAILED")
    public static let connectTimeout = ErrorCode("CONNECT_TIMEOUT")
    public static let contractIdInvalid = ErrorCode("CONTRACT_ID_INVALID")
    public static let contractIdMissing = ErrorCode("CONTRACT_ID_MISSING")
    public static let contrasenaDeLlaveIncorrecta = ErrorCode("CONTRASENA_DE_LLAVE_INCORRECTA")
    public static let dnsFailed = ErrorCode("DNS_FAILED")
    public static let duplicateItem = ErrorCode("DUPLICATE_ITEM")
    public static let duplicateSigner = ErrorCode("DUPLICATE_SIGNER")
    public static let emailExists = ErrorCode("EMAIL_EXISTS")
    public static let emailInvalid = ErrorCode("EMAIL_INVALID")
    public static let emptyField = ErrorCode("EMPTY_FIELD")
    public static let environmentConflict = ErrorCode("ENVIRONMENT_CONFLICT")
    public static let feeIdInvalid = ErrorCode("FEE_ID_INVALID")
    public static let fesUndocumentedError = ErrorCode("FES_UNDOCUMENTED_ERROR")
    public static let fileChanged = ErrorCode("FILE_CHANGED")
    public static let fileOrderInvalid = ErrorCode("FILE_ORDER_INVALID")
    public static let fileTooLarge = ErrorCode("FILE_TOO_LARGE")
    public static let fileUnreadable = ErrorCode("FILE_UNREADABLE")
    public static let folioSustitucionInvalido = ErrorCode("FOLIO_SUSTITUCION_INVALIDO")
    public static let folioSustitucionNoPermitido = ErrorCode("FOLIO_SUSTITUCION_NO_PERMITIDO")
    public static let folioSustitucionRequerido = ErrorCode("FOLIO_SUSTITUCION_REQUERIDO")
    public static let fvError = ErrorCode("FV_ERROR")
    public static let idInvalid = ErrorCode("ID_INVALID")
    public static let insecureHttp = ErrorCode("INSECURE_HTTP")
    public static let `internal` = ErrorCode("INTERNAL")
    public static let invalidAnswer = ErrorCode("INVALID_ANSWER")
    public static let invalidArgument = ErrorCode("INVALID_ARGUMENT")
    public static let invalidBase64 = ErrorCode("INVALID_BASE64")
    public static let invalidJson = ErrorCode("INVALID_JSON")
    public static let invalidLogin = ErrorCode("INVALID_LOGIN")
    public static let jwtInvalid = ErrorCode("JWT_INVALID")
    public static let llaveIlegible = ErrorCode("LLAVE_ILEGIBLE")
    public static let llaveNoCorresponde = ErrorCode("LLAVE_NO_CORRESPONDE")
    public static let loginExists = ErrorCode("LOGIN_EXISTS")
    public static let loginFailed = ErrorCode("LOGIN_FAILED")
    public static let mailNotSent = ErrorCode("MAIL_NOT_SENT")
    public static let missingCredential = ErrorCode("MISSING_CREDENTIAL")
    public static let missingField = ErrorCode("MISSING_FIELD")
    public static let motivoInvalido = ErrorCode("MOTIVO_INVALIDO")
    public static let motivoMissing = ErrorCode("MOTIVO_MISSING")
    public static let motivoRequerido = ErrorCode("MOTIVO_REQUERIDO")
    public static let notAPdf = ErrorCode("NOT_A_PDF")
    public static let nullArgument = ErrorCode("NULL_ARGUMENT")
    public static let nullClient = ErrorCode("NULL_CLIENT")
    public static let numeroDocumentoInvalido = ErrorCode("NUMERO_DOCUMENTO_INVALIDO")
    public static let optionNotSupported = ErrorCode("OPTION_NOT_SUPPORTED")
    public static let orderInvalid = ErrorCode("ORDER_INVALID")
    public static let ownerTypeInvalid = ErrorCode("OWNER_TYPE_INVALID")
    public static let paymentInvalid = ErrorCode("PAYMENT_INVALID")
    public static let paymentServiceInvalid = ErrorCode("PAYMENT_SERVICE_INVALID")
    public static let paymentStatusInvalid = ErrorCode("PAYMENT_STATUS_INVALID")
    public static let phoneInvalid = ErrorCode("PHONE_INVALID")
    public static let portionsInvalid = ErrorCode("PORTIONS_INVALID")
    public static let portionInvalid = ErrorCode("PORTION_INVALID")
    public static let priceIdInvalid = ErrorCode("PRICE_ID_INVALID")
    public static let profileIdInvalid = ErrorCode("PROFILE_ID_INVALID")
    public static let proxyAuthFailed = ErrorCode("PROXY_AUTH_FAILED")
    public static let qtypeInvalid = ErrorCode("QTYPE_INVALID")
    public static let qvalueInvalid = ErrorCode("QVALUE_INVALID")
    public static let rateLimited = ErrorCode("RATE_LIMITED")
    public static let pluginMissing = ErrorCode("PLUGIN_MISSING")
    public static let redirectNotFollowed = ErrorCode("REDIRECT_NOT_FOLLOWED")
    public static let requestTooLarge = ErrorCode("REQUEST_TOO_LARGE")
    public static let responseTooLarge = ErrorCode("RESPONSE_TOO_LARGE")
    public static let rfcCheckDigit = ErrorCode("RFC_CHECK_DIGIT")
    public static let rfcInvalido = ErrorCode("RFC_INVALIDO")
    public static let rolInvalid = ErrorCode("ROL_INVALID")
    public static let rutInvalido = ErrorCode("RUT_INVALIDO")
    public static let saveDirUnwritable = ErrorCode("SAVE_DIR_UNWRITABLE")
    public static let saveToExists = ErrorCode("SAVE_TO_EXISTS")
    public static let saveToUnwritable = ErrorCode("SAVE_TO_UNWRITABLE")
    public static let secretTooShort = ErrorCode("SECRET_TOO_SHORT")
    public static let serviceUnavailable = ErrorCode("SERVICE_UNAVAILABLE")
    public static let severalContracts = ErrorCode("SEVERAL_CONTRACTS")
    public static let signedCountMismatch = ErrorCode("SIGNED_COUNT_MISMATCH")
    public static let signerCountInvalid = ErrorCode("SIGNER_COUNT_INVALID")
    public static let signerTypeInvalid = ErrorCode("SIGNER_TYPE_INVALID")
    public static let statusMissing = ErrorCode("STATUS_MISSING")
    public static let statusUnknown = ErrorCode("STATUS_UNKNOWN")
    public static let timeout = ErrorCode("TIMEOUT")
    public static let tlsFailed = ErrorCode("TLS_FAILED")
    public static let tlsKeyLog = ErrorCode("TLS_KEY_LOG")
    public static let tokenLifetimeInvalid = ErrorCode("TOKEN_LIFETIME_INVALID")
    public static let tokenMissing = ErrorCode("TOKEN_MISSING")
    public static let unknownEnvironment = ErrorCode("UNKNOWN_ENVIRONMENT")
    public static let unknownField = ErrorCode("UNKNOWN_FIELD")
    public static let unknownOption = ErrorCode("UNKNOWN_OPTION")
    public static let unknownProvider = ErrorCode("UNKNOWN_PROVIDER")
    public static let unknownUser = ErrorCode("UNKNOWN_USER")
    public static let urlTooLong = ErrorCode("URL_TOO_LONG")
    public static let userTypeInvalid = ErrorCode("USER_TYPE_INVALID")
    public static let uuidMissing = ErrorCode("UUID_MISSING")
    public static let validationFail = ErrorCode("VALIDATION_FAIL")
    public static let writeFailed = ErrorCode("WRITE_FAILED")
    public static let wrongCode = ErrorCode("WRONG_CODE")
    public static let wrongType = ErrorCode("WRONG_TYPE")
    public static let xmlMissing = ErrorCode("XML_MISSING")
    public static let xmlTooComplex = ErrorCode("XML_TOO_COMPLEX")
    public static let xmlUnreadable = ErrorCode("XML_UNREADABLE")

    /// Every name of the library's own (not a table's, not HTTP_/CURL_): what docs/errors.md lists.
    public static let library: [ErrorCode] = [
        agreementIdInvalid,
        alreadyStamped,
        answerRepaired,
        answerTooComplex,
        badProxy,
        badUrl,
        baseUrlRequired,
        callbackInvalid,
        callbackStatusDiffers,
        cancelled,
        caFileUnreadable,
        certificadoIlegible,
        certificateMissing,
        certificateNotBase64,
        certificateRutMismatch,
        certificateUnreadable,
        cancellationRequested,
        cfdi33Retired,
        cfdiCodigoNoDocumentado,
        comunaNoEncontrada,
        connectionLost,
        connectFailed,
        connectTimeout,
        contractIdInvalid,
        contractIdMissing,
        contrasenaDeLlaveIncorrecta,
        dnsFailed,
        duplicateItem,
        duplicateSigner,
        emailExists,
        emailInvalid,
        emptyField,
        environmentConflict,
        feeIdInvalid,
        fesUndocumentedError,
        fileChanged,
        fileOrderInvalid,
        fileTooLarge,
        fileUnreadable,
        folioSustitucionInvalido,
        folioSustitucionNoPermitido,
        folioSustitucionRequerido,
        fvError,
        idInvalid,
        insecureHttp,
        `internal`,
        invalidAnswer,
        invalidArgument,
        invalidBase64,
        invalidJson,
        invalidLogin,
        jwtInvalid,
        llaveIlegible,
        llaveNoCorresponde,
        loginExists,
        loginFailed,
        mailNotSent,
        missingCredential,
        missingField,
        motivoInvalido,
        motivoMissing,
        motivoRequerido,
        notAPdf,
        nullArgument,
        nullClient,
        numeroDocumentoInvalido,
        optionNotSupported,
        orderInvalid,
        ownerTypeInvalid,
        paymentInvalid,
        paymentServiceInvalid,
        paymentStatusInvalid,
        phoneInvalid,
        portionsInvalid,
        portionInvalid,
        priceIdInvalid,
        profileIdInvalid,
        proxyAuthFailed,
        qtypeInvalid,
        qvalueInvalid,
        rateLimited,
        pluginMissing,
        redirectNotFollowed,
        requestTooLarge,
        responseTooLarge,
        rfcCheckDigit,
        rfcInvalido,
        rolInvalid,
        rutInvalido,
        saveDirUnwritable,
        saveToExists,
        saveToUnwritable,
        secretTooShort,
        serviceUnavailable,
        severalContracts,
        signedCountMismatch,
        signerCountInvalid,
        signerTypeInvalid,
        statusMissing,
        statusUnknown,
        timeout,
        tlsFailed,
        tlsKeyLog,
        tokenLifetimeInvalid,
        tokenMissing,
        unknownEnvironment,
        unknownField,
        unknownOption,
        unknownProvider,
        unknownUser,
        urlTooLong,
        userTypeInvalid,
        uuidMissing,
        validationFail,
        writeFailed,
        wrongCode,
        wrongType,
        xmlMissing,
        xmlTooComplex,
        xmlUnreadable,
    ]
}
