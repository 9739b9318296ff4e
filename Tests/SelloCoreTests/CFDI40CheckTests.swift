import Testing

@testable import SelloCore

/// The checks a CFDI 4.0 passes before it is sent for stamping (CFDI40Check), each with the code
/// the service would answer: 301 not a 4.0, 302 no Sello, 307 stamped before, 401 Fecha out of
/// SAT's window, CFDI33_RETIRED for a 3.3.
@Suite struct CFDI40CheckTests {
    static func cfdi(
        _ attributes: String = #"Version="4.0" Sello="abc" Fecha="2026-05-02T10:00:00""#, inside: String = "",
        namespace: String = "http://www.sat.gob.mx/cfd/4"
    ) -> [UInt8] {
        Array(
            ("<c:Comprobante xmlns:c=\"\(namespace)\" \(attributes)><c:Emisor "
                + "Rfc=\"EKU9003173C9\"/>\(inside)</c:Comprobante>").utf8)
    }

    static let may2 = CFDIFecha.parse("2026-05-02T16:00:00") ?? 0 // 10:00 in Mexico City

    @Test func aGoodCFDI40() throws {
        let checked = try CFDI40Check(Self.cfdi(), field: "xml", calcularSello: false, now: Self.may2)
        #expect(checked.emisorRFC == "EKU9003173C9" && checked.hasSello)
        let unsealed = try CFDI40Check(
            Self.cfdi(#"Version="4.0" Sello="" Fecha="2026-05-02T10:00:00""#), field: "xml",
            calcularSello: true, now: Self.may2)
        #expect(!unsealed.hasSello)
        // With the issuer's CSD in the request (timbrarCfdi) Prodigia seals it: an empty Sello goes.
        let withCSD = try CFDI40Check(
            Self.cfdi(#"Version="4.0" Sello="" Fecha="2026-05-02T10:00:00""#), field: "xml",
            calcularSello: false, withCSD: true, now: Self.may2)
        #expect(!withCSD.hasSello)
    }

    @Test func anEmptySelloNamesBothWaysToSealIt() {
        let error = Self.refusal(Self.cfdi(#"Version="4.0" Sello="" Fecha="2026-05-02T10:00:00""#))
        #expect(error?.code.name == "SELLO_MAL_FORMADO")
        #expect(error?.message.contains("CALCULAR_SELLO") == true)
        #expect(error?.message.contains("cfdi_stamp_xml_with_csd") == true)
    }

    @Test func theChecksAndTheirCodes() {
        let tfd = #"<t:TimbreFiscalDigital xmlns:t="http://www.sat.gob.mx/TimbreFiscalDigital" UUID="U"/>"#
        let cases: [([UInt8], String)] = [
            (Array("<a".utf8), "XML_MAL_FORMADO"),
            (Array(#"<!DOCTYPE a [<!ENTITY x "y">]><a/>"#.utf8), "XML_MAL_FORMADO"),
            (
                Self.cfdi(
                    #"Version="3.3" Sello="a" Fecha="2026-05-02T10:00:00""#, namespace: "http://www.sat.gob.mx/cfd/3"),
                "CFDI33_RETIRED"
            ),
            (Self.cfdi(namespace: "urn:x"), "XML_MAL_FORMADO"),
            (Self.cfdi(#"Version="4.1" Sello="a" Fecha="2026-05-02T10:00:00""#), "XML_MAL_FORMADO"),
            (Self.cfdi(inside: "<c:Complemento>\(tfd)</c:Complemento>"), "CFDI_CON_TIMBRE_PREVIO"),
            (Self.cfdi(#"Version="4.0" Fecha="2026-05-02T10:00:00""#), "SELLO_MAL_FORMADO"),
            (Self.cfdi(#"Version="4.0" Sello="a" Fecha="2026-04-28T10:00:00""#), "FECHA_FUERA_DE_RANGO"),
            (Self.cfdi(#"Version="4.0" Sello="a" Fecha="2026-05-02T13:00:00""#), "FECHA_FUERA_DE_RANGO"),
            (Self.cfdi(#"Version="4.0" Sello="a" Fecha="mayo""#), "XML_MAL_FORMADO"),
        ]
        for (bytes, code) in cases {
            do {
                _ = try CFDI40Check(bytes, field: "xml", calcularSello: false, now: Self.may2)
                Issue.record("accepted: \(String(decoding: bytes, as: UTF8.self))")
            } catch {
                #expect(error.code.name == code, "\(String(decoding: bytes, as: UTF8.self)): \(error.message)")
                #expect(error.kind == .validation && error.field == "xml")
            }
        }
    }

    static func refusal(_ bytes: [UInt8], calcularSello: Bool = false, field: String = "xml") -> SelloError? {
        do {
            _ = try CFDI40Check(bytes, field: field, calcularSello: calcularSello, now: may2)
            return nil
        } catch {
            return error
        }
    }

    @Test(
        arguments: [
            (Array("<a".utf8), 301), (Self.cfdi(namespace: "urn:x"), 301),
            (Self.cfdi(#"Sello="a" Fecha="2026-05-02T10:00:00""#), 301),
            (Self.cfdi(#"Version="4.0" Fecha="2026-05-02T10:00:00""#), 302),
            (Self.cfdi(inside: #"<t:TimbreFiscalDigital xmlns:t="urn:tfd" UUID="U"/>"#), 307),
            (Self.cfdi(#"Version="4.0" Sello="a" Fecha="2026-05-05T10:00:00""#), 401),
        ] as [([UInt8], Int)])
    func eachCheckHasTheServicesNumber(_ bytes: [UInt8], _ number: Int) throws {
        let error = try #require(Self.refusal(bytes))
        #expect(error.serviceCode == number && error.retryable == false)
    }

    @Test func theNamespacePrefixDoesNotMatter() throws {
        let xml =
            #"<Comprobante xmlns="http://www.sat.gob.mx/cfd/4" Version="4.0" Sello="x" Fecha="2026-05-02T10:00:00">"#
            + #"<Emisor Rfc="AAA010101AAA"/></Comprobante>"#
        #expect(
            try CFDI40Check(Array(xml.utf8), field: "xml", calcularSello: false, now: Self.may2).emisorRFC
                == "AAA010101AAA")
    }

    @Test func aVersion33IsRetiredWhateverItsNamespace() throws {
        let error = try #require(Self.refusal(Self.cfdi(#"Version="3.3" Sello="a" Fecha="2026-05-02T10:00:00""#)))
        #expect(error.code.name == "CFDI33_RETIRED" && error.serviceCode == nil && error.message.contains("2023-04-01"))
    }

    @Test func aStampAnywhereInsideIsFound() throws {
        let deep =
            String(repeating: "<c:Addenda>", count: 50) + #"<x:TimbreFiscalDigital xmlns:x="urn:y" UUID="AB"/>"#
            + String(repeating: "</c:Addenda>", count: 50)
        let error = try #require(Self.refusal(Self.cfdi(inside: deep)))
        #expect(error.code.name == "CFDI_CON_TIMBRE_PREVIO" && error.message.contains("UUID 'AB'"))
    }

    @Test func aBlankSelloIsNoSealUnlessProdigiaSealsIt() throws {
        let blank = Self.cfdi(#"Version="4.0" Sello="   " Fecha="2026-05-02T10:00:00""#)
        #expect(try #require(Self.refusal(blank)).code.name == "SELLO_MAL_FORMADO")
        #expect(Self.refusal(blank, calcularSello: true) == nil)
    }

    @Test func aMissingFechaOrEmisor() throws {
        let noFecha = try #require(Self.refusal(Self.cfdi(#"Version="4.0" Sello="a""#)))
        #expect(noFecha.code.name == "XML_MAL_FORMADO" && noFecha.message.contains("Fecha ''"))
        let bare =
            #"<c:Comprobante xmlns:c="http://www.sat.gob.mx/cfd/4" "#
            + #"Version="4.0" Sello="a" Fecha="2026-05-02T10:00:00"/>"#
        #expect(try CFDI40Check(Array(bare.utf8), field: "xml", calcularSello: false, now: Self.may2).emisorRFC == nil)
    }

    @Test func theFieldIsNamedInEveryMessage() throws {
        let error = try #require(Self.refusal(Array("<a".utf8), field: "items[4].xml"))
        #expect(error.field == "items[4].xml" && error.message.hasPrefix("items[4].xml is not well-formed XML"))
    }

    /// A factura global: one Concepto (with its Traslado) per ticket.
    static let concepto =
        #"<c:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" Descripcion="Servicio" "#
        + #"ValorUnitario="1000.00" Importe="1000.00" ObjetoImp="02"><c:Impuestos><c:Traslados><c:Traslado "#
        + #"Base="1000.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/>"#
        + "</c:Traslados></c:Impuestos></c:Concepto>"

    @Test func aFacturaGlobalOf20000ConceptosIsRead() throws {
        // 6.8 MB: the answers' budget (size plus 8 MiB) refused 7,800 Conceptos as not well-formed.
        let inside = "<c:Conceptos>" + String(repeating: Self.concepto, count: 20_000) + "</c:Conceptos>"
        let bytes = Self.cfdi(inside: inside)
        #expect(bytes.count < Sello.maxRequestBytes)
        let checked = try CFDI40Check(bytes, field: "xml", calcularSello: false, now: Self.may2)
        #expect(checked.emisorRFC == "EKU9003173C9")
    }

    @Test func anXMLTooCostlyToReadIsNotCalledMalformed() throws {
        let tiny = try #require(Self.refusal(Self.cfdi(inside: String(repeating: "<x/>", count: 2_000_000))))
        #expect(tiny.code == .xmlTooComplex && tiny.kind == .validation && tiny.field == "xml")
        #expect(tiny.message.contains("64 MiB") && tiny.message.contains(" elements were read"))
        let attributes = (0...XMLLimits.maxAttributes).map { "a\($0)=\"1\"" }.joined(separator: " ")
        let crowded = try #require(Self.refusal(Self.cfdi(inside: "<c:Addenda \(attributes)/>")))
        #expect(crowded.code == .xmlTooComplex && crowded.message.contains("256 attributes"))
    }
}
