// Placeholder: replaced by the service implementation.
import CSelloAPI
import SelloCore

@c(fv_client_new) @implementation public func fv_client_new(_ config: UnsafePointer<CChar>?, _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> OpaquePointer? { Bridge.notImplemented(service: "fv", errorOut: error) }
@c(fv_client_free) @implementation public func fv_client_free(_ client: OpaquePointer?) {}
@c(fv_client_set_progress) @implementation public func fv_client_set_progress(_ client: OpaquePointer?, _ fn: sello_progress_fn?, _ userData: UnsafeMutableRawPointer?) {}
@c(fv_client_set_log) @implementation public func fv_client_set_log(_ client: OpaquePointer?, _ fn: sello_log_fn?, _ userData: UnsafeMutableRawPointer?, _ minLevel: Int32) {}
@c(fv_login) @implementation public func fv_login(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "login") }
@c(fv_get_user) @implementation public func fv_get_user(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "get_user") }
@c(fv_create_user) @implementation public func fv_create_user(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "create_user") }
@c(fv_update_user) @implementation public func fv_update_user(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "update_user") }
@c(fv_reset_password) @implementation public func fv_reset_password(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "reset_password") }
@c(fv_new_password) @implementation public func fv_new_password(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "new_password") }
@c(fv_get_contract) @implementation public func fv_get_contract(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "get_contract") }
@c(fv_create_contract) @implementation public func fv_create_contract(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "create_contract") }
@c(fv_list_contract_types) @implementation public func fv_list_contract_types(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "list_contract_types") }
@c(fv_list_owner_contracts) @implementation public func fv_list_owner_contracts(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "list_owner_contracts") }
@c(fv_get_contract_detail) @implementation public func fv_get_contract_detail(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "get_contract_detail") }
@c(fv_delete_contract) @implementation public func fv_delete_contract(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "delete_contract") }
@c(fv_upload_document) @implementation public func fv_upload_document(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "upload_document") }
@c(fv_list_files) @implementation public func fv_list_files(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "list_files") }
@c(fv_sort_files) @implementation public func fv_sort_files(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "sort_files") }
@c(fv_merge_files) @implementation public func fv_merge_files(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "merge_files") }
@c(fv_send_contract) @implementation public func fv_send_contract(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "send_contract") }
@c(fv_create_signer) @implementation public func fv_create_signer(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "create_signer") }
@c(fv_update_signer) @implementation public func fv_update_signer(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "update_signer") }
@c(fv_delete_signer) @implementation public func fv_delete_signer(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "fv", operation: "delete_signer") }
