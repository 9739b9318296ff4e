/// A pragmatic e-mail check: what the services accept and a person can fix from the message
/// (one @, a dotted domain of letters, digits and hyphens, no spaces), not the full RFC 5322.
public enum EmailAddress {
    public static func problem(_ text: String) -> String? {
        // ASCII without CR (where bytes and Characters are the same thing): the same checks on bytes.
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) { return asciiProblem(Array(text.utf8)) }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @" }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.count <= 64 else { return "the part before @ must have 1 to 64 characters" }
        guard local.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+/=?^_`{|}~.-".contains($0)) }),
            !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else {
            return "the part before @ has characters an address cannot have"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "the domain must contain a dot (example.cl)" }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else {
                return "the domain '\(domain)' is not valid"
            }
        }
        guard let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else {
            return "the domain must end in a name such as .cl or .com"
        }
        return nil
    }

    static let localSymbols = Array("!#$%&'*+/=?^_`{|}~.-".utf8)

    /// `problem` for ASCII text, byte by byte, in the same order with the same messages.
    static func asciiProblem(_ bytes: [UInt8]) -> String? {
        func isLetter(_ byte: UInt8) -> Bool {
            (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let dot = UInt8(ascii: ".")
        let hyphen = UInt8(ascii: "-")
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @" }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.count <= 64 else { return "the part before @ must have 1 to 64 characters" }
        guard local.allSatisfy({ isLetter($0) || isDigit($0) || localSymbols.contains($0) }),
            local.first != dot, local.last != dot,
            !zip(local, local.dropFirst()).contains(where: { $0 == dot && $1 == dot })
        else {
            return "the part before @ has characters an address cannot have"
        }
        let labels = domain.split(separator: dot, omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "the domain must contain a dot (example.cl)" }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != hyphen, label.last != hyphen,
                label.allSatisfy({ isLetter($0) || isDigit($0) || $0 == hyphen })
            else {
                return "the domain '\(String(decoding: domain, as: UTF8.self))' is not valid"
            }
        }
        guard let top = labels.last, top.count >= 2, top.allSatisfy(isLetter) else {
            return "the domain must end in a name such as .cl or .com"
        }
        return nil
    }
}
