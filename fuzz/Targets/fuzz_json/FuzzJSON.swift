// libFuzzer target: the JSON parser every request and every JSON answer goes through.
// Oracles: no crash, no hang (libFuzzer's -timeout), and a round trip — whatever parses is written
// back by JSONWriter and must parse again to the same value; a request read without a tree
// (RequestObject) fails or reads exactly as the parser does.
@testable import SelloCore

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    checkAnswer(Array(bytes))
    checkRequest(bytes)
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let written = JSONWriter.encode(value)
    let again: JSON
    do {
        again = try JSONParser.parse(written)
    } catch {
        fatalError("JSONWriter wrote JSON its own parser refuses: \(error.message)")
    }
    precondition(again == value || hasDoubles(value), "round trip changed the value")
    _ = Envelope.cString(value).map { free($0) }
    return 0
}

/// Doubles print with enough digits to round-trip exactly; integers written from doubles may
/// come back as .int. Compare loosely for numbers.
func hasDoubles(_ value: JSON) -> Bool {
    switch value {
    case .double: return true
    case .array(let items): return items.contains(where: hasDoubles)
    case .object(let object): return object.members.contains { hasDoubles($0.value) }
    default: return false
    }
}

/// An answer read as a service's (issue 12, items 10 and 14): what the strict parser reads, the
/// answer reader reads the same and repairs nothing; what it repairs is written back as strict
/// JSON; a refusal for cost happens only past the budget.
func checkAnswer(_ bytes: [UInt8]) {
    let strict = try? JSONParser.parse(bytes)
    do {
        let (value, repairs) = try JSONParser.parseAnswer(bytes)
        if let strict {
            precondition(
                repairs.isEmpty && (value == strict || hasDoubles(value)),
                "the answer reader changed strict JSON")
        } else {
            precondition(!repairs.isEmpty, "invalid JSON read without a repair")
            precondition(
                (try? JSONParser.parse(JSONWriter.encode(value))) != nil,
                "a repaired answer does not write back as JSON")
        }
    } catch {
        // Inputs are at most 64 KiB (-max_len): far below the budget of size + 8 MiB.
        precondition(!error.tooComplex || bytes.count > 1 << 20, "a small answer was refused as too complex")
    }
}

/// A request read without a tree (issue 13, item 2): the same error at the same byte as the
/// parser's, or the same members with the same values.
func checkRequest(_ bytes: UnsafeBufferPointer<UInt8>) {
    let tree = Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
    let request = Result { () throws(JSONParseError) in try RequestObject(text: bytes) }
    switch (tree, request) {
    case (.failure(let expected), .failure(let got)):
        precondition(expected == got, "the request reader failed otherwise than the parser")
    case (.success(let value), .success(let request)):
        precondition(request.json == value, "the request reader read other values")
        let members = value.objectValue?.members ?? []
        precondition(request.keys == members.map(\.key), "the request reader found other members")
        for member in members {
            precondition(request.value(member.key) == member.value, "a member read otherwise")
        }
    default:
        preconditionFailure("the request reader and the parser disagree on whether the text is JSON")
    }
}
