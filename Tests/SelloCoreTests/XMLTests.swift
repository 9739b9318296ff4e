import Testing

@testable import SelloCore

private func parse(_ text: String) -> Result<XMLElement, XMLFailure> {
    parseXML(Array(text.utf8))
}

private let timbrado = """
    <?xml version="1.0" encoding="UTF-8"?>
    <servicioTimbrado>
      <id>4b6b1e1c-7b0a-4f5e-9d41-2d7c3b1f0a11</id>
      <timbradoOk>true</timbradoOk>
      <contrato>d3a1f2e0-0000-0000-0000-000000000000</contrato>
      <codigo>0</codigo>
      <mensaje>Timbrado exitoso</mensaje>
      <version>4.0</version>
      <FechaTimbrado>2026-11-23T10:00:00</FechaTimbrado>
      <uuid>5FB2822E-396D-4725-8521-CDC4BDD20CCF</uuid>
      <xmlBase64>PD94bWwgdmVyc2lvbj0iMS4wIj8+</xmlBase64>
      <tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="http://www.sat.gob.mx/TimbreFiscalDigital \
    http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"
          Version="1.1" UUID="5FB2822E-396D-4725-8521-CDC4BDD20CCF" FechaTimbrado="2026-11-23T10:00:00"
          RfcProvCertif="PPD101129EA3" SelloCFD="abc==" NoCertificadoSAT="30001000000500003456" SelloSAT="def=="/>
    </servicioTimbrado>
    """

