import CCurl
import CSelloShims
#if canImport(Glibc)
import Glibc
#endif

/// The settings of a client that every transfer applies.
struct TransportSettings: Sendable {
    let base: ServiceURL
    let config: ClientConfig
}

/// Collects an answer's body and stops the transfer once it exceeds `limit` (curl's
/// CURLOPT_MAXFILESIZE does not stop bodies of unknown size).
final class ResponseSink {
    var body: [UInt8] = []
    let limit: Int
    var exceeded = false
    let hooks: CallHooks
    let reportsUpload: Bool

    init(limit: Int, hooks: CallHooks, reportsUpload: Bool) {
        self.limit = limit
        self.hooks = hooks
        self.reportsUpload = reportsUpload
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
    var errorText: String
    var newConnections: Int
    var elapsedMs: Double
}

/// The body of a request that must not be sent twice, read by curl through a callback that
/// cannot rewind. libcurl transparently re-sends a request on a new connection when a reused
/// connection dies before any answer ("Connection died, retrying a fresh connect"), even a POST
/// the service may already have acted on; it must rewind the body to do so, and a body it
/// cannot rewind makes that re-send fail (CURLE_SEND_FAIL_REWIND) instead. Files are read in
/// chunks from an open descriptor, never whole.
final class OneShotBody {
    private let bytes: [UInt8]
    private let fd: Int32
    private var offset = 0
    let size: Int64
    /// Set when the file could not be read during the transfer.
    private(set) var readFailed = false

    init(bytes: [UInt8]) {
        self.bytes = bytes
        fd = -1
        size = Int64(bytes.count)
    }

    init(path: String) throws(SelloError) {
        bytes = []
        size = try FileSystem.fileSize(path, field: "file_path")
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SelloError(.io, "FILE_UNREADABLE", "cannot open '\(path)': \(FileSystem.errorText())", field: "file_path") }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// curl's read callback: fills `buffer` and returns the count, 0 at the end.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        if fd < 0 {
            let count = min(capacity, bytes.count - offset)
            guard count > 0 else { return 0 }
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            offset += count
            return count
        }
        while true {
            let count = Glibc.read(fd, buffer, capacity)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { readFailed = true; return Int(CURL_READFUNC_ABORT) }
            return count
        }
    }

    static let readCallback: curl_read_callback = { buffer, size, count, context in
        guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
        return Unmanaged<OneShotBody>.fromOpaque(context).takeUnretainedValue().read(into: buffer, capacity: size * count)
    }
}

/// One HTTP attempt on an easy handle: sets every option from scratch (curl_easy_reset keeps
/// the live connections), and reads the outcome. Shared by the easy (one call) and multi
/// (batch) paths, so both send exactly the same requests.
final class Transfer {
    let handle: EasyHandle
    let request: HTTPRequest
    let sink: ResponseSink
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var mime: OpaquePointer?
    /// The body of a non-idempotent request (see OneShotBody), kept alive for the transfer.
    private var oneShot: OneShotBody?

