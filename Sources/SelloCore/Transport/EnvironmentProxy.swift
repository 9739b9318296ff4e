#if canImport(Glibc)
import Glibc
#endif

/// The proxy variables of the environment (`HTTPS_PROXY`, `ALL_PROXY`, ...), which the library
/// does not use: every transfer sets an empty proxy and an empty no-proxy list (TransferOptions),
/// so that traffic goes only where the configuration says (issue 12, item 21). On a machine whose
/// only way out is such a proxy, a service that cannot be resolved or reached is then a puzzle —
/// curl and most tools there work — unless the error says that the variable is set and not used.
enum EnvironmentProxy {
    /// The variables in the order they would apply to a request of `scheme` (curl's own: the
    /// scheme's, then `all_proxy`; each lower case first), then the other scheme's: a proxy named
    /// for http only is, on most machines, the same way out.
    static func variables(scheme: String) -> [String] {
        let own = scheme == "http" ? "http_proxy" : "https_proxy"
        let other = scheme == "http" ? "https_proxy" : "http_proxy"
        return [own, own.uppercased(), "all_proxy", "ALL_PROXY", other, other.uppercased()]
    }

    /// What to add to a DNS, connect or connect-timeout error of a client without `proxy`, whose
    /// service is at `host`: the first proxy variable set (not empty), its value with any
    /// `user:password@` masked, and that `proxy` is the setting to use. Nil when none is set, when
    /// the host is a loopback one (no proxy is the way to it), or when `no_proxy` names the host:
    /// the proxy would not have been used for it either.
    static func note(scheme: String, host: String, lookup: (String) -> String?) -> String? {
        guard !ServiceURL.isLoopback(host) else { return nil }
        let noProxy = lookup("no_proxy") ?? lookup("NO_PROXY") ?? ""
        guard !excludes(noProxy, host: host) else { return nil }
        for name in variables(scheme: scheme) {
            guard let value = lookup(name)?.trimmingSpaces, !value.isEmpty else { continue }
            var shown = Redactor(secrets: []).scrubURL(value)
            if shown.count > 200 { shown = String(shown.prefix(200)) + "…" }
            return "\(name) is set in the environment (\(shown)), but sello does not use the environment's proxy "
                + "variables: if this machine reaches the service through that proxy, give it as the client's "
                + "proxy setting"
        }
        return nil
    }

    /// Whether a `no_proxy` list names `host`: `*`, the host itself, or a domain it is in
    /// (`example.com` and `.example.com` both cover `api.example.com`), as curl reads it.
    static func excludes(_ list: String, host: String) -> Bool {
        let host = host.lowercased()
        for entry in list.split(separator: ",") {
            var name = String(entry).trimmingSpaces.lowercased()
            if name == "*" { return true }
            if name.hasPrefix(".") { name.removeFirst() }
            guard !name.isEmpty else { continue }
            if host == name || host.hasSuffix("." + name) { return true }
        }
        return false
    }

    /// This process's environment, read when an error is being made (never on the way of a
    /// call that succeeds).
    static func processNote(scheme: String, host: String) -> String? {
        note(scheme: scheme, host: host) { name in getenv(name).map { String(cString: $0) } }
    }
}
