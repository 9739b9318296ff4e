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

    /// One item of a batch: its scope (the operation's name), what it found so far, what to send.
    private struct Item {
        let index: Int
        let scope: CallScope
        var facts: CallFacts
        let prepared: CFDIPrepared
    }

    /// Progress counts items (done, total), not bytes: each item refused locally is done at once,
    /// each one sent when its result is in.
    ///
    /// The first item goes alone (`performMany`): Prodigia locks an account after 3 failed logins
    /// (PRODIGIA_2026.md §1), and a batch with a wrong password sent at its concurrency would spend
    /// them all at once. Once an item's credentials are refused, the items not yet sent are not.
    func runBatch(_ request: CFDIBatchRequest, scope: CallScope, facts: inout CallFacts) -> JSON {
        var results = [JSON](repeating: .null, count: request.items.count)
        var ready: [Item] = []
        for (index, json) in request.items.enumerated() {
            let itemScope = scope.item(request.operation.name)
            var found = ReadFacts()
            let item = RequestObject(json)
            do throws(SelloError) {
                let prepared = try request.operation.prepare(self, item, &found)
                var itemFacts = CallFacts()
                itemFacts.warnings = found.warnings
                ready.append(Item(index: index, scope: itemScope, facts: itemFacts, prepared: prepared))
            } catch {
                // As for a single call (`ServiceClient.run`): its message may quote its secrets.
                itemScope.hooks.addSecrets(item.secretValues)
                var itemFacts = CallFacts()
                itemFacts.warnings = found.warnings
                results[index] = Envelope.failure(error, scope: itemScope, facts: itemFacts)
            }
        }
        let total = Int64(request.items.count)
        var done = Int64(request.items.count - ready.count)
        if done > 0 { scope.hooks.reportProgress(done: done, total: total) }
        client.transport.performMany(ready.map(\.prepared.http), scope: scope, concurrency: request.concurrency) {
            position, exchange in
            var item = ready[position]
            let (envelope, error) = finish(&item, exchange)
            results[item.index] = envelope
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

    /// An item's envelope from what the transport did with it, and its error.
    private func finish(_ item: inout Item, _ exchange: Exchange) -> (JSON, SelloError?) {
        item.facts.add(exchange)
        var found = ReadFacts()
        let result = Result { () throws(SelloError) -> JSON in
            try item.prepared.read(try exchange.response.get(), item.scope.hooks.redactor, &found)
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
