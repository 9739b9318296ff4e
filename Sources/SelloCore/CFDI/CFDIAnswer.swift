/// The answer shapes of Prodigia's REST methods: the root element and its ok flag.
enum CFDIShape {
    case timbrado, cancel, consulta, estatus

    var root: String {
        switch self {
        case .timbrado: return "servicioTimbrado"
        case .cancel: return "servicioCancel"
        case .consulta: return "servicioConsulta"
        case .estatus: return "servicioConsultaComprobante"
        }
    }

    var flag: String {
        switch self {
        case .timbrado: return "timbradoOk"
        case .cancel: return "statusOk"
        case .consulta, .estatus: return "consultaOk"
        }
    }
}

/// A Prodigia XML answer read into JSON with proper types. Element names keep the service's
/// spelling in `data`, but are matched without regard to case: the same answer is seen written
/// `uuid` and `UUID` (PRODIGIA_2026.md §7.4), and no schema fixes it.
struct CFDIAnswer {
    var data: JSONObject
    let ok: Bool
    let codigo: Int?
    /// `codigo` as the service wrote it when it is not a number (SAT's CFDI40147 may pass through,
    /// PRODIGIA_2026.md §3.5).
    let codigoText: String?
    let mensaje: String?
    /// The damage repaired to read the answer (a warning ANSWER_REPAIRED, see `CFDIClient.checked`).
    var repairs: [String] = []

    /// What an element's name, regardless of case, says its value is.
    enum FieldKind {
        /// Always a list, whatever the number of its children.
        case list
        case boolean
        case integer
        case text
    }

    /// The names with a kind of their own, lower-cased.
    static let fieldKinds: [(name: String, kind: FieldKind)] = [
        ("timbradook", .boolean), ("statusok", .boolean), ("consultaok", .boolean),
        ("codigo", .integer), ("código", .integer), ("saldo", .integer), ("estatuscfdi", .integer),
        ("procesados", .integer), ("cancelados", .integer), ("cancelaciones", .list),
    ]

    /// Reads an answer of the given shape. A body that is not XML or not the documented root is
    /// a `protocol` error (or `http`/`auth` for an undocumented HTTP status) with a short
    /// redacted sample.
    init(_ response: HTTPResponse, shape: CFDIShape, operation: String, redactor: Redactor) throws(SelloError) {
        let root: XMLElement
        switch parseXMLAnswer(response.body) {
        case .success(let answer) where answer.root.name.lowercased() == shape.root.lowercased():
            root = answer.root
            repairs = answer.repairs
        case .success(let answer):
            throw CFDIAnswer.unreadable(
                response, redactor: redactor,
                problem: "its root element is <\(answer.root.name)>, not <\(shape.root)>")
        case .failure(let failure) where failure.tooComplex:
            throw AnswerJSON.tooComplex(response.body.count)
        case .failure(let failure):
            throw CFDIAnswer.unreadable(
                response, redactor: redactor,
                problem: "it is not XML (\(failure.message), line \(failure.line))")
        }
        var data = CFDIAnswer.convert(root)
        guard let ok = CFDIAnswer.field(data, shape.flag)?.boolValue else {
            throw CFDIAnswer.unreadable(
                response, redactor: redactor,
                problem: "<\(shape.root)> has no \(shape.flag) true or false")
        }
        for (key, value) in data.members where ["mensaje", "message"].contains(key.lowercased()) {
            if let text = value.stringValue { data[key] = .string(redactor.scrub(text)) }
        }
        self.data = CFDIAnswer.withUUID(data)
        self.ok = ok
        let given = CFDIAnswer.field(data, "codigo") ?? CFDIAnswer.field(data, "código")
        codigo = CFDIAnswer.integer(given)
        codigoText = codigo == nil ? given?.stringValue.map(\.trimmingSpaces).flatMap { $0.isEmpty ? nil : $0 } : nil
        mensaje = CFDIAnswer.field(data, "mensaje")?.stringValue
    }

    /// A member by name: the exact spelling first, else any spelling that differs only in case.
    static func field(_ object: JSONObject, _ name: String) -> JSON? {
        if let exact = object[name] { return exact }
        let lowered = name.lowercased()
        return object.members.first { $0.key.lowercased() == lowered }?.value
    }

    /// `uuid` is filled whatever the case the service wrote the folio fiscal in (`UUID`, `Uuid`).
    static func withUUID(_ object: JSONObject) -> JSONObject {
        guard object["uuid"] == nil, let value = field(object, "uuid") else { return object }
        var copy = object
        copy.append("uuid", value)
        return copy
    }

    static func integer(_ value: JSON?) -> Int? {
        value?.intValue.flatMap { Int(exactly: $0) }
    }

    static func unreadable(_ response: HTTPResponse, redactor: Redactor, problem: String) -> SelloError {
        AnswerFormat.prodigia.unreadable(response, redactor: redactor, problem: problem)
    }

