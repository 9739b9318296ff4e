extension UnsafeBufferPointer where Element == UInt8 {
    /// ASCII without CR: text where a byte is a Character, so the validators' rules on
    /// Characters can be run on bytes. Read on a buffer: `String.utf8.allSatisfy` walks the
    /// UTF8View's indices, some 35 instructions a byte (issue 13).
    var isASCIIWithoutCR: Bool {
        allSatisfy { $0 < 0x80 && $0 != 0x0D }
    }
}
