import FoundationEssentials // JSONDecoder for the generator's manifest (tests only)
import Testing

@testable import SelloCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Fixtures

/// Reads a whole file; nil if it cannot be opened.
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n > 0 { bytes.append(contentsOf: chunk[..<n]) }
        if n < chunk.count { break }
    }
    return bytes
}

/// Runs a shell command; returns its stdout and exit status.
func shell(_ command: String) -> (output: [UInt8], status: Int32) {
    guard let pipe = popen(command, "r") else { return ([], -1) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, pipe)
        if n > 0 { out.append(contentsOf: chunk[..<n]) }
        if n < chunk.count { break }
    }
    return (out, pclose(pipe))
}

/// <package>/Tests, from this file's path.
let testsDirectory: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2) // SelloCoreTests/CryptoTests.swift
    return parts.joined(separator: "/")
}()

/// SAT's public test CSD: shared/ sits beside the package checkout (also in CI).
let satTestData: String = {
    let candidates = [testsDirectory + "/../../shared/testdata/sat", "/work/shared/testdata/sat"]
    return candidates.first { access($0 + "/CSD01_AAA010101AAA.cer", R_OK) == 0 } ?? candidates[0]
}()

struct Manifest: Decodable {
    struct SAT: Decodable {
        let cer, cerPem, key, keyPem: String
        let rfc, name, noCertificado, notBefore, notAfter: String
        let expired, isCSD: Bool
    }
    struct KeyForms: Decodable { let plainPkcs8Pem, pkcs1Pem, pkcs1EncryptedPem: String }
    struct P12: Decodable {
        let file, password: String
        let rut, subject, serial, notBefore, notAfter: String?
    }
    let password: String
    let sat: [String: SAT]
    let csdKeyForms: KeyForms
    let pkcs12: [String: P12]
}

/// Credentials generated once per test process by Tests/support/make_test_certs.py,
/// loaded into memory, then the temporary directory is removed.
struct Fixtures: Sendable {
    let manifest: Manifest
    let files: [String: [UInt8]]

    func bytes(_ path: String) -> [UInt8] { files[path] ?? [] }
    func sat(_ name: String) -> Manifest.SAT {
        guard let entry = manifest.sat[name] else { fatalError("no \(name) in manifest") }
        return entry
    }
    func p12(_ name: String) -> Manifest.P12 {
        guard let entry = manifest.pkcs12[name] else { fatalError("no \(name) in manifest") }
        return entry
    }

    static let shared: Fixtures = {
        var template = Array("/tmp/sello-certs-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template).map({ String(cString: $0) }) else { fatalError("mkdtemp failed") }
        defer { _ = shell("rm -rf '\(dir)'") }
        let script = testsDirectory + "/support/make_test_certs.py"
        let (json, status) = shell("python3 '\(script)' '\(dir)'")
        guard status == 0 else { fatalError("make_test_certs.py failed (\(status))") }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(json))
        } catch {
            fatalError("bad manifest: \(error)")
        }
        var paths = manifest.sat.values.flatMap { [$0.cer, $0.cerPem, $0.key, $0.keyPem] }
        paths += [
            manifest.csdKeyForms.plainPkcs8Pem, manifest.csdKeyForms.pkcs1Pem,
            manifest.csdKeyForms.pkcs1EncryptedPem,
        ]
        paths += manifest.pkcs12.values.map(\.file)
        var files: [String: [UInt8]] = [:]
        for path in paths { files[path] = readFile(path) }
        return Fixtures(manifest: manifest, files: files)
    }()
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
    var isSuccess: Bool { failure == nil }
}

func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}

// MARK: - SAT (Mexico)

@Suite struct SATPublicTestCSD {
    let cer = readFile(satTestData + "/CSD01_AAA010101AAA.cer") ?? []
    let key = readFile(satTestData + "/CSD01_AAA010101AAA.key") ?? []
    let password = String(decoding: readFile(satTestData + "/CSD01_AAA010101AAA.password.txt") ?? [], as: UTF8.self)
        .filter { !$0.isWhitespace }

