// Safe parsing of untrusted XML (PAC answers) with libxml2 2.9, through its SAX2 interface: the
// tree is built directly as `XMLElement`s, never as a libxml2 document first.
import CLibXML2

/// Deepest element nesting accepted.
let xmlMaxDepth = 256

private enum LibXML2 {
    /// xmlInitParser is not safe to race on first use; a static let runs it exactly once.
    static let initialized: Void = xmlInitParser()
}

/// No network, no entity substitution (NOENT omitted), no DTD loading/validation
/// (DTDLOAD/DTDATTR/DTDVALID omitted), CDATA delivered as text, nothing printed (errors go to
/// this call's state). XML_PARSE_HUGE lifts libxml2's 10,000,000-byte limit on one text node — a
/// stamp's pdfBase64 can be larger (issue 12, item 11); what HUGE would also allow is bounded
/// here instead: a DOCTYPE stops the parser (so there are no entities to expand), depth stops at
/// `xmlMaxDepth`, attributes per element at `XMLLimits.maxAttributes`, and memory at `XMLLimits`.
private let parseOptions = Int32(
    bitPattern:
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
        | XML_PARSE_NOCDATA.rawValue | XML_PARSE_HUGE.rawValue)

/// What reading one document may cost (issue 12, items 13 and 14).
public struct XMLLimits: Sendable {
    /// libxml2 checks each attribute of an element against every earlier one: n attributes cost
    /// n² (100,000 took 17 s). No real answer or CFDI has more than a few dozen.
    public static let maxAttributes = 256
    /// Estimated bytes of memory the tree may take (the actual peak is about twice the estimate).
    public let budget: Int
    /// Whether the document is a request's own (the message then names the budget).
    let isRequest: Bool

    /// A service's answer: its size plus 8 MiB. Real answers are a few elements around large texts.
    public init(bytes: Int) {
        budget = bytes.addingReportingOverflow(8 << 20).partialValue
        isRequest = false
    }

    private init(requestBudget: Int) {
        budget = requestBudget
        isRequest = true
    }

    /// The caller's own XML (a CFDI to stamp), at most `Sello.maxRequestBytes`: a tree of eight
    /// times that limit, whatever the document's size. A CFDI's elements cost some 4.3 times their
    /// bytes (a factura global's Concepto with its Traslado: 340 bytes, 1,470 estimated), so any
    /// CFDI of a realistic shape within 8 MiB is read; the answers' budget (size plus 8 MiB)
    /// refused one of 7,800 Conceptos, 2.6 MB, as not well-formed (audit of 2026-12-08).
    public static let request = XMLLimits(requestBudget: 8 * Sello.maxRequestBytes)
}

/// Parses `bytes` (UTF-8) and returns the root element.
public func parseXML(_ bytes: [UInt8]) -> Result<XMLElement, XMLFailure> {
    parseXML(bytes, repairing: false).map(\.root)
}

/// The caller's own XML: like `parseXML`, within `XMLLimits.request` rather than an answer's budget.
public func parseRequestXML(_ bytes: [UInt8]) -> Result<XMLElement, XMLFailure> {
    parseXML(bytes, repairing: false, limits: .request).map(\.root)
}

/// A service's answer: like `parseXML`, but bytes that cannot be in an XML document — invalid
/// UTF-8, NUL and other control characters — are read as U+FFFD and listed in `repairs`, so that
/// one stray byte does not lose a stamp (issue 12, item 10).
public func parseXMLAnswer(_ bytes: [UInt8]) -> Result<(root: XMLElement, repairs: [String]), XMLFailure> {
    parseXML(bytes, repairing: true)
}

/// `maxBytes`: what libxml2 reads at most (its length is an Int32); smaller in tests.
/// `limits`: an answer's (from its size) unless given.
func parseXML(
    _ bytes: [UInt8], repairing: Bool, maxBytes: Int = Int(Int32.max), limits: XMLLimits? = nil
) -> Result<(root: XMLElement, repairs: [String]), XMLFailure> {
    if bytes.allSatisfy({ isXMLSpace($0) }) { return .failure(XMLFailure(message: "empty document", line: 0)) }
    if bytes.count > maxBytes { return .failure(XMLFailure(message: "document too large", line: 0)) }
    var input = bytes
    var repairs: [String] = []
    if repairing {
        (input, repairs) = XMLRepair.repair(bytes)
        // Each byte repaired becomes three (U+FFFD): a document under the limit may pass it now,
        // and the length libxml2 is given would trap (an answer of some 716 MB of stray bytes).
        if input.count > maxBytes { return .failure(XMLFailure(message: "document too large", line: 0)) }
    } else if let failure = precheck(bytes) {
        return .failure(failure)
    }
    if let offset = XMLScan.firstElementWithTooManyAttributes(input) {
        return .failure(
            XMLFailure(
                message: "an element has more than \(XMLLimits.maxAttributes) attributes",
                line: lineNumber(input, at: offset), tooComplex: true))
    }
    return SAXReader(limits: limits ?? XMLLimits(bytes: input.count)).read(input).map { ($0, repairs) }
}

