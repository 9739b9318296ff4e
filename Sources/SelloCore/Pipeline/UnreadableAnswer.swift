/// "The answer is not the service's documented format", said one way for every service (it had
/// drifted: only CFDI mapped 401/403, only CFDI gave the HTTP status): a 2xx answer that cannot
/// be read is `protocol` INVALID_ANSWER; a 401/403 page without the service's answer is `auth`
/// (never retried: the credentials are wrong); any other status without it is `http`
/// HTTP_<status>. Each carries `details.sample` (at most 120 characters, secrets masked) and
/// `details.http_status`. A 2xx answer reached the service, which may have acted on it: its
/// error ends with what the request's replay policy says after any answer that may have arrived
/// (`ReplayPolicy.afterPossibleArrival`, as after an HTTP 502 or a timeout), and is retryable only
/// when that policy lets the caller repeat the request.
public struct AnswerFormat: Sendable {
    /// The service as its messages name it ("FES", "Firma Virtual", "Prodigia").
    let service: String
    /// What the service documents ("JSON", "JSON {code, status, message}", "XML").
    let format: String
    /// Said after an authentication refusal (Prodigia's lock-out).
    let authNote: String

    public static let fes = AnswerFormat(service: "FES", format: "JSON", authNote: "")
    public static let firmaVirtual = AnswerFormat(
        service: "Firma Virtual",
        format: "JSON {code, status, message}", authNote: "")
    public static let prodigia = AnswerFormat(
        service: "Prodigia", format: "XML",
        authNote: "; not retried: the account locks after 3 failed logins")

    /// The error for `response`, which could not be read as the documented format; `problem`
    /// says why when the reader knows (else the sample speaks for itself).
    public func unreadable(_ response: HTTPResponse, redactor: Redactor, problem: String? = nil) -> SelloError {
        let sample = redactor.sample(response.body)
        let details: JSONObject = ["sample": .string(sample), "http_status": .int(Int64(response.status))]
        switch response.status {
        case 200..<300:
            return response.replay.mayHaveArrived(
                SelloError(
                    .protocol, .invalidAnswer,
                    "\(service)'s answer is not its documented \(format): \(problem ?? sample)", details: details))
        case 401, 403:
            return SelloError(
                .auth, .httpStatus(response.status),
                "\(service) refused the credentials (HTTP \(response.status))\(authNote)", details: details)
        case 404:
            // Said of base_url, with the address requested, as DNS_FAILED and CONNECT_FAILED say
            // theirs: the full URL shows a path doubled or missing at a glance.
            return SelloError(
                .http, .httpStatus(404),
                "\(service) answered HTTP 404 without its \(format) answer to "
                    + "\(redactor.scrub(response.requested))\(AnswerFormat.hint(status: 404)): \(sample)",
                field: "base_url", details: details)
        default:
            let hint = AnswerFormat.hint(status: response.status, tooLong: response.tooLong)
            return SelloError(
                .http, .httpStatus(response.status),
                "\(service) answered HTTP \(response.status) without its \(format) answer\(hint): \(sample)",
                field: response.status == 414 ? response.tooLong?.field : nil, details: details)
        }
    }

    /// What a status without the service's own answer most often means, said where it helps.
    static func hint(status: Int, tooLong: LongQueryAdvice? = nil) -> String {
        switch status {
        case 404: // a base_url without the service's path, or with a part too many
            return " (check base_url: the library adds each operation's path to it, so it must end where the "
                + "service's documentation puts the operations)"
        case 414: // URI Too Long: seed 002 sends datos and the cancellation CSD in the query string
            // What helps is the operation's (`LongQuery`): a cancellation is helped by fewer UUIDs
            // or the stored CSD, a CSV by an operation that carries the document in its body.
            return " (URI Too Long: the request's values travel in its query string and are more than the "
                + "service's server takes; nothing was processed. \(tooLong?.remedy ?? LongQuery.remedyUnknown))"
        default:
            return ""
        }
    }
}

extension SelloError {
    /// This error of a call whose last request the service answered with `answered`'s replay
    /// policy, as the envelope says it (`Reply`, for single calls and each item of a batch alike):
    /// an answer too complex to read arrived, so the service had the request and may have acted on
    /// it — said as after any answer that may have arrived (`ReplayPolicy.mayHaveArrived`),
    /// as INVALID_ANSWER says it (`AnswerFormat.unreadable`) and RESPONSE_TOO_LARGE (the
    /// transport). The readers that refuse such an answer know only its bytes, not the request.
    func afterAnswer(_ answered: ReplayPolicy) -> SelloError {
        guard code == .answerTooComplex else { return self }
        return answered.mayHaveArrived(self)
    }
}
