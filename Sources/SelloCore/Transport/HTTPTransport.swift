import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// What to do with one attempt's outcome.
enum Verdict {
    case answer(HTTPResponse)
    case retry(SelloError, delayMs: Int)
    case fail(SelloError)
}

/// A client's HTTP: the pool of handles, the settings, and the retry policy. Every request of
/// every service goes through `perform` (or, for a batch, `performMany`), so transport errors,
/// retries and logging have one definition.
public final class HTTPTransport: Sendable {
    let settings: TransportSettings
    let pools: ProcessPool

    public init(config: ClientConfig) throws(SelloError) {
        settings = TransportSettings(
            base: try ServiceURL(config.baseURL, allowInsecureHTTP: config.allowInsecureHTTP), config: config)
        pools = try ProcessPool()
    }

    public var baseURL: String { settings.base.text }

    /// Sends `request`, retrying where API.md §5 allows, and returns what happened: the final
    /// answer of any status the transport does not itself treat as an error (2xx and 4xx, and 5xx
    /// once retries are exhausted are left to the service to read: their bodies may carry the
    /// service's own error) or the error it ended with, and the requests that reached the wire.
    /// Everything happens within the call's deadline (`CallDeadline`).
    public func perform(_ request: HTTPRequest, scope: CallScope) -> Exchange {
        // The exchange is made once, when the call ends (issue 13: a placeholder error replaced by
        // the answer cost some 800 instructions a call).
        var attempts = 0
        var httpStatus: Int?
        do throws(SelloError) {
            let response = try performAttempts(request, scope: scope, attempts: &attempts, httpStatus: &httpStatus)
            return Exchange(.success(response), attempts: attempts, httpStatus: httpStatus)
        } catch {
            return Exchange(.failure(error), attempts: attempts, httpStatus: httpStatus)
        }
    }

    /// `perform`'s attempts until an answer or an error; what reached the wire is added to
    /// `attempts` and `httpStatus` as it happens, so that an error carries it too.
    private func performAttempts(
        _ request: HTTPRequest, scope: CallScope, attempts: inout Int, httpStatus: inout Int?
    ) throws(SelloError) -> HTTPResponse {
        let url = try prepare(request, hooks: scope.hooks)
        let pool = try pools.pool()
        let deadline = CallDeadline(
            hooks: scope.hooks, timeoutMs: settings.config.timeoutMs, start: scope.started,
            countingCallbacksSinceStart: true)
        var retries = 0
        while true {
            try deadline.checkTimeLeft()
            let outcome = try attempt(
                request, url: url, pool: pool, scope: scope, deadline: deadline, number: retries + 1)
            attempts += outcome.requestsStarted
            if outcome.status > 0 { httpStatus = outcome.status }
            let verdict = judge(outcome, request: request, retriesDone: retries, hooks: scope.hooks)
            // An answer is one whatever the deadline (`bounded` only turns a retry into a failure).
            if case .answer(let response) = verdict { return response }
            switch deadline.bounded(verdict) {
            case .answer(let response):
                return response
            case .retry(let error, let delayMs):
                retries += 1
                logRetry(retries, delayMs: delayMs, after: error, hooks: scope.hooks)
                guard scope.cancel.sleep(milliseconds: delayMs) else {
                    throw SelloError.cancelledBeforeRetry(after: error.code)
                }
            case .fail(let error):
                throw error
            }
        }
    }

    /// One attempt on a pooled handle, woken by a cancellation, within the call's deadline (kept by
    /// `EasyHandle.perform`, not by libcurl: see there).
    private func attempt(
        _ request: HTTPRequest, url: RequestURL, pool: HandlePool, scope: CallScope, deadline: CallDeadline,
        number: Int
    ) throws(SelloError) -> TransferOutcome {
        logRequest(request, hooks: scope.hooks, attempt: number)
        let handle = try pool.checkout()
        defer { pool.checkin(handle) }
        let transfer = try Transfer(
            handle: handle, request: request, url: url, settings: settings, share: pool.shareHandle,
            hooks: scope.hooks)
        return transfer.outcome(handle.perform(cancel: scope.cancel, deadline: deadline))
    }

