import CSelloShims

#if canImport(Glibc)
import Glibc
#endif

/// The few file operations the library needs, on POSIX calls (no Foundation).
public enum FileSystem {
    public static func isReadableFile(_ path: String) -> Bool {
        var info = stat()
        return access(path, R_OK) == 0 && stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// A path holding a NUL would be cut where the C library reads it: another file than the one
    /// named (issue 12, item 19). Every file operation here refuses one.
    static func checkPath(_ path: String, field: String) throws(SelloError) {
        guard !path.utf8.contains(0) else {
            throw SelloError(
                .io, .fileUnreadable,
                "the path given as '\(field)' contains a NUL character", field: field)
        }
    }

    /// Why a file could not be written at `path` later, or nil: checked before a request that
    /// costs quota is sent, so that what it brings back is never lost to a bad path (issue 12,
    /// item 19) — an existing folder, a name or path too long, a NUL, a missing or read-only folder.
    public static func outputFileProblem(_ path: String) -> String? {
        guard !path.isEmpty, !path.hasSuffix("/") else { return "'\(path)' is not a file path" }
        guard !path.utf8.contains(0) else { return "the path contains a NUL character" }
        guard path.utf8.count < Int(PATH_MAX) else {
            return "the path is \(path.utf8.count) bytes long; the limit is \(PATH_MAX - 1)"
        }
        let names = path.split(separator: "/")
        if let position = names.firstIndex(where: { $0.utf8.count > Int(NAME_MAX) }) {
            // Which name, not its head: a part of a secret typed into the path was shown (`Quote`).
            return "name \(position + 1) of the path is \(names[position].utf8.count) bytes long; a file name has "
                + "at most \(NAME_MAX)"
        }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            return "'\(path)' is a folder, not a file name"
        }
        let folder = directory(of: path)
        guard stat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            return "the folder '\(folder)' does not exist"
        }
        guard access(folder, W_OK) == 0 else { return "the folder '\(folder)' is not writable" }
        return nil
    }

    /// Why files could not be written into the folder `path` later (`<folder>/<UUID>.xml`), or nil.
    public static func outputFolderProblem(_ path: String) -> String? {
        guard !path.isEmpty else { return "it is empty" }
        guard !path.utf8.contains(0) else { return "the path contains a NUL character" }
        guard path.utf8.count + 64 < Int(PATH_MAX) else {
            return "the path is \(path.utf8.count) bytes long: too long for the files saved in it"
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            return "the folder '\(path)' does not exist"
        }
        guard access(path, W_OK | X_OK) == 0 else { return "the folder '\(path)' is not writable" }
        return nil
    }

    /// The size of a regular file, or an `io` error naming the path.
    public static func fileSize(_ path: String, field: String) throws(SelloError) -> Int64 {
        try checkPath(path, field: field)
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SelloError(.io, .fileUnreadable, "cannot read '\(path)': \(errorText())", field: field)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SelloError(.io, .fileUnreadable, "'\(path)' is not a regular file", field: field)
        }
        guard access(path, R_OK) == 0 else {
            throw SelloError(.io, .fileUnreadable, "cannot read '\(path)': \(errorText())", field: field)
        }
        return Int64(info.st_size)
    }

    /// Reads a whole (small) file: certificates, keys, CSV files.
    public static func read(_ path: String, field: String, limit: Int = Sello.maxRequestBytes) throws(SelloError)
        -> [UInt8]
    {
        let size = try fileSize(path, field: field)
        guard size <= limit else {
            throw SelloError(
                .validation, .fileTooLarge,
                "'\(path)' is \(size) bytes; the limit is \(limit)", field: field)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SelloError(
                .io, .fileUnreadable,
                "cannot open '\(path)': \(errorText())", field: field)
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress! + done, buffer.count - done)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw SelloError(
                    .io, .fileUnreadable,
                    "cannot read '\(path)': \(errorText())", field: field)
            }
            done += count
        }
        return bytes
    }

    /// Reads the first bytes of a file (a signature check) without reading the rest.
    public static func readPrefix(_ path: String, count: Int, field: String) throws(SelloError) -> [UInt8] {
        try checkPath(path, field: field)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SelloError(
                .io, .fileUnreadable,
                "cannot open '\(path)': \(errorText())", field: field)
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, count) }
        return Array(bytes.prefix(max(read, 0)))
    }

    /// Whether something is at `path`: a file, a folder, or a link even when it leads nowhere.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Writes a file atomically and durably: a temporary file in the same folder, fsync, rename,
    /// fsync of the folder; mode 0600 by default (certificates and keys are secrets). Without
    /// `replacing`, a file that is already at `path` is left as it is and the write fails.
    public static func writeAtomically(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o600, replacing: Bool = true, field: String
    ) throws(SelloError) {
        guard !path.utf8.contains(0) else {
            throw SelloError(
                .io, .writeFailed,
                "the path contains a NUL character", field: field)
        }
        let folder = directory(of: path)
        var template = Array("\(folder)/.sello-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw SelloError(.io, .writeFailed, "cannot create a file in '\(folder)': \(errorText())", field: field)
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var committed = false
        defer {
            if !committed { unlink(temporary) }
        }
        var failure: String?
        if fchmod(fd, mode) != 0 { failure = errorText() }
        var done = 0
        while failure == nil && done < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { failure = errorText() } else { done += count }
        }
        if failure == nil && fsync(fd) != 0 { failure = errorText() }
        if close(fd) != 0 && failure == nil { failure = errorText() }
        if failure == nil && commit(temporary, to: path, replacing: replacing) != 0 {
            failure = errno == EEXIST ? "it exists (created meanwhile), and was not replaced" : errorText()
        }
        if let failure {
            throw SelloError(.io, .writeFailed, "cannot write '\(path)': \(failure)", field: field)
        }
        committed = true
        let dirFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    private static func commit(_ temporary: String, to path: String, replacing: Bool) -> Int32 {
        replacing ? rename(temporary, path) : fileshim_rename_noreplace(temporary, path)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    public static func errorText() -> String { String(cString: strerror(errno)) }
}
