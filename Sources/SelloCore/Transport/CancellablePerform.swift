import CCurl
import CSelloShims

/// How one transfer on an easy handle ended.
enum PerformResult {
    case finished(CURLcode)
    /// `*_client_cancel` reached the call while the transfer was running.
    case cancelled
}

extension EasyHandle {
    /// Runs the transfer set up on this handle to its end, as curl_easy_perform would, but in the
    /// handle's own multi handle, waiting at most a second at a time and woken at once by a
    /// cancellation (curl_multi_wakeup): a cancelled call returns within milliseconds.
    func perform(cancel: CancelToken) -> PerformResult {
        guard !cancel.isCancelled else { return .cancelled }
        guard curl_multi_add_handle(multi, raw) == CURLM_OK else { return .finished(curl_easy_perform(raw)) }
        defer { curl_multi_remove_handle(multi, raw) }
        return cancel.waiting(in: multi) { () -> PerformResult in
            while true {
                var running: Int32 = 0
                let performed = curl_multi_perform(multi, &running)
                var done: UnsafeMutableRawPointer?
                var code = CURLE_OK
                if curlshim_multi_next_done(multi, &done, &code) != 0 { return .finished(code) }
                if cancel.isCancelled { return .cancelled }
                guard performed == CURLM_OK else { return .finished(CURLE_FAILED_INIT) }
                _ = curl_multi_poll(multi, nil, 0, 1000, nil)
            }
        }
    }
}
