/// A value of the caller's as a message quotes it: whole and as given, or not at all.
///
/// A message is masked when its envelope or log line is written (`Reply`, the log), and the
/// masking knows each secret as the caller gave it. A value quoted upper-cased, trimmed or cut
/// to its first characters is no longer that secret, and was shown: a keyPass typed into
/// rfcEmisor came back as 'MYKEYPASS12', a 73-character one in folioSustitucion as its first 57
/// characters and "…" (audit of 2026-12-08). So a quote is never transformed, and a value too
/// long to quote is described by its length instead of being cut before the masking.
enum Quote {
    /// The longest value quoted, in characters: a UUID, an RFC, a total, an option fit.
    static let limit = 80

    /// `'text'` as given (`text` when not `quoted`), or "(N characters, not shown)" when longer
    /// than `limit`.
    static func value(_ text: String, limit: Int = Quote.limit, quoted: Bool = true) -> String {
        // The byte count bounds the character count: a long text is not walked character by
        // character unless it may fit.
        if text.utf8.count <= limit || text.count <= limit { return quoted ? "'\(text)'" : text }
        return "(\(text.count) characters, not shown)"
    }
}
