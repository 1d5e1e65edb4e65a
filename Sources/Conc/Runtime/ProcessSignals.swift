// Signals are process-wide, so this is the one place that owns them: the `conc` command
// calls `routeInterrupts(to:)` so Ctrl-C raises `Interrupt` in the running script (which
// then ends with exit status 130 and its trace, its output flushed) instead of killing
// the process. A second Ctrl-C while the first is still pending exits at once.
//
// The REPL needs a second destination: while it waits at its prompt no code runs, and
// Ctrl-C must clear the line being typed. It gives `sendInterrupts(to:)` the write end
// of a pipe its prompt loop polls; each Ctrl-C then writes a byte there, and nothing
// else happens (in particular, no exit on a second one).
//
// Child processes share the terminal, so the terminal's Ctrl-C reaches them too. While
// the REPL's prompt waits, that Ctrl-C is only for the line being typed: a flag in a
// page shared with every child (`childrenIgnoreInterrupts`) says so, and a child's
// SIGINT handler then ignores the signal; at any other time the handler dies of it, as
// the default action would. A busy machine may run a child's handler long after the
// signal came, when the prompt has moved on; so the page also holds when this process
// last took a Ctrl-C at its prompt, and a child ignores a SIGINT that comes within two
// seconds of one (the same keystroke).
//
// Design: SIGINT is blocked in every thread, and one watcher thread takes it with
// `sigwait`. A handler running on an arbitrary thread could touch nothing safely (not
// even a lazily initialised Swift global); the watcher is an ordinary thread and may
// call `Interpreter.interrupt()`, which only sets an atomic flag.

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Process-wide signal routing for command-line hosts. An embedding host that has its
/// own signal handling should not call this.
public enum ProcessSignals {
    /// Where Ctrl-C goes, and whether the watcher thread has been started.
    private struct Route {
        var interpreter: Interpreter?
        var promptFD: Int32?
        var watching = false
    }

    private static let route = Mutex(Route())

    /// Routes SIGINT to `interpreter`: the first Ctrl-C raises `Interrupt` at the
    /// script's next safe point; another before that is handled exits with status 130.
    /// Call it before starting any other thread, so that every thread inherits the
    /// blocked signal. Calling it again (for a new interpreter) only changes the target.
    public static func routeInterrupts(to interpreter: Interpreter) {
        let watching = route.withLock { r in
            r.interpreter = interpreter
            let was = r.watching
            r.watching = true
            return was
        }
        if watching { return }
        let page = mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)
        if let page, page != MAP_FAILED {
            childrenIgnoreInterrupts = page.assumingMemoryBound(to: UInt8.self)
            promptInterruptAt = (page + 8).assumingMemoryBound(to: Int64.self)
            promptInterruptAt?.pointee = Int64.min / 2
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGINT)
            while true {
                var signal: Int32 = 0
                guard sigwait(&set, &signal) == 0 else { continue }
                ProcessSignals.interrupt()
            }
        }, nil)
        pthread_detach(thread)
    }

    /// While `fd` is set, each Ctrl-C writes one byte to it instead of interrupting the
    /// interpreter (the REPL sets it while it waits at its prompt); nil routes Ctrl-C
    /// to the interpreter again.
    public static func sendInterrupts(to fd: Int32?) {
        route.withLock { $0.promptFD = fd }
        childrenIgnoreInterrupts?.pointee = fd == nil ? 0 : 1
    }

    /// Whether the REPL's prompt is waiting, as a child process sees it.
    public static var promptWaiting: Bool { childrenIgnoreInterrupts?.pointee ?? 0 != 0 }

    /// In a forked child: SIGINT is ignored while the REPL's prompt waits, and kills
    /// the child otherwise. (Without `routeInterrupts`, the default action.)
    static func childInterruptHandling() {
        guard childrenIgnoreInterrupts != nil else {
            signal(SIGINT, SIG_DFL)
            return
        }
        signal(SIGINT) { _ in
            if let flag = childrenIgnoreInterrupts, flag.pointee != 0 { return }
            if let at = promptInterruptAt, monotonicNanoseconds() &- at.pointee < 2_000_000_000 { return }
            signal(SIGINT, SIG_DFL)
            raise(SIGINT)
        }
    }

    private static func interrupt() {
        let (target, promptFD) = route.withLock { ($0.interpreter, $0.promptFD) }
        if let fd = promptFD {
            promptInterruptAt?.pointee = monotonicNanoseconds()
            var byte: UInt8 = 3
            _ = write(fd, &byte, 1)
            return
        }
        guard let interpreter = target else { _exit(130) }
        if interpreter.vm.interruptRequested.load(ordering: .relaxed) {
            // The script has not reached a safe point since the last Ctrl-C (it is
            // blocked in native code): give up on it.
            _exit(130)
        }
        interpreter.interrupt()
    }
}

/// When this process last took a Ctrl-C at the REPL's prompt (monotonic nanoseconds),
/// in the same shared page; written by the watcher thread, read by children's handlers.
nonisolated(unsafe) private var promptInterruptAt: UnsafeMutablePointer<Int64>?

/// The monotonic clock in nanoseconds (clock_gettime is async-signal-safe).
private func monotonicNanoseconds() -> Int64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Int64(t.tv_sec) &* 1_000_000_000 &+ Int64(t.tv_nsec)
}

/// The page shared with every child process saying whether the REPL's prompt is waiting
/// (1) or code runs (0). Written only by the thread that moves the prompt in and out,
/// read by children's signal handlers; a plain global with a constant initial value, so
/// a handler reads it without any lazy initialisation.
nonisolated(unsafe) private var childrenIgnoreInterrupts: UnsafeMutablePointer<UInt8>?
