import CCurl
import CSelloShims
import Synchronization

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

    init?() {
        guard CurlGlobal.initialized, let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }
}

/// A client's easy handles and the share object (DNS cache and TLS sessions) they use.
/// curl does not support sharing the connection cache between concurrent threads, so each
/// handle keeps its own connections; checking out the most recently used handle keeps one
/// connection hot for sequential callers.
final class HandlePool: @unchecked Sendable {
    // @unchecked: `share` is created once and only used through curl's own locks.
    private let share: OpaquePointer
    private let idle = Mutex<[EasyHandle]>([])
    private let maxIdle: Int

    init(maxIdle: Int = 64) throws(SelloError) {
        guard CurlGlobal.initialized else { throw .internal("curl_global_init failed") }
        guard let share = curlshim_share_new() else { throw .internal("curl_share_init failed") }
        self.share = share
        self.maxIdle = maxIdle
    }

    var shareHandle: UnsafeMutableRawPointer? { curlshim_share_handle(share) }

    func checkout() throws(SelloError) -> EasyHandle {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        guard let handle = EasyHandle() else { throw .internal("curl_easy_init failed") }
        return handle
    }

    func checkin(_ handle: EasyHandle) {
        let overflow: EasyHandle? = idle.withLock { handles in
            guard handles.count < maxIdle else { return handle }
            handles.append(handle)
            return nil
        }
        _ = overflow // released here, outside the lock
    }

    deinit {
        // Every easy handle must be gone before the share they point to.
        idle.withLock { $0.removeAll() }
        curlshim_share_free(share)
    }
}
