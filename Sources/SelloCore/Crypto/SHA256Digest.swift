import COpenSSL

/// SHA-256 over a sequence of inputs, each preceded by its length (so that no two sequences of
/// inputs spell the same bytes): what the library keeps instead of a value it must recognise but
/// need not hold (a CSD, a batch item's request).
final class SHA256Digest {
    private let context: OpaquePointer?
    private var ok: Bool

    init() {
        context = EVP_MD_CTX_new()
        ok = context.map { EVP_DigestInit_ex($0, EVP_sha256(), nil) == 1 } ?? false
    }

    deinit { EVP_MD_CTX_free(context) }

    func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0) }
    }

    func add(_ text: String) {
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    func add(_ bytes: UnsafeRawBufferPointer) {
        guard ok, let context else { return }
        var length = UInt64(bytes.count).bigEndian
        ok = withUnsafeBytes(of: &length) { EVP_DigestUpdate(context, $0.baseAddress, 8) } == 1
        ok = ok && (bytes.isEmpty || EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1)
    }

    /// The 32 bytes; nil if OpenSSL could not hash (then the caller cannot recognise anything).
    func finish() -> [UInt8]? {
        guard ok, let context else { return nil }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else { return nil }
        ok = false
        return digest
    }
}
