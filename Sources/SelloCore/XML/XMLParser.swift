// Safe parsing of untrusted XML (PAC answers) with libxml2 2.9.
import CLibXML2

/// Deepest element nesting accepted (libxml2 itself stops at 256 without XML_PARSE_HUGE).
let xmlMaxDepth = 256

private enum LibXML2 {
    /// xmlInitParser is not safe to race on first use; a static let runs it exactly once.
    static let initialized: Void = xmlInitParser()
}

/// No network, no entity substitution (NOENT omitted), no DTD loading/validation
/// (DTDLOAD/DTDATTR/DTDVALID omitted), no blank nodes, CDATA delivered as text,
/// nothing printed (errors go to this call's context). No XML_PARSE_HUGE:
/// libxml2's default limits stay (depth 256, 10 MB per text node).
private let parseOptions = Int32(bitPattern:
    XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue
    | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)

/// Parses `bytes` (UTF-8) and returns the root element.
public func parseXML(_ bytes: [UInt8]) -> Result<XMLElement, XMLFailure> {
    if let failure = precheck(bytes) { return .failure(failure) }
    _ = LibXML2.initialized

    guard let ctxt = xmlNewParserCtxt() else {
        return .failure(XMLFailure(message: "cannot create XML parser", line: 0))
    }
    defer { xmlFreeParserCtxt(ctxt) }
    // Per-call state reached from the C callbacks through ctxt->_private
    // (userData is the context itself): nothing global, so threads never share it.
    let state = ParseState()
    ctxt.pointee._private = Unmanaged.passUnretained(state).toOpaque()
    // libxml2 keeps parsing after the first fatal error and ctxt->lastError ends
    // up with the last one; the first is the one worth reporting.
    ctxt.pointee.sax.pointee.serror = { userData, error in
        guard let state = ParseState.from(userData), state.firstError == nil,
              let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        state.firstError = failure(from: error)
    }
    // SOAP forbids a DOCTYPE and PAC answers never have one, so stop at the
    // first sign of a DTD: no entity declarations means no entity-expansion attack.
    ctxt.pointee.sax.pointee.internalSubset = { userData, _, _, _ in
        guard let state = ParseState.from(userData),
              let ctxt = userData?.assumingMemoryBound(to: xmlParserCtxt.self) else { return }
        let line = ctxt.pointee.input.map { Int($0.pointee.line) } ?? 0
        state.doctypeLine = line
        xmlStopParser(ctxt)
    }

    let doc = withExtendedLifetime(state) {
        bytes.withUnsafeBytes { raw -> xmlDocPtr? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
            // Encoding forced to UTF-8 (validated above), whatever the declaration says.
            return xmlCtxtReadMemory(ctxt, base, Int32(raw.count), nil, "UTF-8", parseOptions)
        }
    }
    defer { xmlFreeDoc(doc) }

    if let line = state.doctypeLine {
        return .failure(XMLFailure(message: "DOCTYPE/DTD not allowed", line: line))
    }
    guard let doc, ctxt.pointee.wellFormed != 0 else {
        return .failure(state.firstError ?? lastError(ctxt))
    }
    guard let root = xmlDocGetRootElement(doc) else {
        return .failure(XMLFailure(message: "no root element", line: 1))
    }
    return convert(root)
}

private final class ParseState {
    var firstError: XMLFailure?
    var doctypeLine: Int?

    /// `userData` is the parser context; its _private holds the state.
    static func from(_ userData: UnsafeMutableRawPointer?) -> ParseState? {
        guard let ctxt = userData?.assumingMemoryBound(to: xmlParserCtxt.self),
              let raw = ctxt.pointee._private else { return nil }
        return Unmanaged<ParseState>.fromOpaque(raw).takeUnretainedValue()
    }
}

private func failure(from error: UnsafePointer<xmlError>) -> XMLFailure {
    let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML (code \(error.pointee.code))"
    return XMLFailure(message: trimmed(Array(message.utf8)), line: Int(error.pointee.line))
}

private func lastError(_ ctxt: xmlParserCtxtPtr) -> XMLFailure {
    guard let error = xmlCtxtGetLastError(ctxt), error.pointee.code != 0 else {
        return XMLFailure(message: "malformed XML", line: 0)
    }
    return failure(from: error)
}

// MARK: - Byte-level checks libxml2 would report less clearly

