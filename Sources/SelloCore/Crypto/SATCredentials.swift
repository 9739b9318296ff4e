// Mexican SAT credentials (CSD / FIEL): the .cer certificate and the .key private key.
import COpenSSL
import CSelloShims

public struct SATCertificate: Sendable, Equatable {
    /// From subject x500UniqueIdentifier (2.5.4.45) "RFC / CURP-RFC": the first token, upper-case.
    public let rfc: String
    /// Subject CN (or O when there is no CN).
    public let name: String
    /// SAT NoCertificado: the serial's bytes are ASCII digits (20 of them).
    public let noCertificado: String
    /// ISO-8601 UTC.
    public let notBefore: String, notAfter: String
    /// notAfter in seconds since 1970 (`Int64.min` when it cannot be read: expired).
    let notAfterEpoch: Int64
    /// Against the current time, whenever it is asked (a certificate read once is used for days).
    public var isExpired: Bool { Int64(time(nil)) >= notAfterEpoch }
    /// Certificado de Sello Digital (true) vs FIEL / e.firma (false); see `isCSDSubject`.
    public let isCSD: Bool
    /// The certificate DER bytes (base64 them to send).
    public let der: [UInt8]
}

public enum CSDFailure: Error, Sendable, Equatable {
    case certificateUnreadable // not DER nor PEM X.509
    case keyUnreadable // not PKCS#8 DER / PEM at all
    case wrongKeyPassword // the key is encrypted and the password does not open it
    case keyDoesNotMatchCertificate
}

/// The certificates read lately, by their exact bytes: parsing one with OpenSSL 3 is some 1.5
/// million instructions (its public key goes through the decoder framework), and a company sends
/// the same CSD with every stamp.
let recentCertificates = RecentMemo<[UInt8], SATCertificate>(capacity: 16)

public func readSATCertificate(_ bytes: [UInt8]) -> Result<SATCertificate, CSDFailure> {
    if let known = recentCertificates.value(for: bytes) { return .success(known) }
    let result = parseSATCertificate(bytes)
    if case .success(let certificate) = result { recentCertificates.keep(certificate, for: bytes) }
    return result
}

func parseSATCertificate(_ bytes: [UInt8]) -> Result<SATCertificate, CSDFailure> {
    withOpenSSLErrorScope {
        guard let cert = parseX509(bytes) else { return .failure(.certificateUnreadable) }
        defer { X509_free(cert) }
        let view = X509View(cert: cert)
        guard let der = view.der, let notBefore = view.notBefore, let notAfter = view.notAfter else {
            return .failure(.certificateUnreadable)
        }
        let uniqueID = view.subjectValues(nid: NID_x500UniqueIdentifier).first ?? ""
        let rfc = uniqueID.split(whereSeparator: { $0 == " " || $0 == "/" }).first.map { String($0).uppercased() } ?? ""
        let name =
            view.subjectValues(nid: NID_commonName).first
            ?? view.subjectValues(nid: NID_organizationName).first ?? ""
        let units = view.subjectValues(nid: NID_organizationalUnitName)
        return .success(
            SATCertificate(
                rfc: rfc,
                name: name,
                noCertificado: noCertificado(view),
                notBefore: notBefore,
                notAfter: notAfter,
                notAfterEpoch: view.notAfterEpoch ?? .min,
                isCSD: isCSDSubject(organizationalUnits: units),
                der: der
            ))
    }
}

/// CSD vs FIEL, the rule of phpcfdi/credentials (`Certificate::satType()`, and its
/// docs/TODO.md: "Se identifica por el campo OU (Organization Unit / Sucursal) del
/// certificado, si está vacío es FIEL, si tiene contenido es CSD"): SAT issues a CSD
/// per branch, named in the subject OU; a FIEL subject has no OU.
/// Key usage also differs (CSD: digitalSignature + nonRepudiation; FIEL adds
/// dataEncipherment + keyAgreement and clientAuth/emailProtection) but is not used,
/// so we classify exactly as phpcfdi does.
func isCSDSubject(organizationalUnits: [String]) -> Bool {
    organizationalUnits.contains { !$0.allSatisfy(\.isWhitespace) }
}

/// SAT writes the 20-digit NoCertificado as the ASCII bytes of the serial
/// (0x3330303031... = "30001..."). Non-SAT serials fall back to upper-case hex.
private func noCertificado(_ view: X509View) -> String {
    let (bytes, negative) = view.serial
    if !negative, !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
        return String(decoding: bytes, as: UTF8.self)
    }
    return view.serialHex
}

