// An immutable, Sendable copy of a parsed XML element tree.

public struct XMLAttribute: Sendable, Equatable {
    /// Local name, no prefix.
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct XMLElement: Sendable, Equatable {
    /// Local name, no prefix ("tfd:TimbreFiscalDigital" -> "TimbreFiscalDigital").
    public let name: String
    /// The namespace URI of the element ("" when it has none): a CFDI's root must be in
    /// http://www.sat.gob.mx/cfd/4, whatever its prefix.
    public let namespace: String
    /// In document order; namespace declarations (xmlns) are not attributes.
    public let attributes: [XMLAttribute]
    /// Concatenated direct text/CDATA content, trimmed of surrounding whitespace.
    public let text: String
    public let children: [XMLElement]

    public init(
        name: String, namespace: String = "", attributes: [XMLAttribute] = [], text: String = "",
        children: [XMLElement] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// The value of the first attribute with this local name.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The first direct child with this local name.
    public func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    /// All direct children with this local name.
    public func children(named name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }
}

public struct XMLFailure: Error, Sendable, Equatable {
    public let message: String
    /// 1-based line of the problem; 0 when there is no position (e.g. empty input).
    public let line: Int
    /// Well-formed or not, reading it would cost too much (`XMLLimits`).
    public let tooComplex: Bool

    public init(message: String, line: Int, tooComplex: Bool = false) {
        self.message = message
        self.line = line
        self.tooComplex = tooComplex
    }
}
