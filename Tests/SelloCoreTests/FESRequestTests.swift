import Testing

@testable import SelloCore

/// A fes_obtain_certificate request checked as the service checks it (FESRequest, seed 000): every
/// code, in the service's order — missing (109), empty (110), characters (102), then each field's
/// rule — with every problem of a stage listed at once in `details.problems`.
@Suite struct FESRequestTests {
    static let good: JSONObject = [
        "rut": "19.371.037-9", "correo": "eleon@certificadoradelsur.cl", "numeroDocumento": "100.123.456",
        "claveCertificado": "Secreta123", "duracion": 3, "nombreEmpresa": "CDS", "comuna": "LOS ANGELES",
        "direccion": "Lautaro 867", "giroEmpresa": "Otros",
    ]

    static func request(_ changes: [String: JSON?]) -> JSON {
        var object = good
        for (key, value) in changes { object[key] = value }
        return .object(object)
    }

    static func refusal(_ changes: [String: JSON?]) -> SelloError? {
        refusal(request(changes))
    }

    static func refusal(_ json: JSON) -> SelloError? {
        do {
            _ = try FESRequest(.written(json))
            return nil
        } catch {
            return error
        }
    }

    static func problems(_ error: SelloError) -> [(field: String?, code: String?, number: Int64?)] {
        (error.details?["problems"]?.arrayValue ?? []).map {
            ($0["field"]?.stringValue, $0["code"]?.stringValue, $0["service_code"]?.intValue)
        }
    }

    // MARK: - A good request

