import CCurl
import CSelloShims

#if canImport(Glibc)
import Glibc
#endif

/// The settings of a client that every transfer applies.
struct TransportSettings: Sendable {
    let base: ServiceURL
    let config: ClientConfig
    /// The CA file to trust (nil: libcurl's own): `ca_file`, or where this system keeps one.
    var caFile: String? { CABundle.caFile(for: config) }
}

/// A request's URL as its parts: the base, the path and the query string. Joined into one string
/// only when a handle does not hold that URL already (issue 13: building it cost some 1,500
/// instructions a call).
struct RequestURL: Equatable {
    let base: String
    let path: String
    let query: String

    init(_ request: HTTPRequest, settings: TransportSettings) {
        base = settings.base.text
        path = request.path
        query = Transfer.queryString(request.query)
    }

    init(base: String, path: String, query: String) {
        self.base = base
        self.path = path
        self.query = query
    }

    /// Its length in bytes, without joining it.
    var byteCount: Int { base.utf8.count + path.utf8.count + query.utf8.count }

    var text: String { base + path + query }

    /// Byte for byte: what was sent must be what is sent.
    static func == (lhs: RequestURL, rhs: RequestURL) -> Bool {
        lhs.base.hasSameUTF8(as: rhs.base) && lhs.path.hasSameUTF8(as: rhs.path)
            && lhs.query.hasSameUTF8(as: rhs.query)
    }
}

/// Collects an answer's body and stops the transfer once it exceeds `limit` (curl's
/// CURLOPT_MAXFILESIZE does not stop bodies of unknown size).
final class ResponseSink {
    /// Unchecked at run time: only libcurl's callbacks on the call's thread write it, one piece at
    /// a time (issue 13: the check cost some 75 instructions a call).
    @exclusivity(unchecked) var body: [UInt8] = []
    let limit: Int
    var exceeded = false
    let hooks: CallHooks
    let reportsUpload: Bool
    /// A request that must not be sent twice (see `countRequest`).
    let refusesResend: Bool
    /// How many times libcurl started sending the request: `meta.attempts` counts these.
    var requestStarts = 0
    /// The file being uploaded, when the body is one (it reports a change while sent).
    var file: FileSource?
    /// The easy handle, to read the answer's Content-Length.
    let easy: UnsafeMutableRawPointer