    @Test func readsCertificate() throws {
        let cert = try readSATCertificate(cer).get()
        #expect(cert.rfc == "AAA010101AAA")
        #expect(cert.name == "ACCEM SERVICIOS EMPRESARIALES SC")
        #expect(cert.noCertificado == "30001000000300023708")
        #expect(cert.notBefore == "2017-05-18T03:54:56Z")
        #expect(cert.notAfter == "2021-05-18T03:54:56Z")
        #expect(cert.isExpired)
        #expect(cert.isCSD)
        #expect(cert.der == cer)
    }

    /// A certificate read again comes from the memory of recent ones (issue 13): the same
    /// answer, and whether it expired is asked of the clock each time, not of the first reading.
    @Test func aCertificateReadAgainIsTheSameAndItsExpiryIsAskedNow() throws {
        let first = try readSATCertificate(cer).get()
        #expect(recentCertificates.value(for: cer) == first)
        #expect(try readSATCertificate(cer).get() == first && first.isExpired)
        #expect(first.notAfterEpoch == 1_621_310_096) // 2021-05-18T03:54:56Z
        let now = Int64(time(nil))
        for (epoch, expired) in [(now + 3600, false), (now - 1, true), (Int64.min, true), (Int64.max, false)] {
            let certificate = SATCertificate(
                rfc: first.rfc, name: first.name, noCertificado: first.noCertificado, notBefore: first.notBefore,
                notAfter: first.notAfter, notAfterEpoch: epoch, isCSD: first.isCSD, der: first.der)
            #expect(certificate.isExpired == expired, "\(epoch)")
        }
    }

    @Test func keyOpensWithPassword() throws {
        #expect(password == "12345678a")
        let cert = try readSATCertificate(cer).get()
        #expect(checkSATPrivateKey(key, password: password, certificate: cert).isSuccess)
        #expect(checkSATPrivateKey(key, password: "12345678b", certificate: cert).failure == .wrongKeyPassword)
        #expect(checkSATPrivateKey(key, password: "", certificate: cert).failure == .wrongKeyPassword)
        #expect(try satKeyDER(key).get() == key)
    }

    @Test func keyOfAnotherCertificateDoesNotMatch() throws {
        let cert = try readSATCertificate(cer).get()
        let fx = Fixtures.shared
        let otherKey = fx.bytes(fx.sat("other").key)
        #expect(
            checkSATPrivateKey(otherKey, password: "12345678a", certificate: cert).failure
                == .keyDoesNotMatchCertificate)
        // And the SAT key against a generated certificate.
        let csd = try readSATCertificate(fx.bytes(fx.sat("csd").cer)).get()
        #expect(checkSATPrivateKey(key, password: password, certificate: csd).failure == .keyDoesNotMatchCertificate)
    }
}

@Suite struct GeneratedSATCredentials {
    let fx = Fixtures.shared

    @Test(arguments: ["csd", "fiel", "expired", "other"])
    func readsAsManifestSays(_ name: String) throws {
        let entry = fx.sat(name)
        let cert = try readSATCertificate(fx.bytes(entry.cer)).get()
        #expect(cert.rfc == entry.rfc)
        #expect(cert.name == entry.name)
        #expect(cert.noCertificado == entry.noCertificado)
        #expect(cert.notBefore == entry.notBefore)
        #expect(cert.notAfter == entry.notAfter)
        #expect(cert.isExpired == entry.expired)
        #expect(cert.isCSD == entry.isCSD)
        #expect(cert.der == fx.bytes(entry.cer))
        #expect(checkSATPrivateKey(fx.bytes(entry.key), password: fx.manifest.password, certificate: cert).isSuccess)
    }

    @Test func csdIsUnexpiredCSD() throws {
        let cert = try readSATCertificate(fx.bytes(fx.sat("csd").cer)).get()
        #expect(cert.rfc == "XIQB891116QE4")
        #expect(cert.noCertificado == "30001000000500003416")
        #expect(!cert.isExpired)
        #expect(cert.isCSD)
    }

    @Test func fielIsNotCSD() throws {
        let cert = try readSATCertificate(fx.bytes(fx.sat("fiel").cer)).get()
        #expect(!cert.isCSD)
        #expect(!cert.isExpired)
    }

    @Test func expiredCSD() throws {
        let cert = try readSATCertificate(fx.bytes(fx.sat("expired").cer)).get()
        #expect(cert.isExpired)
        #expect(cert.isCSD)
        #expect(cert.notAfter == "2023-05-18T03:54:56Z")
    }