// MARK: - Byte-level checks libxml2 would report less clearly

private func precheck(_ bytes: [UInt8]) -> XMLFailure? {
    if let nul = firstNUL(bytes) {
        return XMLFailure(message: "NUL byte at offset \(nul)", line: lineNumber(bytes, at: nul))
    }
    if let bad = firstInvalidUTF8(bytes) {
        return XMLFailure(message: "invalid UTF-8 at offset \(bad)", line: lineNumber(bytes, at: bad))
    }
    return nil
}

/// The offset of the first NUL byte, or nil.
func firstNUL(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { $0.firstIndex(ofByte: 0) }
}

func lineNumber(_ bytes: [UInt8], at offset: Int) -> Int {
    1 + bytes[..<min(offset, bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
}

/// Offset of the first byte that starts an ill-formed UTF-8 sequence, or nil.
func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { buffer -> Int? in
        guard let base = buffer.baseAddress else { return nil }
        var offset = 0
        while offset < buffer.count {
            // ASCII eight bytes at a time: an answer's XML is kilobytes of it (issue 13).
            // (wrapping: `offset` stays below the count)
            if offset &+ 8 <= buffer.count,
                UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                offset &+= 8
                continue
            }
            if buffer[offset] < 0x80 {
                offset &+= 1
                continue
            }
            // One scalar from here, by the standard library's decoder.
            var iterator = buffer[offset...].makeIterator()
            var decoder = UTF8()
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
        return nil
    }
}

func isXMLSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

func trimmedXMLText(_ bytes: [UInt8]) -> String {
    guard let first = bytes.firstIndex(where: { !isXMLSpace($0) }),
        let last = bytes.lastIndex(where: { !isXMLSpace($0) })
    else { return "" }
    return String(decoding: bytes[first...last], as: UTF8.self)
}

// MARK: - The SAX2 reader

/// One document's reading: the open elements, and what went wrong. Reached from libxml2's C
/// callbacks through the parser context's `_private`: nothing global, so threads never share it.
private final class SAXReader {
    struct Frame {
        let name: String
        let namespace: String
        let attributes: [XMLAttribute]
        var text: [UInt8] = []
        var children: [XMLElement] = []
    }

    let limits: XMLLimits
    var stack: [Frame] = []
    var root: XMLElement?
    var cost = 0
    /// Elements read so far (a request's refusal names the count).
    var elements = 0
    var firstError: XMLFailure?
    /// Why the reader stopped the parser itself.
    var stopped: XMLFailure?

    init(limits: XMLLimits) { self.limits = limits }

    static func from(_ userData: UnsafeMutableRawPointer?) -> (SAXReader, xmlParserCtxtPtr)? {
        guard let ctxt = userData?.assumingMemoryBound(to: xmlParserCtxt.self),
            let raw = ctxt.pointee._private
        else { return nil }
        return (Unmanaged<SAXReader>.fromOpaque(raw).takeUnretainedValue(), ctxt)
    }

    func read(_ bytes: [UInt8]) -> Result<XMLElement, XMLFailure> {
        _ = LibXML2.initialized
        guard let ctxt = xmlNewParserCtxt() else {
            return .failure(
                XMLFailure(
                    message: "cannot create XML parser", line: 0))
        }
        defer { xmlFreeParserCtxt(ctxt) }
        ctxt.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        SAXReader.install(ctxt.pointee.sax)
        let doc = withExtendedLifetime(self) {
            bytes.withUnsafeBytes { raw -> xmlDocPtr? in
                guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
                // Encoding forced to UTF-8 (checked or repaired above), whatever the declaration says.
                return xmlCtxtReadMemory(ctxt, base, Int32(raw.count), nil, "UTF-8", parseOptions)
            }
        }
        xmlFreeDoc(doc) // none is built (no tree callbacks), but free whatever libxml2 made
        if let stopped { return .failure(stopped) }
        guard ctxt.pointee.wellFormed != 0, let root else {
            return .failure(firstError ?? lastError(ctxt))
        }
        return .success(root)
    }

    /// Our callbacks in place of libxml2's tree builder.
    static func install(_ sax: UnsafeMutablePointer<xmlSAXHandler>?) {
        guard let sax else { return }
        sax.pointee.startDocument = nil
        sax.pointee.endDocument = nil
        sax.pointee.startElement = nil
        sax.pointee.endElement = nil
        sax.pointee.reference = nil
        sax.pointee.comment = nil
        sax.pointee.processingInstruction = nil
        sax.pointee.cdataBlock = nil
        sax.pointee.startElementNs = { userData, localname, _, uri, _, _, count, _, attributes in
            SAXReader.from(userData).map { $0.0.start(localname, uri, Int(count), attributes, $0.1) }
        }
        sax.pointee.endElementNs = { userData, _, _, _ in
            SAXReader.from(userData).map { $0.0.end($0.1) }
        }
        sax.pointee.characters = { userData, text, length in
            SAXReader.from(userData).map { $0.0.characters(text, Int(length), $0.1) }
        }
        sax.pointee.ignorableWhitespace = sax.pointee.characters
        // SOAP forbids a DOCTYPE and PAC answers never have one, so stop at the first sign of a
        // DTD: no entity declarations means no entity-expansion attack.
        sax.pointee.internalSubset = { userData, _, _, _ in
            guard let (reader, ctxt) = SAXReader.from(userData) else { return }
            reader.stop(
                ctxt,
                XMLFailure(
                    message: "DOCTYPE/DTD not allowed", line: ctxt.pointee.input.map { Int($0.pointee.line) } ?? 0))
        }
        // libxml2 keeps parsing after the first fatal error and ctxt->lastError ends up with the
        // last one; the first is the one worth reporting.
        sax.pointee.serror = { userData, error in
            guard let (reader, _) = SAXReader.from(userData), reader.firstError == nil,
                let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue
            else { return }
            reader.firstError = failure(from: error)
        }
    }

    func stop(_ ctxt: xmlParserCtxtPtr, _ failure: XMLFailure) {
        if stopped == nil { stopped = failure }
        xmlStopParser(ctxt)
    }

    func charge(_ amount: Int, _ ctxt: xmlParserCtxtPtr) -> Bool {
        cost += amount
        elements += 1
        guard cost > limits.budget else { return true }
        let message =
            limits.isRequest
            ? "it holds too many elements and attributes to read: \(elements) elements were read when they "
                + "passed the \(limits.budget >> 20) MiB of memory a request's XML may take (a CFDI's elements "
                + "take some 4 times their bytes)"
            : "the document holds too many elements or attributes to read within a few times its size"
        stop(ctxt, XMLFailure(message: message, line: Int(ctxt.pointee.input?.pointee.line ?? 0), tooComplex: true))
        return false
    }

    func start(
        _ localname: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ count: Int,
        _ values: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ ctxt: xmlParserCtxtPtr
    ) {
        guard stopped == nil else { return }
        guard stack.count < xmlMaxDepth else {
            stop(
                ctxt,
                XMLFailure(
                    message: "elements nested deeper than "
                        + "\(xmlMaxDepth)", line: Int(ctxt.pointee.input?.pointee.line ?? 0)))
            return
        }
        guard charge(160 + count * 64, ctxt) else { return }
        var attributes: [XMLAttribute] = []
        if let values, count > 0 {
            attributes.reserveCapacity(count)
            // Five pointers per attribute: localname, prefix, URI, value start, value end.
            for index in 0..<count {
                let base = index * 5
                guard let start = values[base + 3], let end = values[base + 4] else { continue }
                let value = String(
                    decoding: UnsafeBufferPointer(start: start, count: max(end - start, 0)), as: UTF8.self)
                attributes.append(XMLAttribute(name: xmlString(values[base]), value: value))
            }
        }
        stack.append(Frame(name: xmlString(localname), namespace: xmlURI(uri), attributes: attributes))
    }

    func end(_ ctxt: xmlParserCtxtPtr) {
        guard stopped == nil, let frame = stack.popLast() else { return }
        let element = XMLElement(
            name: frame.name, namespace: frame.namespace, attributes: frame.attributes,
            text: trimmedXMLText(frame.text),
            children: frame.children)
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    func characters(_ text: UnsafePointer<xmlChar>?, _ length: Int, _ ctxt: xmlParserCtxtPtr) {
        guard stopped == nil, let text, length > 0, !stack.isEmpty else { return }
        stack[stack.count - 1].text.append(contentsOf: UnsafeBufferPointer(start: text, count: length))
    }
}

private func failure(from error: UnsafePointer<xmlError>) -> XMLFailure {
    let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML (code \(error.pointee.code))"
    return XMLFailure(message: trimmedXMLText(Array(message.utf8)), line: Int(error.pointee.line))
}

private func lastError(_ ctxt: xmlParserCtxtPtr) -> XMLFailure {
    guard let error = xmlCtxtGetLastError(ctxt), error.pointee.code != 0 else {
        return XMLFailure(message: "malformed XML", line: 0)
    }
    return failure(from: error)
}

/// libxml2 already splits "p:name" when p is declared; an undeclared prefix (a namespace error
/// libxml2 tolerates) is left in the name, so drop it here.
/// A namespace URI as given (no prefix to strip: it holds colons of its own).
private func xmlURI(_ p: UnsafePointer<xmlChar>?) -> String {
    guard let p else { return "" }
    return String(decoding: UnsafeBufferPointer(start: p, count: Int(xmlStrlen(p))), as: UTF8.self)
}

private func xmlString(_ p: UnsafePointer<xmlChar>?) -> String {
    guard let p else { return "" }
    let bytes = UnsafeBufferPointer(start: p, count: Int(xmlStrlen(p)))
    // The colon found among the bytes (in a name libxml2 accepted no mark follows it, so the
    // byte is the character): Character by Character, this was a third of reading a stamped XML.
    guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return String(decoding: bytes, as: UTF8.self) }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[(colon + 1)...]), as: UTF8.self)
}