    /// What every request gets before its first attempt, in the single and the batch path alike:
    /// the URL length limit (nothing sent above it) and its secrets registered with the call.
    /// Returns the URL, made once for the single path's attempts.
    @discardableResult
    func prepare(_ request: HTTPRequest, hooks: CallHooks) throws(SelloError) -> RequestURL {
        let url = RequestURL(request, settings: settings)
        let length = url.byteCount
        guard length <= Sello.maxURLBytes else {
            let advice = LongQueryAdvice(request)
            throw SelloError(
                .validation, .urlTooLong,
                "the request's URL would be \(length) bytes; the limit is \(Sello.maxURLBytes) "
                    + "(\(Sello.maxURLBytes / 1024) KiB): the values that travel in its query string are too "
                    + "large for one request" + (advice.field.map { ", \($0) most of all" } ?? "") + ". "
                    + advice.remedy,
                field: advice.field, retryable: false)
        }
        var secrets = request.secrets
        if let basic = request.basicAuth {
            secrets += [basic.password, Base64.encode(Array("\(basic.user):\(basic.password)".utf8))]
        }
        hooks.addSecrets(secrets)
        return url
    }

    /// Decides what an attempt means: an answer, a retry, or a final error. Reads the outcome
    /// only: what the attempt counts for (requests, status) its caller adds up.
    func judge(_ outcome: TransferOutcome, request: HTTPRequest, retriesDone: Int, hooks: CallHooks) -> Verdict {
        if outcome.cancelled { return .fail(SelloError.cancelled(request, requestSent: outcome.requestSent)) }
        if let refusal = Self.proxyRefusal(outcome) { return .fail(refusal) }
        if outcome.code == CURLE_OK {
            // Read only when a log callback wanted the line (`Transfer.outcome`); asked first: the
            // line's closure would copy the request and the outcome (issue 13).
            if let timing = outcome.timing {
                hooks.log(
                    .info,
                    "← \(outcome.status) \(request.method.rawValue) \(request.path) in "
                        + "\(Self.format(timing.elapsedMs)) ms, \(outcome.body.count) "
                        + "bytes\(timing.newConnections > 0 ? ", new connection" : "")")
            }
            return judgeStatus(outcome, request: request, retriesDone: retriesDone, hooks: hooks)
        }
        let error = transportError(outcome, request: request, redactor: hooks.redactor)
        let canRetry: Bool
        if outcome.tooLarge {
            canRetry = false
        } else if !outcome.requestSent {
            canRetry = error.retryable
        } else {
            canRetry = request.isIdempotent && error.retryable
        }
        guard canRetry, retriesDone < settings.config.retry.maxRetries else { return .fail(error) }
        return .retry(error, delayMs: settings.config.retry.backoffMs(retry: retriesDone + 1))
    }

    /// A proxy that refused its credentials: HTTP 407 to the CONNECT of an https base_url, or to
    /// the request itself with an http one (only a proxy answers 407). The service never had the
    /// request, and it is not the service that refused: an authentication failure, never retried
    /// (API.md §5: repeating it can lock the proxy's account), which names `proxy`.
    static func proxyRefusal(_ outcome: TransferOutcome) -> SelloError? {
        let toConnect = outcome.proxyStatus == 407
        guard toConnect || (outcome.code == CURLE_OK && outcome.status == 407) else { return nil }
        return SelloError(
            .auth, .proxyAuthFailed,
            "the proxy refused its credentials (HTTP 407\(toConnect ? " to CONNECT" : "")); nothing reached the "
                + "service: check the user and password in proxy (http://user:password@host:port); not retried",
            field: "proxy", retryable: false)
    }

    /// The statuses `judgeStatus` may retry: the only ones whose Retry-After is read.
    static func mayRetry(status: Int) -> Bool {
        switch status {
        case 429, 500, 502, 503, 504: return true
        default: return false
        }
    }