private func precheck(_ bytes: [UInt8]) -> XMLFailure? {
    if bytes.allSatisfy({ isXMLSpace($0) }) {
        return XMLFailure(message: "empty document", line: 0)
    }
    if bytes.count > Int(Int32.max) {
        return XMLFailure(message: "document too large", line: 0)
    }
    if let nul = bytes.firstIndex(of: 0) {
        return XMLFailure(message: "NUL byte at offset \(nul)", line: lineNumber(bytes, at: nul))
    }
    if let bad = firstInvalidUTF8(bytes) {
        return XMLFailure(message: "invalid UTF-8 at offset \(bad)", line: lineNumber(bytes, at: bad))
    }
    return nil
}

private func lineNumber(_ bytes: [UInt8], at offset: Int) -> Int {
    1 + bytes[..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
}

/// Offset of the first byte that starts an ill-formed UTF-8 sequence, or nil.
func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = 0
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar):
            offset += UTF8.width(scalar)
        case .emptyInput:
            return nil
        case .error:
            return offset
        }
    }
}

private func isXMLSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

private func trimmed(_ bytes: [UInt8]) -> String {
    guard let first = bytes.firstIndex(where: { !isXMLSpace($0) }),
          let last = bytes.lastIndex(where: { !isXMLSpace($0) }) else { return "" }
    return String(decoding: bytes[first...last], as: UTF8.self)
}

// MARK: - libxml2 tree -> XMLElement, iteratively (no recursion on input depth)

private struct Frame {
    let name: String
    let namespace: String
    let attributes: [XMLAttribute]
    var text: [UInt8] = []
    var children: [XMLElement] = []
    var next: xmlNodePtr?
}

private func convert(_ root: xmlNodePtr) -> Result<XMLElement, XMLFailure> {
    var stack = [open(root)]
    while !stack.isEmpty {
        let top = stack.count - 1
        guard let node = stack[top].next else {
            let frame = stack.removeLast()
            let element = XMLElement(name: frame.name, namespace: frame.namespace, attributes: frame.attributes,
                                     text: trimmed(frame.text), children: frame.children)
            if stack.isEmpty { return .success(element) }
            stack[stack.count - 1].children.append(element)
            continue
        }
        stack[top].next = node.pointee.next
        switch node.pointee.type {
        case XML_ELEMENT_NODE:
            guard stack.count < xmlMaxDepth else {
                return .failure(XMLFailure(message: "elements nested deeper than \(xmlMaxDepth)",
                                           line: Int(xmlGetLineNo(node))))
            }
            stack.append(open(node))
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content {
                stack[top].text.append(contentsOf: UnsafeBufferPointer(start: content, count: strlen(content)))
            }
        default:
            break  // comments, processing instructions
        }
    }
    return .failure(XMLFailure(message: "no root element", line: 1))
}

private func open(_ node: xmlNodePtr) -> Frame {
    var attributes: [XMLAttribute] = []
    var attr = node.pointee.properties
    while let a = attr {
        attributes.append(XMLAttribute(name: localName(a.pointee.name), value: attributeValue(a)))
        attr = a.pointee.next
    }
    return Frame(name: localName(node.pointee.name), namespace: xmlString(node.pointee.ns?.pointee.href),
                 attributes: attributes, next: node.pointee.children)
}

/// libxml2 already splits "p:name" when p is declared; an undeclared prefix
/// (a namespace error libxml2 tolerates) is left in the name, so drop it here.
private func localName(_ p: UnsafePointer<xmlChar>?) -> String {
    let name = xmlString(p)
    guard let colon = name.lastIndex(of: ":") else { return name }
    return String(name[name.index(after: colon)...])
}

/// An attribute's value is the text of its child text nodes (entities are never
/// substituted, and a DTD is refused, so there is nothing else).
private func attributeValue(_ attr: xmlAttrPtr) -> String {
    var bytes: [UInt8] = []
    var child = attr.pointee.children
    while let c = child {
        if c.pointee.type == XML_TEXT_NODE, let content = c.pointee.content {
            bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: strlen(content)))
        }
        child = c.pointee.next
    }
    return String(decoding: bytes, as: UTF8.self)
}

private func xmlString(_ p: UnsafePointer<xmlChar>?) -> String {
    guard let p else { return "" }
    return String(decoding: UnsafeBufferPointer(start: p, count: strlen(p)), as: UTF8.self)
}

private func strlen(_ p: UnsafePointer<xmlChar>) -> Int {
    Int(xmlStrlen(p))
}
