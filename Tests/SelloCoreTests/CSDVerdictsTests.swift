import Testing

@testable import SelloCore

/// What the process remembers of the CSDs that opened (issue 13): exactly their bytes, nothing
/// that could be mistaken for them, and only the most recent `capacity` of them.
@Suite struct CSDVerdictsTests {
    static func digest(_ key: String, _ password: String, _ certificate: String) -> [UInt8]? {
        CSDVerdicts.digest(key: Array(key.utf8), password: password, certificate: Array(certificate.utf8))
    }

    @Test func theSameBytesGiveTheSameDigestAndAnyChangeAnother() throws {
        let base = try #require(Self.digest("key", "Password1", "cert"))
        #expect(Self.digest("key", "Password1", "cert") == base)
        let changed = [
            Self.digest("kez", "Password1", "cert"), Self.digest("key", "Password2", "cert"),
            Self.digest("key", "Password1", "cerT"), Self.digest("keyP", "assword1", "cert"),
            Self.digest("key", "Password1c", "ert"), Self.digest("", "keyPassword1", "cert"),
        ]
        for digest in changed { #expect(digest != nil && digest != base) }
        #expect(Set(changed.compactMap { $0 }).count == changed.count)
    }

    @Test func anOpenedCSDIsRememberedAndTheOldestForgotten() throws {
        let unique = String(UInt64.random(in: 0...UInt64.max))
        let first = try #require(Self.digest("first-\(unique)", "Password1", "cert"))
        #expect(!CSDVerdicts.opened(first))
        CSDVerdicts.remember(first)
        #expect(CSDVerdicts.opened(first))
        for index in 0..<CSDVerdicts.capacity {
            CSDVerdicts.remember(try #require(Self.digest("other-\(index)-\(unique)", "Password1", "cert")))
        }
        #expect(!CSDVerdicts.opened(first))
    }
}
