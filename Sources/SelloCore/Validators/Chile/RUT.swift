/// A Chilean RUT (Rol Único Tributario): a number and a modulo-11 check digit.
public struct RUT: Sendable, Equatable {
    public let body: Int
    /// "0"…"9" or "K".
    public let checkDigit: String

    /// "12345678-5": the form the FES service expects ("xxxxxxxx-x").
    public var normalized: String {
        // Written digit by digit into a small string (issue 13: some 300 instructions a FES call
        // fewer than the interpolation).
        let written = String(unsafeUninitializedCapacity: RUT.maxNormalizedBytes) { writeNormalized(into: $0) ?? 0 }
        return written.isEmpty ? "\(body)-\(checkDigit)" : written
    }

    /// The most bytes `writeNormalized` writes: 8 digits, the dash and the check digit.
    static let maxNormalizedBytes = 10

    /// `normalized` written at the start of `text` (at least `maxNormalizedBytes`), its count;
    /// nil for a RUT that `RUT.parse` does not make (then the interpolation writes it).
    func writeNormalized(into text: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard (0..<100_000_000).contains(body), checkDigit.utf8.count == 1, let check = checkDigit.utf8.first,
            text.count >= RUT.maxNormalizedBytes
        else { return nil }
        var digits = 1
        var rest = body
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        rest = body
        for index in stride(from: digits - 1, through: 0, by: -1) {
            text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        text[digits] = UInt8(ascii: "-")
        text[digits + 1] = check
        return digits + 2
    }

    /// "12.345.678-5".
    public var formatted: String {
        var digits = Array(String(body))
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(String(digits), at: 0)
        return groups.joined(separator: ".") + "-" + checkDigit
    }

    public enum Problem: Error, Sendable, Equatable {
        case format(String)
        case checkDigit(expected: String, got: String)

        public var isCheckDigit: Bool {
            if case .checkDigit = self { return true }
            return false
        }

        /// The one message of RUT_INVALIDO (FES's own words, then what exactly is wrong),
        /// whichever check finds it.
        public var message: String {
            switch self {
            case .format(let detail): return "El rut enviado no es un rut valido: \(detail)"
            case .checkDigit(let expected, let got):
                return "El rut enviado no es un rut valido: dígito verificador esperado \(expected), no \(got)"
            }
        }
    }

    /// Accepts "12.345.678-5", "12345678-5", "123456785", with k or K; surrounding spaces ignored.
    public static func parse(_ text: String) -> Result<RUT, Problem> {
        // ASCII without CR (where a byte is a Character): the same rule on bytes, without the
        // String machinery that made this some 20,000 instructions on the FES hot path.
        // A native string's own bytes, read in place (a copy into an array was one more
        // allocation a call: issue 13).
        text.withUTF8Bytes { $0.isASCIIWithoutCR ? parseASCII($0) : nil } ?? parseUnicode(text)
    }

    static func parseASCII<Bytes: RandomAccessCollection<UInt8>>(_ text: Bytes) -> Result<RUT, Problem>
    where Bytes.Index == Int {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var start = 0
        var end = text.count
        while start < end, isSpace(text[start]) { start += 1 }
        while end > start, isSpace(text[end - 1]) { end -= 1 }
        guard start < end else { return .failure(.format("está vacío")) }
        let trimmed = text[start..<end]
        var bodyEnd = end - 1
        var checkStart = end - 1
        if let dash = trimmed.lastIndex(of: UInt8(ascii: "-")) {
            bodyEnd = dash
            checkStart = dash + 1
        }
        let upper = text[end - 1] & 0xDF
        guard end - checkStart == 1, isDigit(text[end - 1]) || upper == UInt8(ascii: "K") else {
            return .failure(.format("el dígito verificador debe ser 0-9 o K"))
        }
        let check = isDigit(text[end - 1]) ? text[end - 1] : UInt8(ascii: "K")
        let number = text[start..<bodyEnd]
        if number.contains(UInt8(ascii: ".")) && !RUT.dotsSeparateThousands(number) {
            return .failure(.format("los puntos no separan miles (use 12.345.678-5 o 12345678-5)"))
        }
        // The digits are the number's bytes but its dots, read without copying them (issue 13).
        var count = 0
        var body = 0
        for byte in number where byte != UInt8(ascii: ".") {
            guard isDigit(byte) else { return .failure(.format("solo se admiten dígitos, puntos y un guion")) }
            count += 1
            if count <= 8 { body = body * 10 + Int(byte - UInt8(ascii: "0")) }
        }
        guard (6...8).contains(count), body >= 100_000 else {
            return .failure(.format("el número debe tener entre 6 y 8 dígitos"))
        }
        let expected = checkDigit(for: body)
        let got = String(decoding: [check], as: UTF8.self)
        guard expected == got else { return .failure(.checkDigit(expected: expected, got: got)) }
        return .success(RUT(body: body, checkDigit: expected))
    }

    /// Whether the dots of `number` separate thousands: 1 to 3 characters before the first dot,
    /// exactly 3 after each.
    static func dotsSeparateThousands(_ number: some Collection<UInt8>) -> Bool {
        var group = 0
        var first = true
        for byte in number {
            guard byte == UInt8(ascii: ".") else {
                group += 1
                continue
            }
            guard first ? (1...3).contains(group) : group == 3 else { return false }
            first = false
            group = 0
        }
        return group == 3
    }

    static func parseUnicode(_ text: String) -> Result<RUT, Problem> {
        let trimmed = text.trimmingSpaces.uppercased()
        guard !trimmed.isEmpty else { return .failure(.format("está vacío")) }
        var bodyText: Substring
        var digit: Substring
        if let dash = trimmed.lastIndex(of: "-") {
            bodyText = trimmed[..<dash]
            digit = trimmed[trimmed.index(after: dash)...]
        } else {
            bodyText = trimmed.dropLast()
            digit = trimmed.suffix(1)
        }
        guard digit.count == 1, let check = digit.first, check.isASCII, check.isNumber || check == "K" else {
            return .failure(.format("el dígito verificador debe ser 0-9 o K"))
        }
        if bodyText.contains(".") {
            let groups = bodyText.split(separator: ".", omittingEmptySubsequences: false)
            guard let first = groups.first, (1...3).contains(first.count),
                groups.dropFirst().allSatisfy({ $0.count == 3 })
            else {
                return .failure(.format("los puntos no separan miles (use 12.345.678-5 o 12345678-5)"))
            }
            bodyText = Substring(groups.joined())
        }
        guard bodyText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(.format("solo se admiten dígitos, puntos y un guion"))
        }
        guard (6...8).contains(bodyText.count), let body = Int(bodyText), body >= 100_000 else {
            return .failure(.format("el número debe tener entre 6 y 8 dígitos"))
        }
        let expected = checkDigit(for: body)
        guard expected == String(check) else { return .failure(.checkDigit(expected: expected, got: String(check))) }
        return .success(RUT(body: body, checkDigit: expected))
    }

    /// Modulo 11 with the weights 2…7 from the right: 11 → "0", 10 → "K".
    public static func checkDigit(for body: Int) -> String {
        var remaining = body
        var sum = 0
        var weight = 2
        while remaining > 0 {
            sum += (remaining % 10) * weight
            remaining /= 10
            weight = weight == 7 ? 2 : weight + 1
        }
        switch 11 - sum % 11 {
        case 11: return "0"
        case 10: return "K"
        case let digit: return String(digit)
        }
    }
}
