/// cfdi_process_files: many requests of one operation over one curl multi handle. Each item is
/// prepared and finished exactly as a single call of its operation (`CFDIClient.prepare`); an
/// item that fails its local checks becomes its own error envelope and is not sent.
extension CFDIClient {
    public func processFiles(_ requestText: UnsafePointer<CChar>?) -> JSON {
        client.call("process_files", requestText) { json, context throws(SelloError) in
            let reader = try FieldReader(json, allowed: ["items", "concurrency", "operation"])
            let operation = try CFDIClient.batchOperation(reader)
            let concurrency = try reader.int("concurrency") ?? 8
            guard (1...64).contains(concurrency) else {
                throw .invalidArgument("concurrency must be between 1 and 64, got \(concurrency)", field: "concurrency")
            }
            guard let items = try reader.array("items") else {
                throw .invalidArgument("items is required: an array of cfdi_\(operation.rawValue) requests", field: "items", code: "MISSING_FIELD")
            }
            guard items.count <= CFDIClient.maxBatchItems else {
                throw .invalidArgument("items has \(items.count) requests; the limit is \(CFDIClient.maxBatchItems) per call", field: "items")
            }
            struct Item {
                let index: Int
                let prepared: CFDIPrepared
                let context: CallContext
            }
            var results = [JSON](repeating: .null, count: items.count)
            var ready: [Item] = []
            for (index, item) in items.enumerated() {
                let itemContext = CallContext(service: "cfdi", operation: operation.rawValue, hooks: context.hooks,
                                              cancel: context.cancel)
                do throws(SelloError) {
                    ready.append(Item(index: index, prepared: try prepare(operation, item, context: itemContext), context: itemContext))
                } catch {
                    results[index] = Envelope.make(.failure(error), context: itemContext)
                }
            }
            // Progress counts items (done, total), not bytes: each item refused locally is done
            // at once, each one sent when its result is in.
            let total = Int64(items.count)
            var done = Int64(items.count - ready.count)
            if done > 0 { context.hooks.reportProgress(done: done, total: total) }
            client.transport.performMany(ready.map(\.prepared.http), contexts: ready.map(\.context), concurrency: concurrency) { position, result in
                let item = ready[position]
                results[item.index] = Envelope.run(item.context) { itemContext throws(SelloError) in
                    try item.prepared.complete(result, context: itemContext)
                }
                done += 1
                context.hooks.reportProgress(done: done, total: total)
            }
            context.attempts = ready.reduce(0) { $0 + $1.context.attempts }
            let succeeded = results.filter { $0["ok"]?.boolValue == true }.count
            return ["results": .array(results), "succeeded": .int(Int64(succeeded)), "failed": .int(Int64(results.count - succeeded))]
        }
    }

    static func batchOperation(_ reader: FieldReader) throws(SelloError) -> CFDIOperation {
        guard let name = try reader.string("operation") else { return .processFile }
        guard let operation = CFDIOperation(rawValue: name), CFDIOperation.batchable.contains(operation) else {
            throw .invalidArgument("operation '\(CFDIFields.shown(name))' cannot run in a batch; one of \(CFDIOperation.batchable.map(\.rawValue).joined(separator: ", "))",
                                   field: "operation")
        }
        return operation
    }
}
