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

// Firma Virtual today (API.md, "Firma Virtual and FES today").
@c(fv_parse_callback) @implementation public func fv_parse_callback(_ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{ Bridge.string(FVCallback.parseOperation.run(request)) }

@c(fv_client_cancel) @implementation public func fv_client_cancel(
    _ client: OpaquePointer?, _ callID: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: FVClient.self) { $0.client.cancel(callID) }
}
