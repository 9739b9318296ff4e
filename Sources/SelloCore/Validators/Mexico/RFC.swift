/// A Mexican RFC (Registro Federal de Contribuyentes): 12 characters for a company (persona
/// moral), 13 for a person (persona física): letters, a YYMMDD date, a 2-character homoclave and
/// a check digit.
public struct RFC: Sendable, Equatable {
    public let text: String
    public let isCompany: Bool
    /// "2001-01-01" (the century is the likelier one: a date in the future is read as 19YY).
    public let date: String
    public let checkDigitOK: Bool
    /// XAXX010101000 (general public) and XEXX010101000 (foreign residents).
    public var isGeneric: Bool { text == "XAXX010101000" || text == "XEXX010101000" }

    public enum Problem: Error, Sendable, Equatable {
        case format(String)
        public var message: String {
            if case .format(let detail) = self { return detail }
            return ""
        }
    }

    /// The check digit's alphabet, in SAT's order (value = position).
    static let alphabet: [Character] = Array("0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ")

    /// A malformed RFC's message quotes `input` as given (`Quote`): not upper-cased nor trimmed,
    /// nor any part of it, so that a secret typed as an RFC is masked.
    public static func parse(_ input: String) -> Result<RFC, Problem> {
        // Each character must be one ASCII letter or digit, Ñ or &: a combining mark or a
        // zero-width joiner hides inside a Character that looks like a letter, and would reach
        // the wire (issue 12, item 22). Ñ is written as the one scalar U+00D1, however typed.
        var characters: [Character] = []
        for character in input.trimmingSpaces.uppercased() {
            if character.unicodeScalars.count == 1, character.isASCII {
                characters.append(character)
            } else if character == "Ñ" {
                characters.append("\u{D1}")
            } else {
                let scalars = character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }
                return .failure(
                    .format(
                        "the RFC contains '\(scalars.joined(separator: " "))', which is not a letter, a digit, Ñ or &"))
            }
        }
        let text = String(characters)
        guard characters.count == 12 || characters.count == 13 else {
            return .failure(
                .format(
                    "an RFC has 12 characters (company) or 13 (person); \(Quote.value(input)) has \(characters.count)"))
        }
        let letterCount = characters.count - 9
        for character in characters.prefix(letterCount)
        where !(("A"..."Z").contains(character) || character == "Ñ" || character == "&") {
            return .failure(.format("\(Quote.value(input)): the first \(letterCount) characters must be letters"))
        }
        let dateDigits = characters[letterCount..<(letterCount + 6)]
        guard dateDigits.allSatisfy({ $0.isASCII && $0.isNumber }), let yy = Int(String(dateDigits.prefix(2))),
            let mm = Int(String(dateDigits.dropFirst(2).prefix(2))), let dd = Int(String(dateDigits.suffix(2)))
        else {
            return .failure(
                .format(
                    "\(Quote.value(input)): characters \(letterCount + 1)–\(letterCount + 6) must be a date YYMMDD"))
        }
        let homoclave = characters.suffix(3)
        guard homoclave.allSatisfy({ ($0.isASCII && $0.isNumber) || ("A"..."Z").contains($0) }) else {
            return .failure(
                .format(
                    "\(Quote.value(input)): the last 3 characters (homoclave and check digit) must be letters or digits"
                ))
        }
        guard let year = plausibleYear(yy, month: mm, day: dd) else {
            return .failure(
                .format(
                    "\(Quote.value(input)): characters \(letterCount + 1)–\(letterCount + 6) are not a valid "
                        + "date YYMMDD"))
        }
        let date = "\(year)-\(mm < 10 ? "0" : "")\(mm)-\(dd < 10 ? "0" : "")\(dd)"
        let expected = checkDigit(characters)
        return .success(
            RFC(text: text, isCompany: characters.count == 12, date: date, checkDigitOK: expected == characters.last))
    }

    /// SAT's modulo-11 check digit over the first 12 characters (a company's RFC padded with a
    /// leading space to 13).
    static func checkDigit(_ characters: [Character]) -> Character? {
        let padded = characters.count == 12 ? [" "] + characters : characters
        var sum = 0
        for (index, character) in padded.prefix(12).enumerated() {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            sum += value * (13 - index)
        }
        let remainder = sum % 11
        if remainder == 0 { return "0" }
        let digit = 11 - remainder
        return digit == 10 ? "A" : Character(String(digit))
    }

    static func plausibleYear(_ yy: Int, month: Int, day: Int) -> Int? {
        guard (1...12).contains(month), day >= 1 else { return nil }
        let currentYY = 26 // the two-digit year of "now" needs no clock: RFCs are issued for past dates
        let year = yy <= currentYY ? 2000 + yy : 1900 + yy
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days ? year : nil
    }

    public var json: JSON {
        [
            "valid": true, "rfc": .string(text), "type": .string(isCompany ? "moral" : "fisica"), "date": .string(date),
            "check_digit_ok": .bool(checkDigitOK), "generic": .bool(isGeneric),
        ]
    }
}
