import CCurl
import CSelloShims

#if canImport(Glibc)
import Glibc
#endif

/// A request body made of `prefix`, a file's bytes in base64 and `suffix` (a JSON document that
/// carries a PDF inline), produced while libcurl reads it (CURLOPT_READFUNCTION): the file is
/// read and encoded 48 KiB at a time, so a 50 MB PDF never becomes a 67 MB string in memory.
///
/// The length is fixed when the file is opened (its size then), so the request carries an exact
/// Content-Length. A file that then shrinks, grows or cannot be read aborts the transfer at once
/// (`failure` says why): sending fewer bytes than announced would leave the service waiting for
/// the rest until a timeout, and more would be a different document than the one checked.
final class Base64FileBody {
    /// Raw bytes read per step: a multiple of 3, so that only the last piece is padded.
    static let chunk = 48 * 1024

    let path: String
    let fileSize: Int64
    /// The body's length: the Content-Length.
    let length: Int64
    private let prefix: [UInt8]
    private let suffix: [UInt8]
    private let fd: Int32
    private enum Phase { case prefix, file, suffix, done }
    private var phase = Phase.prefix
    /// Bytes ready for curl, from `offset` on.
    private var pending: [UInt8] = []
    private var offset = 0
    private var fileRead: Int64 = 0
    private var raw = [UInt8](repeating: 0, count: Base64FileBody.chunk)
    /// Why the transfer was aborted (code, message), when the file was not as announced.
    private(set) var failure: (code: ErrorCode, message: String)?

    init(prefix: [UInt8], path: String, suffix: [UInt8]) throws(SelloError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SelloError(.io, .fileUnreadable, "cannot open '\(path)': \(FileSystem.errorText())")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw SelloError(.io, .fileUnreadable, "'\(path)' is not a readable regular file")
        }
        let size = Int64(info.st_size)
        // 4 bytes of base64 per 3 of the file; sizes near Int64.max cannot be real files.
        guard size >= 0, size < Int64.max / 2 else {
            close(fd)
            throw SelloError(.io, .fileUnreadable, "'\(path)' reports an impossible size (\(size) bytes)")
        }
        self.fd = fd
        self.path = path
        self.prefix = prefix
        self.suffix = suffix
        fileSize = size
        length = Int64(prefix.count) + (size + 2) / 3 * 4 + Int64(suffix.count)
        pending.reserveCapacity(Base64FileBody.chunk / 3 * 4 + 4)
    }

    deinit { close(fd) }

    /// Fills `buffer` with up to `capacity` bytes of the body: the count written (0 at the end),
    /// or CURL_READFUNC_ABORT when the file is not as announced.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        var written = 0
        while written < capacity {
            if offset < pending.count {
                let count = min(pending.count - offset, capacity - written)
                pending.withUnsafeBytes { source in
                    UnsafeMutableRawPointer(buffer + written).copyMemory(
                        from: source.baseAddress! + offset, byteCount: count)
                }
                offset += count
                written += count
                continue
            }
            pending.removeAll(keepingCapacity: true)
            offset = 0
            switch phase {
            case .prefix:
                pending.append(contentsOf: prefix)
                phase = .file
            case .file:
                guard let more = encodeNextPiece() else { return Int(CURL_READFUNC_ABORT) }
                if !more { phase = .suffix }
            case .suffix:
                pending.append(contentsOf: suffix)
                phase = .done
            case .done:
                return written
            }
        }
        return written
    }

    /// Reads and encodes the next piece of the file into `pending`: true when there was one,
    /// false at the end of the file, nil (with `failure` set) when the file is not as announced.
    private func encodeNextPiece() -> Bool? {
        let want = Int(min(Int64(Base64FileBody.chunk), fileSize - fileRead))
        guard want > 0 else {
            // Every announced byte was read: one more means the file grew while it was sent.
            var extra: UInt8 = 0
            while true {
                let count = Glibc.read(fd, &extra, 1)
                if count < 0 && errno == EINTR { continue }
                if count < 0 { return fail(.fileUnreadable, "cannot read '\(path)': \(FileSystem.errorText())") }
                if count > 0 {
                    return fail(
                        .fileChanged,
                        "'\(path)' grew while it was being sent (it had \(fileSize) bytes when the request started)")
                }
                return false
            }
        }
        var got = 0
        while got < want {
            let count = raw.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, want - got) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return fail(.fileUnreadable, "cannot read '\(path)': \(FileSystem.errorText())") }
            if count == 0 {
                return fail(
                    .fileChanged,
                    "'\(path)' shrank while it was being sent: it ended after \(fileRead + Int64(got)) of the "
                        + "\(fileSize) bytes it had when the request started")
            }
            got += count
        }
        fileRead += Int64(got)
        raw.withUnsafeBytes { Base64.append(encoding: UnsafeRawBufferPointer(rebasing: $0[0..<got]), to: &pending) }
        return true
    }

    private func fail(_ code: ErrorCode, _ message: String) -> Bool? {
        failure = (code, message)
        return nil
    }

    /// Back to the first byte: libcurl rewinds a body before it sends the request again on a
    /// fresh connection (for a request that must not be sent twice, CURLOPT_PREREQFUNCTION then
    /// refuses that second sending).
    func rewind() -> Bool {
        guard lseek(fd, 0, SEEK_SET) == 0 else { return false }
        phase = .prefix
        pending.removeAll(keepingCapacity: true)
        offset = 0
        fileRead = 0
        failure = nil
        return true
    }

    static let readCallback: curlshim_curl_data_fn = { buffer, size, count, context in
        guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
        let body = Unmanaged<Base64FileBody>.fromOpaque(context).takeUnretainedValue()
        let (capacity, overflow) = size.multipliedReportingOverflow(by: count)
        return body.read(into: buffer, capacity: overflow ? Int.max : capacity)
    }

    static let seekCallback: curl_seek_callback = { context, offset, origin in
        guard let context, offset == 0, origin == SEEK_SET else { return CURL_SEEKFUNC_CANTSEEK }
        let body = Unmanaged<Base64FileBody>.fromOpaque(context).takeUnretainedValue()
        return body.rewind() ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL
    }
}