/// DER first, then PEM ("-----BEGIN CERTIFICATE-----", anywhere in the bytes).
private func parseX509(_ bytes: [UInt8]) -> OpaquePointer? {
    if let (cert, _) = decodeDER(bytes[...], { d2i_X509(nil, $0, $1) }) { return cert }
    guard containsPEMArmour(bytes) else { return nil }
    return withMemoryBIO(bytes) { PEM_read_bio_X509($0, nil, nil, nil) }
}

/// Opens the key with the password and checks it belongs to the certificate (X509_check_private_key / EVP_PKEY_eq).
public func checkSATPrivateKey(_ keyBytes: [UInt8], password: String, certificate: SATCertificate) -> Result<
    Void, CSDFailure
> {
    withOpenSSLErrorScope {
        guard let (cert, _) = decodeDER(certificate.der[...], { d2i_X509(nil, $0, $1) }) else {
            return .failure(.certificateUnreadable)
        }
        defer { X509_free(cert) }
        guard let form = classifyKey(keyBytes) else { return .failure(.keyUnreadable) }
        return withPrivateKey(form, password: password) { key -> Result<Void, CSDFailure> in
            guard let publicKey = X509_get0_pubkey(cert), EVP_PKEY_eq(publicKey, key) == 1 else {
                return .failure(.keyDoesNotMatchCertificate)
            }
            return .success(())
        }
    }
}

/// The key converted to DER PKCS#8 (still encrypted if it was) for sending as keyBase64: SAT's
/// services expect the DER .key file bytes; if the input was PEM, decode the PEM armour to DER.
public func satKeyDER(_ keyBytes: [UInt8]) -> Result<[UInt8], CSDFailure> {
    withOpenSSLErrorScope {
        switch classifyKey(keyBytes) {
        case .encryptedPKCS8(let der)?, .plainPKCS8(let der)?:
            return .success(der)
        case .traditional(let der)?:
            // PKCS#1 / SEC1 "traditional" key: re-wrap as (unencrypted) PKCS#8.
            guard let (key, _) = decodeDER(der[...], { d2i_AutoPrivateKey(nil, $0, $1) }) else {
                return .failure(.keyUnreadable)
            }
            defer { EVP_PKEY_free(key) }
            guard let info = EVP_PKEY2PKCS8(key) else { return .failure(.keyUnreadable) }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            guard let out = encodeDER({ i2d_PKCS8_PRIV_KEY_INFO(info, $0) }) else { return .failure(.keyUnreadable) }
            return .success(out)
        case .traditionalEncryptedPEM?:
            // Legacy "Proc-Type: 4,ENCRYPTED" PEM has no DER form that keeps the
            // encryption; converting it would need the password.
            return .failure(.keyUnreadable)
        case nil:
            return .failure(.keyUnreadable)
        }
    }
}

// MARK: - Private key forms

private enum KeyForm {
    case encryptedPKCS8([UInt8]) // EncryptedPrivateKeyInfo DER (SAT's .key)
    case plainPKCS8([UInt8]) // PrivateKeyInfo DER
    case traditional([UInt8]) // PKCS#1 RSA / SEC1 EC DER, unencrypted
    case traditionalEncryptedPEM([UInt8]) // whole PEM text with a Proc-Type ENCRYPTED header
}

private func classifyKey(_ bytes: [UInt8]) -> KeyForm? {
    if let der = classifyDER(bytes[...]) { return der }
    guard containsPEMArmour(bytes) else { return nil }
    return withMemoryBIO(bytes) { bio -> KeyForm? in
        // Walk the PEM blocks (a file may also hold the certificate) to the first key.
        while true {
            var name: UnsafeMutablePointer<CChar>? = nil
            var header: UnsafeMutablePointer<CChar>? = nil
            var data: UnsafeMutablePointer<UInt8>? = nil
            var length = 0
            guard PEM_read_bio(bio, &name, &header, &data, &length) == 1 else { return nil }
            defer {
                osslshim_openssl_free(name)
                osslshim_openssl_free(header)
                osslshim_openssl_free(data)
            }
            let label = name.map { String(cString: $0) } ?? ""
            guard label.hasSuffix("PRIVATE KEY") else { continue }
            let der = data.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
            let encryptedHeader = header.map { String(cString: $0).contains("ENCRYPTED") } ?? false
            switch label {
            case "ENCRYPTED PRIVATE KEY":
                return isEncryptedPKCS8(der[...]).map { .encryptedPKCS8($0) }
            case "PRIVATE KEY":
                return isPlainPKCS8(der[...]).map { .plainPKCS8($0) }
            default:
                if encryptedHeader { return .traditionalEncryptedPEM(bytes) }
                return isTraditional(der[...]).map { .traditional($0) }
            }
        }
    }
}

