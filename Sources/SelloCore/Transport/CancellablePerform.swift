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
    ///
    /// The call's `deadline` is kept here, not by libcurl's CURLOPT_TIMEOUT_MS: libcurl's clock
    /// would count the time spent in the caller's progress callback, which runs inside
    /// curl_multi_perform and is not the service's (API.md: timeout_ms does not count it). What
    /// finished is read before the deadline is judged, as in a batch.
    func perform(cancel: CancelToken, deadline: CallDeadline) -> PerformResult {
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
                let remaining = deadline.remainingMs
                guard remaining > 0 else { return .finished(CURLE_OPERATION_TIMEDOUT) }
                _ = curl_multi_poll(multi, nil, 0, Int32(clamping: min(remaining, 1000)), nil)
            }
        }
    }
}