    /// CURLOPT_WRITEFUNCTION: one piece of the answer into `body`; 0 (curl stops the transfer)
    /// once the answer would exceed `limit`.
    static let receive: curlshim_curl_data_fn = { data, size, count, context in
        guard let data, let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        return sink.append(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
    }

    /// Appends a piece of the answer; false when it would exceed `limit`.
    func append(_ piece: UnsafeRawBufferPointer) -> Bool {
        // `body` is passed inout: one access for the whole piece (issue 13: each access to a
        // class's property is checked at run time, some 100 instructions each).
        let fits = ResponseSink.append(piece, to: &body, limit: limit, easy: easy)
        if !fits { exceeded = true }
        return fits
    }

    /// The first piece makes room for the whole answer when its length is announced: growing by
    /// doubling would hold the old and the new copy together, up to three times the answer
    /// (issue 12, item 14). An announced length over `limit` stops the transfer there; the room
    /// made is at most `reserveAtMost`, since the length is the service's word: a broken gateway
    /// announcing a terabyte under a huge max_response_bytes made the library ask for a terabyte,
    /// and a failed allocation aborts the process.
    private static func append(
        _ piece: UnsafeRawBufferPointer, to body: inout [UInt8], limit: Int, easy: UnsafeMutableRawPointer
    ) -> Bool {
        guard body.count + piece.count <= limit else { return false }
        if body.isEmpty {
            var length: curl_off_t = -1
            if curlshim_easy_getinfo_offset(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK, length > 0 {
                guard length <= Int64(limit) else { return false }
                body.reserveCapacity(min(Int(length), reserveAtMost))
            }
        }
        body.append(contentsOf: piece)
        return true
    }

    /// The most room made for an answer before it arrives: above it, an answer grows as it comes.
    static let reserveAtMost = 64 << 20

    init(easy: UnsafeMutableRawPointer, limit: Int, hooks: CallHooks, reportsUpload: Bool, refusesResend: Bool) {
        self.easy = easy
        self.limit = limit
        self.hooks = hooks
        self.reportsUpload = reportsUpload
        self.refusesResend = refusesResend
    }

    /// CURLOPT_PREREQFUNCTION: libcurl calls it each time it is about to send the request on a
    /// connection, including when it re-sends on its own on a fresh connection after a reused
    /// one died ("Connection died, retrying a fresh connect"). Every start is counted; for a
    /// request that must not be sent twice the second start aborts the transfer, so the
    /// connection stays pooled (keep-alive) and the request reaches the service at most once.
    static let countRequest: curl_prereq_callback = { context, _, _, _, _ in
        guard let context else { return Int32(CURL_PREREQFUNC_ABORT) }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        sink.requestStarts += 1
        return sink.refusesResend && sink.requestStarts > 1 ? Int32(CURL_PREREQFUNC_ABORT) : Int32(CURL_PREREQFUNC_OK)
    }
}

/// What one attempt produced, before anyone decided what it means.
struct TransferOutcome {
    var code: CURLcode
    var status: Int
    var body: [UInt8]
    var contentType: String?
    var retryAfterMs: Int?
    var location: String?
    /// Whether any byte of the request was written to the network: after that, a failure may
    /// mean the service acted on it.
    var requestSent: Bool
    var tooLarge: Bool
    /// libcurl's text for a failure ("" when the transfer ended well).
    var errorText: String
    /// For the log line of an answer only: read when a log callback wants it (issue 13).
    var timing: (newConnections: Int, elapsedMs: Double)?
    /// Requests that started on the wire in this attempt (libcurl may re-send a read itself).
    var requestsStarted: Int
    /// Why a streamed file body stopped the transfer (it changed size, or could not be read).
    var uploadFailure: (code: ErrorCode, message: String)? = nil
    /// The caller cancelled the call while this transfer ran (`*_client_cancel`).
    var cancelled = false
    /// The proxy's answer to the CONNECT of an https base_url (0: none), read for a failure only.
    var proxyStatus = 0
}

/// One HTTP attempt on an easy handle: sets every option from scratch (curl_easy_reset keeps
/// the live connections), or, after a plain transfer, only those that change (`mayReuse`), and
/// reads the outcome. Shared by the easy (one call) and multi
/// (batch) paths, so both send exactly the same requests.
final class Transfer {
    let handle: EasyHandle
    let sink: ResponseSink
    /// The multipart body, when there is one (set by `setMethodAndBody`).
    var mime: OpaquePointer?
    /// The reader of a `.base64File` body, alive as long as curl may call it.
    var fileBody: Base64FileBody?
    /// What the handle keeps for the next transfer if this one ends cleanly (`outcome`).
    private var settles: SettledOptions?

    /// libcurl gets no total timeout of its own: both paths keep the call's deadline themselves
    /// (`EasyHandle.perform`, the batch), which does not count the caller's callbacks. The request
    /// is read here only (libcurl copies what it keeps): the transfer does not hold it.
    init(
        handle: EasyHandle, request: borrowing HTTPRequest, url: RequestURL, settings: borrowing TransportSettings,
        share: UnsafeMutableRawPointer?, hooks: CallHooks
    ) throws(SelloError) {
        self.handle = handle
        sink = ResponseSink(
            easy: handle.raw, limit: settings.config.maxResponseBytes, hooks: hooks,
            reportsUpload: request.reportsProgress,
            refusesResend: !request.isIdempotent)
        var options = CurlOptions(handle.raw)
        let plain = Transfer.isPlain(request, hooks: hooks)
        // Until this transfer ends cleanly, the handle holds no known state (`outcome`); taken,
        // not copied (issue 13).
        let settled = handle.settled.take()
        if let settled, Transfer.mayReuse(settled, plain: plain, basicAuth: request.basicAuth != nil) {
            // The handle holds this client's options from a plain transfer: only what changes
            // per call is set again (issue 13: the reset and the constant options cost some 6,000
            // instructions a call).
            if settled.url != url { handle.setURL(url, &options) }
            setAnswerData(&options)
        } else {
            curl_easy_reset(handle.raw)
            handle.setURL(url, &options)
            Transfer.setConnection(&options, settings: settings, share: share, errorBuffer: handle.errorBuffer)
            setAnswerCallbacks(&options, reportsProgress: request.reportsProgress, hooks: hooks)
        }
        if let credentials = request.basicAuth {
            options.set(CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC */)
            options.set(CURLOPT_USERNAME, credentials.user)
            options.set(CURLOPT_PASSWORD, credentials.password)
        }
        try setMethodAndBody(&options, method: request.method, body: request.body)
        handle.setHeaders(Transfer.headerLines(request), &options)
        guard options.failure == CURLE_OK else {
            throw .internal("cannot prepare the request: \(String(cString: curl_easy_strerror(options.failure)))")
        }
        settles = plain ? SettledOptions(url: url, basicAuth: request.basicAuth != nil) : nil
        handle.errorBuffer[0] = 0
    }

    deinit {
        curl_mime_free(mime)
    }

    /// Reads what happened once curl has finished with the handle.
    func outcome(_ result: PerformResult) -> TransferOutcome {
        switch result {
        case .finished(let code):
            return outcome(code)
        case .cancelled:
            var outcome = outcome(CURLE_ABORTED_BY_CALLBACK)
            // Once libcurl started sending it (the pre-request callback ran), the request may
            // have reached the service.
            outcome.requestSent = outcome.requestSent || sink.requestStarts > 0
            outcome.cancelled = true
            return outcome
        }
    }

    func outcome(_ code: CURLcode) -> TransferOutcome {
        // Only a transfer that sent its request once and ended well leaves the handle as the next
        // may keep it: libcurl's own counters (re-sends of a died connection, at most five over
        // all the transfers it was not reset between) and state start afresh after a reset.
        handle.settled = code == CURLE_OK && sink.requestStarts == 1 ? settles.take() : nil
        // No request started (a call cancelled before its transfer began): libcurl's info is the
        // handle's last transfer's, not this one's, and nothing was sent.
        guard sink.requestStarts > 0 || code == CURLE_OK else { return unstarted(code) }
        let easy = handle.raw
        var status = 0
        var requestSize = 0
        var contentType: UnsafePointer<CChar>?
        curlshim_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        curlshim_easy_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &requestSize)
        curlshim_easy_getinfo_string(easy, CURLINFO_CONTENT_TYPE, &contentType)
        // libcurl wanted to send the request again after its connection died: refused.
        let resendRefused = sink.refusesResend && sink.requestStarts > 1
        // Read for a failure only (`HTTPTransport.transportError`), as Retry-After is for the
        // statuses that may be retried (issue 13: some 700 instructions a call).
        let errorText =
            resendRefused
            ? "the connection closed after the request was sent, before any answer"
            : code == CURLE_OK
                ? ""
                : handle.errorBuffer[0] != 0
                    ? String(cString: handle.errorBuffer) : String(cString: curl_easy_strerror(code))
        return TransferOutcome(
            code: code, status: status, body: sink.body, contentType: contentType.map(Transfer.contentType),
            retryAfterMs: HTTPTransport.mayRetry(status: status)
                ? header("Retry-After").flatMap(Transfer.retryAfterMs) : nil,
            location: (300..<400).contains(status) ? header("Location") : nil,
            requestSent: requestSize > 0 || status > 0 || resendRefused, tooLarge: sink.exceeded, errorText: errorText,
            timing: code == CURLE_OK && sink.hooks.wantsLog(.info) ? timing() : nil,
            // A refused re-send never reached the wire.
            requestsStarted: sink.refusesResend ? min(sink.requestStarts, 1) : sink.requestStarts,
            uploadFailure: fileBody?.failure ?? sink.file?.failure)
    }

    /// The outcome of a transfer that never sent its request: read from this transfer's own
    /// facts only.
    private func unstarted(_ code: CURLcode) -> TransferOutcome {
        let errorText =
            handle.errorBuffer[0] != 0 ? String(cString: handle.errorBuffer) : String(cString: curl_easy_strerror(code))
        // A CONNECT refused by the proxy ends here, before the request started (libcurl clears
        // the code when a transfer begins: it is this transfer's).
        var proxyStatus = 0
        curlshim_easy_getinfo_long(handle.raw, CURLINFO_HTTP_CONNECTCODE, &proxyStatus)
        return TransferOutcome(
            code: code, status: 0, body: [], contentType: nil, retryAfterMs: nil, location: nil, requestSent: false,
            tooLarge: sink.exceeded, errorText: errorText, timing: nil, requestsStarted: 0,
            uploadFailure: fileBody?.failure ?? sink.file?.failure, proxyStatus: proxyStatus)
    }

    /// The new connections and the time of the transfer, for the log line of its answer.
    private func timing() -> (newConnections: Int, elapsedMs: Double) {
        var connects = 0
        var totalTime: curl_off_t = 0
        curlshim_easy_getinfo_long(handle.raw, CURLINFO_NUM_CONNECTS, &connects)
        curlshim_easy_getinfo_offset(handle.raw, CURLINFO_TOTAL_TIME_T, &totalTime)
        return (connects, Double(totalTime) / 1000)
    }

    /// The answer's Content-Type. The services' usual ones are literals: no allocation, where
    /// String(cString:) made one a call and freeing it another (issue 13: some 300 instructions).
    static func contentType(_ text: UnsafePointer<CChar>) -> String {
        if strcmp(text, "application/json") == 0 { return "application/json" }
        if strcmp(text, "application/json; charset=utf-8") == 0 { return "application/json; charset=utf-8" }
        if strcmp(text, "application/xml") == 0 { return "application/xml" }
        return String(cString: text)
    }

    /// The URL a request is sent to.
    static func url(_ request: HTTPRequest, settings: TransportSettings) -> String {
        RequestURL(request, settings: settings).text
    }

    private func header(_ name: String) -> String? {
        var found: UnsafeMutablePointer<curl_header>?
        // withCString lends the name's bytes; passing the String made a copy on every call.
        let easy = handle.raw
        guard name.withCString({ curl_easy_header(easy, $0, 0, 1 /* CURLH_HEADER */, -1, &found) }) == CURLHE_OK,
            let found, let value = found.pointee.value
        else { return nil }
        return String(cString: value)
    }

    /// `Retry-After` as seconds or as an HTTP date.
    static func retryAfterMs(_ value: String) -> Int? {
        let trimmed = value.trimmingSpaces
        if let seconds = Int(trimmed) { return milliseconds(seconds: seconds) }
        let date = curl_getdate(trimmed, nil)
        guard date > 0 else { return nil }
        return milliseconds(seconds: Int(date) - Int(time(nil)))
    }

    /// Seconds to milliseconds, saturating: the header comes from the network, and
    /// `Retry-After: 9223372036854775807` overflowed `* 1000` and trapped, killing the caller's
    /// process (fault suite, test_faults.py::test_hostile_retry_after). Such a wait is beyond any
    /// max_delay_ms, so it is reported, never waited for.
    static func milliseconds(seconds: Int) -> Int {
        let (product, overflow) = max(seconds, 0).multipliedReportingOverflow(by: 1000)
        return overflow ? Int.max : product
    }

    static func queryString(_ query: [(name: String, value: String)]) -> String {
        guard !query.isEmpty else { return "" }
        var result = "?"
        for (index, item) in query.enumerated() {
            if index > 0 { result += "&" }
            result += percentEncode(item.name) + "=" + percentEncode(item.value)
        }
        return result
    }

    static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// RFC 3986: everything but the unreserved characters is percent-encoded (so `+`, `/` and
    /// `=` of base64 survive a query string).
    static func percentEncode(_ text: String) -> String {
        let hex = Transfer.upperHexDigits
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default: // three appends: an array literal here was an allocation per byte encoded
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// Whether the two hold the same bytes. `==` compares canonical equivalence ("é" written as
    /// one scalar equals "e" and a combining accent), where a request must be sent as its bytes are.
    func hasSameUTF8(as other: String) -> Bool {
        if hasSameRepresentation(as: other) { return true }
        let count = utf8.count
        guard count == other.utf8.count else { return false }
        let compared = utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs -> Bool in
                guard let mine = mine.baseAddress, let theirs = theirs.baseAddress else { return count == 0 }
                return memcmp(mine, theirs, count) == 0
            }
        }
        return (compared ?? nil) ?? utf8.elementsEqual(other.utf8)
    }

    /// Whether the two are one value: the same storage, or the same bytes held inline. Then they
    /// hold the same bytes, known without reaching them (issue 13: a handle's URL parts and
    /// header lines are most often the very strings it was given last time; five comparisons a
    /// call, some 70 instructions each). False says nothing.
    func hasSameRepresentation(as other: String) -> Bool {
        guard MemoryLayout<String>.size == 16 else { return false }
        return withUnsafeBytes(of: self) { mine in
            withUnsafeBytes(of: other) { theirs in
                mine.loadUnaligned(as: UInt64.self) == theirs.loadUnaligned(as: UInt64.self)
                    && mine.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                        == theirs.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            }
        }
    }

    var trimmingSpaces: String {
        // Fast path: a visible ASCII byte at both ends starts/ends a non-space Character. Read
        // on the string's own bytes: `utf8.last` walks UTF8View's index machinery (issue 13).
        let visibleEnds = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return false }
            return (0x21...0x7E).contains(first) && (0x21...0x7E).contains(last)
        }
        if visibleEnds == true { return self }
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