    private func judgeStatus(_ outcome: TransferOutcome, request: HTTPRequest, retriesDone: Int, hooks: CallHooks)
        -> Verdict
    {
        // Said only for a 414: the advice walks the query.
        let response = HTTPResponse(
            status: outcome.status, contentType: outcome.contentType, body: outcome.body, replay: request.replay,
            method: request.method, base: settings.base.text, path: request.path,
            tooLong: outcome.status == 414 ? LongQueryAdvice(request) : nil)
        let status = outcome.status
        if (300..<400).contains(status) {
            let target = outcome.location.map { hooks.redactor.scrubURL($0) } ?? "(no Location)"
            return .fail(
                SelloError(
                    .http, .redirectNotFollowed,
                    "the service answered \(status) redirecting to \(target); redirects are not "
                        + "followed so that credentials never reach another address: point base_url "
                        + "at the final address",
                    retryable: false))
        }
        guard Self.mayRetry(status: status) else { return .answer(response) }
        let retryAfter = outcome.retryAfterMs
        let repeatable: Bool
        switch status {
        case 429: repeatable = true // not processed: rate-limited
        case 503: repeatable = request.isIdempotent || retryAfter != nil // the service says "not now"
        default: repeatable = request.isIdempotent // 500, 502, 504: may have been processed
        }
        let error = statusError(status, retryAfterMs: retryAfter, repeatable: repeatable, replay: request.replay)
        guard repeatable, retriesDone < settings.config.retry.maxRetries else {
            // Left to the service layer only when it might carry a business error; 429/5xx bodies
            // here are gateway pages.
            return .fail(error)
        }
        var delay = settings.config.retry.backoffMs(retry: retriesDone + 1)
        if let retryAfter {
            guard retryAfter <= max(settings.config.retry.maxDelayMs, 0) else { return .fail(error) }
            delay = max(delay, retryAfter)
        }
        return .retry(error, delayMs: delay)
    }

    /// `repeatable`: the library may send it again (it was not processed, or it only reads);
    /// otherwise the caller may only when the replay policy says so.
    func statusError(_ status: Int, retryAfterMs: Int?, repeatable: Bool, replay: ReplayPolicy) -> SelloError {
        var details = JSONObject()
        if let retryAfterMs { details.append("retry_after_ms", .int(Int64(retryAfterMs))) }
        let code: ErrorCode
        let message: String
        switch status {
        case 429:
            code = .rateLimited
            message =
                "the service is rate-limiting requests "
                + "(HTTP 429)" + (retryAfterMs.map { "; it asks to wait \($0 / 1000) s" } ?? "")
        case 503:
            // Without Retry-After it does not say "not processed": a request that is not repeated
            // may have been acted on, as after a 500.
            code = .serviceUnavailable
            message =
                "the service is unavailable "
                + "(HTTP 503)" + (retryAfterMs.map { "; it asks to wait \($0 / 1000) s" } ?? "")
                + (repeatable ? "" : replay.afterPossibleArrival.map { "; \($0)" } ?? "")
        default:
            code = .httpStatus(status)
            message =
                "the service answered HTTP "
                + "\(status)" + (repeatable ? "" : replay.afterPossibleArrival.map { "; \($0)" } ?? "")
        }
        return SelloError(
            .http, code, message, retryable: repeatable || replay.callerMayRepeat,
            details: details.isEmpty ? nil : details)
    }

    /// DNS or connect failed: nothing was sent. Names the setting to check (`field`): the proxy's
    /// or base_url's host, which libcurl's text alone leaves the caller to guess; and a proxy of
    /// the environment, which the library does not use (`environmentProxyNote`).
    private func unreachable(_ code: ErrorCode, _ what: String, proxy: Bool, detail: String) -> SelloError {
        guard proxy else {
            return SelloError(
                .transport, code,
                "\(what) base_url's host: \(detail); check base_url and that the service can be reached from "
                    + "here\(environmentProxyNote)",
                field: "base_url", retryable: true)
        }
        let host = settings.config.proxySetting.map { " \($0.host)" } ?? ""
        return SelloError(
            .transport, code, "\(what) the proxy\(host): \(detail); check the proxy setting and that the proxy runs",
            field: "proxy", retryable: true)
    }

    /// "; HTTPS_PROXY is set ... but not used", for an error that nothing reached the service,
    /// when the client has no `proxy` and the environment names one (EnvironmentProxy); else "".
    private var environmentProxyNote: String {
        guard settings.config.proxySetting == nil else { return "" }
        return EnvironmentProxy.processNote(scheme: settings.base.scheme, host: settings.base.host).map { "; \($0)" }
            ?? ""
    }

