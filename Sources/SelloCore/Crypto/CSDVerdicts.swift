import COpenSSL

/// The CSDs this process has already seen open: the .key decrypts with its keyPass and belongs
/// to its .cer. Checking that decrypts the key (PBKDF2, then the key itself), some 26 million
/// instructions, about 95% of a stamp's CPU (issue 13; `benchmarks/README.md`), while a company
/// stamps with the same CSD all day. The answer depends on those three inputs only, so it is
/// remembered for them: a CSD seen before goes out without decrypting its key again; any
/// changed byte of the key, the password or the certificate is checked in full.
///
/// What is kept is a digest, never the key or the password: SHA-256 over a random salt made
/// once per process and the three inputs, each preceded by its length (so that no two inputs
/// spell the same bytes). Failures are not kept; they cost nothing to find again.
enum CSDVerdicts {
    /// The most recent CSDs that opened.
    static let capacity = 64
    private static let known = RecentMemo<[UInt8], Bool>(capacity: capacity)
    private static let salt: [UInt8] = {
        var bytes = [UInt8](repeating: 0, count: 32)
        // Without randomness the salt stays fixed: the digests are still exact, only not salted.
        _ = RAND_bytes(&bytes, Int32(bytes.count))
        return bytes
    }()

    /// The digest of a CSD's key, password and certificate; nil if OpenSSL could not hash
    /// (then nothing is remembered and every check is made in full).
    static func digest(key: [UInt8], password: String, certificate: [UInt8]) -> [UInt8]? {
        let digest = SHA256Digest()
        digest.add(salt)
        digest.add(key)
        digest.add(password)
        digest.add(certificate)
        return digest.finish()
    }

    static func opened(_ digest: [UInt8]) -> Bool { known.value(for: digest) ?? false }

    static func remember(_ digest: [UInt8]) { known.keep(true, for: digest) }
}
