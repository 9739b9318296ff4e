extension HTTPRequest {
    /// A digest of everything of this request that reaches the service: method, path, query,
    /// headers, credentials and body (a file streamed from disk by its path: it is not read
    /// here). Two requests with the same digest are, to the service, the same request
    /// (`CFDIBatchRepeats`). Nil if OpenSSL could not hash.
    var wireDigest: [UInt8]? {
        let digest = SHA256Digest()
        digest.add(method.rawValue)
        digest.add(path)
        for (name, value) in query {
            digest.add(name)
            digest.add(value)
        }
        headers.forEach(digest.add)
        digest.add(basicAuth.map { "basic \($0.user):\($0.password)" } ?? "")
        digest.add(bearer ? "bearer" : "")
        body.addParts(to: digest)
        return digest.finish()
    }
}

extension HTTPBody {
    /// Its kind first, then each part: no two bodies of different kinds spell the same inputs.
    fileprivate func addParts(to digest: SHA256Digest) {
        switch self {
        case .none:
            digest.add("none")
        case .bytes(let bytes, let contentType):
            ["bytes", contentType].forEach(digest.add)
            digest.add(bytes)
        case .multipartFile(let field, let fileName, let path, let contentType):
            ["multipart file", field, fileName, path, contentType].forEach(digest.add)
        case .multipartBytes(let field, let fileName, let bytes, let contentType):
            ["multipart bytes", field, fileName, contentType].forEach(digest.add)
            digest.add(bytes)
        case .base64File(let prefix, let path, let suffix, let contentType):
            ["base64 file", path, contentType].forEach(digest.add)
            digest.add(prefix)
            digest.add(suffix)
        }
    }
}
