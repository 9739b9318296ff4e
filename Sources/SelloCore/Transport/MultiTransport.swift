import CCurl
import CSelloShims

/// The batch path of `HTTPTransport`: many requests over one curl multi handle. Each attempt
/// is a `Transfer` on a pooled easy handle, judged by the same `judge` as `perform`, so a batch
/// request is sent, retried (or not re-sent) exactly as a single one would be.
///
/// Timeouts are the batch's own, not libcurl's (issue 12, item 12): every request has the deadline
/// of a call (`CallDeadline`, from its first launch), from which the time the thread spends in the
/// caller's callbacks is deducted; and finished transfers are read before any deadline is judged.
/// A slow log callback therefore never turns an answer that arrived into a timeout.
extension HTTPTransport {
    /// Runs `count` requests with at most `concurrency` in flight, on the calling thread
    /// (callbacks and logs included). `request(position)` makes request `position` when it is
    /// about to be sent for the first time, in input order; nil when the caller has ended that
    /// one itself (refused locally): it is not sent, `completion` is not called for it, and it
    /// takes no slot. The batch holds a request from then until it completes, and drops it (and
    /// its answer) once `completion` returns, so that what a batch holds follows `concurrency`,
    /// not its length (issue 18: 400 XML files of 985 KB, all prepared first, cost 403 MB).
    ///
    /// `completion(position, exchange)` is called once per request not refused, as each one
    /// finishes, in completion order, with what happened to it (its answer or error, its
    /// requests on the wire); a request that ends before it was made (cancelled, not sent) is
    /// never made. A retry is queued again after its delay; a request that may have reached the
    /// service is re-sent only when its `replay` allows it.
    ///
    /// The first request goes alone (the first made: one the caller refused does not count), the
    /// others once it is done: when `completion` returns an
    /// error, the requests not yet sent end with it and are not sent (a refusal of the credentials
    /// on the first: a service that locks an account after a few failed logins would otherwise
    /// see one per slot at once).
    /// - Parameter scope: the batch call's (its items share its callbacks and cancellation).
    public func performMany(
        count: Int, scope: CallScope, concurrency: Int, request: (Int) -> HTTPRequest?,
        completion: (Int, Exchange) -> SelloError?
    ) {
        guard count > 0 else { return }
        let pool: HandlePool
        do {
            pool = try pools.pool()
        } catch {
            for position in 0..<count { _ = completion(position, Exchange(.failure(error))) }
            return
        }
        guard CurlGlobal.initialized, let multi = curl_multi_init() else {
            for position in 0..<count {
                _ = completion(position, Exchange(.failure(.internal("curl_multi_init failed"))))
            }
            return
        }
        // Every easy handle has been removed by then.
        defer { curl_multi_cleanup(multi) }
        var batch = Batch(
            transport: self, pool: pool, multi: multi, count: count, hooks: scope.hooks,
            limit: min(max(concurrency, 1), count))
        // A cancellation wakes the batch's multi handle.
        scope.cancel.waiting(in: multi) { batch.run(cancel: scope.cancel, request, completion) }
    }

    static func millisecondsUntil(_ instant: ContinuousClock.Instant) -> Int {
        let remaining = instant - ContinuousClock.now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}

/// The state of one `performMany`: which requests wait, run or are done, and what each one did
/// so far (its `Exchange`: requests on the wire, last status), so that every completion carries
/// the facts of all its attempts. Only the requests made and not yet completed are held
/// (`started`): nothing of a request outlives its completion.
private struct Batch {
    struct Waiting {
        let position: Int
        let retriesDone: Int
        let readyAt: ContinuousClock.Instant
        /// Why it waits to be sent again (nil: never sent).
        var lastError: SelloError? = nil
    }
    struct Running {
        let position: Int
        let retriesDone: Int
        let request: HTTPRequest
        let handle: EasyHandle
        let transfer: Transfer
    }
    /// A request from when it is made (its first launch) to its completion.
    struct Started {
        let request: HTTPRequest
        /// Set once the request has been checked and its clock started.
        var deadline: CallDeadline? = nil
        var exchange = Exchange(.failure(.internal("not run")))
    }
    typealias Source = (Int) -> HTTPRequest?
    typealias Completion = (Int, Exchange) -> SelloError?

    let transport: HTTPTransport
    let pool: HandlePool
    let multi: UnsafeMutableRawPointer
    let count: Int
    let hooks: CallHooks
    let limit: Int
    // Requests not yet sent go in input order; retries wait in `retrying` until their delay is
    // over and then go first.
    var nextFresh = 0
    var retrying: [Waiting] = []
    var running: [UnsafeMutableRawPointer: Running] = [:]
    var started: [Int: Started] = [:]
    /// Whether a request has completed: until then the first runs alone.
    var anyCompleted = false
    /// What a completion ended the batch with: the requests not yet sent fail with it.
    var stop: SelloError?

