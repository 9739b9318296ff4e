/// A CSD (Certificado de Sello Digital: the .cer and its .key) read from a request and checked
/// locally before anything is sent: the certificate reads, the password opens the key, the key
/// belongs to the certificate, it is a CSD and not a FIEL, and it has not expired.
struct CSDCredentials {
    let certificate: SATCertificate
    let keyPass: String
    /// What is sent: the DER certificate and the DER (still encrypted) PKCS#8 key, base64.
    let certBase64: String
    let keyBase64: String

    /// Values that must never appear in a log line, an envelope or an error message.
    var secrets: [String] { [keyPass, keyBase64] }

    /// Every request field a CSD may come from.
    static let fields = ["cert_path", "certBase64", "key_path", "keyBase64", "keyPass"]

    static let missingCertificate = MissingField.prodigia.error(
        "certBase64", message: "the CSD certificate is required: give cert_path (the .cer file) or certBase64")
    static let missingKey = MissingField.prodigia.error(
        "keyBase64", message: "the CSD private key is required: give key_path (the .key file) or keyBase64")
    static let missingKeyPass = MissingField.prodigia.error(
        "keyPass", message: "keyPass, the password of the private key, is required")

    /// The parts of a CSD the request does not give (the certificate, the key, keyPass), one
    /// problem each: `load` reports them together, so that a caller adds every part at once.
    static func missingParts(_ reader: FieldReader) -> [SelloError] {
        var missing: [SelloError] = []
        if !givesCertificate(reader) { missing.append(missingCertificate) }
        if !reader.has("key_path") && !reader.has("keyBase64") { missing.append(missingKey) }
        if !reader.has("keyPass") { missing.append(missingKeyPass) }
        return missing
    }

    /// Whether the request gives a certificate file (cert_path or certBase64), read or not.
    static func givesCertificate(_ reader: FieldReader) -> Bool { reader.has("cert_path") || reader.has("certBase64") }

    /// Reads and checks the CSD of a request for sending.
    /// - Parameter rfcEmisor: when given, the certificate's RFC must be this one (203).
    static func load(_ reader: FieldReader, rfcEmisor: String?) throws(SelloError) -> CSDCredentials {
        try Problems(missingParts(reader)).throwIfAny()
        guard let (certBytes, certField) = try certificateBytes(reader) else { throw missingCertificate }
        guard let (keyBytes, keyField) = try keyBytes(reader) else { throw missingKey }
        guard let keyPass = try reader.string("keyPass"), !keyPass.isEmpty else { throw missingKeyPass }
        try ClientConfig.checkSecretLength(keyPass, field: "keyPass")
        let certificate = try readCertificate(certBytes, field: certField)
        try checkUsable(certificate, field: certField)
        if let rfcEmisor, certificate.rfc != rfcEmisor {
            throw CFDICodes.validation(
                203,
                "the certificate belongs to the RFC "
                    + "\(certificate.rfc.isEmpty ? "(none)" : certificate.rfc), not to rfcEmisor \(rfcEmisor)",
                field: certField)
        }
        try checkKey(keyBytes, password: keyPass, certificate: certificate, keyField: keyField)
        let keyDER: [UInt8]
        switch satKeyDER(keyBytes) {
        case .success(let der): keyDER = der
        case .failure:
            // It opened with keyPass, but only by decrypting it: a legacy encrypted PEM has no
            // encrypted PKCS#8 DER form to send.
            throw SelloError(
                .validation, .llaveIlegible,
                "\(keyField) opens with keyPass but is a legacy encrypted PEM key, which cannot be sent "
                    + "as the SAT .key (encrypted PKCS#8 DER): convert it with `openssl pkcs8 -topk8 -v2 des3`",
                field: keyField)
        }
        return CSDCredentials(
            certificate: certificate, keyPass: keyPass, certBase64: Base64.encode(certificate.der),
            keyBase64: Base64.encode(keyDER))
    }

    /// A CSD must be a CSD (306) and in force (304), as the service would check.
    static func checkUsable(_ certificate: SATCertificate, field: String) throws(SelloError) {
        guard certificate.isCSD else {
            throw CFDICodes.validation(
                306,
                "the certificate \(certificate.noCertificado) (\(certificate.rfc)) is a "
                    + "FIEL (e.firma), not a CSD: stamping and cancelling need the Certificado de Sello Digital",
                field: field)
        }
        guard !certificate.isExpired else {
            throw CFDICodes.validation(
                304,
                "the certificate \(certificate.noCertificado) (\(certificate.rfc)) "
                    + "expired on \(certificate.notAfter): renew the CSD with the SAT",
                field: field)
        }
    }

    /// The bytes of cert_path or certBase64 (base64 of a DER or PEM certificate, or PEM text),
    /// with the field they came from; nil when neither is given.
    static func certificateBytes(_ reader: FieldReader) throws(SelloError) -> ([UInt8], String)? {
        try fileOrBase64(reader, path: "cert_path", base64: "certBase64", what: "certificate")
    }

    /// The bytes of key_path or keyBase64 (base64 of the DER .key, or PEM text).
    static func keyBytes(_ reader: FieldReader) throws(SelloError) -> ([UInt8], String)? {
        try fileOrBase64(reader, path: "key_path", base64: "keyBase64", what: "private key")
    }

