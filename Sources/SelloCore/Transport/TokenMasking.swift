import CSelloShims

/// Tokens the redactor masks without knowing them: what follows "Bearer " or "bearer " when it
/// looks like a token, and any JWT. A login answer the library cannot read holds a token
/// that is not yet a known secret (review of 2026-12-07: a bare token, `bearer …` in lower case, a
/// `token` member of truncated JSON reached error.message and details.sample).
extension Redactor {
    /// "Bearer " and "bearer " without their first letter: one search finds both (every envelope
    /// is looked at, issue 13).
    static let bearerTail: [UInt8] = Array("earer ".utf8)
    /// Every JWT starts so: the base64url of `{"`.
    static let jwtHead: [UInt8] = Array("eyJ".utf8)

    /// Whether `bytes` may hold a token to mask: "earer " (of "Bearer ") or a JWT's head, both
    /// looked for in one pass (`textshim_holds_token_head`: they start alike; issue 13: some
    /// 400 instructions an envelope fewer than a search each).
    static func mayHoldToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        return textshim_holds_token_head(base, bytes.count) != 0
    }

    /// `text` with its tokens masked: after the first "Bearer " or "bearer " that a token
    /// follows, the rest; and every JWT.
    static func maskTokens(_ text: String) -> String {
        var text = text
        guard text.withUTF8(mayHoldToken) else { return text }
        var bytes = Array(text.utf8)
        var spans: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buffer in
            bearerTail.withUnsafeBufferPointer { needle in
                var from = 0
                while let found = firstIndex(of: needle, in: buffer, from: from) {
                    from = found + needle.count
                    if found > 0, buffer[found - 1] | 0x20 == UInt8(ascii: "b"), startsWithToken(buffer, at: from) {
                        spans.append(from..<buffer.count)
                        break
                    }
                }
            }
            var from = 0
            while let found = jwtHead.withUnsafeBufferPointer({ firstIndex(of: $0, in: buffer, from: from) }) {
                if let end = jwtEnd(buffer, from: found) {
                    spans.append(found..<end)
                    from = end
                } else {
                    from = found + jwtHead.count
                }
            }
        }
        guard maskSpans(&bytes, spans) else { return text }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What follows "Bearer " looks like a token (at least 10 characters of a JWT or base64), not
    /// like words ("Token Bearer erróneo", the service's own message).
    static func startsWithToken(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start + 10 <= bytes.count else { return false }
        return bytes[start..<(start + 10)].allSatisfy { byte in
            hexValue(byte) != nil || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
                || "-_.=+/~".utf8.contains(byte)
        }
    }

    /// The end of the JWT at `start` (base64url, a dot, base64url, a dot, base64url or nothing),
    /// or nil when it is not one.
    static func jwtEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        func isBase64URL(_ byte: UInt8) -> Bool {
            (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_")
        }
        var index = start
        for part in 0..<3 {
            let partStart = index
            while index < bytes.count, isBase64URL(bytes[index]) { index += 1 }
            if part < 2 {
                guard index - partStart >= 4, index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
        }
        return index
    }
}