    init(
        transport: HTTPTransport, pool: HandlePool, multi: UnsafeMutableRawPointer, count: Int, hooks: CallHooks,
        limit: Int
    ) {
        self.transport = transport
        self.pool = pool
        self.multi = multi
        self.count = count
        self.hooks = hooks
        self.limit = limit
        _ = curlshim_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, limit) // one cached connection per slot
    }

    mutating func run(cancel: CancelToken, _ source: Source, _ completion: Completion) {
        while nextFresh < count || !retrying.isEmpty || !running.isEmpty {
            if cancel.isCancelled {
                cancelRest(completion)
                return
            }
            if let stop { failUnsent(stop, completion) }
            // Start what may start: the first request alone, then up to the limit. A launch runs the
            // caller's log callback, which may cancel the batch: nothing more starts then.
            while running.count < slots, !cancel.isCancelled, let item = nextReady() {
                launch(item, cancel: cancel, source, completion)
            }
            if cancel.isCancelled { continue }
            if running.isEmpty {
                // Only retries waiting for their delay.
                guard let soonest = retrying.map(\.readyAt).min() else { continue }
                _ = cancel.sleep(milliseconds: HTTPTransport.millisecondsUntil(soonest))
                continue
            }
            guard step(completion) else { return }
        }
    }

    /// Lets libcurl work, reads what finished, then judges deadlines, then waits for activity.
    /// False when the multi handle itself failed (everything left is then failed).
    mutating func step(_ completion: Completion) -> Bool {
        // What finished is read first; only then are deadlines judged.
        let performed = performAndReadFinished(completion)
        if performed != CURLM_OK {
            abandon(
                SelloError.internal(
                    "curl_multi_perform failed: \(String(cString: curl_multi_strerror(performed)))"), completion)
            return false
        }
        for (easy, item) in running where (started[item.position]?.deadline?.remainingMs ?? 1) <= 0 {
            finish(easy, .finished(CURLE_OPERATION_TIMEDOUT), completion)
        }
        // A slot freed with an item ready: back to `run` to fill it now. Waiting first would leave
        // it empty until another transfer woke the wait (up to a second): a batch of concurrency 2
        // then went one request at a time after its second round.
        if !running.isEmpty && !(running.count < slots && hasReady) {
            let waitMs = Int32(clamping: nextWakeMs())
            if waitMs > 0 { curl_multi_poll(multi, nil, 0, waitMs, nil) }
        }
        return true
    }

    /// Whether `nextReady` has an item now (without taking it).
    var hasReady: Bool {
        if stop == nil && nextFresh < count { return true }
        let now = ContinuousClock.now
        return retrying.contains { $0.readyAt <= now }
    }

    /// How many requests may run now: the first alone, then up to the limit.
    var slots: Int { anyCompleted ? limit : 1 }

    /// Lets libcurl work once and finishes every transfer it reports done; what libcurl said.
    mutating func performAndReadFinished(_ completion: Completion) -> CURLMcode {
        var active: Int32 = 0
        let performed = curl_multi_perform(multi, &active)
        var easy: UnsafeMutableRawPointer?
        var code = CURLE_OK
        while curlshim_multi_next_done(multi, &easy, &code) != 0 {
            if let easy { finish(easy, .finished(code), completion) }
        }
        return performed
    }

    mutating func nextReady() -> Waiting? {
        let now = ContinuousClock.now
        if let index = retrying.firstIndex(where: { $0.readyAt <= now }) { return retrying.remove(at: index) }
        guard nextFresh < count else { return nil }
        nextFresh += 1
        return Waiting(position: nextFresh - 1, retriesDone: 0, readyAt: now)
    }

    /// Network activity, a deadline or the next retry, whichever comes first (at most a second).
    func nextWakeMs() -> Int {
        var wait = 1000
        for item in running.values {
            if let remaining = started[item.position]?.deadline?.remainingMs { wait = min(wait, max(remaining, 1)) }
        }
        // A retry only counts when it could start: with the first request still alone, waking
        // for it would ask libcurl again and again until that request ends (a busy loop).
        if running.count < slots, let soonest = retrying.map(\.readyAt).min() {
            wait = min(wait, HTTPTransport.millisecondsUntil(soonest))
        }
        return wait
    }

    /// Sends `item` (made by `source` on its first launch; not sent when the caller refused it).
    mutating func launch(_ item: Waiting, cancel: CancelToken, _ source: Source, _ completion: Completion) {
        guard let request = request(item.position, source) else { return }
        do throws(SelloError) {
            if started[item.position]?.deadline == nil {
                try transport.prepare(request, hooks: hooks)
                started[item.position]?.deadline = CallDeadline(
                    hooks: hooks, timeoutMs: transport.settings.config.timeoutMs)
            }
            try started[item.position]?.deadline?.checkTimeLeft()
            transport.logRequest(request, hooks: hooks, attempt: item.retriesDone + 1)
            guard !cancel.isCancelled else { throw Batch.cancelledUnsent(item) }
            let handle = try pool.checkout()
            do throws(SelloError) {
                let transfer = try Transfer(
                    handle: handle, request: request, url: RequestURL(request, settings: transport.settings),
                    settings: transport.settings,
                    share: pool.shareHandle, hooks: hooks)
                guard curl_multi_add_handle(multi, handle.raw) == CURLM_OK else {
                    throw .internal("curl_multi_add_handle failed")
                }
                running[handle.raw] = Running(
                    position: item.position, retriesDone: item.retriesDone, request: request, handle: handle,
                    transfer: transfer)
            } catch {
                pool.checkin(handle)
                throw error
            }
        } catch {
            complete(item.position, .failure(error), completion)
        }
    }