    @Test func pemAndDERGiveTheSameResult() throws {
        for name in ["csd", "fiel", "expired", "other"] {
            let entry = fx.sat(name)
            let fromDER = try readSATCertificate(fx.bytes(entry.cer)).get()
            let fromPEM = try readSATCertificate(fx.bytes(entry.cerPem)).get()
            #expect(fromDER == fromPEM)
            #expect(
                checkSATPrivateKey(fx.bytes(entry.keyPem), password: fx.manifest.password, certificate: fromDER)
                    .isSuccess)
            // PEM armour removed: exactly the DER .key bytes (still encrypted).
            #expect(try satKeyDER(fx.bytes(entry.keyPem)).get() == fx.bytes(entry.key))
            #expect(try satKeyDER(fx.bytes(entry.key)).get() == fx.bytes(entry.key))
        }
    }

    @Test func wrongPassword() throws {
        let entry = fx.sat("csd")
        let cert = try readSATCertificate(fx.bytes(entry.cer)).get()
        for key in [fx.bytes(entry.key), fx.bytes(entry.keyPem), fx.bytes(fx.manifest.csdKeyForms.pkcs1EncryptedPem)] {
            #expect(checkSATPrivateKey(key, password: "wrong", certificate: cert).failure == .wrongKeyPassword)
        }
    }

    @Test func mismatchedKey() throws {
        let cert = try readSATCertificate(fx.bytes(fx.sat("csd").cer)).get()
        for name in ["other", "fiel"] {
            let key = fx.bytes(fx.sat(name).key)
            #expect(
                checkSATPrivateKey(key, password: fx.manifest.password, certificate: cert).failure
                    == .keyDoesNotMatchCertificate)
        }
    }

    @Test func otherKeyEncodings() throws {
        let cert = try readSATCertificate(fx.bytes(fx.sat("csd").cer)).get()
        let forms = fx.manifest.csdKeyForms
        let plain = fx.bytes(forms.plainPkcs8Pem)
        let pkcs1 = fx.bytes(forms.pkcs1Pem)
        let pkcs1Encrypted = fx.bytes(forms.pkcs1EncryptedPem)
        // Unencrypted keys open whatever the password.
        #expect(checkSATPrivateKey(plain, password: "", certificate: cert).isSuccess)
        #expect(checkSATPrivateKey(pkcs1, password: "anything", certificate: cert).isSuccess)
        #expect(checkSATPrivateKey(pkcs1Encrypted, password: fx.manifest.password, certificate: cert).isSuccess)
        // Traditional PKCS#1 is re-wrapped as the same PKCS#8 DER openssl writes.
        let plainDER = try satKeyDER(plain).get()
        #expect(try satKeyDER(pkcs1).get() == plainDER)
        #expect(checkSATPrivateKey(plainDER, password: "", certificate: cert).isSuccess)
        // Legacy-encrypted PEM has no encrypted DER form without the password.
        #expect(satKeyDER(pkcs1Encrypted).failure == .keyUnreadable)
    }

    @Test func garbage() throws {
        let cert = try readSATCertificate(fx.bytes(fx.sat("csd").cer)).get()
        for junk in [
            [], randomBytes(1), randomBytes(2000),
            Array(
                ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").utf8),
        ] {
            #expect(readSATCertificate(junk).failure == .certificateUnreadable)
            #expect(checkSATPrivateKey(junk, password: "x", certificate: cert).failure == .keyUnreadable)
            #expect(satKeyDER(junk).failure == .keyUnreadable)
        }
        // A certificate is not a key, and a key is not a certificate.
        #expect(
            checkSATPrivateKey(fx.bytes(fx.sat("csd").cerPem), password: "x", certificate: cert).failure
                == .keyUnreadable)
        #expect(satKeyDER(fx.bytes(fx.sat("csd").cer)).failure == .keyUnreadable)
        #expect(readSATCertificate(fx.bytes(fx.sat("csd").key)).failure == .certificateUnreadable)
        // A truncated certificate.
        var corrupted = fx.bytes(fx.sat("csd").cer)
        corrupted.removeLast(corrupted.count / 2)
        #expect(readSATCertificate(corrupted).failure == .certificateUnreadable)
    }

    @Test func csdRule() {
        #expect(isCSDSubject(organizationalUnits: ["Sucursal 1"]))
        #expect(!isCSDSubject(organizationalUnits: []))
        #expect(!isCSDSubject(organizationalUnits: ["  "]))
    }
}