private func cancelAnswer(_ count: Int) -> String {
    let items = (1...count).map { i in
        """
            <cancelacion>
              <uuid>00000000-0000-0000-0000-00000000000\(i)</uuid>
              <codigo>201</codigo>
              <mensaje>Solicitud de cancelación recibida</mensaje>
            </cancelacion>
        """
    }.joined(separator: "\n")
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <servicioCancel>
          <statusOk>true</statusOk>
          <codigo>0</codigo>
          <cancelaciones>
        \(items)
          </cancelaciones>
          <acuseCancelBase64>QUNVU0U=</acuseCancelBase64>
        </servicioCancel>
        """
}

@Suite struct XMLParsing {
    @Test func servicioTimbrado() throws {
        let root = try parse(timbrado).get()
        #expect(root.name == "servicioTimbrado")
        #expect(root.attributes.isEmpty)
        #expect(root.text == "")
        #expect(root.child("timbradoOk")?.text == "true")
        #expect(root.child("codigo")?.text == "0")
        #expect(root.child("uuid")?.text == "5FB2822E-396D-4725-8521-CDC4BDD20CCF")
        #expect(root.child("xmlBase64")?.text == "PD94bWwgdmVyc2lvbj0iMS4wIj8+")
        #expect(
            root.children.map(\.name) == [
                "id", "timbradoOk", "contrato", "codigo", "mensaje", "version",
                "FechaTimbrado", "uuid", "xmlBase64", "TimbreFiscalDigital",
            ])
    }

    /// Repair writes each stray byte as U+FFFD, three bytes: an answer under libxml2's limit may be
    /// over it once repaired, and is "document too large", not a trap in the length's conversion.
    @Test func aDocumentThatGrowsPastTheLimitWhenRepairedIsTooLarge() {
        let answer = Array("<a>".utf8) + [UInt8](repeating: 0xFF, count: 40) + Array("</a>".utf8)
        guard case .failure(let failure) = parseXML(answer, repairing: true, maxBytes: 100) else {
            Issue.record("parsed")
            return
        }
        #expect(failure.message == "document too large")
        #expect((try? parseXML(answer, repairing: true, maxBytes: 200).get()) != nil)
    }

    @Test func namespacesGiveLocalNames() throws {
        let tfd = try #require(try parse(timbrado).get().child("TimbreFiscalDigital"))
        #expect(tfd.attribute("UUID") == "5FB2822E-396D-4725-8521-CDC4BDD20CCF")
        #expect(tfd.attribute("schemaLocation")?.hasPrefix("http://www.sat.gob.mx/TimbreFiscalDigital ") == true)
        #expect(tfd.attribute("NoCertificadoSAT") == "30001000000500003456")
        // xmlns declarations are not attributes.
        #expect(
            tfd.attributes.map(\.name) == [
                "schemaLocation", "Version", "UUID", "FechaTimbrado",
                "RfcProvCertif", "SelloCFD", "NoCertificadoSAT", "SelloSAT",
            ])
        // Default namespace, and a prefix nobody declared: still local names.
        #expect(try parse("<a xmlns=\"urn:x\"><b/></a>").get().children.map(\.name) == ["b"])
        let undeclared = try parse("<x:a y:b=\"1\"/>").get()
        #expect(undeclared.name == "a")
        #expect(undeclared.attribute("b") == "1")
    }

    @Test(arguments: [1, 3])
    func servicioCancel(_ count: Int) throws {
        let root = try parse(cancelAnswer(count)).get()
        #expect(root.name == "servicioCancel")
        let items = try #require(root.child("cancelaciones")).children(named: "cancelacion")
        #expect(items.count == count)
        #expect(
            items.map { $0.child("uuid")?.text ?? "" }
                == (1...count).map { "00000000-0000-0000-0000-00000000000\($0)" })
        #expect(items.first?.child("mensaje")?.text == "Solicitud de cancelación recibida")
        #expect(root.child("acuseCancelBase64")?.text == "QUNVU0U=")
    }

    @Test func cdata() throws {
        let root = try parse("<r><xml> <![CDATA[<cfdi:Comprobante Total=\"1&2\"/>]]> </xml></r>").get()
        #expect(root.child("xml")?.text == "<cfdi:Comprobante Total=\"1&2\"/>")
    }

    @Test func textIsDirectContentTrimmed() throws {
        let root = try parse("<a>\n  uno <b>dos</b> tres &amp; &#x41; <!-- c --><?pi x?>\n</a>").get()
        #expect(root.text == "uno  tres & A")
        #expect(root.children.map(\.name) == ["b"])
        #expect(root.child("b")?.text == "dos")
        let attr = try parse("<a v=\"x &lt; y &#233;\"/>").get()
        #expect(attr.attribute("v") == "x < y é")
    }

    @Test func encodingDeclarationIsIgnoredInputIsUTF8() throws {
        let root = try parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>cancelación</a>").get()
        #expect(root.text == "cancelación")
    }

    @Test func malformed() {
        let failure = parse("<a>\n  <b>\n</a>\n").failure
        #expect(failure != nil)
        #expect(failure?.line == 3)
        #expect(failure?.message.isEmpty == false)
        #expect(parse("<a>").failure != nil)
        #expect(parse("not xml at all").failure?.line == 1)
        #expect(parse("<a></a><b></b>").failure != nil) // two roots
    }

    @Test func emptyInput() {
        #expect(parseXML([]).failure == XMLFailure(message: "empty document", line: 0))
        #expect(parse(" \n\t ").failure?.message == "empty document")
    }

    @Test func invalidUTF8AndNUL() {
        let bad = Array("<a>\n<b>".utf8) + [0xC3, 0x28] + Array("</b></a>".utf8)
        let failure = parseXML(bad).failure
        #expect(failure?.message.contains("invalid UTF-8") == true)
        #expect(failure?.line == 2)
        #expect(
            parseXML(Array("<a>".utf8) + [0xFF] + Array("</a>".utf8)).failure?.message.contains("invalid UTF-8") == true
        )
        let nul = parseXML(Array("<a>x".utf8) + [0] + Array("</a>".utf8)).failure
        #expect(nul?.message.contains("NUL") == true)
        #expect(nul?.line == 1)
    }

    @Test func billionLaughsIsRefused() {
        var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        doc += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        for i in 2...9 {
            let prev = "&lol\(i - 1);"
            doc += "<!ENTITY lol\(i) \"\(String(repeating: prev, count: 10))\">\n"
        }
        doc += "]>\n<lolz>&lol9;</lolz>\n"
        let failure = parse(doc).failure
        #expect(failure?.message.contains("DOCTYPE") == true)
        #expect(failure?.line == 2)
    }

    @Test func externalEntitiesAreRefused() {
        let doc = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>"
        #expect(parse(doc).failure != nil)
        #expect(parse("<!DOCTYPE a SYSTEM \"http://example.invalid/a.dtd\"><a/>").failure != nil)
        // Undeclared entity: not well-formed, not fetched.
        #expect(parse("<a>&x;</a>").failure != nil)
    }

    @Test func deepNesting() {
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        let failure = parse(deep).failure
        #expect(failure != nil)
        #expect(failure?.line == 1)
        // Reasonable depth still parses.
        let ok = String(repeating: "<a>", count: 200) + "x" + String(repeating: "</a>", count: 200)
        var element = try? parse(ok).get()
        var depth = 0
        while let e = element, let next = e.children.first {
            element = next
            depth += 1
        }
        #expect(depth == 199)
        #expect(element?.text == "x")
    }

    @Test func concurrentParsing() async {
        let inputs = [timbrado, cancelAnswer(3), "<a>\n<b></a>", "<x/>"]
        let expected = inputs.map { parse($0) }
        let ok = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask { parse(inputs[i % inputs.count]) == expected[i % inputs.count] }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(ok)
    }
}

/// `firstInvalidUTF8` skips ASCII eight bytes at a time: it must find what the standard library's
/// decoder finds, at every offset of every kind of bad or good sequence.
@Suite struct UTF8ScanTests {
    static func reference(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    static let pieces: [[UInt8]] = [
        [0xC3, 0xB1], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xC3], [0xE2, 0x82], [0x80], [0xFF],
        [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0xE0, 0x80, 0x80],
    ]

    @Test func findsWhatTheDecoderFindsAtEveryOffset() {
        for piece in Self.pieces {
            for before in 0..<18 {
                for after in [0, 1, 7, 9] {
                    let bytes =
                        [UInt8](repeating: 0x61, count: before) + piece + [UInt8](repeating: 0x62, count: after)
                    #expect(firstInvalidUTF8(bytes) == Self.reference(bytes), "\(piece) after \(before)")
                    let twice = bytes + [0xC3, 0xA9] + bytes
                    #expect(firstInvalidUTF8(twice) == Self.reference(twice), "\(piece) twice after \(before)")
                }
            }
        }
        #expect(firstInvalidUTF8([]) == nil)
    }
}
