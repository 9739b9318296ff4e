/// Reading a service's JSON answer (issue 12, items 10 and 14), the same way for every JSON
/// service: an answer whose payload can be read is read — stray bytes repaired, the damage
/// reported as a warning ANSWER_REPAIRED — and one whose reading would take more than a few times
/// its size in memory is a `protocol` error ANSWER_TOO_COMPLEX.
public enum AnswerJSON {
    /// The answer's JSON; nil when it is not JSON at all (the service layer says what it expected).
    /// `names`: the member names the reader looks for (`JSONParser.Names`).
    public static func parse(
        _ bytes: [UInt8], names: JSONParser.Names = JSONParser.Names(), found: inout ReadFacts
    ) throws(SelloError) -> JSON? {
        do {
            let (value, repairs) = try JSONParser.parseAnswer(bytes, names: names)
            if !repairs.isEmpty { found.warn(repaired(repairs)) }
            return value
        } catch  where error.tooComplex {
            throw tooComplex(bytes.count)
        } catch {
            return nil
        }
    }

    /// The warning for an answer read despite damage.
    public static func repaired(_ repairs: [String]) -> Warning {
        Warning(
            kind: .protocol, code: .answerRepaired,
            message: "the service's answer was damaged and was read anyway: \(repairs.joined(separator: "; ")); "
                + "check the values that show U+FFFD")
    }

    public static func tooComplex(_ size: Int) -> SelloError {
        SelloError(
            .protocol, .answerTooComplex,
            "the service's answer (\(size) bytes) holds so many values, elements or attributes that reading it "
                + "would take too much memory or time; it was refused")
    }
}
