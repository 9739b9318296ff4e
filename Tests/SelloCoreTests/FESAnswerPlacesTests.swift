import Testing

@testable import SelloCore

/// `FESClient.Places` finds in one pass what a lookup by name finds (`JSONObject`'s subscript),
/// and writing through the places gives the object the subscript's writes give (issue 13).
@Suite struct FESAnswerPlacesTests {
    static let names = ["estado", "errorCode", "certificado", "comentario", "comentarios", "mensaje"]

    /// Answers as services write them, and some no service should: repeated names (possible in
    /// an object not made by the parser), names of the same length, near misses, empty and
    /// blank messages, messages that are not strings.
    static let answers: [JSONObject] = [
        JSONObject(),
        ["estado": "OK", "errorCode": 0, "comentario": "Certificado obtenido", "certificado": "c2VsbG8="],
        ["estado": "ERROR", "errorCode": "104", "comentarios": "Sin cuota", "certificado": .null],
        ["mensaje": "hola", "estado": "OK"],
        ["comentario": "", "comentarios": "  ", "mensaje": "tercero", "estado": "OK"],
        ["comentario": " ", "comentarios": "segundo", "mensaje": "tercero"],
        ["comentario": 5, "comentarios": .null, "mensaje": ["a"]],
        JSONObject([("estado", "uno"), ("estado", "dos"), ("mensaje", "a"), ("mensaje", "b")]),
        ["Estado": "OK", "estadO": "no", "estados": "x", "errorcode": 1, "certificadO": "x", "mensajes": "m"],
        ["estad\u{F3}": "OK", "comentari\u{F3}": "x", "ce\u{301}rtificado": "x", "\u{E9}stado": "y"],
        ["abcdef": 1, "abcdefghi": 2, "abcdefghij": 3, "abcdefghijk": 4, "abcdefg": 5],
    ]

    static func place(_ places: FESClient.Places, _ name: String) -> Int? {
        switch name {
        case "estado": places.estado
        case "errorCode": places.errorCode
        case "certificado": places.certificado
        case "comentario": places.comentario
        case "comentarios": places.comentarios
        default: places.mensaje
        }
    }

    /// The message as `FESClient.message` read it before the places.
    static func messageByName(_ answer: JSONObject) -> String? {
        for key in ["comentario", "comentarios", "mensaje"] {
            if let text = answer[key]?.stringValue, !text.trimmingSpaces.isEmpty { return text }
        }
        return nil
    }

    @Test func placesFindWhatTheSubscriptFinds() {
        for answer in FESAnswerPlacesTests.answers {
            let places = FESClient.Places(answer)
            for name in FESAnswerPlacesTests.names {
                let byName = answer.members.firstIndex { JSONObject.same($0.key, name) }
                #expect(FESAnswerPlacesTests.place(places, name) == byName, "\(name) in \(answer)")
                #expect(FESClient.value(answer, at: FESAnswerPlacesTests.place(places, name)) == answer[name])
            }
            #expect(places.message(in: answer) == FESAnswerPlacesTests.messageByName(answer), "\(answer)")
        }
    }

    /// readAnswer's writes through the places and through the subscript give the same object.
    @Test func writesThroughPlacesMatchWritesByName() {
        for answer in FESAnswerPlacesTests.answers {
            var byName = answer
            byName["errorCode"] = .int(7)
            if let message = FESAnswerPlacesTests.messageByName(answer) {
                byName["comentario"] = .string("<\(message)>")
            }
            for key in ["comentarios", "mensaje"] {
                if case .string(let text)? = byName[key] { byName[key] = .string("<\(text)>") }
            }
            var byPlace = answer
            let places = FESClient.Places(answer)
            FESClient.set(&byPlace, "errorCode", .int(7), at: places.errorCode)
            if let message = places.message(in: answer) {
                FESClient.set(&byPlace, "comentario", .string("<\(message)>"), at: places.comentario)
            }
            for place in [places.comentarios, places.mensaje] {
                if let place, case .string(let text) = byPlace.members[place].value {
                    byPlace.setValue(.string("<\(text)>"), at: place)
                }
            }
            #expect(byPlace == byName, "\(answer)")
        }
    }

    /// `isOK` says what `uppercased() == "OK"` says: every text of two ASCII bytes, and texts the
    /// bytes do not decide (the Kelvin sign is canonically equivalent to K).
    @Test func isOKMatchesUpperCasing() {
        for first in UInt8(0)..<0x80 {
            for second in UInt8(0)..<0x80 {
                let text = String(decoding: [first, second], as: UTF8.self)
                #expect(FESClient.isOK(text) == (text.uppercased() == "OK"), "\(first) \(second)")
            }
        }
        for text in [
            "", "o", "OK ", " ok", "okk", "o\u{212A}", "\u{212A}o", "O\u{212A}", "\u{FF2F}\u{FF2B}", "o\u{301}k",
            "ok\u{301}", "\u{F3}k", "\u{0}ok", "ok\u{0}", "\u{2C}",
        ] {
            #expect(FESClient.isOK(text) == (text.uppercased() == "OK"), "\(Array(text.unicodeScalars))")
        }
    }
}
