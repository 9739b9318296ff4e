/// The deployments of each service, chosen with the configuration's `environment` instead of a
/// `base_url` (API.md, "Firma Virtual and FES today"). One table per service; the first entry is
/// the default, the seed's own URL, so that a configuration without either keeps working as
/// before. An entry without a URL is known but has no public address: it must come as base_url.
public struct ServiceEnvironments: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let url: String?
        /// Why there is no URL, and where to get it (for entries without one).
        public let missingURL: String?
    }

    /// The service's name for messages ("Firma Virtual").
    public let service: String
    public let entries: [Entry]
    /// The fixed paths the service's operations add to the base URL, taken from where its requests
    /// are built (`FESClient.operationPaths`, `CFDIPath.all`, `FVPath.all`): a base_url ending with
    /// one is a whole endpoint copied from a seed, and every call would go to …/obtenerCertificado/
    /// obtenerCertificado, a 404 (for FES after a call sent once).
    public let operationPaths: [String]

    public var defaultEntry: Entry { entries[0] }

    init(service: String, _ entries: [(String, String?, String?)], operationPaths: [String] = []) {
        self.service = service
        self.entries = entries.map { Entry(name: $0.0, url: $0.1, missingURL: $0.2) }
        self.operationPaths = operationPaths
    }

    public static let fes = ServiceEnvironments(
        service: "FES",
        [
            ("test", FESClient.defaultBaseURL, nil),
            (
                "production", nil,
                "Certificadora del Sur gives the production URL with the account (it is not published): configure "
                    + "it as base_url, without environment"
            ),
        ], operationPaths: FESClient.operationPaths)

    public static let fv = ServiceEnvironments(
        service: "Firma Virtual",
        [
            ("qa", FVClient.defaultBaseURL, nil),
            ("sandbox", "https://test.firmavirtual.legal", nil),
            ("production", "https://api.firmavirtual.legal", nil),
        ], operationPaths: FVPath.all)

    public static let cfdi = ServiceEnvironments(
        service: "Prodigia",
        [
            ("production", CFDIClient.defaultBaseURL, nil),
            // A separate deployment with its own users, not a mode of production.
            ("test", "https://pruebas.pade.mx/servicio/rest", nil),
        ], operationPaths: CFDIPath.all)

    /// The base URL to use and the environment it came from (nil when `base_url` was given).
    public func resolve(baseURL: String?, environment: String?) throws(SelloError) -> (
        url: String, environment: String?
    ) {
        let known = entries.map { "'\($0.name)'" }.joined(separator: ", ")
        guard let environment else {
            if let baseURL { return (baseURL, nil) }
            guard let url = defaultEntry.url else { throw missing(defaultEntry) }
            return (url, defaultEntry.name)
        }
        guard baseURL == nil else {
            throw SelloError(
                .invalidArgument, .environmentConflict,
                "give either base_url or environment, not both (environment '\(environment)' names a URL of its own)",
                field: "environment")
        }
        let name = environment.trimmingSpaces.lowercased()
        guard let entry = entries.first(where: { $0.name == name }) else {
            // Whole or not at all (`Quote`): the head of a password pasted here was shown.
            throw SelloError(
                .invalidArgument, .unknownEnvironment,
                "\(service) has no environment \(Quote.value(environment, limit: 40)); the known ones are \(known)",
                field: "environment")
        }
        guard let url = entry.url else { throw missing(entry) }
        return (url, entry.name)
    }

    /// Said after the service refused a client's credentials (`Reply`): where they went and,
    /// when that is one of the table's deployments, which one and how to choose the others. A
    /// deployment has its own accounts (Prodigia's pruebas.pade.mx is not a mode of production,
    /// PRODIGIA_2026 §1): a test account sent to the default production host is refused as a
    /// wrong password would be. `host` is the base URL's; `environment` the configuration's (the
    /// default's name when neither it nor base_url was given; nil when base_url was).
    public func credentialsNote(host: String, environment: String?) -> String {
        let entry =
            environment.flatMap { name in entries.first { $0.name == name } }
            ?? entries.first { $0.url.map(Self.host(of:)) == host }
        let origin: String
        switch (environment, entry) {
        case (.some(let name), _):
            origin = "environment \(name)\(name == defaultEntry.name ? ", the default" : "")"
        case (nil, .some(let entry)):
            origin = "base_url, the \(entry.name) deployment"
        case (nil, nil):
            return "the credentials went to \(host) (base_url)"
        }
        let others = entries.filter { $0.name != entry?.name }.map { other in
            other.url.map { "environment \"\(other.name)\" (\(Self.host(of: $0)))" }
                ?? "\"\(other.name)\": \(other.missingURL ?? "configure base_url")"
        }
        let choice = others.isEmpty ? "" : "; for an account of another deployment: \(others.joined(separator: ", "))"
        return "the credentials went to \(host) (\(origin))\(choice)"
    }

    /// The host of one of the table's URLs ("https://host/path").
    static func host(of url: String) -> String {
        let afterScheme = url.firstRange(of: "://").map { url[$0.upperBound...] } ?? url[...]
        return String(afterScheme.prefix { $0 != "/" }).lowercased()
    }

    /// Refuses a base URL whose path ends with one of `operationPaths` (case aside, a final '/'
    /// aside), saying which part to give instead.
    public func refuseOperationPath(_ url: ServiceURL) throws(SelloError) {
        var path = Substring(url.path)
        while path.hasSuffix("/") { path = path.dropLast() }
        let lowered = path.lowercased()
        guard let operation = operationPaths.first(where: { lowered.hasSuffix($0.lowercased()) }) else { return }
        var base = Substring(Redactor(secrets: []).scrubURL(url.text))
        while base.hasSuffix("/") { base = base.dropLast() }
        let kept = LogText.escape(String(base.dropLast(operation.count)))
        throw SelloError(
            .invalidArgument, .badUrl,
            "base_url ends with \(operation), which the library adds to every call (it would go to "
                + "…\(operation)\(operation)): give the part before \(operation), '\(kept)'",
            field: "base_url")
    }

    private func missing(_ entry: Entry) -> SelloError {
        SelloError(
            .invalidArgument, .baseUrlRequired,
            "\(service) has no known URL for environment '\(entry.name)': \(entry.missingURL ?? "configure base_url")",
            field: "base_url")
    }
}
