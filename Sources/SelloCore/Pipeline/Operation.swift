/// One operation of a service, declared once: its name, how its request is read and checked
/// (every problem collected), and how it is carried out — usually one HTTP exchange whose
/// request (method, path, query, body, replay policy, authentication, secrets) the descriptor
/// builds and whose answer it reads. `ServiceClient.run` runs every descriptor the same way:
/// parse → credentials or token → perform → read → envelope.
public struct Operation<Client: Sendable, Request>: Sendable {
    public typealias Parse = @Sendable (RequestObject, Client, inout ReadFacts) throws(SelloError) -> Request
    public typealias Build = @Sendable (Request, Client) throws(SelloError) -> HTTPRequest
    public typealias Read =
        @Sendable (HTTPResponse, Request, Client, CallScope, inout ReadFacts) throws(SelloError) -> JSON
    public typealias Custom = @Sendable (Request, Client, CallScope, inout CallFacts) throws(SelloError) -> JSON

    /// How the operation reaches its result.
    public enum Steps: Sendable {
        /// One HTTP exchange (repeated once with a new token when the service refuses the bearer).
        case exchange(build: Build, read: Read)
        /// Its own steps on the client's transport (a login, a batch), reporting what they did.
        case custom(Custom)
    }

    /// The operation's name in the envelope's `meta.operation` ("obtain_certificate").
    public let name: String
    public let parse: Parse
    public let steps: Steps

    public init(_ name: String, parse: @escaping Parse, build: @escaping Build, read: @escaping Read) {
        self.name = name
        self.parse = parse
        steps = .exchange(build: build, read: read)
    }

    public init(_ name: String, parse: @escaping Parse, custom: @escaping Custom) {
        self.name = name
        self.parse = parse
        steps = .custom(custom)
    }
}

/// A local helper (no client, nothing sent): its name and what it does with the request.
public struct LocalOperation: Sendable {
    public typealias Body = @Sendable (RequestObject, inout ReadFacts) throws(SelloError) -> JSON
    public let service: String
    public let name: String
    let body: Body

    public init(service: String, _ name: String, _ body: @escaping Body) {
        self.service = service
        self.name = name
        self.body = body
    }

    /// Runs the helper and returns its envelope.
    public func run(_ requestText: UnsafePointer<CChar>?) -> JSON {
        let scope = CallScope(service: service, operation: name)
        var facts = CallFacts()
        var found = ReadFacts()
        do {
            let request = try CallID.split(try RequestText.read(requestText)).request
            // What a helper shows or quotes may hold the request's own secrets (`secretValues`).
            scope.hooks.addSecrets(request.secretValues)
            let data = try body(request, &found)
            facts.warnings = found.warnings
            return Envelope.success(data, scope: scope, facts: facts)
        } catch {
            facts.warnings = found.warnings
            return Envelope.failure(error, scope: scope, facts: facts)
        }
    }
}
