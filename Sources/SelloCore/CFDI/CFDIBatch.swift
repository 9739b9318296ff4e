/// cfdi_process_files: many requests of one operation over one curl multi handle. Each item is
/// prepared and read exactly as a single call of its operation (`CFDIOperation.prepare`), and has
/// the envelope such a call would have; an item that fails its local checks becomes its own error
/// envelope and is not sent.
struct CFDIBatchRequest: Sendable {
    let operation: CFDIOperation
    let items: [JSON]
    let concurrency: Int

    /// Every field is checked, and every problem reported (`Problems`): the error is the first.
    init(_ json: RequestObject) throws(SelloError) {
        let reader = try FieldReader(json, allowed: ["items", "concurrency", "operation"])
        var problems = Problems()
        let operation = problems.check { () throws(SelloError) in try CFDIBatchRequest.operation(reader) }
        let concurrency = problems.check { () throws(SelloError) in try CFDIBatchRequest.concurrency(reader) }
        let items = problems.check { () throws(SelloError) in try CFDIBatchRequest.items(reader, of: operation) }
        try problems.throwIfAny()
        guard let operation, let concurrency, let items else {
            throw .internal("process_files: a field without a value and without a problem")
        }
        (self.operation, self.concurrency, self.items) = (operation, concurrency, items)
    }

    static func concurrency(_ reader: FieldReader) throws(SelloError) -> Int {
        let concurrency = try reader.int("concurrency") ?? 8
        guard (1...64).contains(concurrency) else {
            throw .invalidArgument("concurrency must be between 1 and 64, got \(concurrency)", field: "concurrency")
        }
        return concurrency
    }

    /// The requests of the batch; `operation` (nil when unreadable) names what they must be.
    static func items(_ reader: FieldReader, of operation: CFDIOperation?) throws(SelloError) -> [JSON] {
        guard let items = try reader.array("items") else {
            let what = operation.map { "cfdi_\($0.name) requests" } ?? "requests of the operation"
            throw MissingField.library.error("items", message: "items is required: an array of \(what)")
        }
        guard items.count <= CFDIClient.maxBatchItems else {
            throw .invalidArgument(
                "items has \(items.count) requests; the limit is \(CFDIClient.maxBatchItems) per call", field: "items")
        }
        return items
    }

    static func operation(_ reader: FieldReader) throws(SelloError) -> CFDIOperation {
        guard let name = try reader.string("operation") else { return CFDIClient.processFile }
        guard let operation = CFDIOperation.batchable.first(where: { $0.name == name }) else {
            throw .invalidArgument(
                "operation \(Quote.value(name)) cannot run in a batch; one of "
                    + "\(CFDIOperation.batchable.map(\.name).joined(separator: ", "))",
                field: "operation")
        }
        return operation
    }
}

extension CFDIClient {
    public static let processFiles = AnyOperation(
        Operation<CFDIClient, CFDIBatchRequest>(
            "process_files",
            parse: { json, client, _ throws(SelloError) in
                // A batch of a client whose credentials were refused earlier is not sent at all.
                try client.checkCredentialsNotRefused()
                return try CFDIBatchRequest(json)
            },
            custom: { request, client, scope, facts in client.runBatch(request, scope: scope, facts: &facts) }))

    /// One item of a batch: its scope (the operation's name), what it found so far, what to send
    /// (nil for an item that ended before it was prepared: cancelled, or not sent after a refusal).
    private struct Item {
        let scope: CallScope
        var facts: CallFacts
        let prepared: CFDIPrepared?
    }

