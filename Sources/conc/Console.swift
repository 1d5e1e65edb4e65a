// Where the REPL's interpreter writes. While an entry runs, output goes straight to the
// terminal. While the prompt waits, threads still running in the background may print
// too: their text is held here until the prompt shows it above itself, so it never
// lands in the middle of the line being typed.
//
// Child processes print too, and they share the terminal. A child that prints while the
// prompt waits (it reads the flag the prompt sets, see ProcessSignals.swift) sends its
// text to this process through a relay pipe instead, and a relay thread here holds it
// like a thread's. While an entry runs, children write straight to the terminal, so
// their output keeps its order with the parent's (`p.join()` after the child printed).

import Conc
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
    /// The process the prompt runs in; a forked child inherits the sinks, but no prompt.
    private let owner = getpid()
    /// The relay pipe children write to while the prompt waits (-1: none).
    private let relayRead: Int32
    private let relayWrite: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        } else {
            fds = [-1, -1]
        }
        (relayRead, relayWrite) = (fds[0], fds[1])
        if relayRead >= 0 { startRelay() }
    }

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
        if getpid() != owner {
            if relayWrite >= 0 && ProcessSignals.promptWaiting { relay(t) } else { writeAll(t.fd, t.text) }
            return
        }
        let held = state.withLock { s in
            if s.atPrompt { s.held.append(t) }
            return s.atPrompt
        }
        if !held { writeAll(t.fd, t.text) }
    }

    // MARK: the relay

    /// The most text in one frame: a frame (fd, two length bytes, text) fits in
    /// PIPE_BUF, so frames from several children never interleave.
    private static let frameText = 4000

    /// In a child: sends `t` to the parent's relay thread, in frames.
    private func relay(_ t: ConsoleText) {
        let bytes = Array(t.text.utf8)
        var start = 0
        repeat {
            var n = min(Console.frameText, bytes.count - start)
            // Frames end between characters, so each one decodes on its own.
            while n < bytes.count - start && bytes[start + n] & 0xC0 == 0x80 { n -= 1 }
            var frame: [UInt8] = [UInt8(truncatingIfNeeded: t.fd), UInt8(n & 0xFF), UInt8(n >> 8)]
            frame += bytes[start..<(start + n)]
            writeAllBytes(relayWrite, frame)
            start += n
        } while start < bytes.count
    }

    /// Starts the thread that takes children's frames and writes them as its own.
    private func startRelay() {
        // The thread starts with every signal blocked: signals are for the threads
        // that handle them (ProcessSignals.swift).
        var all = sigset_t(), before = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, &before)
        defer { pthread_sigmask(SIG_SETMASK, &before, nil) }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let started = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Console>.fromOpaque(raw).takeRetainedValue().relayLoop()
            return nil
        }, context)
        if started == 0 { pthread_detach(thread) } else { Unmanaged<Console>.fromOpaque(context).release() }
    }

    private func relayLoop() {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(relayRead, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            pending += chunk[..<n]
            while pending.count >= 3 {
                let length = Int(pending[1]) | Int(pending[2]) << 8
                guard pending.count >= 3 + length else { break }
                let text = String(decoding: pending[3..<(3 + length)], as: UTF8.self)
                write(ConsoleText(fd: Int32(pending[0]), text: text))
                pending.removeFirst(3 + length)
            }
        }
    }
}

/// Writes all of `text` to a file descriptor.
func writeAll(_ fd: Int32, _ text: String) {
    writeAllBytes(fd, Array(text.utf8))
}

func writeAllBytes(_ fd: Int32, _ bytes: [UInt8]) {
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
