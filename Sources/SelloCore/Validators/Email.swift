/// A pragmatic e-mail check: what the services accept and a person can fix from the message
/// (one @, a dotted domain of letters, digits and hyphens, no spaces), not the full RFC 5322.
public enum EmailAddress {
    public static func problem(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @" }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.count <= 64 else { return "the part before @ must have 1 to 64 characters" }
        guard local.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+/=?^_`{|}~.-".contains($0)) }),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            return "the part before @ has characters an address cannot have"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "the domain must contain a dot (example.cl)" }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                  label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                return "the domain '\(domain)' is not valid"
            }
        }
        guard let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else { return "the domain must end in a name such as .cl or .com" }
        return nil
    }
}
