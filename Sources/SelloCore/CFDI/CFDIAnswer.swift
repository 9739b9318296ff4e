/// The three answer shapes of the integration API: the root element and its ok flag.
enum CFDIShape {
    case timbrado, cancel, consulta

    var root: String {
        switch self {
        case .timbrado: return "servicioTimbrado"
        case .cancel: return "servicioCancel"
        case .consulta: return "servicioConsulta"
        }
    }

    var flag: String {
        switch self {
        case .timbrado: return "timbradoOk"
        case .cancel: return "statusOk"
        case .consulta: return "consultaOk"
        }
    }
}

/// A Prodigia XML answer read into JSON with proper types.
struct CFDIAnswer {
    var data: JSONObject
    let ok: Bool
    let codigo: Int?
    let mensaje: String?
    /// The damage repaired to read the answer (a warning ANSWER_REPAIRED, see `CFDIClient.checked`).
    var repairs: [String] = []

    static let booleanFields: Set<String> = ["timbradoOk", "statusOk", "consultaOk"]
    static let integerFields: Set<String> = ["codigo", "código", "saldo", "estatusCfdi"]
    /// Elements that are always lists, whatever the number of their children.
    static let listFields: Set<String> = ["cancelaciones"]

    /// Reads an answer of the given shape. A body that is not XML or not the documented root is
    /// a `protocol` error (or `http`/`auth` for an undocumented HTTP status) with a short
    /// redacted sample.
    init(_ response: HTTPResponse, shape: CFDIShape, operation: String, secrets: [String]) throws(SelloError) {
        let redactor = Redactor(secrets: secrets)
        let root: XMLElement
        switch parseXMLAnswer(response.body) {
        case .success(let answer) where answer.root.name == shape.root:
            root = answer.root
            repairs = answer.repairs
        case .success(let answer):
            throw CFDIAnswer.unreadable(response, redactor: redactor, problem: "its root element is <\(answer.root.name)>, not <\(shape.root)>")
        case .failure(let failure) where failure.tooComplex:
            throw AnswerJSON.tooComplex(response.body.count)
        case .failure(let failure):
            throw CFDIAnswer.unreadable(response, redactor: redactor, problem: "it is not XML (\(failure.message), line \(failure.line))")
        }
        var data = CFDIAnswer.convert(root)
        guard let ok = data[shape.flag]?.boolValue else {
            throw CFDIAnswer.unreadable(response, redactor: redactor, problem: "<\(shape.root)> has no \(shape.flag) true or false")
        }
        for key in ["mensaje", "message"] {
            if let text = data[key]?.stringValue { data[key] = .string(redactor.scrub(text)) }
        }
        self.data = data
        self.ok = ok
        codigo = CFDIAnswer.integer(data["codigo"] ?? data["código"])
        mensaje = data["mensaje"]?.stringValue
    }

    static func integer(_ value: JSON?) -> Int? {
        value?.intValue.flatMap { Int(exactly: $0) }
    }

    static func unreadable(_ response: HTTPResponse, redactor: Redactor, problem: String) -> SelloError {
        let sample = redactor.sample(response.body)
        let details: JSONObject = ["sample": .string(sample), "http_status": .int(Int64(response.status))]
        switch response.status {
        case 200..<300:
            return SelloError(.protocol, "INVALID_ANSWER", "Prodigia's answer is not its documented XML: \(problem)", details: details)
        case 401, 403:
            return SelloError(.auth, "HTTP_\(response.status)",
                              "Prodigia refused the credentials (HTTP \(response.status)); not retried: the account locks after 3 failed logins",
                              details: details)
        default:
            return SelloError(.http, "HTTP_\(response.status)",
                              "Prodigia answered HTTP \(response.status) without its XML answer: \(sample)", details: details)
        }
    }

    /// An element's children as a JSON object, in document order. Repeated names become arrays;
    /// leaves are strings except the documented booleans and numbers.
    static func convert(_ element: XMLElement) -> JSONObject {
        var order: [String] = []
        var groups: [String: [JSON]] = [:]
        for child in element.children {
            if groups[child.name] == nil { order.append(child.name) }
            groups[child.name, default: []].append(value(of: child))
        }
        var object = JSONObject()
        for name in order {
            let values = groups[name] ?? []
            object.append(name, values.count == 1 ? values[0] : .array(values))
        }
        return object
    }

    static func value(of element: XMLElement) -> JSON {
        if listFields.contains(element.name) {
            return .array(element.children.map { value(of: $0) })
        }
        if !element.children.isEmpty { return .object(convert(element)) }
        let text = element.text
        if booleanFields.contains(element.name) {
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: return .string(text)
            }
        }
        if integerFields.contains(element.name), let number = Int64(text) { return .int(number) }
        return .string(text)
    }

    /// Adds each cancelación's `descripcion` (and the code's stable name) from the code tables,
    /// and makes `cancelaciones` present as an array.
    mutating func describeCancellations() {
        var list = data["cancelaciones"]?.arrayValue ?? []
        for (index, entry) in list.enumerated() {
            guard var object = entry.objectValue else { continue }
            if let number = CFDIAnswer.integer(object["codigo"] ?? object["código"]) {
                let code = CFDICodes.cancellation(number)
                object["descripcion"] = .string(code?.description ?? "Código no documentado por Prodigia")
                object["code_name"] = JSON(code?.name)
            }
            list[index] = .object(CFDIAnswer.describeEstatus(object))
        }
        data["cancelaciones"] = .array(list)
        data = CFDIAnswer.describeEstatus(data)
    }

    /// An `estatusCfdi` node (the SAT status of a CFDI) gets its description from the table.
    static func describeEstatus(_ object: JSONObject) -> JSONObject {
        guard let number = integer(object["estatusCfdi"]) else { return object }
        var copy = object
        let code = CFDICodes.estatus(number)
        copy["estatus_cfdi_descripcion"] = .string(code?.description ?? "Estatus no documentado por Prodigia")
        copy["estatus_cfdi_name"] = JSON(code?.name)
        return copy
    }
}
