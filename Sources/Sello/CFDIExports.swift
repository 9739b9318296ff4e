// Placeholder: replaced by the service implementation.
import CSelloAPI
import SelloCore

@c(cfdi_client_new) @implementation public func cfdi_client_new(_ config: UnsafePointer<CChar>?, _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> OpaquePointer? { Bridge.notImplemented(service: "cfdi", errorOut: error) }
@c(cfdi_client_free) @implementation public func cfdi_client_free(_ client: OpaquePointer?) {}
@c(cfdi_client_set_progress) @implementation public func cfdi_client_set_progress(_ client: OpaquePointer?, _ fn: sello_progress_fn?, _ userData: UnsafeMutableRawPointer?) {}
@c(cfdi_client_set_log) @implementation public func cfdi_client_set_log(_ client: OpaquePointer?, _ fn: sello_log_fn?, _ userData: UnsafeMutableRawPointer?, _ minLevel: Int32) {}
@c(cfdi_process_file) @implementation public func cfdi_process_file(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "cfdi", operation: "process_file") }
@c(cfdi_process_file_with_csd) @implementation public func cfdi_process_file_with_csd(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "cfdi", operation: "process_file_with_csd") }
@c(cfdi_cancel) @implementation public func cfdi_cancel(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "cfdi", operation: "cancel") }
@c(cfdi_get_cancellation_receipt) @implementation public func cfdi_get_cancellation_receipt(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "cfdi", operation: "get_cancellation_receipt") }
@c(cfdi_get_by_uuid) @implementation public func cfdi_get_by_uuid(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "cfdi", operation: "get_by_uuid") }
@c(cfdi_process_files) @implementation public func cfdi_process_files(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "cfdi", operation: "process_files") }
@c(cfdi_inspect_csd) @implementation public func cfdi_inspect_csd(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? { Bridge.notImplemented(service: "cfdi", operation: "inspect_csd") }
