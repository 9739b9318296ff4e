/// What tells the CFDI sent from the one Prodigia returns with codigo 307. A 307 carries an earlier
/// stamp (REGRESAR_CON_ERROR_307_XML), and it is this CFDI only when the two agree: with
/// VERIFICAR_SERIE_FOLIO Prodigia answers 307 with the earlier CFDI of the same Serie and Folio
/// (PRODIGIA_2026.md §3.2), which may be another invoice. Taking that one for this one would give
/// the caller another invoice's UUID for an invoice never stamped.
struct CFDIIdentity: Sendable, Equatable {
    struct Fact: Sendable, Equatable {
        let name: String
        let value: String?
    }

    /// The Comprobante's Sello (when the caller sealed it: with CALCULAR_SELLO the seal is
    /// Prodigia's), Fecha, Serie, Folio and Total, and the Emisor's and Receptor's Rfc.
    let facts: [Fact]

    init(comprobante root: XMLElement, sealed: Bool) {
        var facts: [Fact] = sealed ? [Fact(name: "Sello", value: root.attribute("Sello"))] : []
        for name in ["Fecha", "Serie", "Folio", "Total"] {
            facts.append(Fact(name: name, value: root.attribute(name)))
        }
        facts.append(Fact(name: "Emisor Rfc", value: root.child("Emisor")?.attribute("Rfc")))
        facts.append(Fact(name: "Receptor Rfc", value: root.child("Receptor")?.attribute("Rfc")))
        self.facts = facts
    }

    /// The facts of `stamped` (the XML a 307 returned) that differ from these; every fact when it
    /// is not a Comprobante that can be read.
    func differences(from stamped: [UInt8]) -> [String] {
        guard case .success(let root) = parseXML(stamped), root.name == "Comprobante" else {
            return facts.map(\.name)
        }
        let other = CFDIIdentity(comprobante: root, sealed: facts.first?.name == "Sello")
        return zip(facts, other.facts).compactMap { mine, theirs in
            mine.value?.trimmingSpaces == theirs.value?.trimmingSpaces ? nil : mine.name
        }
    }
}

/// What a stamp's answer is compared with when it is a 307 with an earlier CFDI.
struct SentCFDI: Sendable {
    /// The XML's identity; nil for a CSV interchange file, which the library does not read.
    let identity: CFDIIdentity?
    /// opciones has VERIFICAR_SERIE_FOLIO: a 307 may then be another CFDI of the same Serie and Folio.
    let verifiesSerieFolio: Bool

    init(identity: CFDIIdentity?, opciones: [String]) {
        self.identity = identity
        verifiesSerieFolio = opciones.contains("VERIFICAR_SERIE_FOLIO")
    }

    /// Why the earlier CFDI of a 307 is not this one, or nil when it is. A sealed CFDI is the one
    /// whose seal the answer's `selloCFD` repeats (the seal signs every fact): then the earlier
    /// XML need not be decoded and read.
    func mismatch(earlier base64: String, selloCFD: String? = nil) -> [String]? {
        guard let identity else { return verifiesSerieFolio ? [] : nil }
        if let sello = identity.facts.first, sello.name == "Sello", let given = selloCFD?.trimmingSpaces,
            !given.isEmpty, given == sello.value?.trimmingSpaces
        {
            return nil
        }
        let differs = Base64.decode(base64).map { identity.differences(from: $0) } ?? identity.facts.map(\.name)
        return differs.isEmpty ? nil : differs
    }
}
