import CCurl
import CSelloShims
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// libcurl's global state, initialised once before any thread uses curl (curl_global_init is
/// not thread-safe; Swift runs a static initialiser exactly once).
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// One libcurl easy handle. Used by one thread at a time: it lives in a pool and is checked
/// out for a call. It keeps its own live connections across calls (keep-alive).
final class EasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// The multi handle a single call waits in (what curl_easy_perform does inside, made ours so
    /// that a cancellation can wake it: `CancelToken`). It holds this handle's live connections,
    /// so the pair stays together for the handle's life.
    let multi: UnsafeMutableRawPointer
    /// What the last transfer left set, when it was plain (`Transfer.isPlain`) and all its
    /// options were set: the next plain one sets only what changes. nil: reset before use.
    /// Unchecked at run time: only the thread that checked the handle out uses it (issue 13: the
    /// checks cost some 150 instructions a call).
    @exclusivity(unchecked) var settled: SettledOptions?
    /// The header list the handle's transfers send (CURLOPT_HTTPHEADER) and the lines it was made
    /// from: a transfer with the same lines sets it again instead of making a new one (issue 13:
    /// making and freeing it cost some 1,500 instructions a call).
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var headerLines: HeaderLines?
    /// The URL its transfers go to, parsed (CURLOPT_CURLU), and the request URL it was parsed
    /// from: see `setURL`. nil when the last one could not be parsed here (libcurl parses the text).
    private(set) var parsedURL: OpaquePointer?
    private var parsedFrom: RequestURL?

    init?() {
        guard CurlGlobal.initialized, let raw = curl_easy_init() else { return nil }
        guard let multi = curl_multi_init() else {
            curl_easy_cleanup(raw)
            return nil
        }
        self.raw = raw
        self.multi = multi
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_multi_cleanup(multi) // the easy handle is never left in it (see `perform`)
        curl_easy_cleanup(raw)
        curl_slist_free_all(headerList)
        curl_url_cleanup(parsedURL) // after the easy handle, which pointed to it
        errorBuffer.deallocate()
    }

    /// Points the handle's transfers at `url`. Given the URL as text only, libcurl parses it and
    /// joins its parts again into a normalised text on every transfer, even on a handle that sends
    /// the same URL each time; handed the URL parsed (CURLOPT_CURLU), it copies the parsed parts
    /// (issue 13: some 16,000 instructions a call, a fifth of libcurl's work). Parsed here with
    /// the flags libcurl parses CURLOPT_URL with; a URL this parse refuses is left to libcurl as
    /// text alone, so that it fails there as it always did. The text is set as well, after the
    /// parsed URL (which newer libcurl lets clear it): libcurl 7.88 reports as the transfer's URL
    /// the last text it was given, and without it would report an earlier URL of the handle.
    func setURL(_ url: RequestURL, _ options: inout CurlOptions) {
        let text = url.text
        if parsedFrom.map({ $0 != url }) ?? true {
            let old = parsedURL
            parsedURL = EasyHandle.parse(text)
            parsedFrom = url
            options.set(CURLOPT_CURLU, pointer: parsedURL.map { UnsafeRawPointer($0) })
            curl_url_cleanup(old) // the handle points to the new one (or to none) now
        } else {
            options.set(CURLOPT_CURLU, pointer: parsedURL.map { UnsafeRawPointer($0) })
        }
        options.set(CURLOPT_URL, text)
    }

    /// `text` parsed as libcurl parses CURLOPT_URL (url.c, `parseurlandfillconn`), or nil.
    static func parse(_ text: String) -> OpaquePointer? {
        guard let parsed = curl_url() else { return nil }
        let flags = UInt32(CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME)
        guard curl_url_set(parsed, CURLUPART_URL, text, flags) == CURLUE_OK else {
            curl_url_cleanup(parsed)
            return nil
        }
        return parsed
    }

    /// Sets the header list of `lines` on the handle, made anew only when they differ from the
    /// last one's. The old list is freed once the handle points at the new one.
    func setHeaders(_ lines: HeaderLines, _ options: inout CurlOptions) {
        if let headerLines, headerLines == lines {
            options.set(CURLOPT_HTTPHEADER, pointer: headerList)
            return
        }
        var list: UnsafeMutablePointer<curl_slist>?
        var complete = true
        func append(_ line: UnsafePointer<CChar>) {
            if let longer = curl_slist_append(list, line) { list = longer } else { complete = false }
        }
        for line in lines.request { line.withCString(append) }
        if lines.expect { append("Expect:") }
        if let contentType = lines.contentType { Transfer.contentTypeHeader(contentType).withCString(append) }
        // A line that could not be added (no memory) fails the transfer: it is never sent without it.
        if !complete { options.check(CURLE_OUT_OF_MEMORY) }
        options.set(CURLOPT_HTTPHEADER, pointer: list)
        curl_slist_free_all(headerList)
        headerList = list
        headerLines = complete ? lines : nil
    }
}

