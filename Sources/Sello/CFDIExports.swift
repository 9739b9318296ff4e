import CSelloAPI
import SelloCore

@c(cfdi_client_new) @implementation public func cfdi_client_new(
    _ config: UnsafePointer<CChar>?,
    _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> OpaquePointer? {
    Bridge.newClient(service: "cfdi", errorOut: error) { () throws(SelloError) in try CFDIClient(configText: config) }
}

@c(cfdi_client_free) @implementation public func cfdi_client_free(_ client: OpaquePointer?) {
    Bridge.release(client, as: CFDIClient.self)
}

@c(cfdi_client_set_progress) @implementation public func cfdi_client_set_progress(
    _ client: OpaquePointer?, _ fn: sello_progress_fn?, _ userData: UnsafeMutableRawPointer?
) {
    Bridge.object(client, as: CFDIClient.self)?.client.hooks.setProgress(fn, userData: userData)
}

@c(cfdi_client_set_log) @implementation public func cfdi_client_set_log(
    _ client: OpaquePointer?, _ fn: sello_log_fn?, _ userData: UnsafeMutableRawPointer?, _ minLevel: Int32
) {
    Bridge.object(client, as: CFDIClient.self)?.client.hooks.setLog(fn, userData: userData, minLevel: minLevel)
}

@c(cfdi_process_file) @implementation public func cfdi_process_file(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.processFile(request) }
}

@c(cfdi_process_file_with_csd) @implementation public func cfdi_process_file_with_csd(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.processFileWithCSD(request) }
}

@c(cfdi_cancel) @implementation public func cfdi_cancel(_ client: OpaquePointer?, _ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{
    Bridge.call(client, as: CFDIClient.self) { $0.cancel(request) }
}

@c(cfdi_get_cancellation_receipt) @implementation public func cfdi_get_cancellation_receipt(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.getCancellationReceipt(request) }
}

@c(cfdi_get_by_uuid) @implementation public func cfdi_get_by_uuid(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.getByUUID(request) }
}

@c(cfdi_process_files) @implementation public func cfdi_process_files(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.processFiles(request) }
}

@c(cfdi_inspect_csd) @implementation public func cfdi_inspect_csd(_ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{
    Bridge.string(CSDInspection.inspect.run(request))
}

// CFDI as Prodigia and SAT work today (API.md, "CFDI — Prodigia today").
@c(cfdi_stamp_xml) @implementation public func cfdi_stamp_xml(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.stampXML(request) }
}

@c(cfdi_stamp_xml_with_csd) @implementation public func cfdi_stamp_xml_with_csd(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.stampXMLWithCSD(request) }
}

@c(cfdi_cancel_with_reason) @implementation public func cfdi_cancel_with_reason(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.cancelWithReason(request) }
}

@c(cfdi_get_status) @implementation public func cfdi_get_status(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.getStatus(request) }
}

@c(cfdi_client_cancel) @implementation public func cfdi_client_cancel(
    _ client: OpaquePointer?, _ callID: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.client.cancel(callID) }
}
