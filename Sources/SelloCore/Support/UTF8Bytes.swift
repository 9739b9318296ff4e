extension String {
    /// The string's UTF-8 bytes, without a copy when the string is stored contiguously (every
    /// native Swift string; a bridged one is copied once). The validators' fast paths read
    /// bytes through this: `Array(text.utf8)` costs an allocation per field.
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(utf8).withUnsafeBufferPointer(body)
    }
}
