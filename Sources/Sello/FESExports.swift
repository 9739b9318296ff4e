import CSelloAPI
import SelloCore

@c(fes_client_new) @implementation public func fes_client_new(
    _ config: UnsafePointer<CChar>?,
    _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> OpaquePointer? {
    Bridge.newClient(service: "fes", errorOut: error) { () throws(SelloError) in try FESClient(configText: config) }
}

@c(fes_client_free) @implementation public func fes_client_free(_ client: OpaquePointer?) {
    Bridge.release(client, as: FESClient.self)
}

@c(fes_client_set_progress) @implementation public func fes_client_set_progress(
    _ client: OpaquePointer?, _ fn: sello_progress_fn?, _ userData: UnsafeMutableRawPointer?
) {
    Bridge.object(client, as: FESClient.self)?.client.hooks.setProgress(fn, userData: userData)
}

@c(fes_client_set_log) @implementation public func fes_client_set_log(
    _ client: OpaquePointer?, _ fn: sello_log_fn?, _ userData: UnsafeMutableRawPointer?, _ minLevel: Int32
) {
    Bridge.object(client, as: FESClient.self)?.client.hooks.setLog(fn, userData: userData, minLevel: minLevel)
}

@c(fes_check_request) @implementation public func fes_check_request(_ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{
    Bridge.string(FESClient.checkRequest.run(request))
}

@c(fes_client_cancel) @implementation public func fes_client_cancel(
    _ client: OpaquePointer?, _ callID: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.call(client, as: FESClient.self) { $0.client.cancel(callID) }
}
