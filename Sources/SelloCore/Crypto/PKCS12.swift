// PKCS#12 from Chile's FES service: summary of the signing certificate.
import COpenSSL
import CSelloShims

public struct PKCS12Summary: Sendable, Equatable {
    /// One line, RFC 2253 style, UTF-8.
    public let subject: String
    /// "12345678-5", normalised (no dots, upper-case K); nil if the certificate carries none.
    public let rut: String?
    /// Upper-case hex.
    public let serial: String
    /// ISO-8601 UTC, e.g. "2026-11-23T10:00:00Z".
    public let notBefore: String
    public let notAfter: String
}

public enum PKCS12Failure: Error, Sendable, Equatable {
    case notPKCS12, wrongPassword, noCertificate
    /// Opening it would derive keys over more than `maxDerivationIterations` rounds in all.
    case tooCostly
}

/// The rounds of key derivation opening one PKCS#12 may take, in all (its MAC's and each
/// encrypted part's): about 0.7 s on a 2026 server core. OpenSSL writes 2,048 per derivation,
/// Java 10,000, NIST's advice for PBKDF2-SHA256 in 2023 is 600,000; a file asking for billions
/// would hold the call for hours, since OpenSSL cannot be stopped midway (issue of 2026-12-08).
public let maxDerivationIterations = 2_000_000

public func openPKCS12(_ der: [UInt8], password: String) -> Result<PKCS12Summary, PKCS12Failure> {
    withOpenSSLErrorScope {
        switch parsePKCS12(der, password: password) {
        case .done(let result):
            return result
        case .decryptionFailed:
            // OpenSSL 3's default provider lacks RC2/RC4/DES; many existing .p12/.pfx
            // files still use them (e.g. `-legacy`: RC2-40 + 3DES). Retry with a
            // private context that has the legacy provider, made this thread's
            // default only for the retry (OSSL_LIB_CTX_set0_default is per thread).
            guard let legacy = LegacyProviders.context else { return .failure(.wrongPassword) }
            let previous = OSSL_LIB_CTX_set0_default(legacy)
            defer { OSSL_LIB_CTX_set0_default(previous) }
            if case .done(let result) = parsePKCS12(der, password: password) { return result }
            // No MAC to vouch for the password and nothing decrypts: most likely a wrong one.
            return .failure(.wrongPassword)
        }
    }
}

private enum Attempt {
    case done(Result<PKCS12Summary, PKCS12Failure>)
    case decryptionFailed // password not refuted by a MAC, yet PKCS12_parse failed
}

private func parsePKCS12(_ der: [UInt8], password: String) -> Attempt {
    guard let (p12, _) = decodeDER(der[...], { d2i_PKCS12(nil, $0, $1) }) else {
        return .done(.failure(.notPKCS12))
    }
    defer { PKCS12_free(p12) }

    guard pkcs12shim_derivation_iterations(p12, maxDerivationIterations) <= maxDerivationIterations else {
        return .done(.failure(.tooCostly))
    }
    return password.withCString { pass -> Attempt in
        var key: OpaquePointer? = nil
        var cert: OpaquePointer? = nil
        // PKCS12_parse verifies the MAC itself; only when it fails is the MAC checked apart, to
        // tell a wrong password from a cipher this OpenSSL lacks (checking it first as well
        // cost a second key derivation on every certificate).
        guard PKCS12_parse(p12, pass, &key, &cert, nil) == 1 else {
            EVP_PKEY_free(key)
            X509_free(cert)
            if PKCS12_mac_present(p12) == 1 {
                let macOK =
                    PKCS12_verify_mac(p12, pass, -1) == 1
                    || (password.isEmpty && PKCS12_verify_mac(p12, nil, 0) == 1)
                guard macOK else { return .done(.failure(.wrongPassword)) }
            }
            return .decryptionFailed
        }
        defer {
            EVP_PKEY_free(key)
            X509_free(cert)
        }
        guard let cert else { return .done(.failure(.noCertificate)) }
        let view = X509View(cert: cert)
        guard let notBefore = view.notBefore, let notAfter = view.notAfter else {
            return .done(.failure(.noCertificate))
        }
        return .done(
            .success(
                PKCS12Summary(
                    subject: view.subjectRFC2253,
                    rut: chileanRUT(view),
                    serial: view.serialHex,
                    notBefore: notBefore,
                    notAfter: notAfter
                )))
    }
}

/// A library context with the default + legacy providers, created once and kept
/// for the life of the process (never freed: other threads may be using it).
private enum LegacyProviders {
    struct Context: @unchecked Sendable { let pointer: OpaquePointer } // OSSL_LIB_CTX is thread-safe once set up

    private static let shared: Context? = {
        guard let ctx = OSSL_LIB_CTX_new() else { return nil }
        guard OSSL_PROVIDER_load(ctx, "default") != nil, OSSL_PROVIDER_load(ctx, "legacy") != nil else {
            OSSL_LIB_CTX_free(ctx)
            return nil
        }
        return Context(pointer: ctx)
    }()

    static var context: OpaquePointer? { shared?.pointer }
}

/// SII convention: subjectAltName otherName 1.3.6.1.4.1.8321.1 holds the RUT;
/// otherwise the subject serialNumber attribute.
private let siiRUTOID = "1.3.6.1.4.1.8321.1"

func chileanRUT(_ view: X509View) -> String? {
    if let fromSAN = rutFromSubjectAltName(view.cert) { return fromSAN }
    for value in view.subjectValues(nid: NID_serialNumber) {
        if let rut = normalizedRUT(value) { return rut }
    }
    return nil
}

private func rutFromSubjectAltName(_ cert: OpaquePointer) -> String? {
    guard let raw = X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) else { return nil }
    let names = OpaquePointer(raw)
    defer { GENERAL_NAMES_free(names) }
    for index in 0..<max(0, osslshim_sk_GENERAL_NAME_num(names)) {
        guard let name = osslshim_sk_GENERAL_NAME_value(names, index) else { continue }
        var oid: OpaquePointer? = nil
        var value: UnsafeMutablePointer<ASN1_TYPE>? = nil
        guard GENERAL_NAME_get0_otherName(name, &oid, &value) == 1, let oid, let value,
            objectIdentifierText(oid) == siiRUTOID
        else { continue }
        let type = value.pointee.type
        guard type == V_ASN1_IA5STRING || type == V_ASN1_UTF8STRING || type == V_ASN1_PRINTABLESTRING,
            let string = value.pointee.value.asn1_string
        else { continue }
        if let rut = normalizedRUT(asn1Text(string)) { return rut }
    }
    return nil
}

/// Dotted-decimal text of an ASN1_OBJECT.
func objectIdentifierText(_ object: OpaquePointer) -> String? {
    var buffer = [CChar](repeating: 0, count: 128)
    let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
    guard length > 0, Int(length) < buffer.count else { return nil }
    return String(decoding: buffer[..<Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// "12.345.678-k" -> "12345678-K"; also accepts the dash omitted ("123456785").
/// Returns nil unless the result looks like a RUT (1-8 digits, '-', digit or K).
/// The check digit is not verified: the certificate is the authority here.
func normalizedRUT(_ raw: String) -> String? {
    var chars = raw.uppercased().filter { $0 != "." && $0 != " " }
    if !chars.contains("-"), chars.count >= 2 {
        chars.insert("-", at: chars.index(before: chars.endIndex))
    }
    let parts = chars.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2,
        (1...8).contains(parts[0].count), parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
        parts[1].count == 1, let dv = parts[1].first, (dv.isASCII && dv.isNumber) || dv == "K"
    else { return nil }
    return String(parts[0]) + "-" + String(dv)
}