    /// Progress counts items (done, total), not bytes: each item refused locally is done when its
    /// turn comes, each one sent when its result is in.
    ///
    /// An item is read and prepared (its file read, its body built) only when the transport is
    /// about to send it, and dropped once its answer is read: a batch holds about `concurrency`
    /// items at once, not all of them (issue 18: 400 XML files of 985 KB, prepared first, cost
    /// 403 MB). Items are prepared in input order, so the stamp requests already made are known
    /// when each one is: one that is an earlier item's, byte for byte, is refused
    /// (`CFDIBatchRepeats`, which keeps digests, not requests).
    ///
    /// The first item goes alone (`performMany`): Prodigia locks an account after 3 failed logins
    /// (PRODIGIA_2026.md §1), and a batch with a wrong password sent at its concurrency would spend
    /// them all at once. Once an item's credentials are refused, the items not yet sent are not.
    func runBatch(_ request: CFDIBatchRequest, scope: CallScope, facts: inout CallFacts) -> JSON {
        var results = [JSON](repeating: .null, count: request.items.count)
        var live: [Int: Item] = [:]
        var repeats = CFDIBatchRepeats()
        let total = Int64(request.items.count)
        var done: Int64 = 0
        client.transport.performMany(count: request.items.count, scope: scope, concurrency: request.concurrency) {
            index in
            switch prepare(request, index, scope: scope, repeats: &repeats) {
            case .ready(let item):
                live[index] = item
                return item.prepared?.http
            case .refused(let envelope):
                results[index] = envelope
                done += 1
                scope.hooks.reportProgress(done: done, total: total)
                return nil
            }
        } completion: { index, exchange in
            var item =
                live.removeValue(forKey: index)
                ?? Item(scope: scope.item(request.operation.name), facts: CallFacts(), prepared: nil)
            let (envelope, error) = finish(&item, exchange)
            results[index] = envelope
            facts.attempts += item.facts.attempts
            done += 1
            scope.hooks.reportProgress(done: done, total: total)
            if let error, error.kind == .auth, exchange.attempts > 0 { return error.notSent }
            // Another call of this client, on another thread, may have had them refused meanwhile.
            return refusal.withLock { $0 }.map(CFDIClient.refusedEarlier)
        }
        let succeeded = results.filter { $0["ok"]?.boolValue == true }.count
        return [
            "results": .array(results), "succeeded": .int(Int64(succeeded)),
            "failed": .int(Int64(results.count - succeeded)),
        ]
    }

    private enum Preparation {
        case ready(Item)
        /// A local check refused it: its error envelope (it is not sent).
        case refused(JSON)
    }

    /// Item `index` read and checked, ready to send; or its error envelope.
    private func prepare(
        _ request: CFDIBatchRequest, _ index: Int, scope: CallScope, repeats: inout CFDIBatchRepeats
    ) -> Preparation {
        let itemScope = scope.item(request.operation.name)
        var found = ReadFacts()
        let item = RequestObject(request.items[index])
        var itemFacts = CallFacts()
        do throws(SelloError) {
            let prepared = try request.operation.prepare(self, item, &found)
            itemFacts.warnings = found.warnings
            try repeats.check(prepared.http, index: index)
            return .ready(Item(scope: itemScope, facts: itemFacts, prepared: prepared))
        } catch {
            // As for a single call (`ServiceClient.run`): its message may quote its secrets.
            itemScope.hooks.addSecrets(item.secretValues)
            itemFacts.warnings = found.warnings
            return .refused(Envelope.failure(error, scope: itemScope, facts: itemFacts))
        }
    }

    /// An item's envelope from what the transport did with it, and its error.
    private func finish(_ item: inout Item, _ exchange: Exchange) -> (JSON, SelloError?) {
        item.facts.add(exchange)
        var found = ReadFacts()
        let result = Result { () throws(SelloError) -> JSON in
            let response = try exchange.response.get()
            guard let prepared = item.prepared else { throw .internal("process_files: an answer to an unmade request") }
            return try prepared.read(response, item.scope.hooks.redactor, &found)
        }
        if found.serviceCode != nil { item.facts.serviceCode = found.serviceCode }
        item.facts.warnings += found.warnings
        switch result {
        case .success(let data): return (Envelope.success(data, scope: item.scope, facts: item.facts), nil)
        case .failure(let error):
            remember(error)
            return (Envelope.failure(error, scope: item.scope, facts: item.facts), error)
        }
    }
}

extension SelloError {
    /// This refusal of the credentials, for an item of a batch that was not sent because of it.
    fileprivate var notSent: SelloError {
        SelloError(
            kind, code,
            "not sent: the credentials were refused on an item of this batch, so no other item was sent "
                + "(Prodigia locks an account after 3 failed logins): \(message)",
            serviceCode: serviceCode, field: field)
    }
}
