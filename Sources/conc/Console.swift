// Where the REPL's interpreter writes. While an entry runs, output goes straight to the
// terminal. While the prompt waits, threads still running in the background may print
// too: their text is held here until the prompt shows it above itself, so it never
// lands in the middle of the line being typed.

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Text for standard output (fd 1) or standard error (fd 2).
struct ConsoleText: Sendable {
    var fd: Int32
    var text: String
}

/// The REPL interpreter's output and error sinks.
final class Console: Sendable {
    private struct State {
        var atPrompt = false
        var held: [ConsoleText] = []
    }

    private let state = Mutex(State())
    /// A forked child inherits the sinks, but no prompt: it always writes directly.
    private let owner = getpid()

    /// Whether the prompt is waiting (and output must be held).
    func setAtPrompt(_ atPrompt: Bool) {
        state.withLock { $0.atPrompt = atPrompt }
    }

    /// The text held since the last call.
    func takeHeld() -> [ConsoleText] {
        state.withLock { s in
            defer { s.held = [] }
            return s.held
        }
    }

    /// A sink for `Interpreter.output` (fd 1) or `errorOutput` (fd 2).
    func sink(fd: Int32) -> @Sendable (String) -> Void {
        { text in self.write(ConsoleText(fd: fd, text: text)) }
    }

    private func write(_ t: ConsoleText) {
        let held = getpid() == owner && state.withLock { s in
            if s.atPrompt { s.held.append(t) }
            return s.atPrompt
        }
        if !held { writeAll(t.fd, t.text) }
    }
}

/// Writes all of `text` to a file descriptor.
func writeAll(_ fd: Int32, _ text: String) {
    let bytes = Array(text.utf8)
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        off += n
    }
}

/// Writes `text` to standard output.
func writeOut(_ text: String) {
    writeAll(1, text)
}