/// The header lines of a request (`Transfer.headerLines`), compared byte for byte: a handle sends
/// again the list it made for equal ones.
struct HeaderLines: Equatable {
    /// The request's own lines.
    let request: [String]
    /// An empty `Expect:` follows (a request with a body).
    let expect: Bool
    /// A `Content-Type:` line with this type follows.
    let contentType: String?

    static func == (lhs: HeaderLines, rhs: HeaderLines) -> Bool {
        guard lhs.expect == rhs.expect, lhs.request.count == rhs.request.count else { return false }
        switch (lhs.contentType, rhs.contentType) {
        case (nil, nil): break
        case (let mine?, let theirs?): guard mine.hasSameUTF8(as: theirs) else { return false }
        default: return false
        }
        return zip(lhs.request, rhs.request).allSatisfy { $0.hasSameUTF8(as: $1) }
    }
}

/// The options a plain transfer left on its handle (`Transfer.mayReuse`): the rest are the
/// client's own, the same for every transfer of the handle's pool.
struct SettledOptions: Equatable {
    let url: RequestURL
    let basicAuth: Bool
}

/// A client's easy handles and the share object (DNS cache and TLS sessions) they use.
/// curl does not support sharing the connection cache between concurrent threads, so each
/// handle keeps its own connections; checking out the most recently used handle keeps one
/// connection hot for sequential callers.
///
/// The idle handles are kept in shards (`Shards`), and a thread checks out from and back into
/// the shard its identity picks: with one lock for the client, every call of every thread
/// took it twice, and under eight threads it was where calls waited (issue 13, row 3 of
/// `make bench`). A thread finds its own last handle first, so a sequential caller still reuses
/// one hot connection; a shard with nothing idle borrows from the others before a new handle
/// is made.
final class HandlePool: @unchecked Sendable {
    // @unchecked: `share` is created once and only used through curl's own locks.
    private let share: OpaquePointer
    private let idle: Shards<[EasyHandle]>
    /// Idle handles kept per shard (`maxIdle` in all); the rest are released.
    private let maxIdlePerShard: Int
    /// The process that made the pool: its connections, TLS sessions and locks are that
    /// process's (see `ProcessPool`).
    let pid = ProcessID.current

    static let shardCount = 8

    init(maxIdle: Int = 64) throws(SelloError) {
        guard CurlGlobal.initialized else { throw .internal("curl_global_init failed") }
        guard let share = curlshim_share_new() else { throw .internal("curl_share_init failed") }
        self.share = share
        idle = Shards(count: HandlePool.shardCount) { [] }
        maxIdlePerShard = max(1, maxIdle / HandlePool.shardCount)
    }

    var shareHandle: UnsafeMutableRawPointer? { curlshim_share_handle(share) }

    func checkout() throws(SelloError) -> EasyHandle {
        if let handle = idle.first(from: idle.threadShard, { $0.popLast() }) { return handle }
        guard let handle = EasyHandle() else { throw .internal("curl_easy_init failed") }
        return handle
    }