    @Test func aGoodRequestIsNormalisedAsTheServiceExpectsIt() throws {
        let request = try FESRequest(
            .written(
                Self.request([
                    "comuna": " los angeles ", "numeroDocumento": "a012.345.678",
                    "direccion": "  Lautaro 867 ",
                ])))
        #expect(request.rut.normalized == "19371037-9" && request.numeroDocumento == "A012345678")
        #expect(request.comuna.name == Comunas.find("Los Ángeles")?.name && request.direccion == "Lautaro 867")
        #expect(request.duracion == 3 && request.saveTo == nil)
        let parametro =
            request.body(usuario: "PruebaWS", clave: "bJBk9GuSJCOWLXODhniTCX7e5", redacted: false)["request"]?[
                "parametro"] ?? .null
        #expect(
            parametro["rut"] == "19371037-9" && parametro["claveCertificado"] == "Secreta123"
                && parametro["duracion"] == 3)
        #expect(parametro.objectValue?.keys == FESRequest.parameterNames)
    }

    /// The wire body is written straight into bytes (issue 13): these are its exact bytes, with
    /// the quote and backslash of a configured clave escaped; they read back as the body that
    /// `fes_check_request` shows.
    @Test func theBodyIsWrittenByteForByteInTheSeedsOrder() throws {
        let request = try FESRequest(
            .written(Self.request(["direccion": "Av. O'Higgins 867", "giroEmpresa": "Viña"])))
        let bytes = request.bodyBytes(usuario: "PruebaWS", clave: "a\"b\\cd", redacted: false)
        let expected =
            #"{"request":{"encabezado":{"usuario":"PruebaWS","clave":"a\"b\\cd"},"parametro":{"#
            + #""rut":"19371037-9","correo":"eleon@certificadoradelsur.cl","numeroDocumento":"100123456","#
            + #""claveCertificado":"Secreta123","duracion":3,"nombreEmpresa":"CDS","comuna":"LOS ANGELES","#
            + #""direccion":"Av. O'Higgins 867","giroEmpresa":"Viña"}}}"#
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        let body = request.body(usuario: "PruebaWS", clave: "a\"b\\cd", redacted: false)
        #expect(JSONWriter.encode(body) == bytes)
        #expect(body["request"]?["parametro"]?.objectValue?.keys == FESRequest.parameterNames)
    }

    /// The body sent is written after the client's head by copying the parameters (issue 13):
    /// byte for byte what JSONWriter writes, for credentials JSON escapes and parameters with
    /// accents, apostrophes, slashes and every duracion.
    @Test(arguments: [
        ("PruebaWS", "bJBk9GuSJCOWLXODhniTCX7e5"), ("a\"b\\c\u{1}d", "ñ/é\t"), ("", ""),
    ])
    func theSentBodyIsTheWritersBody(_ usuario: String, _ clave: String) throws {
        let head = FESRequest.bodyHead(usuario: usuario, clave: clave)
        let requests: [[String: JSON?]] = [
            [:], ["direccion": "Av. O'Higgins 867 / Of. (2) #4 & Cía.", "giroEmpresa": "Viña", "duracion": 1],
            [
                "comuna": " Ñuñoa ", "nombreEmpresa": "  Ñandú Ltda. ", "correo": "ana.maria_1@sub.empresa.cl",
                "duracion": 2, "claveCertificado": "¡Clave¿9ñ!$%*+=?:;", "rut": "76369187k",
            ],
            [
                "nombreEmpresa": .string(String(repeating: "Empresa Muy Larga ", count: 40)),
                "numeroDocumento": "a12345678",
            ],
        ]
        for changes in requests {
            let request = try FESRequest(.written(Self.request(changes)))
            let expected = request.bodyBytes(usuario: usuario, clave: clave, redacted: false)
            #expect(request.bodyBytes(after: head) == expected, "\(changes)")
        }
    }

    /// What the copy does not write — a parameter JSON would escape, more than the buffer
    /// holds — leaves the body to JSONWriter.
    /// macOS writes accented letters decomposed (NFD); the service wants them composed.
    @Test func textIsComposedAndASCIIKeptAsItIs() {
        #expect(FESRequest.composed("Pen\u{303}a Jose\u{301}") == "Peña José")
        #expect(Array(FESRequest.composed("Pen\u{303}a").utf8) == Array("Peña".utf8))
        #expect(FESRequest.composed("Empresa SpA") == "Empresa SpA")
    }

    @Test func theBodyBufferRefusesWhatItDoesNotWrite() {
        for (parameter, fits) in [
            ("abc", true), ("a\"c", false), ("a\\c", false), ("a\u{1F}c", false), ("abcd", false),
        ] {
            let bytes = [UInt8](unsafeUninitializedCapacity: 4) { buffer, count in
                var out = FESRequest.BodyBuffer(buffer)
                out.put(#"x"#)
                out.put(parameter: parameter)
                #expect(out.complete == fits, "\(parameter)")
                count = out.count
            }
            #expect(bytes == (fits ? Array("xabc".utf8) : Array("x".utf8)), "\(parameter)")
        }
    }

    /// The comuna is sent as seed 000's example writes it ("LOS ANGELES"): upper case, without
    /// accents, Ñ as N (CHILE_2026.md §2.2 #9); `comuna.name` keeps the official spelling.
    @Test(arguments: [
        ("Los Ángeles", "LOS ANGELES", "Los Angeles"), ("LOS ANGELES", "LOS ANGELES", "Los Angeles"),
        ("concon", "CONCON", "Concón"), ("Ñuñoa", "NUNOA", "Ñuñoa"), ("nunoa", "NUNOA", "Ñuñoa"),
        ("O'Higgins", "O'HIGGINS", "O'Higgins"), ("Ollagüe", "OLLAGUE", "Ollagüe"),
        ("Llay-Llay", "LLAILLAY", "Llaillay"), ("Alto Bio Bio", "ALTO BIOBIO", "Alto Biobío"),
    ])
    func theComunaIsSentUpperCaseWithoutAccents(_ given: String, _ sent: String, _ official: String) throws {
        let request = try FESRequest(.written(Self.request(["comuna": .string(given)])))
        #expect(request.comuna.name == official)
        let parametro = request.body(usuario: "u", clave: "c", redacted: true)["request"]?["parametro"]
        #expect(parametro?["comuna"]?.stringValue == sent)
    }

    /// Comunas are equal when their fields are, whether or not they share their storage.
    @Test func comunasAreEqualByTheirFields() throws {
        let found = try #require(Comunas.find("Viña del Mar"))
        #expect(found == Comunas.find("vina del mar"))
        #expect(found != Comunas.find("Valparaíso"))
        let copy = Comuna(
            name: found.name, upperUnaccentedName: found.upperUnaccentedName, cut: found.cut,
            provinceCut: found.provinceCut, regionID: found.regionID, regionName: found.regionName,
            regionISOCode: found.regionISOCode)
        #expect(copy == found && copy.json == found.json)
        let other = Comuna(
            name: found.name, upperUnaccentedName: found.upperUnaccentedName, cut: found.cut,
            provinceCut: found.provinceCut, regionID: found.regionID, regionName: found.regionName,
            regionISOCode: "CL-XX")
        #expect(other != found)
    }

    /// Every comuna's sent form is upper-case ASCII letters, spaces and apostrophes, and no two
    /// comunas share one.
    @Test func everyComunasSentFormIsPlainUpperCaseAndUnique() throws {
        var seen: [String: String] = [:]
        for entry in ChileTables.communes {
            let comuna = try #require(Comunas.find(entry.name))
            let sent = comuna.upperUnaccentedName
            #expect(sent.utf8.allSatisfy { (0x41...0x5A).contains($0) || $0 == 0x20 || $0 == 0x27 }, "\(sent)")
            #expect(seen.updateValue(entry.name, forKey: sent) == nil, "\(sent)")
        }
    }

    @Test func theRedactedBodyShowsNoSecret() throws {
        let body = try FESRequest(.written(Self.request([:]))).body(
            usuario: "PruebaWS", clave: "bJBk9GuSJCOWLXODhniTCX7e5", redacted: true)
        #expect(body["request"]?["encabezado"] == ["usuario": "***", "clave": "***"])
        #expect(body["request"]?["parametro"]?["claveCertificado"] == "***")
        let sent = try FESRequest(.written(Self.request([:]))).body(
            usuario: "PruebaWS", clave: "bJBk9GuSJCOWLXODhniTCX7e5", redacted: false)
        #expect(sent["request"]?["encabezado"]?["clave"] == "bJBk9GuSJCOWLXODhniTCX7e5")
    }

    @Test(arguments: ["Secreta123!", "Año$2026x", "Pa:ss;word1", "Clave.(1)#Segura", "¿Ñandú99¡"])
    func passwordSymbolsAreAccepted(_ clave: String) {
        #expect(Self.refusal(["claveCertificado": .string(clave)]) == nil, "\(clave)")
    }

    @Test(arguments: ["100123456", "A12345678", "b123456789", "A012345678", "100.123.456"])
    func documentNumbers(_ number: String) {
        #expect(Self.refusal(["numeroDocumento": .string(number)]) == nil, "\(number)")
    }

    // MARK: - Stage 1: missing, empty, characters

    @Test func everyMissingParameterIsListedInTheSeedsOrder() throws {
        let error = try #require(Self.refusal(.object([:])))
        #expect(
            (error.kind, error.code.name, error.serviceCode, error.field) == (
                .validation, "REQUEST_INCOMPLETO", 109, "rut"
            ))
        #expect(Self.problems(error).map(\.field) == FESRequest.parameterNames)
        #expect(Self.problems(error).allSatisfy { $0.code == "REQUEST_INCOMPLETO" && $0.number == 109 })
    }

    @Test func missingThenEmptyThenCharacters() throws {
        let error = try #require(
            Self.refusal(["correo": nil, "giroEmpresa": " ", "direccion": "Lautaro <867>", "rut": "1-9"]))
        #expect(error.code.name == "REQUEST_INCOMPLETO" && error.field == "correo")
        #expect(Self.problems(error).map(\.number) == [109, 110, 102])
        // The RUT waits for stage 2.
        #expect(Self.problems(error).map(\.field) == ["correo", "giroEmpresa", "direccion"])
    }

    /// A blank password is empty (110); that its spaces are not allowed (102) is the same
    /// problem, not a second one.
    @Test func anEmptyParameterIsNotAlsoReportedForItsCharacters() throws {
        let error = try #require(Self.refusal(["claveCertificado": "   "]))
        #expect((error.code.name, error.serviceCode, error.field) == ("DATO_VIENEN_VACIO", 110, "claveCertificado"))
        #expect(error.details?["problems"] == nil)
    }

    @Test func aSingleProblemHasNoList() throws {
        let error = try #require(Self.refusal(["duracion": nil]))
        #expect((error.code.name, error.serviceCode, error.field) == ("REQUEST_INCOMPLETO", 109, "duracion"))
        #expect(error.details?["problems"] == nil)
    }

    @Test(arguments: ["rut", "correo", "nombreEmpresa", "comuna", "direccion", "giroEmpresa", "claveCertificado"])
    func anEmptyParameterIs110(_ name: String) throws {
        let error = try #require(Self.refusal([name: " \t"]))
        #expect((error.code.name, error.serviceCode, error.field) == ("DATO_VIENEN_VACIO", 110, name))
    }

    @Test(arguments: [
        ("direccion", "Lautaro <867>", "el carácter '<'"), ("nombreEmpresa", "CDS\u{1}", "de control U+1"),
        ("giroEmpresa", "Otros;", "el carácter ';'"), ("comuna", "Los\nAngeles", "de control U+A"),
    ])
    func aCharacterTheServiceRefusesIs102(_ name: String, _ value: String, _ said: String) throws {
        let error = try #require(Self.refusal([name: .string(value)]))
        #expect((error.code.name, error.serviceCode, error.field) == ("CARACTERES_INVALIDOS", 102, name))
        #expect(error.message.contains(said), "\(error.message)")
    }

    @Test(arguments: ["Secreta 123", "Secreta<123", "Secreta123€"])
    func thePasswordIsNeverEchoedNotEvenOneCharacter(_ clave: String) throws {
        let error = try #require(Self.refusal(["claveCertificado": .string(clave)]))
        #expect((error.code.name, error.field) == ("CARACTERES_INVALIDOS", "claveCertificado"))
        #expect(error.message == "'claveCertificado' contiene un carácter no permitido")
    }

    /// A control character is no part of a password anybody chose: it is named by its code point
    /// (what to fix), and a line break at the end is said to come from a file; nothing else of it.
    @Test(arguments: [
        ("Secreta\u{7}123", "'claveCertificado' contiene el carácter de control U+7"),
        (
            "Secreta123\n",
            "'claveCertificado' contiene el carácter de control U+A (un salto de línea al final: ¿se leyó de un "
                + "archivo? quítelo)"
        ),
    ])
    func aControlCharacterInThePasswordIsNamedByItsCodePoint(_ clave: String, _ said: String) throws {
        let error = try #require(Self.refusal(["claveCertificado": .string(clave)]))
        #expect((error.code.name, error.field) == ("CARACTERES_INVALIDOS", "claveCertificado"))
        #expect(error.message == said)
    }

    // MARK: - Stage 2: each field's rule

    @Test(
        arguments: [
            ("rut", JSON.string("19.371.037-1"), "RUT_INVALIDO", 106), ("rut", "19,371,037-9", "RUT_INVALIDO", 106),
            ("correo", "eleon@", "CORREO_NO_VALIDO", 205), ("correo", "a b@c.cl", "CORREO_NO_VALIDO", 205),
            ("claveCertificado", "secreta123", "CLAVE_NO_SEGURA", 208),
            ("claveCertificado", "SECRETA123", "CLAVE_NO_SEGURA", 208),
            ("claveCertificado", "Secretaxyz", "CLAVE_NO_SEGURA", 208),
            ("claveCertificado", "Sec123", "CLAVE_NO_SEGURA", 208),
            ("duracion", 0, "DURACION_FUERA_DE_RANGO", 207), ("duracion", 4, "DURACION_FUERA_DE_RANGO", 207),
            ("comuna", "Valparaizo", "COMUNA_NO_ENCONTRADA", 112),
        ] as [(String, JSON, String, Int)])
    func eachRuleHasTheServicesCode(_ name: String, _ value: JSON, _ code: String, _ number: Int) throws {
        let error = try #require(Self.refusal([name: value]))
        #expect(
            (error.kind, error.code.name, error.serviceCode, error.field) == (.validation, code, number, name),
            "\(error.message)")
    }

    @Test(arguments: ["12345678", "1001234567", "AB1234567", "A1234567"])
    func aDocumentNumberOfAnotherShape(_ number: String) throws {
        let error = try #require(Self.refusal(["numeroDocumento": .string(number)]))
        #expect(
            (error.code.name, error.serviceCode, error.field) == ("NUMERO_DOCUMENTO_INVALIDO", nil, "numeroDocumento"))
    }

    @Test func aPasswordProblemSaysEverythingThatIsMissing() throws {
        let error = try #require(Self.refusal(["claveCertificado": "abc"]))
        #expect(
            error.message
                == "la claveCertificado debe tener al menos 8 caracteres (tiene 3), una letra mayúscula, un número")
    }

    @Test func anUnknownComunaSuggestsTheCloseOnes() throws {
        let error = try #require(Self.refusal(["comuna": "Valparaizo"]))
        #expect(error.message.contains("¿quiso decir") && error.message.contains("Valparaíso"), "\(error.message)")
    }

    @Test func aSaveToThatCannotBeWrittenIsRefusedBeforeSending() throws {
        let error = try #require(Self.refusal(["save_to": "/nonexistent-folder/cert.p12"]))
        #expect((error.kind, error.code.name, error.field) == (.io, "SAVE_TO_UNWRITABLE", "save_to"))
        #expect(error.message.hasSuffix("nothing was sent"))
        #expect(Self.refusal(["save_to": "/tmp/cert.p12"]) == nil)
    }

    @Test func everyRuleBrokenAtOnceIsListed() throws {
        let error = try #require(
            Self.refusal([
                "rut": "19.371.037-1", "correo": "x", "numeroDocumento": "1", "claveCertificado": "abc",
                "duracion": 9, "comuna": "Gotham", "save_to": "/nonexistent/c.p12",
            ]))
        #expect(error.code.name == "RUT_INVALIDO")
        #expect(
            Self.problems(error).map(\.code) == [
                "RUT_INVALIDO", "CORREO_NO_VALIDO", "NUMERO_DOCUMENTO_INVALIDO", "CLAVE_NO_SEGURA",
                "DURACION_FUERA_DE_RANGO", "COMUNA_NO_ENCONTRADA", "SAVE_TO_UNWRITABLE",
            ])
        #expect(
            Self.problems(error).map(\.field) == [
                "rut", "correo", "numeroDocumento", "claveCertificado", "duracion", "comuna", "save_to",
            ])
    }

    // MARK: - Structure

    @Test(
        arguments: [
            (["colour": "red"], "colour", "UNKNOWN_FIELD"), (["duracion": "3"], "duracion", "WRONG_TYPE"),
            (["rut": 193_710_379], "rut", "WRONG_TYPE"), (["save_to": false], "save_to", "WRONG_TYPE"),
        ] as [([String: JSON?], String, String)])
    func structuralProblemsAreInvalidArgument(_ changes: [String: JSON?], _ field: String, _ code: String) throws {
        let error = try #require(Self.refusal(changes))
        #expect((error.kind, error.field, error.code.name) == (.invalidArgument, field, code))
    }

    @Test func aRequestMustBeAnObject() throws {
        #expect(try #require(Self.refusal(JSON.array([]))).kind == .invalidArgument)
    }

    /// An official name is found by its own spelling first (issue 13): the comuna must be the one
    /// its folded spelling finds, for all 346 of them.
    @Test func everyOfficialNameFindsTheComunaItsFoldedSpellingFinds() throws {
        for entry in ChileTables.communes {
            let comuna = try #require(Comunas.find(entry.name))
            #expect(comuna.name == entry.name && comuna.cut == entry.cut)
            #expect(Comunas.find(TextFolding.fold(entry.name).uppercased()) == comuna, "\(entry.name)")
        }
    }

    /// The lookup by bytes (issue 13) finds every official name, none left out by a collision,
    /// and only the exact spelling: any other is found as the String lookup finds it.
    @Test func everyOfficialNameIsFoundByItsBytes() throws {
        #expect(Comunas.byOfficialBytes.count == ChileTables.communes.count)
        for entry in ChileTables.communes {
            let comuna = try #require(entry.name.withUTF8Bytes(Comunas.officialName))
            #expect(comuna == Comunas.byOfficialName[entry.name] && comuna.name == entry.name)
        }
        // Decomposed (n + U+0303), other case, without accents, a prefix: not by bytes, but found
        // as before.
        let vinaDelMar = try #require(Comunas.find("Viña del Mar"))
        for other in ["Vin\u{0303}a del Mar", "VIÑA DEL MAR", "Vina del Mar", "Viña del Ma"] {
            #expect(other.withUTF8Bytes(Comunas.officialName) == nil, "\(other)")
            let expected = Comunas.byOfficialName[other] ?? Comunas.index[TextFolding.fold(other)]
            #expect(Comunas.find(other) == expected, "\(other)")
        }
        #expect(Comunas.find("Vin\u{0303}a del Mar") == vinaDelMar && Comunas.find("VIÑA DEL MAR") == vinaDelMar)
    }
}