    /// The request at `position`: the one made at its first launch, or a new one made now (nil:
    /// the caller refused it, so it is not sent).
    mutating func request(_ position: Int, _ source: Source) -> HTTPRequest? {
        if let known = started[position]?.request { return known }
        guard let made = source(position) else { return nil }
        started[position] = Started(request: made)
        return made
    }

    mutating func finish(_ easy: UnsafeMutableRawPointer, _ result: PerformResult, _ completion: Completion) {
        guard let item = running.removeValue(forKey: easy) else { return }
        curl_multi_remove_handle(multi, easy)
        let outcome = item.transfer.outcome(result)
        pool.checkin(item.handle)
        started[item.position]?.exchange.attempts += outcome.requestsStarted
        if outcome.status > 0 { started[item.position]?.exchange.httpStatus = outcome.status }
        var verdict = transport.judge(outcome, request: item.request, retriesDone: item.retriesDone, hooks: hooks)
        if let deadline = started[item.position]?.deadline { verdict = deadline.bounded(verdict) }
        switch verdict {
        case .answer(let response):
            complete(item.position, .success(response), completion)
        case .retry(let error, let delayMs):
            transport.logRetry(item.retriesDone + 1, delayMs: delayMs, after: error, hooks: hooks)
            retrying.append(
                Waiting(
                    position: item.position, retriesDone: item.retriesDone + 1, readyAt: .now + .milliseconds(delayMs),
                    lastError: error))
        case .fail(let error):
            complete(item.position, .failure(error), completion)
        }
    }

    /// Ends the request at `position`: what the batch held of it is dropped as it is handed over.
    mutating func complete(_ position: Int, _ response: Result<HTTPResponse, SelloError>, _ completion: Completion) {
        var exchange = started.removeValue(forKey: position)?.exchange ?? Exchange(.failure(.internal("not run")))
        exchange.response = response
        anyCompleted = true
        if let error = completion(position, exchange), stop == nil { stop = error }
    }

    /// A completion ended the batch: what waits to be sent, or to be sent again, is not. A request
    /// waiting to be sent again was sent: it ends with its own last error.
    mutating func failUnsent(_ error: SelloError, _ completion: Completion) {
        let waiting = retrying
        let unsent = nextFresh..<count
        retrying.removeAll()
        nextFresh = count
        for item in waiting {
            let own = item.lastError.map { $0.notSentAgain(because: error) } ?? error
            complete(item.position, .failure(own), completion)
        }
        for position in unsent { complete(position, .failure(error), completion) }
    }

    /// The error of an item that was about to be sent when the batch was cancelled.
    static func cancelledUnsent(_ item: Waiting) -> SelloError {
        item.retriesDone > 0 ? .cancelledBeforeRetry(after: item.lastError?.code) : .cancelled(nil, requestSent: false)
    }

    /// The batch was cancelled: the items that finished keep their results (already given to
    /// `completion`), and so do those whose answer had already arrived; the others end as
    /// `cancelled` — sent or not, as each one's error says. Transfers that have not sent their
    /// request are stopped first, so that reading what arrived sends nothing more.
    mutating func cancelRest(_ completion: Completion) {
        for (easy, item) in running where item.transfer.sink.requestStarts == 0 { finish(easy, .cancelled, completion) }
        if !running.isEmpty { _ = performAndReadFinished(completion) }
        for easy in Array(running.keys) { finish(easy, .cancelled, completion) }
        for item in retrying {
            complete(item.position, .failure(.cancelledBeforeRetry(after: item.lastError?.code)), completion)
        }
        retrying.removeAll()
        for position in nextFresh..<count {
            complete(position, .failure(.cancelled(nil, requestSent: false)), completion)
        }
        nextFresh = count
    }

    /// The multi handle itself failed: what ran in it and what was still to run is lost (a
    /// transfer in flight may have reached the service: it is not re-sent).
    mutating func abandon(_ error: SelloError, _ completion: Completion) {
        for (easy, item) in running {
            curl_multi_remove_handle(multi, easy)
            pool.checkin(item.handle)
            complete(item.position, .failure(error), completion)
        }
        running.removeAll()
        for item in retrying { complete(item.position, .failure(error), completion) }
        for position in nextFresh..<count { complete(position, .failure(error), completion) }
    }
}

extension SelloError {
    /// This attempt's error, for a request that waited to be sent again when the batch stopped.
    fileprivate func notSentAgain(because stop: SelloError) -> SelloError {
        var error = self
        error.message += "; it was not sent again: another item of the batch stopped it (\(stop.code))"
        return error
    }
}
