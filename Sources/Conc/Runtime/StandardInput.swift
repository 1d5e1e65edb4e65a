// `input()`: one line of standard input, read so that Ctrl-C can interrupt it.
//
// A blocking read would wait for a line even after Ctrl-C: the signal goes to the
// watcher thread (ProcessSignals.swift), not to the thread reading. So the reader waits
// with poll in slices of 50 ms and looks at the interrupt request between them. What a
// read brings past the end of the line waits for the next call; it belongs to the
// process's standard input, not to one interpreter, so it is kept process-wide.

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

enum StandardInput {
    /// Bytes read past the last line handed out.
    private static let pending = Mutex<[UInt8]>([])

    enum Line {
        case text([UInt8])
        case endOfInput
        case interrupted
    }

    /// The next line without its newline. Called without the GIL; `interrupted` says
    /// whether to give up.
    static func readLine(interrupted: () -> Bool) -> Line {
        var line = pending.withLock { p -> [UInt8] in
            defer { p = [] }
            return p
        }
        var scanned = 0
        while true {
            if let newline = line[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let rest = Array(line[(newline + 1)...])
                pending.withLock { $0 = rest + $0 }
                return .text(Array(line[..<newline]))
            }
            scanned = line.count
            var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, 50)
            if interrupted() {
                pending.withLock { $0 = line + $0 }
                return .interrupted
            }
            if ready < 0 && errno != EINTR { break }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n <= 0 { break }
            line += chunk[..<n]
        }
        return line.isEmpty ? .endOfInput : .text(line)
    }
}
