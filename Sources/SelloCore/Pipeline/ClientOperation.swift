/// A client the exports run operations on: the pipeline it runs them through, and the bearer
/// tokens its exchanges take (Firma Virtual's; FES and Prodigia have none).
public protocol OperationClient: AnyObject, Sendable {
    var client: ServiceClient { get }
    var bearerTokens: BearerTokens? { get }
}

extension OperationClient {
    public var bearerTokens: BearerTokens? { nil }
}

/// One operation as its C export runs it. Each is declared once, as a static value of its
/// client's type named the way `scripts/generate.py`'s `swift_method` names it
/// (`fv_get_user` → `FVClient.getUser`), so that every export is the same generated line and
/// an operation needs no method besides its declaration (issue 13).
public protocol ClientOperation: Sendable {
    associatedtype Client: OperationClient
    /// Runs the operation on `client` for the caller's request text; returns its envelope.
    func run(on client: Client, _ requestText: UnsafePointer<CChar>?) -> Reply
}

/// An `Operation` with its request type out of sight: what FES's and Firma Virtual's operations
/// and Prodigia's batch are declared as (Prodigia's single operations are `CFDIOperation`s, which
/// a batch also runs). The closure is made once, where the operation is declared, with its types
/// known there: the pipeline it runs is specialised for them.
public struct AnyOperation<Client: OperationClient>: ClientOperation {
    public let name: String
    private let body: @Sendable (Client, UnsafePointer<CChar>?) -> Reply

    public init<Request>(_ operation: Operation<Client, Request>) {
        name = operation.name
        body = { client, requestText in
            client.client.run(operation, on: client, requestText, tokens: client.bearerTokens)
        }
    }

    public func run(on client: Client, _ requestText: UnsafePointer<CChar>?) -> Reply {
        body(client, requestText)
    }
}
