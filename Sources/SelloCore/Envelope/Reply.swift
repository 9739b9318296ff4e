/// A call's envelope before it is written: what the call produced, its facts and names, and the
/// redactor that masks it. Made once per call, when its warnings and any error are logged; then
/// written either as JSON (`json`: a batch's items, Swift callers) or straight into the buffer
/// handed to the C caller (`cString`), without building the tree first (issue 13).
///
/// Every envelope is masked here, whichever way it is written: data (member names included,
/// documents excepted), error, warnings — whatever echoed a secret (issue 12, item 5).
public struct Reply: Sendable {
    public enum Outcome: Sendable {
        case success(JSON)
        case failure(SelloError)
    }

    public let outcome: Outcome
    let service: String
    let operation: String
    let redactor: Redactor
    let facts: CallFacts
    let elapsedMs: Double

    public init(_ outcome: Outcome, scope: CallScope, facts: CallFacts) {
        var outcome = outcome
        if case .failure(var error) = outcome {
            if let answered = facts.answered { error = error.afterAnswer(answered) }
            if let note = scope.credentialsNote { error = error.sayingWhereCredentialsWent(note) }
            outcome = .failure(error)
        }
        let elapsedMs = scope.elapsedMilliseconds
        // Asked first: the lines' closures copy the scope and each warning (issue 13: some 270
        // instructions a call without a log callback). Logged before `outcome` and `facts` are
        // stored, they are moved into the reply, not copied (some 300 more).
        let hooks = scope.hooks
        if !facts.warnings.isEmpty && hooks.wantsLog(.warning) {
            for warning in facts.warnings {
                hooks.log(.warning, "\(scope.service).\(scope.operation): \(warning.message)")
            }
        }
        if hooks.wantsLog(.error), case .failure(let error) = outcome {
            hooks.log(
                .error,
                "\(scope.service).\(scope.operation) failed: \(error.kind.rawValue) \(error.code): \(error.message)")
        }
        self.outcome = outcome
        service = scope.service
        operation = scope.operation
        redactor = hooks.redactor
        self.facts = facts
        self.elapsedMs = elapsedMs
    }

    /// The envelope as JSON.
    public var json: JSON {
        var object = JSONObject(capacity: 4)
        switch outcome {
        case .success(let data):
            object.append("ok", .bool(true))
            object.append("data", redactor.scrub(json: data))
        case .failure(let error):
            object.append("ok", .bool(false))
            object.append("error", Envelope.scrubMembers(error.json, redactor))
        }
        if !facts.warnings.isEmpty {
            object.append("warnings", .array(facts.warnings.map { Envelope.scrubMembers($0.json, redactor) }))
        }
        object.append("meta", meta)
        return .object(object)
    }

    var meta: JSON {
        var object = JSONObject(capacity: 6)
        object.append("service", .string(service))
        object.append("operation", .string(operation))
        object.append("http_status", JSON(facts.httpStatus))
        if let serviceCode = facts.serviceCode { object.append("service_code", .int(Int64(serviceCode))) }
        object.append("attempts", .int(Int64(facts.attempts)))
        object.append("elapsed_ms", .double(elapsedMs))
        return .object(object)
    }

    /// The envelope as a malloc'ed NUL-terminated string for the C caller (released by
    /// `sello_free`): the same bytes `json` writes to (ReplyTests), its own parts written as
    /// they are, without a tree.
    public func cString() -> UnsafeMutablePointer<CChar>? {
        var writer = JSONWriter(capacity: 1024)
        write(into: &writer)
        return writer.takeCString()
    }

    func write(into writer: inout JSONWriter) {
        // Written as it is, then looked at once: only when that look finds what might be a
        // secret is it written again, masked string by string. The look is exact in the answer
        // that matters, "nothing to mask" (`Redactor.mayNeedScrubbing(writtenJSON:)`; ReplyTests
        // and fuzz_redactor hold it to the masking), and costs less than asking every string
        // (issue 13: some 1,000 instructions fewer a FES call, 9,000 a CFDI stamp).
        let start = writer.written
        // The documents are never masked (`Redactor.documentFields`): the look passes them by.
        var documents = MarkedSpans()
        writeResult(into: &writer, masked: false, documents: &documents)
        let mayHoldSecret = writer.withBytes(from: start) { written in
            redactor.mayNeedScrubbing(writtenJSON: written, except: documents, from: start)
        }
        if mayHoldSecret {
            writer.truncate(to: start)
            writeResult(into: &writer, masked: true, documents: &documents)
        }
        writer.writeRaw(#","meta":{"service":"#)
        writer.writeString(service)
        writer.writeRaw(#","operation":"#)
        writer.writeString(operation)
        writer.writeRaw(#","http_status":"#)
        // The numbers as `meta` writes them, without a `JSON` each (ReplyTests).
        if let httpStatus = facts.httpStatus { writer.writeNumber(Int64(httpStatus)) } else { writer.writeRaw("null") }
        if let serviceCode = facts.serviceCode {
            writer.writeRaw(#","service_code":"#)
            writer.writeNumber(Int64(serviceCode))
        }
        writer.writeRaw(#","attempts":"#)
        writer.writeNumber(Int64(facts.attempts))
        writer.writeRaw(#","elapsed_ms":"#)
        writer.writeNumber(elapsedMs)
        writer.writeRaw("}}")
    }

    /// The data or the error, and the warnings; unmasked, where the data's documents lie (an
    /// error's or a warning's members are all masked, whatever their names: `scrubMembers`).
    private func writeResult(into writer: inout JSONWriter, masked: Bool, documents: inout MarkedSpans) {
        switch outcome {
        case .success(let data):
            writer.writeRaw(#"{"ok":true,"data":"#)
            if masked {
                writer.write(redactor.scrub(json: data))
            } else {
                writer.write(data, marking: Redactor.isDocument, marked: &documents)
            }
        case .failure(let error):
            writer.writeRaw(#"{"ok":false,"error":"#)
            writer.write(masked ? Envelope.scrubMembers(error.json, redactor) : error.json)
        }
        guard !facts.warnings.isEmpty else { return }
        writer.writeRaw(#","warnings":["#)
        for (index, warning) in facts.warnings.enumerated() {
            if index > 0 { writer.writeRaw(",") }
            if masked {
                writer.write(Envelope.scrubMembers(warning.json, redactor))
            } else {
                warning.write(into: &writer)
            }
        }
        writer.writeRaw("]")
    }
}

extension SelloError {
    /// This error, when it is the service refusing the client's credentials (kind `auth`), ending
    /// with where they went (`note`, `ServiceEnvironments.credentialsNote`): said in one place for
    /// every service, a single call and a batch's items alike. Not a proxy's refusal (its own
    /// credentials), nor a refused bearer token (the login that made it succeeded, there).
    func sayingWhereCredentialsWent(_ note: String) -> SelloError {
        guard kind == .auth, code != .proxyAuthFailed, code != .jwtInvalid else { return self }
        var error = self
        error.message += "; \(note)"
        return error
    }
}
