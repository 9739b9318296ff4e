// Small internal helpers over OpenSSL 3 (libcrypto). No Foundation.
import COpenSSL
import CSelloShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` and then drops every OpenSSL error it queued, so failed parses
/// never leave errors on this thread's queue for unrelated code to trip over
/// (errors the caller had queued before are kept).
func withOpenSSLErrorScope<R>(_ body: () throws -> R) rethrows -> R {
    ERR_set_mark()
    defer { ERR_pop_to_mark() }
    return try body()
}

/// Calls a `d2i_*` decoder on `bytes`; returns the object and how many bytes it consumed.
func decodeDER(
    _ bytes: ArraySlice<UInt8>,
    _ decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?
) -> (object: OpaquePointer, consumed: Int)? {
    guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { return nil }
    return bytes.withUnsafeBufferPointer { buffer -> (OpaquePointer, Int)? in
        guard let base = buffer.baseAddress else { return nil }
        var cursor: UnsafePointer<UInt8>? = base
        guard let object = decode(&cursor, buffer.count), let end = cursor else { return nil }
        return (object, end - base)
    }
}

/// Calls an `i2d_*` encoder twice (size, then bytes).
func encodeDER(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8]? {
    let length = encode(nil)
    guard length > 0 else { return nil }
    var out = [UInt8](repeating: 0, count: Int(length))
    let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var cursor = buffer.baseAddress
        return encode(&cursor)
    }
    return written == length ? out : nil
}

/// A read-only memory BIO over `bytes`, valid only inside `body`.
func withMemoryBIO<R>(_ bytes: [UInt8], _ body: (OpaquePointer) -> R?) -> R? {
    guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { return nil }
    return bytes.withUnsafeBytes { raw -> R? in
        guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
        defer { BIO_free(bio) }
        return body(bio)
    }
}

/// Everything written to a fresh memory BIO by `write`, as a String.
func stringFromMemoryBIO(_ write: (OpaquePointer) -> Bool) -> String? {
    guard let bio = BIO_new(BIO_s_mem()) else { return nil }
    defer { BIO_free(bio) }
    guard write(bio) else { return nil }
    var data: UnsafePointer<UInt8>? = nil
    let length = osslshim_bio_get_mem_data(bio, &data)
    guard length >= 0 else { return nil }
    guard length > 0, let data else { return "" }
    return String(decoding: UnsafeBufferPointer(start: data, count: length), as: UTF8.self)
}

/// The raw content octets of an ASN1_STRING.
func asn1Bytes(_ string: UnsafePointer<ASN1_STRING>) -> [UInt8] {
    let length = Int(ASN1_STRING_length(string))
    guard length > 0, let data = ASN1_STRING_get0_data(string) else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: length))
}

/// An ASN1_STRING as UTF-8 text (converting BMPString etc.); raw bytes when
/// OpenSSL has no conversion for the type (e.g. a BIT STRING).
func asn1Text(_ string: UnsafePointer<ASN1_STRING>) -> String {
    var out: UnsafeMutablePointer<UInt8>? = nil
    let length = ASN1_STRING_to_UTF8(&out, string)
    if length >= 0, let out {
        defer { osslshim_openssl_free(out) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(length)), as: UTF8.self)
    }
    return String(decoding: asn1Bytes(string), as: UTF8.self)
}

/// "YYYY-MM-DDTHH:MM:SSZ" (UTC) from an ASN1_TIME, via ASN1_TIME_to_tm.
func iso8601(_ time: UnsafePointer<ASN1_TIME>?) -> String? {
    guard let time else { return nil }
    var t = tm()
    guard ASN1_TIME_to_tm(time, &t) == 1 else { return nil }
    func pad(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return pad(t.tm_year + 1900, 4) + "-" + pad(t.tm_mon + 1, 2) + "-" + pad(t.tm_mday, 2)
        + "T" + pad(t.tm_hour, 2) + ":" + pad(t.tm_min, 2) + ":" + pad(t.tm_sec, 2) + "Z"
}

/// Upper-case hexadecimal of `bytes`.
func hexUpper(_ bytes: [UInt8]) -> String {
    let digits: [Character] = Array("0123456789ABCDEF")
    var out = ""
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return out
}

/// Read-only views of a parsed X509 (the pointer is borrowed, never freed here).
struct X509View {
    let cert: OpaquePointer

    /// One-line RFC 2253 subject with raw UTF-8 (not \XX escapes).
    var subjectRFC2253: String {
        guard let name = X509_get_subject_name(cert) else { return "" }
        return stringFromMemoryBIO { bio in
            X509_NAME_print_ex(bio, name, 0, osslshim_xn_flags_rfc2253_utf8()) >= 0
        } ?? ""
    }

    /// All values of a subject attribute, in certificate order.
    func subjectValues(nid: Int32) -> [String] {
        guard let name = X509_get_subject_name(cert) else { return [] }
        var values: [String] = []
        var index: Int32 = -1
        while true {
            index = X509_NAME_get_index_by_NID(name, nid, index)
            guard index >= 0 else { break }
            if let entry = X509_NAME_get_entry(name, index),
                let data = X509_NAME_ENTRY_get_data(entry)
            {
                values.append(asn1Text(data))
            }
        }
        return values
    }

    /// Serial number magnitude bytes (big-endian) and its sign.
    var serial: (bytes: [UInt8], negative: Bool) {
        guard let serial = X509_get_serialNumber(cert) else { return ([], false) }
        let type = ASN1_STRING_type(serial)
        return (asn1Bytes(serial), type == V_ASN1_NEG_INTEGER)
    }

    var serialHex: String {
        let (bytes, negative) = serial
        return (negative ? "-" : "") + (bytes.isEmpty ? "0" : hexUpper(bytes))
    }

    var notBefore: String? { iso8601(X509_get0_notBefore(cert)) }
    var notAfter: String? { iso8601(X509_get0_notAfter(cert)) }

    /// notAfter in seconds since 1970, nil when it cannot be read.
    var notAfterEpoch: Int64? {
        guard let notAfter = X509_get0_notAfter(cert) else { return nil }
        var t = tm()
        guard ASN1_TIME_to_tm(notAfter, &t) == 1 else { return nil }
        return Int64(timegm(&t))
    }

    var der: [UInt8]? {
        encodeDER { i2d_X509(cert, $0) }
    }
}
