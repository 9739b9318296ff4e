// libFuzzer target: the claims of Firma Virtual's bearer token (FVToken), which come from the
// network and decide when the client logs in again. `exp`/`iat` of ±2^63 once trapped in the
// renewal arithmetic and killed the caller's process (issue 12, item 2).
//
// The input is the JWT's payload (base64url-encoded into a token); its first 16 bytes are also
// read as two raw Int64 claims. Oracles: no crash; a token whose lifetime makes no sense renews
// at once and shows no expiry; a sane one renews before its exp, which is within 1970…9999.
@testable import SelloCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let payload = Base64.encode(bytes).replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    let token = FVToken(value: "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.\(payload).c2lnbmF0dXJl", generation: 1)
    check(expiresAt: token.expiresAt, renewAt: token.renewAt, invalid: token.lifetimeInvalid)
    _ = token.isFresh(now: FVToken.now())
    _ = token.expiresAt.map(FVToken.isoDate)
    if bytes.count >= 16 {
        let exp = bytes[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let iat = bytes[8..<16].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        for (e, i) in [(exp, Optional(iat)), (exp, nil), (iat, Optional(exp))] {
            let renewal = FVToken.renewal(exp: e, iat: i)
            check(expiresAt: renewal.expiresAt, renewAt: renewal.renewAt, invalid: renewal.invalid)
        }
    }
    return 0
}

func check(expiresAt: Int64?, renewAt: Int64?, invalid: Bool) {
    if invalid {
        precondition(expiresAt == nil && renewAt == Int64.min, "a nonsensical lifetime must renew at once")
    } else if let expiresAt {
        precondition((0...FVToken.latestExpiry).contains(expiresAt), "exp out of range was accepted")
        precondition(renewAt.map { $0 <= expiresAt } ?? false, "renewal after expiry")
    }
}