    /// Back into the thread's own shard, or, when that one is full (a batch checks in many handles
    /// from one thread), into the next with room, so that up to `maxIdle` live connections are
    /// kept as before the split; past that the handle is released (when the caller's reference
    /// goes, outside every lock).
    func checkin(_ handle: EasyHandle) {
        _ = idle.first(from: idle.threadShard) { handles -> Bool? in
            guard handles.count < maxIdlePerShard else { return nil }
            handles.append(handle)
            return true
        }
    }

    /// How many handles are idle now (for tests).
    var idleCount: Int { idle.sum { $0.count } }

    deinit {
        // Every easy handle must be gone before the share they point to.
        for index in 0..<idle.count { idle.withLock(index) { $0.removeAll() } }
        curlshim_share_free(share)
    }
}

/// A client's handle pool for the process that uses it (issue 12, item 9). After fork() the child
/// inherits the parent's pooled keep-alive connections — the same sockets — and the two processes
/// would read each other's answers. A process whose pid differs from the pool's makes a fresh
/// pool and abandons the inherited one without cleaning it up: curl_easy_cleanup would send the
/// parent's TLS sessions a close_notify, and the inherited locks may have been held by a parent
/// thread at the moment of fork(). The abandoned pool (a few file descriptors) is never freed.
/// Lock-free: a Mutex inherited locked by fork() would hang the child.
final class ProcessPool: Sendable {
    /// The current pool, retained, as the bits of its pointer (Atomic needs a Sendable value).
    private let current: Atomic<Int>

    init() throws(SelloError) {
        current = Atomic(Int(bitPattern: Unmanaged.passRetained(try HandlePool()).toOpaque()))
    }

    private static func pool(_ bits: Int) -> Unmanaged<HandlePool>? {
        UnsafeMutableRawPointer(bitPattern: bits).map { Unmanaged<HandlePool>.fromOpaque($0) }
    }

    /// The pool of this process.
    func pool() throws(SelloError) -> HandlePool {
        let bits = current.load(ordering: .acquiring)
        guard let pool = ProcessPool.pool(bits)?.takeUnretainedValue() else { throw .internal("no handle pool") }
        if pool.pid == ProcessID.current { return pool }
        let fresh = Unmanaged.passRetained(try HandlePool())
        let (exchanged, found) = current.compareExchange(
            expected: bits, desired: Int(bitPattern: fresh.toOpaque()),
            ordering: .acquiringAndReleasing)
        if exchanged { return fresh.takeUnretainedValue() } // the inherited pool is abandoned
        fresh.release() // another thread of this process was first
        guard let winner = ProcessPool.pool(found)?.takeUnretainedValue() else { throw .internal("no handle pool") }
        return winner
    }

    deinit {
        guard let pool = ProcessPool.pool(current.load(ordering: .acquiring)) else { return }
        if pool.takeUnretainedValue().pid == ProcessID.current { pool.release() }
    }
}

/// This process's id, as getpid() says, without a system call each time it is asked: glibc no
/// longer caches it, and `ProcessPool.pool` asks on every call (issue 13: one system call a call,
/// the only one besides the transfer's own). Read once, and read again in the child of every
/// fork() that runs the pthread_atfork handlers (fork() does, and so does Python's os.fork; a
/// child made by posix_spawn or vfork runs none of this library's code before it execs).
enum ProcessID {
    static var current: pid_t {
        // Without the handler (pthread_atfork failed), asked every time as before.
        guard ProcessID.refreshedAfterFork else { return getpid() }
        return cached.load(ordering: .acquiring)
    }

    private static let cached = Atomic<pid_t>(getpid())

    /// Registered before `cached` is first read, so that no fork comes between the two unseen.
    private static let refreshedAfterFork: Bool =
        pthread_atfork(nil, nil, { ProcessID.cached.store(getpid(), ordering: .releasing) }) == 0
}
