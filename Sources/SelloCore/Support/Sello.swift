import CSelloAPI

#if canImport(Glibc)
import Glibc
#endif

/// Library-wide constants.
public enum Sello {
    /// "MAJOR.MINOR.PATCH" from include/sello.h's SELLO_VERSION_* macros: the header is the one
    /// place the version is written (docs/internals.md lists what else derives from it).
    public static let version = "\(SELLO_VERSION_MAJOR).\(SELLO_VERSION_MINOR).\(SELLO_VERSION_PATCH)"
    /// SELLO_ABI_VERSION of include/sello.h.
    public static let abiVersion: Int32 = SELLO_ABI_VERSION
    /// Requests larger than this are refused: large files travel by path (file_path, datos_path).
    public static let maxRequestBytes = 8 * 1024 * 1024
    /// The longest URL (query string included) a request may have: above it nothing is sent and
    /// the call fails as `validation` URL_TOO_LONG (issue 12, item 17). libcurl itself cannot send
    /// a request head over 1 MiB; servers often accept far less (8 KiB is common).
    public static let maxURLBytes = 512 * 1024
}

/// Reads the caller's NUL-terminated request or configuration text.
public enum RequestText {
    /// A request, its members found without building a tree (`RequestObject`).
    public static func read(_ text: UnsafePointer<CChar>?) throws(SelloError) -> RequestObject {
        try withBytes(text, what: "request") { bytes throws(JSONParseError) in try RequestObject(text: bytes) }
    }

    /// A configuration (or any text wanted whole), as a value.
    public static func parse(_ text: UnsafePointer<CChar>?, what: String = "request") throws(SelloError) -> JSON {
        try withBytes(text, what: what) { bytes throws(JSONParseError) in try JSONParser.parse(bytes) }
    }

    /// The checks every text gets (not NULL, within `Sello.maxRequestBytes`, valid JSON) around
    /// `read`.
    static func withBytes<Value>(
        _ text: UnsafePointer<CChar>?, what: String,
        _ read: (UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> Value
    ) throws(SelloError) -> Value {
        guard let text else {
            throw .invalidArgument(
                "the \(what) is NULL; pass a JSON object (\"{}\" for none)", code: .nullArgument)
        }
        let length = strlen(text)
        guard length <= Sello.maxRequestBytes else {
            throw .invalidArgument(
                "the \(what) is \(length) bytes; the limit is \(Sello.maxRequestBytes) (8 MiB): "
                    + "pass large files by path",
                code: .requestTooLarge)
        }
        let bytes = UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self)
        do {
            return try read(UnsafeBufferPointer(start: bytes, count: length))
        } catch {
            throw .invalidArgument("the \(what) is not valid JSON: \(error.message)", code: .invalidJson)
        }
    }
}
