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
