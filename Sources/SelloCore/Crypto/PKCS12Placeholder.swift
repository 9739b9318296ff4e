// Replaced by the OpenSSL implementation (helper-crypto) before commit.
public struct PKCS12Summary: Sendable, Equatable {
    public let subject: String, rut: String?, serial: String, notBefore: String, notAfter: String
}
public enum PKCS12Failure: Error, Sendable, Equatable { case notPKCS12, wrongPassword, noCertificate }
public func openPKCS12(_ der: [UInt8], password: String) -> Result<PKCS12Summary, PKCS12Failure> { .failure(.notPKCS12) }
