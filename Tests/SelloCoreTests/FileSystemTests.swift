import Glibc
import Testing

@testable import SelloCore

/// Writing a file that must not replace another (FES's certificate: CHILE_2026.md §2.2 #12).
@Suite struct FileSystemTests {
    /// A new folder under /tmp, removed with what is in it once `body` has run.
    func inFolder(_ body: (String) throws -> Void) throws {
        var template = Array("/tmp/sello-fs-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let folder = try #require(made.map { String(cString: $0) })
        defer {
            for name in ["a", "b", "link"] { unlink("\(folder)/\(name)") }
            rmdir(folder)
        }
        try body(folder)
    }

    func contents(_ path: String) throws -> [UInt8] { try FileSystem.read(path, field: "test") }

    @Test func replacingIsTheDefault() throws {
        try inFolder { folder in
            try FileSystem.writeAtomically([1], to: "\(folder)/a", field: "f")
            try FileSystem.writeAtomically([2], to: "\(folder)/a", field: "f")
            #expect(try contents("\(folder)/a") == [2])
        }
    }

    @Test func withoutReplacingAFileThereIsKeptAndNoTemporaryIsLeft() throws {
        try inFolder { folder in
            try FileSystem.writeAtomically([1], to: "\(folder)/a", field: "f")
            let error = #expect(throws: SelloError.self) {
                try FileSystem.writeAtomically([2], to: "\(folder)/a", replacing: false, field: "save_to")
            }
            #expect(error?.code == .writeFailed && error?.field == "save_to")
            #expect(error?.message.contains("was not replaced") == true)
            #expect(try contents("\(folder)/a") == [1])
            #expect(FileSystem.isReadableFile("\(folder)/a"))
            try FileSystem.writeAtomically([3], to: "\(folder)/b", replacing: false, field: "save_to")
            #expect(try contents("\(folder)/b") == [3])
            let names = try #require(opendir(folder))
            defer { closedir(names) }
            var count = 0
            while let entry = readdir(names) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { count += 1 }
            }
            #expect(count == 2)
        }
    }

    @Test func aDanglingLinkExistsAndIsNotReplaced() throws {
        try inFolder { folder in
            #expect(symlink("\(folder)/nowhere", "\(folder)/link") == 0)
            #expect(FileSystem.exists("\(folder)/link"))
            #expect(!FileSystem.exists("\(folder)/nowhere"))
            #expect(throws: SelloError.self) {
                try FileSystem.writeAtomically([1], to: "\(folder)/link", replacing: false, field: "save_to")
            }
            #expect(!FileSystem.exists("\(folder)/nowhere"))
        }
    }
}
