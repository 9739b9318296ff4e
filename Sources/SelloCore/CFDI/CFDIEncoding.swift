/// The SAT takes a CFDI in UTF-8 only (Anexo 20), and PADE's CSV interchange file is UTF-8 too
/// (PRODIGIA_2026.md §2.5). A document in another encoding went as it was (audit of 2026-12-08):
/// a CSV saved by Excel (Windows-1252, or "CSV UTF-8" with its byte-order mark) came back 301
/// after a round trip, and an XML declaring ISO-8859-1 while holding UTF-8 was stamped, its ñ read
/// as Ã± by the PAC's parser. Each is now said before anything is sent, with what to do.
enum CFDIEncoding {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The CSV interchange file as it is sent: refused when it is not UTF-8, without the
    /// byte-order mark Excel's "CSV UTF-8" writes before its first record (PADE would read
    /// "\u{FEFF}CFDI" as an unknown record), and with its records ended by LF, as PADE separates
    /// them (PRODIGIA_2026.md §2.5): a CR before it would end the last value of every line.
    static func csv(_ bytes: [UInt8], field: String) throws(SelloError) -> [UInt8] {
        if let problem = problem(bytes, field: field, what: "the CSV interchange file", fix: "save it as UTF-8") {
            throw problem
        }
        let start = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
        guard start > 0 || bytes.contains(0x0D) else { return bytes }
        var sent: [UInt8] = []
        sent.reserveCapacity(bytes.count - start)
        for index in start..<bytes.count
        where !(bytes[index] == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) {
            sent.append(bytes[index])
        }
        return sent
    }

    /// An XML whose declaration names an encoding other than UTF-8 is refused: the bytes are read
    /// as UTF-8 here, and as what they declare by the PAC.
    static func checkDeclaration(_ bytes: [UInt8], field: String) throws(SelloError) {
        guard let declared = declaredEncoding(bytes) else { return }
        let name = declared.lowercased()
        guard name != "utf-8" && name != "utf8" else { return }
        throw CFDICodes.validation(
            301,
            "\(field) declares encoding=\"\(declared)\": the SAT takes a CFDI in UTF-8 only (Anexo 20); "
                + "convert it to UTF-8 (iconv -f \(declared) -t UTF-8) and declare encoding=\"UTF-8\"",
            field: field)
    }

    /// Why `bytes` are not UTF-8, as the error to give, or nil when they are.
    static func problem(_ bytes: [UInt8], field: String, what: String, fix: String) -> SelloError? {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || firstNUL(bytes) != nil {
            return CFDICodes.validation(
                301,
                "\(field), \(what), is UTF-16 (a UTF-16 byte-order mark or NUL bytes), and the SAT takes "
                    + "UTF-8 only (Anexo 20): \(fix) (iconv -f UTF-16 -t UTF-8)",
                field: field)
        }
        guard let offset = firstInvalidUTF8(bytes) else { return nil }
        let byte = "0x" + LogText.hex(UInt32(bytes[offset]), digits: 2)
        return CFDICodes.validation(
            301,
            "\(field), \(what), is not UTF-8 (byte \(byte) at offset \(offset), line "
                + "\(lineNumber(bytes, at: offset)): Windows-1252 or ISO-8859-1, as Excel saves it?), and "
                + "the SAT takes UTF-8 only (Anexo 20): \(fix) (iconv -f WINDOWS-1252 -t UTF-8)",
            field: field)
    }

    /// The `encoding` of an XML declaration at the start of `bytes` (after a byte-order mark), or
    /// nil when there is none.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let start = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
        let head = bytes[start..<min(bytes.count, start + 256)]
        guard head.starts(with: Array("<?xml".utf8)), let end = firstIndex(of: "?>", in: head) else { return nil }
        let declaration = head[head.startIndex..<end]
        guard let name = firstIndex(of: "encoding", in: declaration) else { return nil }
        var index = name + "encoding".utf8.count
        while index < end, isXMLSpace(bytes[index]) || bytes[index] == UInt8(ascii: "=") { index += 1 }
        guard index < end, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { return nil }
        let quote = bytes[index]
        guard let close = declaration[(index + 1)...].firstIndex(of: quote) else { return nil }
        return String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
    }

    private static func firstIndex(of text: String, in bytes: ArraySlice<UInt8>) -> Int? {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return nil }
        return (bytes.startIndex...(bytes.endIndex - needle.count)).first {
            bytes[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }
}