// MARK: - PKCS#12 (Chile)

@Suite struct ChilePKCS12 {
    let fx = Fixtures.shared

    @Test(arguments: ["chile-san", "chile-legacy", "chile-serial"])
    func opens(_ name: String) throws {
        let entry = fx.p12(name)
        let summary = try openPKCS12(fx.bytes(entry.file), password: entry.password).get()
        #expect(summary.rut == entry.rut)
        #expect(summary.subject == entry.subject)
        #expect(summary.serial == entry.serial)
        #expect(summary.notBefore == entry.notBefore)
        #expect(summary.notAfter == entry.notAfter)
    }

    @Test func rutFromSubjectAltName() throws {
        let entry = fx.p12("chile-san")
        let summary = try openPKCS12(fx.bytes(entry.file), password: entry.password).get()
        #expect(summary.rut == "76369187-K")
        #expect(summary.serial == "5A3F00C1D2E4")
        #expect(summary.subject == "C=CL,O=Empresa de Pruebas SpA,CN=José Muñoz Pérez")
    }

    @Test func wrongPassword() {
        for name in ["chile-san", "chile-legacy"] {
            #expect(openPKCS12(fx.bytes(fx.p12(name).file), password: "nope").failure == .wrongPassword)
            #expect(openPKCS12(fx.bytes(fx.p12(name).file), password: "").failure == .wrongPassword)
        }
    }

    @Test func notPKCS12() {
        #expect(openPKCS12(randomBytes(3000), password: "x").failure == .notPKCS12)
        #expect(openPKCS12([], password: "x").failure == .notPKCS12)
        #expect(openPKCS12(fx.bytes(fx.sat("csd").cer), password: "x").failure == .notPKCS12)
    }

    /// OpenSSL cannot be stopped midway through a key derivation, and the file says how many
    /// rounds each takes: one asking for more than the library spends is not opened.
    @Test func aKeyAskingForMillionsOfRoundsIsNotOpened() {
        let entry = fx.p12("costly-key")
        #expect(openPKCS12(fx.bytes(entry.file), password: entry.password).failure == .tooCostly)
    }

    @Test func keyWithoutCertificate() {
        let entry = fx.p12("keyonly")
        #expect(openPKCS12(fx.bytes(entry.file), password: entry.password).failure == .noCertificate)
    }

    @Test func rutNormalisation() {
        #expect(normalizedRUT("12.345.678-5") == "12345678-5")
        #expect(normalizedRUT("76369187-k") == "76369187-K")
        #expect(normalizedRUT("123456785") == "12345678-5")
        #expect(normalizedRUT("1-9") == "1-9")
        #expect(normalizedRUT("") == nil)
        #expect(normalizedRUT("ABC-1") == nil)
        #expect(normalizedRUT("12345678-55") == nil)
        #expect(normalizedRUT("123456789-5") == nil)
    }
}

// MARK: - Many threads at once

@Test func concurrentUse() async throws {
    let fx = Fixtures.shared
    let csd = fx.sat("csd")
    let expected = try readSATCertificate(fx.bytes(csd.cer)).get()
    let satKey = fx.bytes(csd.key)
    let p12 = fx.p12("chile-legacy")
    let expectedSummary = try openPKCS12(fx.bytes(p12.file), password: p12.password).get()
    let results = await withTaskGroup(of: Bool.self) { group in
        for i in 0..<64 {
            group.addTask {
                switch i % 4 {
                case 0: return (try? readSATCertificate(fx.bytes(csd.cerPem)).get()) == expected
                case 1: return checkSATPrivateKey(satKey, password: "12345678a", certificate: expected).isSuccess
                case 2:
                    return checkSATPrivateKey(satKey, password: "bad", certificate: expected).failure
                        == .wrongKeyPassword
                default: return (try? openPKCS12(fx.bytes(p12.file), password: p12.password).get()) == expectedSummary
                }
            }
        }
        return await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(results.count == 64)
    #expect(results.allSatisfy { $0 })
}