    private static func fileOrBase64(
        _ reader: FieldReader, path pathField: String, base64 base64Field: String,
        what: String
    ) throws(SelloError) -> ([UInt8], String)? {
        let path = try reader.string(pathField)
        let text = try reader.string(base64Field)
        if path != nil && text != nil {
            throw .invalidArgument(
                "give the \(what) once: \(pathField) or \(base64Field), not both", field: base64Field)
        }
        if let path {
            let bytes = try FileSystem.read(path, field: pathField, limit: 1 << 20)
            guard !bytes.isEmpty else {
                throw CFDICodes.invalidParameter(
                    "the \(what) file '\(path)' is empty", field: pathField)
            }
            return (bytes, pathField)
        }
        guard let text else { return nil }
        if text.contains("-----BEGIN ") { return (Array(text.utf8), base64Field) }
        guard let bytes = Base64.decode(text), !bytes.isEmpty else {
            // The value itself is never echoed: it may be a key.
            throw .invalidArgument(
                "\(base64Field) is neither base64 nor PEM text (\(text.utf8.count) "
                    + "characters)", field: base64Field, code: .invalidBase64)
        }
        return (bytes, base64Field)
    }

    static func readCertificate(_ bytes: [UInt8], field: String) throws(SelloError) -> SATCertificate {
        switch readSATCertificate(bytes) {
        case .success(let certificate): return certificate
        case .failure:
            throw SelloError(
                .validation, .certificadoIlegible,
                "\(field) is not an X.509 certificate (a SAT .cer in DER or PEM form)", field: field)
        }
    }

    /// The password opens the key and the key belongs to the certificate: checked in full the
    /// first time, then remembered for exactly these bytes (`CSDVerdicts`).
    static func checkKey(_ keyBytes: [UInt8], password: String, certificate: SATCertificate, keyField: String)
        throws(SelloError)
    {
        let digest = CSDVerdicts.digest(key: keyBytes, password: password, certificate: certificate.der)
        if let digest, CSDVerdicts.opened(digest) { return }
        switch checkSATPrivateKey(keyBytes, password: password, certificate: certificate) {
        case .success: if let digest { CSDVerdicts.remember(digest) }
        case .failure(let failure): throw keyError(failure, keyField: keyField, certificate: certificate)
        }
    }

    static func keyError(_ failure: CSDFailure, keyField: String, certificate: SATCertificate) -> SelloError {
        switch failure {
        case .certificateUnreadable:
            return SelloError(
                .validation, .certificadoIlegible,
                "the certificate could not be read", field: "certBase64")
        case .keyUnreadable:
            return keyUnreadable(keyField)
        case .wrongKeyPassword:
            return SelloError(
                .validation, .contrasenaDeLlaveIncorrecta,
                "keyPass does not open the private key (\(keyField))", field: "keyPass")
        case .keyDoesNotMatchCertificate:
            return SelloError(
                .validation, .llaveNoCorresponde,
                "the private key (\(keyField)) is not the key of the certificate "
                    + "\(certificate.noCertificado) (\(certificate.rfc))",
                field: keyField)
        }
    }

    static func keyUnreadable(_ keyField: String) -> SelloError {
        SelloError(
            .validation, .llaveIlegible,
            "\(keyField) is not a private key: give the SAT .key file (encrypted PKCS#8, DER or PEM)", field: keyField)
    }
}

/// cfdi_inspect_csd: what a .cer (and optionally its .key) is, without sending anything. An
/// expired certificate or a FIEL is data here, not an error.
public enum CSDInspection {
    public static let inspect = LocalOperation(service: "cfdi", "inspect_csd") { json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: CSDCredentials.fields)
        guard let (certBytes, certField) = try CSDCredentials.certificateBytes(reader) else {
            throw MissingField.library.error("cert_path", message: "give the certificate: cert_path or certBase64")
        }
        let certificate = try CSDCredentials.readCertificate(certBytes, field: certField)
        var keyMatches = JSON.null
        if let (keyBytes, keyField) = try CSDCredentials.keyBytes(reader) {
            guard let keyPass = try reader.string("keyPass") else {
                throw MissingField.library.error(
                    "keyPass", message: "keyPass, the password of the private key, is needed to check it")
            }
            try ClientConfig.checkSecretLength(keyPass, field: "keyPass") // as every operation that sends it
            switch checkSATPrivateKey(keyBytes, password: keyPass, certificate: certificate) {
            case .success: keyMatches = true
            case .failure(.keyDoesNotMatchCertificate): keyMatches = false
            case .failure(let failure):
                throw CSDCredentials.keyError(failure, keyField: keyField, certificate: certificate)
            }
        } else if reader.has("keyPass") {
            throw .invalidArgument("keyPass was given without a key: add key_path or keyBase64", field: "keyPass")
        }
        return [
            "rfc": .string(certificate.rfc), "name": .string(certificate.name),
            "no_certificado": .string(certificate.noCertificado), "not_before": .string(certificate.notBefore),
            "not_after": .string(certificate.notAfter), "expired": .bool(certificate.isExpired),
            "is_csd": .bool(certificate.isCSD), "key_matches": keyMatches,
        ]
    }
}
