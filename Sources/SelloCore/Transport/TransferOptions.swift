import CCurl
import CSelloShims

/// Sets options on an easy handle and keeps the first failure, checked once at the end.
struct CurlOptions {
    let easy: UnsafeMutableRawPointer
    private(set) var failure: CURLcode = CURLE_OK

    init(_ easy: UnsafeMutableRawPointer) { self.easy = easy }

    mutating func check(_ code: CURLcode) { if code != CURLE_OK && failure == CURLE_OK { failure = code } }
    mutating func set(_ option: CURLoption, _ value: Int) { check(curlshim_easy_setopt_long(easy, option, value)) }
    mutating func set(_ option: CURLoption, offset: curl_off_t) {
        check(curlshim_easy_setopt_offset(easy, option, offset))
    }
    /// libcurl copies string options (since 7.17): the temporary C string may go. `withCString`
    /// lends a native String's own bytes; passing the String as a pointer made a copy of each
    /// (six allocations a call; issue 13).
    mutating func set(_ option: CURLoption, _ text: String) {
        let easy = easy
        check(text.withCString { curlshim_easy_setopt_pointer(easy, option, $0) })
    }
    mutating func set(_ option: CURLoption, pointer: UnsafeRawPointer?) {
        check(curlshim_easy_setopt_pointer(easy, option, pointer))
    }
}

/// The option groups `Transfer.init` applies after `curl_easy_reset` (which keeps the live
/// connections): where to connect and how safely, where the answer goes, the method and body.
extension Transfer {
    static func setConnection(
        _ options: inout CurlOptions, settings: TransportSettings,
        share: UnsafeMutableRawPointer?, errorBuffer: UnsafeMutablePointer<CChar>
    ) {
        let config = settings.config
        options.set(CURLOPT_NOSIGNAL, 1)
        options.set(CURLOPT_SHARE, pointer: share)
        options.set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        options.set(CURLOPT_PROTOCOLS_STR, "http,https")
        // libcurl's own limit is connecting only (no CURLOPT_TIMEOUT_MS): the call's deadline is kept
        // by whoever runs the transfer (`EasyHandle.perform`, the batch), without the time spent in
        // the caller's callbacks. The client's setting: a kept handle keeps it too.
        options.set(CURLOPT_CONNECTTIMEOUT_MS, settings.config.connectTimeoutMs)
        options.set(CURLOPT_USERAGENT, config.userAgent)
        options.set(CURLOPT_SSL_VERIFYPEER, 1)
        options.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = settings.caFile { options.set(CURLOPT_CAINFO, caFile) }
        // An empty proxy turns off the *_proxy environment variables, and an empty no-proxy list
        // turns off NO_PROXY (issue 12, item 21): traffic goes only where the configuration says.
        options.set(CURLOPT_PROXY, config.proxySetting?.url ?? "")
        options.set(CURLOPT_NOPROXY, "")
        // Redirects are never followed: one could carry credentials to another origin.
        options.set(CURLOPT_FOLLOWLOCATION, 0)
        options.set(CURLOPT_TCP_KEEPALIVE, 1)
    }

    /// A transfer that sets only the options every plain transfer sets: no custom method, no
    /// upload progress, the body (if any) in memory. After one, the next plain transfer on the
    /// same handle needs no `curl_easy_reset`: each option it would leave behind is one the next
    /// sets again (the URL, answer data, method, body, headers, basic credentials) or the client's
    /// own, the same for every transfer of the handle's pool.
    static func isPlain(_ request: HTTPRequest, hooks: CallHooks) -> Bool {
        guard request.method != .put, !(request.reportsProgress && hooks.hasProgress) else { return false }
        switch request.body {
        case .none, .bytes: return true
        case .multipartFile, .multipartBytes, .base64File: return false
        }
    }

    /// Whether a transfer may keep the options `settled` on its handle. Only a plain one may;
    /// and one without basic credentials must not inherit the last one's (one with credentials
    /// sets them again).
    static func mayReuse(_ settled: SettledOptions, plain: Bool, basicAuth: Bool) -> Bool {
        plain && (basicAuth || !settled.basicAuth)
    }

    /// Where this transfer's answer goes and whose sendings are counted: the sink is new each
    /// transfer, the callbacks (set by `setAnswerCallbacks`) are not.
    func setAnswerData(_ options: inout CurlOptions) {
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        options.set(CURLOPT_WRITEDATA, pointer: sinkPointer)
        options.set(CURLOPT_PREREQDATA, pointer: sinkPointer)
    }