    /// An element's children as a JSON object, in document order. Repeated names become arrays;
    /// leaves are strings except the documented booleans and numbers. An answer has a few names:
    /// they are found by comparing, not by hashing each (issue 13).
    static func convert(_ element: XMLElement) -> JSONObject {
        var groups: [(name: String, values: [JSON])] = []
        for child in element.children {
            let value = value(of: child)
            if let index = groups.firstIndex(where: { $0.name == child.name }) {
                groups[index].values.append(value)
            } else {
                groups.append((child.name, [value]))
            }
        }
        var object = JSONObject(capacity: groups.count)
        for group in groups {
            object.append(group.name, group.values.count == 1 ? group.values[0] : .array(group.values))
        }
        return object
    }

    static func value(of element: XMLElement) -> JSON {
        let kind = fieldKind(element.name)
        if kind == .list { return .array(element.children.map { value(of: $0) }) }
        if !element.children.isEmpty { return .object(withUUID(convert(element))) }
        let text = element.text
        switch kind {
        case .boolean:
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: return .string(text)
            }
        case .integer:
            return Int64(text).map(JSON.int) ?? .string(text)
        case .list, .text:
            return .string(text)
        }
    }

    /// The kind `fieldKinds` gives `name` regardless of case; `.text` for any other name. ASCII
    /// is compared byte by byte without lower-casing a copy first.
    static func fieldKind(_ name: String) -> FieldKind {
        let ascii = name.utf8.allSatisfy { $0 < 0x80 }
        let lowered = ascii ? name : name.lowercased()
        for field in fieldKinds where field.name.utf8.count == lowered.utf8.count {
            if zip(field.name.utf8, lowered.utf8).allSatisfy({ $0 == ($1 >= 0x41 && $1 <= 0x5A ? $1 | 0x20 : $1) }) {
                return field.kind
            }
        }
        return .text
    }

    /// Each cancelación gets its code's `descripcion` and stable name from the code tables, and
    /// `status`, the outcome in one word; `cancelaciones` is always an array, under that name
    /// whatever the case the service wrote it in (PRODIGIA_2026 §5), and each entry has `codigo`.
    mutating func describeCancellations() {
        var list = CFDIAnswer.field(data, "cancelaciones")?.arrayValue ?? []
        for (index, entry) in list.enumerated() {
            guard var object = entry.objectValue else { continue }
            let given = CFDIAnswer.field(object, "codigo") ?? CFDIAnswer.field(object, "código")
            if object["codigo"] == nil, let given { object.append("codigo", given) }
            if let number = CFDIAnswer.integer(given) {
                let code = CFDICodes.cancellation(number)
                object["descripcion"] = .string(code?.description ?? "Código no documentado por Prodigia")
                object["code_name"] = JSON(code?.name)
                object["status"] = .string(CFDICancelStatus(codigo: number).rawValue)
            } else {
                object["status"] = .string(CFDICancelStatus.error.rawValue)
            }
            list[index] = .object(CFDIAnswer.describeEstatus(object))
        }
        if let key = data.keys.first(where: { $0 != "cancelaciones" && $0.lowercased() == "cancelaciones" }) {
            data[key] = nil // moved, not copied: the list can be long
        }
        data["cancelaciones"] = .array(list)
        data = CFDIAnswer.describeEstatus(data)
    }

    /// An `estatusCfdi` node (the SAT status of a CFDI) gets its description from the table:
    /// `estatus_text` (its title: "Vigente", "Cancelado sin aceptación"), the full
    /// `estatus_cfdi_descripcion` and the stable `estatus_cfdi_name`.
    static func describeEstatus(_ object: JSONObject) -> JSONObject {
        guard let number = integer(field(object, "estatusCfdi")) else { return object }
        var copy = object
        let code = CFDICodes.estatus(number)
        let description = code?.description ?? "Estatus no documentado por Prodigia"
        copy["estatus_text"] = .string(
            description.split(separator: ".", maxSplits: 1).first.map(String.init) ?? description)
        copy["estatus_cfdi_descripcion"] = .string(description)
        copy["estatus_cfdi_name"] = JSON(code?.name)
        return copy
    }
}

/// The outcome of one cancelación in one word (API.md), from its per-UUID `codigo`.
enum CFDICancelStatus: String {
    case cancelled
    case alreadyCancelled = "already_cancelled"
    case pending, rejected
    case notCancellable = "not_cancellable"
    case notFound = "not_found"
    case error

    init(codigo: Int) {
        switch codigo {
        case 201, 95, 98: self = .cancelled
        case 202: self = .alreadyCancelled
        case 96: self = .pending
        case 97: self = .rejected
        case 94: self = .notCancellable
        case 205, 90, 602: self = .notFound
        default: self = .error
        }
    }
}
