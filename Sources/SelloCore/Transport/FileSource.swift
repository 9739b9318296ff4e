import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// A file uploaded from disk, read as it is sent (never whole), whose size is fixed when the
/// request starts (issue 12, item 20). libcurl's own file reader announces the size found at the
/// start and, when the file then shrinks, runs out of bytes and waits for the server until the
/// timeout; a file that grows would be sent cut. Here any change — fewer bytes than announced,
/// or a different size or modification time once the announced bytes are sent — stops the
/// transfer at once, and the call fails as `io` FILE_CHANGED.
final class FileSource {
    let path: String
    let size: Int64
    private let fd: Int32
    private let modified: timespec
    private var offset: Int64 = 0
    /// What changed, once the transfer was stopped for it.
    private(set) var change: String?

    /// Why the transfer was stopped (as `Base64FileBody.failure`): FILE_CHANGED, or nil.
    var failure: (code: ErrorCode, message: String)? {
        change.map { (.fileChanged, "the file '\(path)' being uploaded changed while it was sent: \($0)") }
    }

    init(path: String, field: String) throws(SelloError) {
        guard !path.utf8.contains(0) else {
            throw SelloError(
                .io, .fileUnreadable,
                "the path contains a NUL character", field: field)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SelloError(
                .io, .fileUnreadable,
                "cannot open '\(path)': \(FileSystem.errorText())", field: field)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw SelloError(.io, .fileUnreadable, "cannot read '\(path)': \(FileSystem.errorText())", field: field)
        }
        self.path = path
        self.fd = fd
        size = Int64(info.st_size)
        modified = info.st_mtim
    }

    deinit { close(fd) }

    /// CURLOPT-style read callback for curl_mime_data_cb.
    static let read: curl_read_callback = { buffer, size, count, context in
        guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
        let source = Unmanaged<FileSource>.fromOpaque(context).takeUnretainedValue()
        return source.read(into: buffer, capacity: size * count)
    }

    static let seek: curl_seek_callback = { context, offset, origin in
        guard let context, origin == SEEK_SET else { return CURL_SEEKFUNC_CANTSEEK }
        let source = Unmanaged<FileSource>.fromOpaque(context).takeUnretainedValue()
        guard offset >= 0, Int64(offset) <= source.size else { return CURL_SEEKFUNC_FAIL }
        source.offset = Int64(offset)
        return CURL_SEEKFUNC_OK
    }

    private func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let wanted = Int(min(Int64(capacity), size - offset))
        guard wanted > 0 else { return checkUnchanged() ? 0 : Int(CURL_READFUNC_ABORT) }
        var count: Int
        repeat {
            count = pread(fd, buffer, wanted, off_t(offset))
        } while count < 0 && errno == EINTR
        guard count > 0 else {
            change =
                count == 0
                ? "it became shorter than the \(size) bytes it had when the request started"
                : "it could not be read any more (\(FileSystem.errorText()))"
            return Int(CURL_READFUNC_ABORT)
        }
        offset += Int64(count)
        if offset == size && !checkUnchanged() { return Int(CURL_READFUNC_ABORT) }
        return count
    }

    /// Once every announced byte is read: the file must still be the one the request started with.
    private func checkUnchanged() -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return true }
        if Int64(info.st_size) != size {
            change = "its size went from \(size) to \(info.st_size) bytes"
        } else if info.st_mtim.tv_sec != modified.tv_sec || info.st_mtim.tv_nsec != modified.tv_nsec {
            change = "it was modified"
        }
        return change == nil
    }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}
