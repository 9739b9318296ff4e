/// Turns the certificate layer's answers into what an envelope reports.
enum CertificateInspection {
    /// Opens an issued PKCS#12 with its password. A certificate that does not open is a warning:
    /// it is still returned and saved, never lost.
    static func pkcs12(_ bytes: [UInt8], password: String) -> Result<PKCS12Summary, Warning> {
        switch openPKCS12(bytes, password: password) {
        case .success(let summary): return .success(summary)
        case .failure(let failure):
            let reason: String
            switch failure {
            case .notPKCS12: reason = "is not a PKCS#12 file"
            case .wrongPassword: reason = "does not open with claveCertificado"
            case .noCertificate: reason = "holds no certificate"
            }
            return .failure(
                Warning(
                    kind: .validation, code: .certificateUnreadable,
                    message: "the issued certificate \(reason); it was kept as received "
                        + "(data.certificado), check it with the provider"))
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
