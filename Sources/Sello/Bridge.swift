import SelloCore

#if canImport(Glibc)
import Glibc
#endif

/// The only code that touches C pointers on the way in and out: client handles as retained
/// Swift objects, results as malloc'ed JSON.
enum Bridge {
    static func object<Client: AnyObject>(_ handle: OpaquePointer?, as _: Client.Type) -> Client? {
        handle.map { Unmanaged<Client>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }

    static func release<Client: AnyObject>(_ handle: OpaquePointer?, as _: Client.Type) {
        guard let handle else { return }
        Unmanaged<Client>.fromOpaque(UnsafeRawPointer(handle)).release()
    }

    /// `*_client_new`: the client, or NULL with an error envelope in `*errorOut`.
    static func newClient<Client: AnyObject>(
        service: String, errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ make: () throws(SelloError) -> Client
    ) -> OpaquePointer? {
        errorOut?.pointee = nil
        do {
            let client = try make()
            return OpaquePointer(Unmanaged.passRetained(client).toOpaque())
        } catch {
            let scope = CallScope(service: service, operation: "client_new")
            errorOut?.pointee = Envelope.cString(Envelope.failure(error, scope: scope, facts: CallFacts()))
            return nil
        }
    }

    /// Runs an operation on a client handle; a NULL handle is an error envelope, not a crash.
    /// The envelope's names come from the exported function's own (`fv_get_user`: service
    /// "fv", operation "get_user"), so an export names its operation once.
    static func call<Client: AnyObject>(
        _ handle: OpaquePointer?, as type: Client.Type, function: String = #function,
        _ body: (Client) -> Reply
    ) -> UnsafeMutablePointer<CChar>? {
        guard let client = object(handle, as: type) else {
            let name = function.prefix { $0 != "(" }
            let service = String(name.prefix { $0 != "_" })
            let scope = CallScope(service: service, operation: String(name.dropFirst(service.count + 1)))
            return Envelope.cString(
                Envelope.failure(
                    .invalidArgument("the client handle is NULL", code: .nullClient),
                    scope: scope, facts: CallFacts()))
        }
        return body(client).cString()
    }

    /// What every operation's export does (generated): runs the operation its client's type
    /// declares (`FVClient.getUser`) on the handle.
    static func run<Op: ClientOperation>(
        _ handle: OpaquePointer?, _ operation: Op, _ request: UnsafePointer<CChar>?, function: String = #function
    ) -> UnsafeMutablePointer<CChar>? {
        call(handle, as: Op.Client.self, function: function) { operation.run(on: $0, request) }
    }

    static func string(_ json: JSON) -> UnsafeMutablePointer<CChar>? { Envelope.cString(json) }
}
