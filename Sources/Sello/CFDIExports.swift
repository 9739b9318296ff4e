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

@c(cfdi_inspect_csd) @implementation public func cfdi_inspect_csd(_ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{
    Bridge.string(CSDInspection.inspect.run(request))
}

@c(cfdi_client_cancel) @implementation public func cfdi_client_cancel(
    _ client: OpaquePointer?, _ callID: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: CFDIClient.self) { $0.client.cancel(callID) }
}
