// The last-resort flush: when the process is about to die of a fatal signal (a Swift
// runtime trap, a segmentation fault, an abort), what `print` had buffered is written
// to standard output first, so a crash never loses output that came before it.

#if canImport(Glibc)
import Glibc
#endif

/// The buffer the crash handler writes out; set once by the command line, before any
/// script runs, and read only by the handler.
nonisolated(unsafe) private var crashOutput: OutputBuffer?

/// The actions the handler replaced, indexed by signal number, put back before the
/// signal is delivered again.
nonisolated(unsafe) private var previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

private let fatalSignals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]

/// Installs the handler for `buffer`. The handler writes the buffer out, restores the
/// previous action (the Swift runtime's backtracer, or the default) and returns. A
/// fault (a trapping instruction, a bad address) then happens again and goes to that
/// action; a signal that was sent (`kill`, `abort`) is raised again, to be delivered
/// to it when the handler returns. Either way the crash goes on as it would have.
func flushOutputOnCrash(_ buffer: OutputBuffer) {
    crashOutput = buffer
    for s in fatalSignals {
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = { sig, info, _ in
            crashOutput?.flushForCrash()
            crashOutput = nil
            guard sig > 0 && sig < 65 else { return }
            sigaction(sig, previousActions + Int(sig), nil)
            // A positive si_code means the kernel raised it for a fault.
            if let info, info.pointee.si_code <= 0 { raise(sig) }
        }
        action.sa_flags = SA_SIGINFO
        sigemptyset(&action.sa_mask)
        sigaction(s, &action, previousActions + Int(s))
    }
}
