// libFuzzer target: the request JSON of every operation, through the C entry points exactly as a
// C program calls them. The first input byte picks the function, the rest (up to the first NUL)
// is the request. Clients point at a closed loopback port with no retries, so a request that
// passes validation fails to connect and nothing is ever sent anywhere.
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
typealias FESFunction = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>?

enum Entry {
    case local(String, LocalFunction)
    case fes(String, FESFunction)
    case fv(String, FESFunction)
    case cfdi(String, FESFunction)
    case clientNew(String)
}

// The first byte modulo the count picks one; keep the order stable (the corpus depends on it).
let entries: [Entry] = [
    .local("sello_check_rut", sello_check_rut), .local("sello_find_comuna", sello_find_comuna),
    .local("sello_check_rfc", sello_check_rfc), .local("fes_check_request", fes_check_request),
    .local("cfdi_inspect_csd", cfdi_inspect_csd),
    .fes("fes_obtain_certificate", fes_obtain_certificate),
    .fv("fv_login", fv_login), .fv("fv_get_user", fv_get_user), .fv("fv_create_user", fv_create_user),
    .fv("fv_update_user", fv_update_user), .fv("fv_reset_password", fv_reset_password),
    .fv("fv_new_password", fv_new_password), .fv("fv_get_contract", fv_get_contract),
    .fv("fv_create_contract", fv_create_contract), .fv("fv_list_contract_types", fv_list_contract_types),
    .fv("fv_list_owner_contracts", fv_list_owner_contracts), .fv("fv_get_contract_detail", fv_get_contract_detail),
    .fv("fv_delete_contract", fv_delete_contract), .fv("fv_upload_document", fv_upload_document),
    .fv("fv_list_files", fv_list_files), .fv("fv_sort_files", fv_sort_files), .fv("fv_merge_files", fv_merge_files),
    .fv("fv_send_contract", fv_send_contract), .fv("fv_create_signer", fv_create_signer),
    .fv("fv_update_signer", fv_update_signer), .fv("fv_delete_signer", fv_delete_signer),
    .cfdi("cfdi_process_file", cfdi_process_file), .cfdi("cfdi_process_file_with_csd", cfdi_process_file_with_csd),
    .cfdi("cfdi_cancel", cfdi_cancel), .cfdi("cfdi_get_cancellation_receipt", cfdi_get_cancellation_receipt),
    .cfdi("cfdi_get_by_uuid", cfdi_get_by_uuid), .cfdi("cfdi_process_files", cfdi_process_files),
    .clientNew("fes"), .clientNew("fv"), .clientNew("cfdi"),
    // CFDI today (appended: the corpus' selectors above stay valid).
    .cfdi("cfdi_stamp_xml", cfdi_stamp_xml), .cfdi("cfdi_stamp_xml_with_csd", cfdi_stamp_xml_with_csd),
    .cfdi("cfdi_cancel_with_reason", cfdi_cancel_with_reason), .cfdi("cfdi_get_status", cfdi_get_status),
]

/// Port 1 on loopback: nothing listens there, so connecting is refused at once.
let closed = "http://127.0.0.1:1"
let common = #""timeout_ms":2000,"connect_timeout_ms":1000,"retries":{"max":0}"#

struct Clients: @unchecked Sendable {
    let fes: OpaquePointer?
    let fv: OpaquePointer?
    let cfdi: OpaquePointer?
}

let clients: Clients = {
    Clients(
        fes: fes_client_new("{\"base_url\":\"\(closed)/fes\",\"usuario\":\"fuzz\",\"clave\":\"fuzz-clave-Secret1\",\(common)}", nil),
        fv: fv_client_new("{\"base_url\":\"\(closed)\",\"login\":\"fuzz\",\"password\":\"fuzz-password-Secret1\",\(common)}", nil),
        cfdi: cfdi_client_new("{\"base_url\":\"\(closed)/servicio/rest\",\"usuario\":\"fuzz\",\"password\":\"fuzz-password-Secret1\",\"contrato\":\"C-1\",\(common)}", nil))
}()

let secretNames: Set<String> = ["claveCertificado", "keyPass", "password", "new_password", "sPassword", "keyBase64", "clave"]
let kinds: Set<String> = ["invalid_argument", "validation", "auth", "service", "http", "timeout", "transport", "protocol", "io", "internal"]

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
        for member in object.members { found.append(member.key); strings(member.value, into: &found) }
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
    let text = Array(UnsafeBufferPointer(start: UnsafeRawPointer(result).assumingMemoryBound(to: UInt8.self), count: strlen(result)))
    let envelope: JSON
    do { envelope = try JSONParser.parse(text) } catch { fatalError("\(name) returned invalid JSON: \(error.message)") }
    guard case .bool(let ok)? = envelope["ok"] else { fatalError("\(name): no boolean ok") }
    if !ok {
        guard let kind = envelope["error"]?["kind"]?.stringValue, kinds.contains(kind) else { fatalError("\(name): bad error kind") }
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
    guard let data, size >= 1 else { return 0 }
    let entry = entries[Int(data[0]) % entries.count]
    // The request: everything after the selector, NUL-terminated (an interior NUL ends it, as it
    // would for a C caller).
    var request = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if let nul = request.firstIndex(of: 0) { request.removeSubrange(nul...) }
    let body = request
    request.append(0)
    request.withUnsafeBufferPointer { buffer in
        let text = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
        switch entry {
        case .local(let name, let function):
            check(function(text), name: name, local: true, request: body)
        case .fes(let name, let function):
            check(function(clients.fes, text), name: name, local: false, request: body)
        case .fv(let name, let function):
            check(function(clients.fv, text), name: name, local: false, request: body)
        case .cfdi(let name, let function):
            check(function(clients.cfdi, text), name: name, local: false, request: body)
        case .clientNew(let service):
            var error: UnsafeMutablePointer<CChar>?
            switch service {
            case "fes":
                let client = fes_client_new(text, &error)
                fes_client_free(client)
            case "fv":
                let client = fv_client_new(text, &error)
                fv_client_free(client)
            default:
                let client = cfdi_client_new(text, &error)
                cfdi_client_free(client)
            }
            if let error { check(error, name: "\(service)_client_new", local: true, request: []) }
        }
    }
    return 0
}
