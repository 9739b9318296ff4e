/// The PDF a Firma Virtual request carries (fv_upload_document, fv_create_contract_express):
/// `file_path` (checked by its first bytes and size now, streamed when sent) or `content_base64`
/// (decoded and checked now), never both.
enum FVDocument {
    /// Streamed from disk when the request is sent.
    case file(String)
    /// Given as content_base64, already decoded and checked.
    case bytes([UInt8])

    /// The request field the document came from when it is read from disk (for `FILE_CHANGED`).
    var fileField: String? {
        if case .file = self { return "file_path" }
        return nil
    }

    /// - Parameter check: the service's PDF rules (`FVClient.checkDocument`), given the first
    ///   bytes, the size and the field.
    static func read(
        _ reader: FieldReader, check: (_ prefix: [UInt8], _ size: Int64, _ field: String) throws(SelloError) -> Void
    ) throws(SelloError) -> FVDocument {
        switch (try reader.string("file_path"), try reader.string("content_base64")) {
        case (let path?, nil):
            let size = try FileSystem.fileSize(path, field: "file_path")
            try check(try FileSystem.readPrefix(path, count: 5, field: "file_path"), size, "file_path")
            return .file(path)
        case (nil, let text?):
            guard let bytes = Base64.decode(text) else {
                throw .invalidArgument(
                    "'content_base64' is not valid base64 (give the PDF's bytes in base64, without a data: prefix)",
                    field: "content_base64", code: .invalidBase64)
            }
            try check(Array(bytes.prefix(5)), Int64(bytes.count), "content_base64")
            return .bytes(bytes)
        case (nil, nil):
            throw MissingField.library.error(
                "file_path", message: "give the PDF as 'file_path' (streamed from disk) or 'content_base64'")
        default:
            throw .invalidArgument("give either 'file_path' or 'content_base64', not both", field: "content_base64")
        }
    }
}
