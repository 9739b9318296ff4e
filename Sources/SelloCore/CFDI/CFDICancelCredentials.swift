/// How a cancellation proves it comes from the issuer (both cancellation families, seed 002 and
/// PRODIGIA_2026.md §4.2): the CSD in the request, a PKCS#12, the certificate stored with
/// Prodigia (CERT_DEFAULT), or the cancellation XML the issuer signed (`XML_CANCELACION:<b64>`).
/// Checked locally before anything is sent.
enum CFDICancelCredentials {
    /// The CSD sent in the request (certBase64, keyBase64, keyPass).
    case csd(CSDCredentials)
    /// Option PKCS12: certBase64 is a PKCS#12 holding certificate and key, opened by keyPass.
    case pkcs12(certBase64: String, keyPass: String)
    /// Option `PKCS12:<b64>` (PRODIGIA_2026.md §4.2): the PKCS#12 travels in the option itself;
    /// only keyPass goes beside it.
    case inlinePKCS12(base64: String, keyPass: String)
    /// Option CERT_DEFAULT: the certificate stored with Prodigia.
    case stored
    /// Option `XML_CANCELACION:<b64>` (PRODIGIA_2026.md §4.2): SAT's cancellation XML, signed by
    /// the issuer, travels in the option; it replaces every other credential.
    case signedXML

    static let signedXMLPrefix = "XML_CANCELACION:"

    /// CERT_DEFAULT: nothing of the CSD travels in the request.
    var isStored: Bool {
        if case .stored = self { return true }
        return false
    }

    static func load(_ reader: FieldReader, opciones: [String], rfcEmisor: String?) throws(SelloError)
        -> CFDICancelCredentials
    {
        let givesCSD = CSDCredentials.fields.contains { reader.has($0) }
        if let signed = opciones.first(where: { $0.hasPrefix(signedXMLPrefix) }) {
            return try signedXML(
                String(signed.dropFirst(signedXMLPrefix.count)), opciones: opciones, givesCSD: givesCSD)
        }
        if opciones.contains("CERT_DEFAULT") {
            guard !givesCSD else {
                throw .invalidArgument(
                    "opciones has CERT_DEFAULT (the certificate stored with Prodigia): leave out "
                        + "cert_path, certBase64, key_path, keyBase64 and keyPass",
                    field: "opciones")
            }
            return .stored
        }
        if let inline = opciones.first(where: { $0.hasPrefix("PKCS12:") }) {
            return try inlinePKCS12(reader, base64: String(inline.dropFirst("PKCS12:".count)), opciones: opciones)
        }
        if opciones.contains("PKCS12") {
            return try pkcs12(reader)
        }
        return .csd(try CSDCredentials.load(reader, rfcEmisor: rfcEmisor))
    }

    /// `XML_CANCELACION:<b64>`: the issuer signed the cancellation itself, so Prodigia needs no CSD
    /// (MRV: "omit the cert, key and keyPass parameters") and the option is "not compatible with
    /// CERT_DEFAULT". A caller who signs the XML does so not to hand over the private key: one
    /// given beside it is refused, not sent.
    static func signedXML(_ base64: String, opciones: [String], givesCSD: Bool) throws(SelloError)
        -> CFDICancelCredentials
    {
        if let other = opciones.first(where: { $0 == "CERT_DEFAULT" || $0 == "PKCS12" || $0.hasPrefix("PKCS12:") }) {
            throw .invalidArgument(
                "opciones has XML_CANCELACION:<b64>, the cancellation XML already signed by the issuer, which "
                    + "replaces any certificate: it is not compatible with \(CFDIOptions.shown(other)); leave one out",
                field: "opciones")
        }
        if givesCSD {
            throw .invalidArgument(
                "opciones has XML_CANCELACION:<b64>: the cancellation XML already signed by the issuer replaces the "
                    + "CSD, so the private key is not needed and is not sent; leave out cert_path, certBase64, "
                    + "key_path, keyBase64 and keyPass",
                field: "opciones")
        }
        guard let bytes = Base64.decode(base64), !bytes.isEmpty else {
            throw CFDICodes.invalidParameter(
                "opciones XML_CANCELACION:… does not hold base64 (of the signed cancellation XML)", field: "opciones")
        }
        if case .failure(let failure) = parseRequestXML(bytes) {
            throw CFDICodes.invalidParameter(
                "opciones XML_CANCELACION:… is base64, but not of an XML document (\(failure.message), line "
                    + "\(failure.line)): give base64 of the cancellation XML signed by the issuer",
                field: "opciones")
        }
        return .signedXML
    }