    /// The answer into `sink` (bounded), each sending counted, and upload progress if wanted.
    func setAnswerCallbacks(_ options: inout CurlOptions, reportsProgress: Bool, hooks: CallHooks) {
        options.check(curlshim_easy_setopt_data_fn(options.easy, CURLOPT_WRITEFUNCTION, ResponseSink.receive))
        // Counts each sending, and refuses libcurl's own re-send of a request that must not be
        // sent twice (see ResponseSink.countRequest).
        options.check(curlshim_easy_setopt_prereq_fn(options.easy, ResponseSink.countRequest))
        setAnswerData(&options)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        guard reportsProgress && hooks.hasProgress else { return }
        options.set(CURLOPT_NOPROGRESS, 0)
        options.set(CURLOPT_XFERINFODATA, pointer: sinkPointer)
        options.check(
            curlshim_easy_setopt_xferinfo_fn(
                options.easy,
                { context, _, _, uploadTotal, uploaded in
                    guard let context else { return 0 }
                    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
                    if sink.reportsUpload && uploaded > 0 {
                        sink.hooks.reportProgress(
                            done: Int64(uploaded), total: uploadTotal > 0 ? Int64(uploadTotal) : -1)
                    }
                    return 0
                }))
    }

    func setMethodAndBody(_ options: inout CurlOptions, method: HTTPMethod, body: HTTPBody) throws(SelloError) {
        switch method {
        case .get:
            options.set(CURLOPT_HTTPGET, 1)
            return
        case .put:
            options.set(CURLOPT_CUSTOMREQUEST, "PUT")
        case .post:
            break
        }
        switch body {
        case .none:
            options.set(CURLOPT_POST, 1)
            options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: 0)
            options.set(CURLOPT_POSTFIELDS, "")
        case .bytes(let bytes, _):
            options.set(CURLOPT_POST, 1)
            options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(bytes.count))
            bytes.withUnsafeBytes {
                options.set(CURLOPT_COPYPOSTFIELDS, pointer: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
            }
        case .multipartFile(let field, let fileName, let path, let contentType):
            // Streamed from disk, never read whole, and stopped if the file changes meanwhile.
            let file = try FileSource(path: path, field: "file_path")
            sink.file = file
            addPart(&options, field: field, fileName: fileName, contentType: contentType) { part in
                curl_mime_data_cb(part, curl_off_t(file.size), FileSource.read, FileSource.seek, nil, file.context)
            }
        case .multipartBytes(let field, let fileName, let bytes, let contentType):
            addPart(&options, field: field, fileName: fileName, contentType: contentType) { part in
                bytes.withUnsafeBytes { buffer in
                    curl_mime_data(part, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
                }
            }
        case .base64File(let prefix, let path, let suffix, _):
            let body = try Base64FileBody(prefix: prefix, path: path, suffix: suffix)
            fileBody = body
            let bodyPointer = Unmanaged.passUnretained(body).toOpaque()
            options.set(CURLOPT_POST, 1)
            // With a read function and a size, curl sends Content-Length (not chunked).
            options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.length))
            options.check(curlshim_easy_setopt_data_fn(options.easy, CURLOPT_READFUNCTION, Base64FileBody.readCallback))
            options.set(CURLOPT_READDATA, pointer: bodyPointer)
            options.check(curlshim_easy_setopt_seek_fn(options.easy, Base64FileBody.seekCallback))
            options.set(CURLOPT_SEEKDATA, pointer: bodyPointer)
        }
    }

    /// The header lines a request is sent with: its own, then, with a body, an empty `Expect:` (curl
    /// does not wait for "100 Continue" before large bodies) and the body's Content-Type (a
    /// multipart body's is curl's).
    static func headerLines(_ request: borrowing HTTPRequest) -> HeaderLines {
        guard request.method != .get else {
            return HeaderLines(request: request.headers, expect: false, contentType: nil)
        }
        let contentType: String?
        switch request.body {
        case .bytes(_, let type), .base64File(_, _, _, let type): contentType = type
        case .none, .multipartFile, .multipartBytes: contentType = nil
        }
        return HeaderLines(request: request.headers, expect: true, contentType: contentType)
    }

    /// The Content-Type header line. The services' usual types are written out whole: a literal
    /// needs no allocation, where joining the two made one a call (issue 13).
    static func contentTypeHeader(_ contentType: String) -> String {
        switch contentType {
        case "application/json": return "Content-Type: application/json"
        case "application/json; charset=utf-8": return "Content-Type: application/json; charset=utf-8" // FES
        case "application/xml": return "Content-Type: application/xml"
        default: return "Content-Type: " + contentType
        }
    }

    /// A one-part multipart body whose data `setData` attaches (curl copies `curl_mime_data`).
    private func addPart(
        _ options: inout CurlOptions, field: String, fileName: String, contentType: String,
        setData: (OpaquePointer?) -> CURLcode
    ) {
        mime = curl_mime_init(options.easy)
        let part = curl_mime_addpart(mime)
        options.check(curl_mime_name(part, field))
        options.check(setData(part))
        options.check(curl_mime_filename(part, fileName))
        options.check(curl_mime_type(part, contentType))
        options.set(CURLOPT_MIMEPOST, pointer: UnsafeRawPointer(mime))
    }
}
