/// Turns the certificate layer's answers into what an envelope reports.
enum CertificateInspection {
    /// Opens an issued PKCS#12 with its password. A certificate that does not open is a warning:
    /// it is still returned and saved, never lost.
    static func pkcs12(_ bytes: [UInt8], password: String) -> Result<PKCS12Summary, Warning> {
        switch openPKCS12(bytes, password: password) {
        case .success(let summary): return .success(summary)
        case .failure(let failure):
            // Whole sentences, not assembled: a literal costs nothing to make.
            let message: String
            switch failure {
            case .notPKCS12:
                message =
                    "the issued certificate is not a PKCS#12 file; it was kept as received (data.certificado), "
                    + "check it with the provider"
            case .wrongPassword:
                message =
                    "the issued certificate does not open with claveCertificado; it was kept as received "
                    + "(data.certificado), check it with the provider"
            case .tooCostly:
                message =
                    "the issued certificate asks for more than 2,000,000 rounds of key derivation to open "
                    + "(iterations; OpenSSL writes 2,048), which could hold this call far past timeout_ms; it was "
                    + "kept as received, unopened (data.certificado): check it with the provider"
            case .noCertificate:
                message =
                    "the issued certificate holds no certificate; it was kept as received (data.certificado), "
                    + "check it with the provider"
            }
            return .failure(Warning(kind: .validation, code: .certificateUnreadable, message: message))
        }
    }
}

extension PKCS12Summary {
    var json: JSON {
        [
            "subject": .string(subject), "rut": JSON(rut), "serial": .string(serial),
            "not_before": .string(notBefore), "not_after": .string(notAfter),
        ]
    }
}
