import Testing

@testable import SelloCore

/// A Prodigia answer's elements read into JSON (`CFDIAnswer.convert`) as the version that
/// hashed every name three times did (issue 13): same members, order, arrays and types.
@Suite struct CFDIAnswerConvertTests {
    static func referenceConvert(_ element: XMLElement) -> JSONObject {
        var order: [String] = []
        var groups: [String: [JSON]] = [:]
        for child in element.children {
            if groups[child.name] == nil { order.append(child.name) }
            groups[child.name, default: []].append(referenceValue(of: child))
        }
        var object = JSONObject()
        for name in order {
            let values = groups[name] ?? []
            object.append(name, values.count == 1 ? values[0] : .array(values))
        }
        return object
    }

    static func referenceValue(of element: XMLElement) -> JSON {
        let name = element.name.lowercased()
        if ["cancelaciones"].contains(name) { return .array(element.children.map { referenceValue(of: $0) }) }
        if !element.children.isEmpty { return .object(CFDIAnswer.withUUID(referenceConvert(element))) }
        let text = element.text
        if ["timbradook", "statusok", "consultaok"].contains(name) {
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: return .string(text)
            }
        }
        if ["codigo", "código", "saldo", "estatuscfdi"].contains(name), let number = Int64(text) {
            return .int(number)
        }
        return .string(text)
    }

    static func leaf(_ name: String, _ text: String) -> XMLElement { XMLElement(name: name, text: text) }

    static let names = [
        "timbradoOk", "TIMBRADOOK", "statusOk", "consultaOk", "codigo", "Codigo", "código", "CÓDIGO", "saldo",
        "estatusCfdi", "uuid", "UUID", "mensaje", "xmlBase64", "cancelaciones", "Cancelaciones", "timbradoOkx", "cod",
    ]
    static let texts = ["true", "FALSE", "sí", "7", "-3", "x7", "", "99999999999999999999"]

    @Test func theAnswerReadsAsTheHashedVersionRead() {
        var elements: [XMLElement] = []
        for name in Self.names {
            for text in Self.texts { elements.append(XMLElement(name: "r", children: [Self.leaf(name, text)])) }
            let entry = XMLElement(name: "cancelacion", children: [Self.leaf("codigo", "201"), Self.leaf("uuid", "A")])
            elements.append(XMLElement(name: "r", children: [XMLElement(name: name, children: [entry])]))
            elements.append(XMLElement(name: "r", children: [XMLElement(name: name, children: [entry, entry])]))
            elements.append(
                XMLElement(
                    name: "r", children: [Self.leaf(name, "1"), Self.leaf("mensaje", "m"), Self.leaf(name, "2")]))
            elements.append(
                XMLElement(name: "r", children: [XMLElement(name: name, children: [Self.leaf("UUID", "U")])]))
        }
        for element in elements {
            #expect(CFDIAnswer.convert(element) == Self.referenceConvert(element), "\(element)")
        }
    }
}