    init(handle: EasyHandle, request: HTTPRequest, settings: TransportSettings, share: UnsafeMutableRawPointer?,
         hooks: CallHooks) throws(SelloError) {
        self.handle = handle
        self.request = request
        sink = ResponseSink(limit: settings.config.maxResponseBytes, hooks: hooks, reportsUpload: request.reportsProgress)
        let easy = handle.raw
        curl_easy_reset(easy)
        let config = settings.config
        let url = settings.base.text + request.path + Transfer.queryString(request.query)

        var failed: CURLcode = CURLE_OK
        func check(_ code: CURLcode) { if code != CURLE_OK && failed == CURLE_OK { failed = code } }
        check(curlshim_easy_setopt_pointer(easy, CURLOPT_URL, url))
        check(curlshim_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(curlshim_easy_setopt_pointer(easy, CURLOPT_SHARE, share))
        check(curlshim_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, handle.errorBuffer))
        check(curlshim_easy_setopt_pointer(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(curlshim_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, config.timeoutMs))
        check(curlshim_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, config.connectTimeoutMs))
        check(curlshim_easy_setopt_pointer(easy, CURLOPT_USERAGENT, config.userAgent))
        check(curlshim_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1))
        check(curlshim_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2))
        if let caFile = config.caFile { check(curlshim_easy_setopt_pointer(easy, CURLOPT_CAINFO, caFile)) }
        // An empty proxy turns off the *_proxy environment variables: traffic goes only where
        // the configuration says.
        check(curlshim_easy_setopt_pointer(easy, CURLOPT_PROXY, config.proxy ?? ""))
        // Redirects are never followed: one could carry credentials to another origin.
        check(curlshim_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        check(curlshim_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        check(curlshim_easy_setopt_data_fn(easy, CURLOPT_WRITEFUNCTION, { data, size, count, context in
            guard let data, let context else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            guard sink.body.count + length <= sink.limit else { sink.exceeded = true; return 0 }
            sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            return length
        }))
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        check(curlshim_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, sinkPointer))
        if request.reportsProgress && hooks.progress != nil {
            check(curlshim_easy_setopt_long(easy, CURLOPT_NOPROGRESS, 0))
            check(curlshim_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, sinkPointer))
            check(curlshim_easy_setopt_xferinfo_fn(easy, { context, _, _, uploadTotal, uploaded in
                guard let context else { return 0 }
                let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
                if sink.reportsUpload && uploaded > 0 {
                    sink.hooks.reportProgress(done: Int64(uploaded), total: uploadTotal > 0 ? Int64(uploadTotal) : -1)
                }
                return 0
            }))
        }
        if let credentials = request.basicAuth {
            check(curlshim_easy_setopt_long(easy, CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC */))
            check(curlshim_easy_setopt_pointer(easy, CURLOPT_USERNAME, credentials.user))
            check(curlshim_easy_setopt_pointer(easy, CURLOPT_PASSWORD, credentials.password))
        }

        var headers = request.headers
        switch request.method {
        case .get:
            check(curlshim_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case .post, .put:
            if request.method == .put { check(curlshim_easy_setopt_pointer(easy, CURLOPT_CUSTOMREQUEST, "PUT")) }
            // An empty Expect: stops curl waiting for "100 Continue" before large bodies.
            headers.append("Expect:")
            // A request that must not be sent twice: its body cannot be rewound, and one
            // without a body (nothing to rewind) goes on a new connection, so that libcurl
            // never re-sends it by itself (see OneShotBody).
            let oneShot = !request.isIdempotent
            switch request.body {
            case .none, .bytes([], _):
                if case .bytes(_, let contentType) = request.body { headers.append("Content-Type: \(contentType)") }
                check(curlshim_easy_setopt_long(easy, CURLOPT_POST, 1))
                check(curlshim_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0))
                check(curlshim_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, ""))
                if oneShot { check(curlshim_easy_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1)) }
            case .bytes(let bytes, let contentType):
                headers.append("Content-Type: \(contentType)")
                check(curlshim_easy_setopt_long(easy, CURLOPT_POST, 1))
                check(curlshim_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)))
                if oneShot {
                    let body = OneShotBody(bytes: bytes)
                    self.oneShot = body
                    check(curlshim_easy_setopt_data_fn(easy, CURLOPT_READFUNCTION, OneShotBody.readCallback))
                    check(curlshim_easy_setopt_pointer(easy, CURLOPT_READDATA, Unmanaged.passUnretained(body).toOpaque()))
                } else {
                    check(bytes.withUnsafeBytes { curlshim_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)) })
                }
            case .multipartFile(let field, let fileName, let path, let contentType):
                mime = curl_mime_init(easy)
                let part = curl_mime_addpart(mime)
                check(curl_mime_name(part, field))
                if oneShot {
                    let body = try OneShotBody(path: path)
                    self.oneShot = body
                    check(curl_mime_data_cb(part, curl_off_t(body.size), OneShotBody.readCallback, nil, nil,
                                            Unmanaged.passUnretained(body).toOpaque()))
                } else {
                    check(curl_mime_filedata(part, path))
                }
                check(curl_mime_filename(part, fileName))
                check(curl_mime_type(part, contentType))
                check(curlshim_easy_setopt_pointer(easy, CURLOPT_MIMEPOST, UnsafeRawPointer(mime)))
            case .multipartBytes(let field, let fileName, let bytes, let contentType):
                mime = curl_mime_init(easy)
                let part = curl_mime_addpart(mime)
                check(curl_mime_name(part, field))
                if oneShot {
                    let body = OneShotBody(bytes: bytes)
                    self.oneShot = body
                    check(curl_mime_data_cb(part, curl_off_t(body.size), OneShotBody.readCallback, nil, nil,
                                            Unmanaged.passUnretained(body).toOpaque()))
                } else {
                    check(bytes.withUnsafeBytes { buffer in
                        curl_mime_data(part, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
                    })
                }
                check(curl_mime_filename(part, fileName))
                check(curl_mime_type(part, contentType))
                check(curlshim_easy_setopt_pointer(easy, CURLOPT_MIMEPOST, UnsafeRawPointer(mime)))
            }
        }
        for header in headers { headerList = curl_slist_append(headerList, header) }
        check(curlshim_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, headerList))
        guard failed == CURLE_OK else {
            throw .internal("cannot prepare the request: \(String(cString: curl_easy_strerror(failed)))")
        }
        handle.errorBuffer[0] = 0
    }

    deinit {
        curl_slist_free_all(headerList)
        curl_mime_free(mime)
    }

    /// Reads what happened once curl has finished with the handle.
    func outcome(_ code: CURLcode) -> TransferOutcome {
        let easy = handle.raw
        var status = 0
        var requestSize = 0
        var connects = 0
        var totalTime: curl_off_t = 0
        var contentType: UnsafePointer<CChar>?
        curlshim_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        curlshim_easy_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &requestSize)
        curlshim_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        curlshim_easy_getinfo_offset(easy, CURLINFO_TOTAL_TIME_T, &totalTime)
        curlshim_easy_getinfo_string(easy, CURLINFO_CONTENT_TYPE, &contentType)
        var code = code
        var errorText = handle.errorBuffer[0] != 0 ? String(cString: handle.errorBuffer) : String(cString: curl_easy_strerror(code))
        if oneShot?.readFailed == true {
            code = CURLE_READ_ERROR
            errorText = "the file could not be read while it was being sent"
        } else if code == CURLE_SEND_FAIL_REWIND {
            // libcurl wanted to send the request again after its connection died: refused.
            errorText = "the connection closed after the request was sent, before any answer"
        }
        return TransferOutcome(
            code: code, status: status, body: sink.body, contentType: contentType.map { String(cString: $0) },
            retryAfterMs: status == 0 ? nil : header("Retry-After").flatMap(Transfer.retryAfterMs),
            location: (300..<400).contains(status) ? header("Location") : nil,
            requestSent: requestSize > 0 || status > 0 || code == CURLE_SEND_FAIL_REWIND, tooLarge: sink.exceeded, errorText: errorText,
            newConnections: connects, elapsedMs: Double(totalTime) / 1000)
    }

    private func header(_ name: String) -> String? {
        var found: UnsafeMutablePointer<curl_header>?
        guard curl_easy_header(handle.raw, name, 0, 1 /* CURLH_HEADER */, -1, &found) == CURLHE_OK,
              let found, let value = found.pointee.value else { return nil }
        return String(cString: value)
    }

    /// `Retry-After` as seconds or as an HTTP date.
    static func retryAfterMs(_ value: String) -> Int? {
        let trimmed = value.trimmingSpaces
        if let seconds = Int(trimmed) { return max(seconds, 0) * 1000 }
        let date = curl_getdate(trimmed, nil)
        guard date > 0 else { return nil }
        return max(Int(date - time(nil)), 0) * 1000
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

    /// RFC 3986: everything but the unreserved characters is percent-encoded (so `+`, `/` and
    /// `=` of base64 survive a query string).
    static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
