// libFuzzer target: the request JSON of every operation, through the C entry points exactly as a
// C program calls them. The first two input bytes pick the function (the `entries` of Entries.swift,
// which scripts/fuzz.sh generates from include/sello.h: every operation, local helper, *_client_new
// and *_client_cancel, each at a fixed selector), the rest (up to the first NUL) is the request, the
// configuration or the call_id. Clients point at a closed loopback port with no retries, so a
// request that passes validation fails to connect and nothing is ever sent anywhere.
//
// Oracles, besides "no crash, no hang, no leak" (ASan/LeakSanitizer): the result is never NULL,
// is one JSON object with a boolean "ok", an error has a known kind and a retryable boolean,
// local helpers report 0 attempts, and no secret of the request (claveCertificado, keyPass,
// password, new_password, sPassword, keyBase64) appears in the envelope.
import CSelloAPI

@testable import SelloCore

#if canImport(Glibc)
import Glibc
#endif

typealias LocalFunction = @convention(c) (UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>?
typealias ClientFunction = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>?
typealias NewFunction =
    @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> OpaquePointer?
typealias FreeFunction = @convention(c) (OpaquePointer?) -> Void

enum Entry {
    /// char *NAME(const char *request_json)
    case local(String, LocalFunction)
    /// char *PREFIX_NAME(PREFIX_client *, const char *request_json), on the service's client
    case operation(String, String, ClientFunction)
    /// char *PREFIX_client_cancel(PREFIX_client *, const char *call_id), on the service's client
    case cancel(String, String, ClientFunction)
    /// PREFIX_client_new with the input as the configuration, then PREFIX_client_free
    case clientNew(String, NewFunction, FreeFunction)
}

/// The entry of a selector: the first one at or after it, wrapping around (entries are sorted).
func entry(for selector: UInt16) -> Entry {
    for candidate in entries where candidate.selector >= selector { return candidate.entry }
    return entries[0].entry
}

/// Port 1 on loopback: nothing listens there, so connecting is refused at once.
let closed = "http://127.0.0.1:1"
let common = #""timeout_ms":2000,"connect_timeout_ms":1000,"retries":{"max":0}"#
/// A configuration per service. A service added to the header needs one here (fuzzOne says so).
let configurations: [String: String] = [
    "fes": "{\"base_url\":\"\(closed)/fes\",\"usuario\":\"fuzz\",\"clave\":\"fuzz-clave-Secret1\",\(common)}",
    "fv": "{\"base_url\":\"\(closed)\",\"login\":\"fuzz\",\"password\":\"fuzz-password-Secret1\",\(common)}",
    "cfdi":
        "{\"base_url\":\"\(closed)/servicio/rest\",\"usuario\":\"fuzz\",\"password\":\"fuzz-password-Secret1\","
        + "\"contrato\":\"C-1\",\(common)}",
]

/// One client per service, made once with the configuration above.
struct Clients: @unchecked Sendable {
    let handles: [String: OpaquePointer]
}

let clients: Clients = {
    var handles: [String: OpaquePointer] = [:]
    for candidate in entries {
        guard case .clientNew(let service, let make, _) = candidate.entry else { continue }
        guard let configuration = configurations[service] else {
            fatalError(
                "FuzzRequests.swift has no configuration for the service \(service): add one to `configurations`")
        }
        guard let handle = make(configuration, nil) else {
            fatalError(
                "\(service)_client_new refused the fuzz configuration")
        }
        handles[service] = handle
    }
    return Clients(handles: handles)
}()

let secretNames: Set<String> = [
    "claveCertificado", "keyPass", "password", "new_password", "sPassword", "keyBase64", "clave",
]
let kinds: Set<String> = [
    "invalid_argument", "validation", "auth", "service", "http", "timeout", "transport", "protocol", "io", "internal",
    "cancelled",
]

/// Every string value of a member named like a secret, anywhere in the request.
func secretValues(_ json: JSON, into found: inout [String]) {
    switch json {
    case .object(let object):
        for member in object.members {
            if secretNames.contains(member.key), case .string(let value) = member.value { found.append(value) }
            secretValues(member.value, into: &found)
        }
    case .array(let items):
        for item in items { secretValues(item, into: &found) }
    default:
        break
    }
}

func strings(_ json: JSON, into found: inout [String]) {
    switch json {
    case .string(let value): found.append(value)
    case .object(let object):
        for member in object.members {
            found.append(member.key)
            strings(member.value, into: &found)
        }
    case .array(let items):
        for item in items { strings(item, into: &found) }
    default: break
    }
}

func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
    guard !needle.isEmpty, needle.count <= haystack.count else { return 0 }
    var count = 0
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if Array(haystack[start..<(start + needle.count)]) == needle { count += 1 }
    }
    return count
}

func check(_ result: UnsafeMutablePointer<CChar>?, name: String, local: Bool, request: [UInt8]) {
    guard let result else { fatalError("\(name) returned NULL") }
    defer { sello_free(result) }
    let text = Array(
        UnsafeBufferPointer(start: UnsafeRawPointer(result).assumingMemoryBound(to: UInt8.self), count: strlen(result)))
    let envelope: JSON
    do { envelope = try JSONParser.parse(text) } catch { fatalError("\(name) returned invalid JSON: \(error.message)") }
    guard case .bool(let ok)? = envelope["ok"] else { fatalError("\(name): no boolean ok") }
    if !ok {
        guard let kind = envelope["error"]?["kind"]?.stringValue, kinds.contains(kind) else {
            fatalError("\(name): bad error kind")
        }
        guard envelope["error"]?["retryable"]?.boolValue != nil else { fatalError("\(name): no retryable") }
    }
    if local, let attempts = envelope["meta"]?["attempts"]?.intValue {
        precondition(attempts == 0, "\(name) is local but reports \(attempts) attempts")
    }
    // Secrets: a value of a secret-named member that occurs exactly once in the request (so it
    // is not also some other, echoable field's value) must not come back.
    guard let parsed = try? JSONParser.parse(request) else { return }
    var secrets: [String] = []
    secretValues(parsed, into: &secrets)
    var texts: [String] = []
    strings(envelope, into: &texts)
    for secret in secrets where secret.utf8.count >= 8 && secret.allSatisfy({ $0.isLetter || $0.isNumber }) {
        guard occurrences(of: Array(secret.utf8), in: request) == 1 else { continue }
        for value in texts where value.contains(secret) {
            fatalError("\(name) leaked a secret of the request into its envelope: \(value.prefix(200))")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 2 else { return 0 }
    let chosen = entry(for: UInt16(data[0]) << 8 | UInt16(data[1]))
    // The request: everything after the selector, NUL-terminated (an interior NUL ends it, as it
    // would for a C caller).
    var request = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))
    if let nul = request.firstIndex(of: 0) { request.removeSubrange(nul...) }
    let body = request
    request.append(0)
    request.withUnsafeBufferPointer { buffer in
        let text = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
        switch chosen {
        case .local(let name, let function):
            check(function(text), name: name, local: true, request: body)
        case .operation(let service, let name, let function), .cancel(let service, let name, let function):
            check(function(clients.handles[service], text), name: name, local: false, request: body)
        case .clientNew(let service, let make, let free):
            var error: UnsafeMutablePointer<CChar>?
            free(make(text, &error))
            if let error { check(error, name: "\(service)_client_new", local: true, request: []) }
        }
    }
    return 0
}