    static let missingPKCS12 = CFDICodes.invalidParameter(
        "opciones has PKCS12: give the PKCS#12 file as cert_path or certBase64", field: "certBase64")
    static let missingPKCS12Password = MissingField.prodigia.error(
        "keyPass", message: "keyPass, the password of the PKCS#12 file, is required")

    /// The parts of a PKCS#12 the request does not give (the file, keyPass), one problem each.
    static func missingPKCS12Parts(_ reader: FieldReader) -> [SelloError] {
        var missing: [SelloError] = []
        if !CSDCredentials.givesCertificate(reader) { missing.append(missingPKCS12) }
        if !reader.has("keyPass") { missing.append(missingPKCS12Password) }
        return missing
    }

    /// `PKCS12:<b64>`: the file is the option's value; nothing of a CSD may come beside it.
    static func inlinePKCS12(_ reader: FieldReader, base64: String, opciones: [String]) throws(SelloError)
        -> CFDICancelCredentials
    {
        if opciones.contains("PKCS12") || CSDCredentials.fields.contains(where: { $0 != "keyPass" && reader.has($0) }) {
            throw .invalidArgument(
                "opciones has PKCS12:<b64>, which carries the PKCS#12 file itself: leave out the option PKCS12, "
                    + "cert_path, certBase64, key_path and keyBase64 (keyPass, its password, goes beside it)",
                field: "opciones")
        }
        guard let keyPass = try reader.string("keyPass"), !keyPass.isEmpty else { throw missingPKCS12Password }
        try ClientConfig.checkSecretLength(keyPass, field: "keyPass")
        guard let bytes = Base64.decode(base64) else {
            throw CFDICodes.invalidParameter("opciones PKCS12:… does not hold base64", field: "opciones")
        }
        try open(bytes, password: keyPass, field: "opciones")
        return .inlinePKCS12(base64: base64, keyPass: keyPass)
    }

    /// Opens a PKCS#12 locally: a wrong password or another file is refused before anything is sent.
    static func open(_ bytes: [UInt8], password: String, field: String) throws(SelloError) {
        switch openPKCS12(bytes, password: password) {
        case .success: return
        case .failure(.wrongPassword):
            throw SelloError(
                .validation, .contrasenaDeLlaveIncorrecta,
                "keyPass does not open the PKCS#12 file (\(field))", field: "keyPass")
        case .failure:
            throw SelloError(
                .validation, .certificadoIlegible,
                "\(field) is not a PKCS#12 file with a certificate (option PKCS12)", field: field)
        }
    }

    static func pkcs12(_ reader: FieldReader) throws(SelloError) -> CFDICancelCredentials {
        if reader.has("key_path") || reader.has("keyBase64") {
            throw .invalidArgument(
                "opciones has PKCS12: certBase64 (or cert_path) is the PKCS#12 file holding the "
                    + "key; leave out key_path and keyBase64",
                field: "opciones")
        }
        try Problems(missingPKCS12Parts(reader)).throwIfAny()
        guard let (bytes, field) = try CSDCredentials.certificateBytes(reader) else { throw missingPKCS12 }
        guard let keyPass = try reader.string("keyPass"), !keyPass.isEmpty else { throw missingPKCS12Password }
        try ClientConfig.checkSecretLength(keyPass, field: "keyPass")
        try open(bytes, password: keyPass, field: field)
        return .pkcs12(certBase64: Base64.encode(bytes), keyPass: keyPass)
    }

    /// The query parameters that carry them (none for CERT_DEFAULT), and their secrets.
    func apply(to http: inout HTTPRequest) {
        switch self {
        case .csd(let csd):
            http.query += [("certBase64", csd.certBase64), ("keyBase64", csd.keyBase64), ("keyPass", csd.keyPass)]
            http.secrets += csd.secrets
        case .pkcs12(let certBase64, let keyPass):
            http.query += [("certBase64", certBase64), ("keyPass", keyPass)]
            http.secrets += [keyPass, certBase64]
        case .inlinePKCS12(let base64, let keyPass):
            http.query += [("keyPass", keyPass)] // the file goes in opciones, as given
            http.secrets += [keyPass, base64]
        case .stored, .signedXML: // the signed XML goes in opciones, as given
            break
        }
    }
}
