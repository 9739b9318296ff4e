/// The checks a CFDI 4.0 passes before it is sent for stamping (API.md, "Stamping XML"), each with
/// the code the service would answer: a stamp attempt that the PAC refuses still costs a round
/// trip, and one that it accepts by mistake (a 3.3 today) costs a transaction.
struct CFDI40Check {
    static let namespace40 = "http://www.sat.gob.mx/cfd/4"
    static let namespace33 = "http://www.sat.gob.mx/cfd/3"

    /// What the rest of the request needs from the document.
    let emisorRFC: String?
    let hasSello: Bool
    /// What a 307's earlier CFDI is compared with (`CFDIIdentity`).
    let identity: CFDIIdentity

    /// - Parameters:
    ///   - calcularSello: opciones has CALCULAR_SELLO (Prodigia seals it: the Sello may be empty).
    ///   - withCSD: the issuer's CSD is in the request (timbrarCfdi): Prodigia seals an empty Sello
    ///     with it, the seed's alternative to CALCULAR_SELLO (002, procesarArchivoConCSD).
    ///   - now: seconds since the epoch (the caller's clock).
    init(_ bytes: [UInt8], field: String, calcularSello: Bool, withCSD: Bool = false, now: Int64) throws(SelloError) {
        let root = try CFDI40Check.root(bytes, field: field)
        let version = root.attribute("Version") ?? ""
        if root.name == "Comprobante" && (root.namespace == CFDI40Check.namespace33 || version == "3.3") {
            throw SelloError(
                .validation, .cfdi33Retired,
                "\(field) is a CFDI 3.3: the SAT stopped accepting 3.3 on 2023-04-01; issue it as a CFDI "
                    + "4.0 (namespace \(CFDI40Check.namespace40), Version=\"4.0\")",
                field: field)
        }
        guard root.name == "Comprobante", root.namespace == CFDI40Check.namespace40 else {
            let shown = root.namespace.isEmpty ? root.name : "\(root.name) in \(root.namespace)"
            throw CFDICodes.validation(
                301,
                "\(field) is not a CFDI 4.0: its root is <\(shown)>, not "
                    + "<cfdi:Comprobante> in \(CFDI40Check.namespace40)",
                field: field)
        }
        guard version == "4.0" else {
            throw CFDICodes.validation(
                301,
                "\(field): the Comprobante's Version is \(Quote.value(version)), not 4.0", field: field)
        }
        if let stamp = CFDI40Check.timbre(in: root) {
            throw CFDICodes.validation(
                307,
                "\(field) already carries a TimbreFiscalDigital (UUID "
                    + "\(Quote.value(stamp.attribute("UUID") ?? "?"))): it was stamped before; cfdi_get_by_uuid "
                    + "returns it",
                field: field)
        }
        let sello = (root.attribute("Sello") ?? "").trimmingSpaces
        guard calcularSello || withCSD || !sello.isEmpty else {
            throw CFDICodes.validation(
                302,
                "\(field): the Comprobante has no Sello; seal it with the issuer's CSD before sending, add "
                    + "CALCULAR_SELLO to opciones so that Prodigia seals it (with the certificate stored in PADE), "
                    + "or send it with cfdi_stamp_xml_with_csd and the issuer's CSD, with which Prodigia seals it",
                field: field)
        }
        try CFDI40Check.checkFecha(root.attribute("Fecha"), field: field, now: now)
        emisorRFC = root.child("Emisor")?.attribute("Rfc")
        hasSello = !sello.isEmpty
        identity = CFDIIdentity(comprobante: root, sealed: hasSello && !calcularSello)
    }

    /// The document's root element, or the error for a document that is not UTF-8, too costly to
    /// read, or not well-formed.
    static func root(_ bytes: [UInt8], field: String) throws(SelloError) -> XMLElement {
        try CFDIEncoding.checkDeclaration(bytes, field: field)
        switch parseRequestXML(bytes) {
        case .success(let element): return element
        case .failure(let failure) where failure.tooComplex:
            throw SelloError(
                .validation, .xmlTooComplex,
                "\(field) is too costly to read: \(failure.message) (line \(failure.line)); a CFDI of "
                    + "any realistic shape within the 8 MiB request limit is read", field: field)
        case .failure(let failure):
            // Not UTF-8 at all: said as such, with what to do, rather than as a byte at an offset.
            if let problem = CFDIEncoding.problem(bytes, field: field, what: "the CFDI", fix: "convert it to UTF-8") {
                throw problem
            }
            let why =
                failure.message.hasPrefix("DOCTYPE")
                ? "it has a DOCTYPE (a CFDI has no DTD and no entities)" : failure.message
            throw CFDICodes.validation(
                301,
                "\(field) is not well-formed XML: \(why) (line \(failure.line))", field: field)
        }
    }

    static func checkFecha(_ fecha: String?, field: String, now: Int64) throws(SelloError) {
        guard let fecha, let local = CFDIFecha.parse(fecha) else {
            throw CFDICodes.validation(
                301,
                "\(field): the Comprobante's Fecha \(Quote.value(fecha ?? "")) is "
                    + "not YYYY-MM-DDThh:mm:ss", field: field)
        }
        switch CFDIFecha.problem(fecha: local, now: now) {
        case .tooOld:
            throw CFDICodes.validation(
                401,
                "\(field): Fecha \(fecha) is more than 72 hours ago in every Mexican time "
                    + "zone; the SAT accepts a CFDI for 72 hours after its Fecha: issue it again with a current Fecha",
                field: field)
        case .future:
            throw CFDICodes.validation(
                401,
                "\(field): Fecha \(fecha) is in the future in every Mexican time zone "
                    + "(Fecha is the local time of LugarExpedicion)",
                field: field)
        case nil:
            return
        }
    }

    /// The first TimbreFiscalDigital anywhere in the document, without recursion.
    static func timbre(in root: XMLElement) -> XMLElement? {
        var stack = [root]
        while let element = stack.popLast() {
            if element.name == "TimbreFiscalDigital" { return element }
            stack.append(contentsOf: element.children)
        }
        return nil
    }
}
