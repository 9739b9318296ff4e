/// The validators of API.md §9 as envelope-returning helpers (no client, nothing sent).
public enum LocalHelpers {
    public static let checkRUT = LocalOperation(service: "sello", "check_rut") { json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["rut"])
        guard let text = try reader.stringOrNumber("rut") else { throw MissingField.library.error("rut") }
        switch RUT.parse(text) {
        case .success(let rut):
            return [
                "valid": true, "normalized": .string(rut.normalized), "formatted": .string(rut.formatted),
                "body": .int(Int64(rut.body)), "check_digit": .string(rut.checkDigit),
            ]
        case .failure(let problem):
            throw SelloError(.validation, .rutInvalido, problem.message, serviceCode: 106, field: "rut")
        }
    }

    public static let findComuna = LocalOperation(service: "sello", "find_comuna") { json, _ throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["comuna"])
        guard let name = try reader.string("comuna") else { throw MissingField.library.error("comuna") }
        guard let comuna = Comunas.find(name) else {
            let suggestions = Comunas.suggestions(for: name)
            let hint = suggestions.isEmpty ? "" : "; did you mean \(suggestions.joined(separator: ", "))?"
            throw SelloError(
                .validation, .comunaNoEncontrada,
                "La comuna enviada no corresponde: '\(name)' is not one of Chile's \(Comunas.count) comunas\(hint)",
                serviceCode: 112, field: "comuna",
                details: ["suggestions": .array(suggestions.map(JSON.string))])
        }
        return comuna.json
    }

    public static let checkRFC = LocalOperation(service: "sello", "check_rfc") { json, found throws(SelloError) in
        let reader = try FieldReader(json, allowed: ["rfc"])
        guard let text = try reader.string("rfc") else { throw MissingField.library.error("rfc") }
        switch RFC.parse(text) {
        case .success(let rfc):
            if !rfc.checkDigitOK && !rfc.isGeneric {
                found.warn(
                    Warning(
                        kind: .validation, code: .rfcCheckDigit,
                        message: "the RFC \(rfc.text) does not match its check digit; some real RFCs "
                            + "do not, so it is accepted: make sure it is typed right",
                        field: "rfc"))
            }
            return rfc.json
        case .failure(let problem):
            throw SelloError(.validation, .rfcInvalido, problem.message, field: "rfc")
        }
    }
}
