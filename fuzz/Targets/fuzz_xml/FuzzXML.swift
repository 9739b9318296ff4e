// libFuzzer target: parseXML, the libxml2-based reader of Prodigia's XML answers (DOCTYPE refused,
// no entities, no network, depth-limited, UTF-8 checked first).
@testable import SelloCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // As a service's answer (issue 12, items 10 and 13): stray bytes repaired, never worse than
    // the document reader; an element with too many attributes refused before libxml2 sees it.
    switch parseXMLAnswer(bytes) {
    case .success(let answer):
        if case .success(let strict) = parseXML(bytes) { precondition(answer.root == strict && answer.repairs.isEmpty) }
    case .failure(let failure):
        if case .success = parseXML(bytes) {
            precondition(
                false,
                "a document the strict reader reads was refused as an answer: \(failure.message)")
        }
    }
    switch parseXML(bytes) {
    case .success(let root):
        // Walk the whole tree the way the answer readers do.
        var stack = [root]
        var seen = 0
        while let element = stack.popLast() {
            seen += 1
            _ = element.attribute("codigo")
            _ = element.child("uuid")
            stack.append(contentsOf: element.children)
        }
        precondition(seen > 0)
    case .failure(let failure):
        precondition(failure.line >= 0)
        _ = failure.message.utf8.count
    }
    return 0
}
