/// Standard base64 (RFC 4648, with padding), without Foundation.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        table[Int(UInt8(ascii: "-"))] = 62 // base64url, as some services send it
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        // Through pointers (`append(encoding:)`): an element at a time through the generic
        // iterator cost some 40 instructions a byte of a CSD or an XML (issue 13).
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        if bytes.withContiguousStorageIfAvailable({ append(encoding: UnsafeRawBufferPointer($0), to: &output) }) == nil
        {
            Array(bytes).withUnsafeBytes { append(encoding: $0, to: &output) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the base64 of `bytes` to `output` (padded at the end). Used on 48 KiB pieces of
    /// a file being uploaded (Base64FileBody): every piece but the last is a multiple of 3
    /// bytes, so the pieces' encodings join into the encoding of the whole file.
    public static func append(encoding bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        let count = bytes.count
        guard count > 0 else { return }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: (count + 2) / 3 * 4))
        alphabet.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { out in
                var o = start
                var i = 0
                // Indices stay below `count` and the output's size, reserved above: wrapping
                // arithmetic spares a dozen overflow checks per three bytes.
                while i &+ 3 <= count {
                    let value = UInt32(bytes[i]) << 16 | UInt32(bytes[i &+ 1]) << 8 | UInt32(bytes[i &+ 2])
                    out[o] = table[Int(value >> 18)]
                    out[o &+ 1] = table[Int(value >> 12 & 0x3F)]
                    out[o &+ 2] = table[Int(value >> 6 & 0x3F)]
                    out[o &+ 3] = table[Int(value & 0x3F)]
                    i &+= 3
                    o &+= 4
                }
                guard i < count else { return }
                let second = i + 1 < count ? UInt32(bytes[i + 1]) : 0
                let value = UInt32(bytes[i]) << 16 | second << 8
                out[o] = table[Int(value >> 18)]
                out[o + 1] = table[Int(value >> 12 & 0x3F)]
                out[o + 2] = i + 1 < count ? table[Int(value >> 6 & 0x3F)] : UInt8(ascii: "=")
                out[o + 3] = UInt8(ascii: "=")
            }
        }
    }

    /// Decodes base64, ignoring line breaks and spaces (PEM bodies, wrapped answers); nil when
    /// anything else is not base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(utf8: $0) }
    }

    /// `decode` on the bytes of the text, written through pointers: a certificate's few
    /// kilobytes of base64 cost some 70 instructions a character through `String.utf8` and
    /// `Array.append` (issue 13).
    static func decode(utf8: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var failed = false
        // Reserved and zeroed, then cut to what was written: `Array(unsafeUninitializedCapacity:)`
        // and `Array(repeating:count:)` allocate through the standard library's unspecialized
        // path (issue 13: some 600 instructions a FES call; zeroing even a megabyte costs less
        // than decoding it).
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count / 4 * 3 + 3)
        output.append(contentsOf: repeatElement(0, count: utf8.count / 4 * 3 + 3))
        let written = output.withUnsafeMutableBufferPointer { out in
            decodeTable.withUnsafeBufferPointer { table -> Int in
                var buffer: UInt32 = 0
                var bits = 0
                var padding = 0
                var count = 0
                var index = 0
                while index < utf8.count {
                    if bits == 0 && padding == 0 {
                        // Four characters at a time while they are all of the alphabet (a 307's
                        // earlier CFDI is kilobytes of base64, decoded to be compared).
                        (index, count) = decodeQuads(utf8, from: index, table: table, into: out, at: count)
                        if index >= utf8.count { break }
                    }
                    let byte = utf8[index]
                    index &+= 1
                    switch byte {
                    case 0x0A, 0x0D, 0x20, 0x09: continue
                    case UInt8(ascii: "="):
                        padding += 1
                        continue
                    default: break
                    }
                    let value = table[Int(byte)]
                    guard padding == 0, value != 0xFF else {
                        failed = true
                        break
                    }
                    // Wrapping arithmetic: `bits` stays below 14 and `count` below the output's
                    // size (three bytes per four characters), so no check is needed per character.
                    buffer = buffer << 6 | UInt32(value)
                    bits &+= 6
                    if bits >= 8 {
                        bits &-= 8
                        out[count] = UInt8(truncatingIfNeeded: buffer >> UInt32(bits))
                        count &+= 1
                    }
                }
                if padding > 2 || bits >= 6 { failed = true }
                return count
            }
        }
        guard !failed else { return nil }
        output.removeLast(output.count - written)
        return output
    }

    /// Decodes whole quads of alphabet characters from `index` into `out` at `count`, up to the
    /// first character that is not (a line break, padding, a bad byte: left to the caller's
    /// loop); the index and count reached. `out` has room for three bytes per four characters.
    @inline(__always)
    static func decodeQuads(
        _ utf8: UnsafeBufferPointer<UInt8>, from index: Int, table: UnsafeBufferPointer<UInt8>,
        into out: UnsafeMutableBufferPointer<UInt8>, at count: Int
    ) -> (Int, Int) {
        var (index, count) = (index, count)
        while index &+ 4 <= utf8.count { // (wrapping: both stay below the buffers' counts)
            let a = table[Int(utf8[index])]
            let b = table[Int(utf8[index &+ 1])]
            let c = table[Int(utf8[index &+ 2])]
            let d = table[Int(utf8[index &+ 3])]
            guard (a | b | c | d) & 0xC0 == 0 else { break }
            let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            out[count] = UInt8(truncatingIfNeeded: value >> 16)
            out[count &+ 1] = UInt8(truncatingIfNeeded: value >> 8)
            out[count &+ 2] = UInt8(truncatingIfNeeded: value)
            (index, count) = (index &+ 4, count &+ 3)
        }
        return (index, count)
    }
}
