import Testing

@testable import SelloCore

/// docs/errors.md is checked against the typed code tables: every name the library can put in
/// `error.code` or a warning's `code` is documented there, and the library's own names are
/// unique (a second constant for the same name would be two "codes" for one problem).
@Suite struct ErrorCodeDocsTests {
    static let docs = RepositoryFiles.read("docs/errors.md")

    static func documented(_ name: String) -> Bool { docs.contains("`\(name)`") }

    @Test func theLibrarysOwnCodesAreDocumented() {
        #expect(!Self.docs.isEmpty, "docs/errors.md could not be read")
        for code in ErrorCode.library {
            #expect(Self.documented(code.name), "docs/errors.md does not name \(code.name)")
        }
    }

    @Test func theLibrarysOwnCodesAreUnique() {
        #expect(Set(ErrorCode.library.map(\.name)).count == ErrorCode.library.count)
    }

    @Test func theServicesTablesAreDocumented() {
        let names =
            FESCodes.all.map(\.name)
            + (CFDICodes.service + CFDICodes.cancellationStatuses + CFDICodes.estatusCfdi).map(\.name)
            + FVMessages.all.map(\.code.name)
        for name in names { #expect(Self.documented(name), "docs/errors.md does not name \(name)") }
    }

    /// The section of docs/errors.md's "Every code" whose table has `name`'s row ("common",
    /// "FES", "Firma Virtual", "CFDI"); nil when no such row.
    static func section(of name: String) -> String? {
        var section: String?
        for line in docs.split(separator: "\n") {
            if line.hasPrefix("### ") { section = String(line.dropFirst(4)) }
            if line.hasPrefix("| `\(name)` |") { return section }
        }
        return nil
    }

    /// What the layers every service and helper runs through produce is listed under "common",
    /// not under the one service whose table it happened to be written in (INVALID_ARGUMENT was
    /// under "CFDI" only, INVALID_ANSWER under "Firma Virtual"). Each code is taken from running
    /// the shared piece, not from a list kept by hand.
    @Test func whatTheSharedLayersProduceIsListedAsCommon() throws {
        var produced: [ErrorCode] = [SelloError.invalidArgument("x").code, MissingField.library.error("x").code]
        do { _ = try FieldReader(["x": 1], allowed: []) } catch { produced.append(error.code) }
        do { _ = try FieldReader(["x": 1], allowed: ["x"]).string("x") } catch { produced.append(error.code) }
        do { _ = try FileSystem.read(#filePath, field: "x", limit: 0) } catch { produced.append(error.code) }
        for format in [AnswerFormat.fes, .firmaVirtual, .prodigia] {
            let answer = HTTPResponse(status: 200, contentType: "text/html", body: Array("<html>".utf8))
            produced.append(format.unreadable(answer, redactor: Redactor(secrets: [])).code)
        }
        #expect(
            Set(produced.map(\.name)) == [
                "INVALID_ARGUMENT", "MISSING_FIELD", "UNKNOWN_FIELD", "WRONG_TYPE", "FILE_TOO_LARGE", "INVALID_ANSWER",
            ])
        for code in produced {
            #expect(
                Self.section(of: code.name) == "common",
                "docs/errors.md lists \(code.name) under \(Self.section(of: code.name) ?? "no section")")
        }
    }

    /// A code has one row among "Every code"'s tables: a second, in another section, would leave
    /// the reader to guess which service gives it.
    @Test func eachCodeHasOneRowInEveryCode() {
        let sections: Set<String> = ["common", "FES", "Firma Virtual", "CFDI"]
        var section: String?
        var rows: [String: Int] = [:]
        for line in Self.docs.split(separator: "\n") {
            if line.hasPrefix("### ") { section = String(line.dropFirst(4)) }
            guard let section, sections.contains(section), line.hasPrefix("| `") else { continue }
            if let name = line.split(separator: "`").dropFirst().first { rows[String(name), default: 0] += 1 }
        }
        for code in ErrorCode.library where rows[code.name] != 1 {
            Issue.record("\(code.name) has \(rows[code.name] ?? 0) rows in docs/errors.md's Every code")
        }
    }

    @Test func aTableNameIsNotAlsoALibraryName() {
        // A name of FES's or Prodigia's table means that service's code; the library's own
        // checks that mirror one use the table's entry, never a constant of their own.
        let tables = Set(FESCodes.all.map(\.name) + CFDICodes.service.map(\.name))
        let own = Set(ErrorCode.library.map(\.name))
        #expect(
            tables.intersection(own).subtracting(["COMUNA_NO_ENCONTRADA", "RUT_INVALIDO"]).isEmpty,
            "\(tables.intersection(own).sorted())")
    }
}
