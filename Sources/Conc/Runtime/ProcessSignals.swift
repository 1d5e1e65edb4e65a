// Signals are process-wide, so this is the one place that owns them: the `conc` command
// calls `routeInterrupts(to:)` so Ctrl-C raises `Interrupt` in the running script (which
// then ends with exit status 130 and its trace, its output flushed) instead of killing
// the process. A second Ctrl-C while the first is still pending exits at once.
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
    private static let target = Mutex<Interpreter?>(nil)

    /// Routes SIGINT to `interpreter`: the first Ctrl-C raises `Interrupt` at the
    /// script's next safe point; another before that is handled exits with status 130.
    /// Call it before starting any other thread, so that every thread inherits the
    /// blocked signal.
    public static func routeInterrupts(to interpreter: Interpreter) {
        target.withLock { $0 = interpreter }
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

    private static func interrupt() {
        guard let interpreter = target.withLock({ $0 }) else { _exit(130) }
        if interpreter.vm.interruptRequested.load(ordering: .relaxed) {
            // The script has not reached a safe point since the last Ctrl-C (it is
            // blocked in native code): give up on it.
            _exit(130)
        }
        interpreter.interrupt()
    }
}
