#if canImport(Glibc)
import Glibc
#endif

extension String {
    /// The string's UTF-8 bytes, without a copy when the string is stored contiguously (every
    /// native Swift string; a bridged one is copied once). The validators' fast paths read
    /// bytes through this: `Array(text.utf8)` costs an allocation per field.
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(utf8).withUnsafeBufferPointer(body)
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The index of the first `byte` at or after `start`, or nil: glibc's memchr, vectorised (what
    /// is searched is kilobytes — a CSD's key, a CFDI — where a byte-by-byte walk showed).
    func firstIndex(ofByte byte: UInt8, from start: Int = 0) -> Int? {
        guard let base = baseAddress, start >= 0, start < count,
            let found = memchr(base + start, Int32(byte), count - start)
        else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }
}