private func classifyDER(_ bytes: ArraySlice<UInt8>) -> KeyForm? {
    if let der = isEncryptedPKCS8(bytes) { return .encryptedPKCS8(der) }
    if let der = isPlainPKCS8(bytes) { return .plainPKCS8(der) }
    if let der = isTraditional(bytes) { return .traditional(der) }
    return nil
}

// Each returns the DER actually consumed (trailing bytes dropped) when it parses.
private func isEncryptedPKCS8(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
    guard let (sig, consumed) = decodeDER(bytes, { d2i_X509_SIG(nil, $0, $1) }) else { return nil }
    X509_SIG_free(sig)
    return Array(bytes.prefix(consumed))
}

private func isPlainPKCS8(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
    guard let (info, consumed) = decodeDER(bytes, { d2i_PKCS8_PRIV_KEY_INFO(nil, $0, $1) }) else { return nil }
    PKCS8_PRIV_KEY_INFO_free(info)
    return Array(bytes.prefix(consumed))
}

private func isTraditional(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
    guard let (key, consumed) = decodeDER(bytes, { d2i_AutoPrivateKey(nil, $0, $1) }) else { return nil }
    EVP_PKEY_free(key)
    return Array(bytes.prefix(consumed))
}

/// Opens the key (decrypting with `password` when encrypted) and lends it to `body`.
private func withPrivateKey<T>(
    _ form: KeyForm, password: String, _ body: (OpaquePointer) -> Result<T, CSDFailure>
) -> Result<T, CSDFailure> {
    let opened: Result<OpaquePointer, CSDFailure>
    switch form {
    case .encryptedPKCS8(let der):
        guard let (sig, _) = decodeDER(der[...], { d2i_X509_SIG(nil, $0, $1) }) else {
            return .failure(.keyUnreadable)
        }
        defer { X509_SIG_free(sig) }
        // A wrong password shows up as bad padding or as garbage that is not a
        // PrivateKeyInfo; PKCS8_decrypt reports both as NULL.
        let info = password.withCString { PKCS8_decrypt(sig, $0, Int32(password.utf8.count)) }
        guard let info else { return .failure(.wrongKeyPassword) }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        opened = EVP_PKCS82PKEY(info).map { .success($0) } ?? .failure(.keyUnreadable)
    case .plainPKCS8(let der):
        guard let (info, _) = decodeDER(der[...], { d2i_PKCS8_PRIV_KEY_INFO(nil, $0, $1) }) else {
            return .failure(.keyUnreadable)
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        opened = EVP_PKCS82PKEY(info).map { .success($0) } ?? .failure(.keyUnreadable)
    case .traditional(let der):
        opened =
            decodeDER(der[...], { d2i_AutoPrivateKey(nil, $0, $1) }).map { .success($0.object) }
            ?? .failure(.keyUnreadable)
    case .traditionalEncryptedPEM(let pem):
        // With a NULL callback, OpenSSL takes the last argument as the passphrase.
        let key = withMemoryBIO(pem) { bio in
            password.withCString { pass in
                PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: pass))
            }
        }
        opened = key.map { .success($0) } ?? .failure(.wrongKeyPassword)
    }
    switch opened {
    case .failure(let failure):
        return .failure(failure)
    case .success(let key):
        defer { EVP_PKEY_free(key) }
        return body(key)
    }
}

/// True when the bytes contain "-----BEGIN " (PEM armour).
func containsPEMArmour(_ bytes: [UInt8]) -> Bool {
    let marker = Array("-----BEGIN ".utf8)
    guard bytes.count >= marker.count else { return false }
    for start in 0...(bytes.count - marker.count) where bytes[start] == 0x2D {
        if bytes[start..<(start + marker.count)].elementsEqual(marker) { return true }
    }
    return false
}
