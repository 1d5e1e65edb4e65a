// Small wrappers over the C library for the command: messages on stderr, whole files
// in and out.

#if canImport(Glibc)
import Glibc
#endif

func printError(_ s: String) {
    var text = s
    if !text.hasSuffix("\n") { text += "\n" }
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func writeText(_ text: String, to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
        printError("conc: cannot write '\(path)': \(String(cString: strerror(errno)))")
        return
    }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    var at = 0
    while at < bytes.count {
        let n = bytes[at...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        at += n
    }
}

func readFileBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    if fd < 0 { return nil }
    defer { close(fd) }
    return readAll(fd)
}

func readStandardInput() -> [UInt8] { readAll(0) ?? [] }

private func readAll(_ fd: Int32) -> [UInt8]? {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if n == 0 { return out }
        out += buf[0..<n]
    }
}
