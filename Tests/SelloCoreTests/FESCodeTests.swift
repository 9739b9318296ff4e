import Testing

@testable import SelloCore

/// FES's code table (FESCodes) against CHILE_2026.md §2.2 #13 and §2.5 #4, and the tables of
/// docs/errors.md and docs/reference.md against it (number, name, kind, retryable).
@Suite struct FESCodeTests {
    static func error(_ number: Int, _ comentario: String? = nil) -> SelloError {
        FESCodes.serviceError(number: number, comentario: comentario)
    }

    /// 201: the source IP is not on the CA's allow-list, a configuration error: never retried.
    @Test func aRefusedSourceIPIsAConfigurationErrorNeverRetried() {
        let error = Self.error(201, "IP_NO_PERMITIDA, error de comunicación entre red local. Error Interno CDS.")
        #expect((error.kind, error.code.name, error.retryable) == (.service, "IP_NO_PERMITIDA", false))
        #expect(error.message.contains("IP") && error.message.contains("allow"), "\(error.message)")
    }

    /// 203: the credentials were refused, like 105 (§2.5 #4 groups them).
    @Test func refusedEnrolerCredentialsAreAuth() {
        let error = Self.error(203)
        #expect((error.kind, error.retryable) == (.auth, false))
        #expect(FESCodes.code(203)?.kind == FESCodes.code(105)?.kind)
    }

    /// 107, 202, 210, 211, 212: "Error Interno CDS" — retried at most once, by hand (a request may
    /// be half-done at the enroller): never `retryable`, and the message says so.
    @Test(arguments: [107, 202, 210, 211, 212])
    func internalErrorsAreRetriedOnlyOnceByHand(_ number: Int) {
        let error = Self.error(number)
        #expect((error.kind, error.retryable) == (.service, false), "\(number)")
        #expect(error.message.contains("once, by hand"), "\(error.message)")
    }

    /// The comentario is still shown, and the advice follows it.
    @Test func theServicesTextComesFirst() {
        let error = Self.error(212, "No se pudo generar el certificado en el enrolador, Error Interno CDS")
        #expect(error.message.hasPrefix("No se pudo generar el certificado en el enrolador"))
    }

    /// The rows `| number | `NAME` | kind | yes/no | ... |` of the docs' FES table.
    static func rows(_ text: String) -> [Int: (name: String, kind: String, retryable: String)] {
        var rows: [Int: (name: String, kind: String, retryable: String)] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { String($0).trimmingSpaces }
            guard cells.count >= 4, let number = Int(cells[0]), cells[1].hasPrefix("`") else { continue }
            let name = cells[1].filter { $0 != "`" }
            guard FESCodes.code(number)?.name == name else { continue }
            rows[number] = (name, cells[2], cells[3])
        }
        return rows
    }

    @Test(arguments: ["docs/errors.md", "docs/reference.md"])
    func theDocsTablesAgreeWithTheCode(_ path: String) {
        let rows = Self.rows(RepositoryFiles.read(path))
        for code in FESCodes.all where code.number != 0 {
            guard let row = rows[code.number] else {
                Issue.record("\(path) has no row for FES \(code.number) \(code.name)")
                continue
            }
            #expect(row.kind == code.kind.rawValue, "\(path): \(code.number) kind")
            #expect(row.retryable == (code.retryable ? "yes" : "no"), "\(path): \(code.number) retryable")
        }
    }
}