    private func transportError(_ outcome: TransferOutcome, request: HTTPRequest, redactor: Redactor) -> SelloError {
        let detail = redactor.scrub(outcome.errorText)
        let unsafeNote = outcome.requestSent ? request.replay.afterPossibleArrival.map { "; \($0)" } ?? "" : ""
        let mayRepeat = !outcome.requestSent || request.replay.callerMayRepeat
        if let failure = outcome.uploadFailure {
            // The body stopped short of its Content-Length: the service never got a whole request.
            return SelloError(
                .io, failure.code,
                "\(failure.message); the request was stopped before its body was "
                    + "complete, so the service did not receive it",
                field: request.fileField)
        }
        switch outcome.code {
        case _ where outcome.tooLarge:
            // An answer was arriving: the service had the request (as for INVALID_ANSWER).
            return request.replay.mayHaveArrived(
                SelloError(
                    .protocol, .responseTooLarge,
                    "the answer exceeded max_response_bytes (\(settings.config.maxResponseBytes) bytes); "
                        + "the transfer was stopped"))
        case CURLE_OPERATION_TIMEDOUT:
            if !outcome.requestSent {
                return SelloError(
                    .timeout, .connectTimeout,
                    "could not connect within \(settings.config.connectTimeoutMs) ms: \(detail)\(environmentProxyNote)",
                    retryable: true)
            }
            return SelloError(
                .timeout, .timeout,
                "no complete answer within \(settings.config.timeoutMs) ms\(unsafeNote)", retryable: mayRepeat)
        case CURLE_COULDNT_RESOLVE_HOST:
            return unreachable(.dnsFailed, "cannot resolve", proxy: false, detail: detail)
        case CURLE_COULDNT_RESOLVE_PROXY:
            return unreachable(.dnsFailed, "cannot resolve", proxy: true, detail: detail)
        case CURLE_COULDNT_CONNECT:
            // Through a proxy, libcurl connects only to the proxy.
            return unreachable(
                .connectFailed, "cannot connect to", proxy: settings.config.proxySetting != nil, detail: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS:
            return tlsError(outcome.code, detail: detail)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_ABORTED_BY_CALLBACK:
            return SelloError(
                .transport, .connectionLost,
                "the connection broke before a complete answer: \(detail)\(unsafeNote)", retryable: mayRepeat)
        case CURLE_READ_ERROR:
            return SelloError(
                .io, .fileUnreadable,
                "cannot read the file being uploaded: \(detail)", field: request.fileField)
        default:
            return SelloError(
                .transport, .curl(Int(outcome.code.rawValue)), "\(detail)\(unsafeNote)",
                retryable: mayRepeat && outcome.code != CURLE_UNSUPPORTED_PROTOCOL)
        }
    }

    /// TLS failed before anything was sent; the hint says what most often causes it.
    func tlsError(_ code: CURLcode, detail: String) -> SelloError {
        // No CA file given, none on this machine, no fallback: libcurl tried its built-in place.
        if settings.config.caFile == nil, CABundle.system == .notFound, settings.caFile == nil {
            return CABundle.missingBundleError(detail: detail)
        }
        // OpenSSL could not load the configured ca_file ("error setting certificate file"): it
        // is readable (checked at client_new) but holds no PEM certificate — a DER .cer, a key,
        // another file. Said of ca_file, not as "set ca_file for a private CA".
        if settings.config.caFile != nil,
            code == CURLE_SSL_CACERT_BADFILE || detail.contains("error setting certificate")
        {
            return SelloError(
                .transport, .tlsFailed,
                "TLS failed, nothing was sent: ca_file is not a PEM CA bundle (\(detail)); give it the CA's "
                    + "certificates as PEM (-----BEGIN CERTIFICATE-----; a DER .cer converts with "
                    + "openssl x509 -inform DER -in ca.cer -out ca.pem)",
                field: "ca_file")
        }
        // OpenSSL's "wrong version number": what answered does not speak TLS (an http:// port).
        let hint =
            detail.contains("wrong version number")
            ? "the server did not answer TLS: should base_url be http://, or is it the wrong port?"
            : "certificates and host names are always verified; set ca_file for a private CA"
        return SelloError(.transport, .tlsFailed, "TLS failed, nothing was sent: \(detail) (\(hint))")
    }

    func logRetry(_ retry: Int, delayMs: Int, after error: SelloError, hooks: CallHooks) {
        hooks.log(
            .warning,
            "retry \(retry) of \(settings.config.retry.maxRetries) in \(delayMs) ms after "
                + "\(error.code): \(error.message)")
    }

    func logRequest(_ request: HTTPRequest, hooks: CallHooks, attempt: Int) {
        guard hooks.wantsLog(.info) else { return }
        let query = hooks.redactor.scrubQuery(request.query)
        hooks.log(
            .info,
            "→ \(request.method.rawValue) "
                + "\(settings.base.text)\(request.path)\(query)\(attempt > 1 ? " (attempt \(attempt))" : "")")
    }

    static func format(_ milliseconds: Double) -> String {
        let tenths = (milliseconds * 10).rounded() / 10
        return "\(tenths)"
    }

    static func sleep(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
