#if canImport(Glibc)
import Glibc
#endif

/// A file of this repository as text (docs the tests hold the code to), "" when it cannot be
/// read: the tests that use it check that it is not empty.
enum RepositoryFiles {
    static func read(_ relative: String) -> String {
        let root = String(#filePath.split(separator: "/Tests/", maxSplits: 1)[0])
        guard let file = fopen(root + "/" + relative, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
