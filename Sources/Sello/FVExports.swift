import CSelloAPI
import SelloCore

@c(fv_client_new) @implementation public func fv_client_new(
    _ config: UnsafePointer<CChar>?,
    _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> OpaquePointer? {
    Bridge.newClient(service: "fv", errorOut: error) { () throws(SelloError) in try FVClient(configText: config) }
}

@c(fv_client_free) @implementation public func fv_client_free(_ client: OpaquePointer?) {
    Bridge.release(client, as: FVClient.self)
}

@c(fv_client_set_progress) @implementation public func fv_client_set_progress(
    _ client: OpaquePointer?, _ fn: sello_progress_fn?, _ userData: UnsafeMutableRawPointer?
) {
    Bridge.object(client, as: FVClient.self)?.client.hooks.setProgress(fn, userData: userData)
}

@c(fv_client_set_log) @implementation public func fv_client_set_log(
    _ client: OpaquePointer?, _ fn: sello_log_fn?, _ userData: UnsafeMutableRawPointer?, _ minLevel: Int32
) {
    Bridge.object(client, as: FVClient.self)?.client.hooks.setLog(fn, userData: userData, minLevel: minLevel)
}

// The operations: one line each, into FVClient.
@c(fv_login) @implementation public func fv_login(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{ Bridge.call(client, as: FVClient.self) { $0.logIn(request) } }
@c(fv_get_user) @implementation public func fv_get_user(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{ Bridge.call(client, as: FVClient.self) { $0.getUser(request) } }
@c(fv_create_user) @implementation public func fv_create_user(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.createUser(request) } }
@c(fv_update_user) @implementation public func fv_update_user(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.updateUser(request) } }
@c(fv_reset_password) @implementation public func fv_reset_password(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.resetPassword(request) } }
@c(fv_new_password) @implementation public func fv_new_password(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.newPassword(request) } }
@c(fv_get_contract) @implementation public func fv_get_contract(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.getContract(request) } }
@c(fv_create_contract) @implementation public func fv_create_contract(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.createContract(request) } }
@c(fv_list_contract_types) @implementation public func fv_list_contract_types(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.listContractTypes(request) } }
@c(fv_list_owner_contracts) @implementation public func fv_list_owner_contracts(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.listOwnerContracts(request) } }
@c(fv_get_contract_detail) @implementation public func fv_get_contract_detail(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.getContractDetail(request) } }
@c(fv_delete_contract) @implementation public func fv_delete_contract(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.deleteContract(request) } }
@c(fv_upload_document) @implementation public func fv_upload_document(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.uploadDocument(request) } }
@c(fv_list_files) @implementation public func fv_list_files(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{ Bridge.call(client, as: FVClient.self) { $0.listFiles(request) } }
@c(fv_sort_files) @implementation public func fv_sort_files(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{ Bridge.call(client, as: FVClient.self) { $0.sortFiles(request) } }
@c(fv_merge_files) @implementation public func fv_merge_files(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.mergeFiles(request) } }
@c(fv_send_contract) @implementation public func fv_send_contract(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.sendContract(request) } }
@c(fv_create_signer) @implementation public func fv_create_signer(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.createSigner(request) } }
@c(fv_update_signer) @implementation public func fv_update_signer(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.updateSigner(request) } }
@c(fv_delete_signer) @implementation public func fv_delete_signer(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.deleteSigner(request) } }

// Firma Virtual today (API.md, "Firma Virtual and FES today").
@c(fv_create_contract_express) @implementation public func fv_create_contract_express(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.createContractExpress(request) } }
@c(fv_parse_callback) @implementation public func fv_parse_callback(_ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{ Bridge.string(FVCallback.parseOperation.run(request)) }
@c(fv_confirm_callback) @implementation public func fv_confirm_callback(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? { Bridge.call(client, as: FVClient.self) { $0.confirmCallback(request) } }

@c(fv_client_cancel) @implementation public func fv_client_cancel(
    _ client: OpaquePointer?, _ callID: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: FVClient.self) { $0.client.cancel(callID) }
}
