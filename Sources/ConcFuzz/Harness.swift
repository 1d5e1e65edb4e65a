// The fuzzing harness: runs one input (any bytes) through the lexer, parser, compiler
// and VM of a fresh interpreter under fixed limits, and leaves no thread running when it
// returns. The libFuzzer driver and the reproducer both call `Harness.run`.

import Conc
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

enum Harness {
    /// Instructions each thread of an input may execute. Enough to reach deep into
    /// most programs, small enough to keep an input to a few milliseconds.
    static let instructionBudget = 300_000
    /// Bytes the heap may hold after a collection; more raises `MemoryError`.
    static let heapLimit = 64 << 20
    /// Python's default recursion limit.
    static let recursionLimit = 1_000
    /// Threads an input may have alive at once.
    static let maxThreads = 8
    /// Wall-clock seconds an input may take, its threads included, before the
    /// watchdog ends it. Well under libFuzzer's `-timeout`, so that a timeout there
    /// means the interpreter failed to stop when told to: a real hang.
    static let wallClockLimit = 2.0

    static var options: InterpreterOptions {
        var o = InterpreterOptions()
        // No forking, no files, no environment: an input must not reach outside the
        // process, and forking a fuzzer is unsafe.
        o.allowProcesses = false
        o.allowFiles = false
        o.allowEnvironment = false
        o.allowThreads = true
        o.maxThreads = maxThreads
        o.recursionLimit = recursionLimit
        o.instructionBudget = instructionBudget
        o.heapLimit = heapLimit
        return o
    }

    /// What happened to one input, for the reproducer to print.
    enum Outcome {
        case finished
        case failed(ConcError)
    }

    /// Runs `bytes` as a program. Its output is discarded. Every thread it started has
    /// ended when this returns.
    ///
    /// Inputs that legitimately wait for a long time (`sleep(1e9)`, a join with a long
    /// timeout on a thread that sleeps, `Event().wait(1e6)`) are not bugs, but they
    /// would look like hangs to libFuzzer. The watchdog ends any input that runs longer
    /// than `wallClockLimit` with `Interpreter.shutDown()`, which behaves as `exit(0)`
    /// in a script: every thread stops at its next safe point or wake-up, and no script
    /// can catch it. Real sleeping and blocking code still runs, so its argument
    /// checks are fuzzed too.
    @discardableResult
    static func run(_ bytes: [UInt8]) -> Outcome {
        let conc = Interpreter(options: options)
        conc.output = { _ in }
        conc.errorOutput = { _ in }
        Watchdog.shared.arm(conc, seconds: wallClockLimit)
        var outcome = Outcome.finished
        do {
            try conc.run(bytes: bytes, file: "<fuzz>")
        } catch {
            outcome = .failed(error)
        }
        // As at a program's end: the threads still running finish (each under its own
        // budget, the watchdog still armed), then anything left is ended.
        conc.waitForThreads()
        Watchdog.shared.disarm()
        conc.shutDown()
        // A thread asked to stop leaves at its next safe point; wait until all have,
        // so no input's threads run during the next input.
        while conc.runningThreadCount > 0 {
            usleep(1_000)
        }
        return outcome
    }
}

/// One background thread that ends the armed interpreter when its time is up.
final class Watchdog: Sendable {
    static let shared = Watchdog()

    private struct State {
        var target: Interpreter?
        var deadline = 0.0
    }

    private let state = Mutex(State())

    private init() {
        var thread = pthread_t()
        let made = pthread_create(&thread, nil, { _ in
            Watchdog.shared.loop()
            return nil
        }, nil)
        precondition(made == 0, "cannot start the fuzzing watchdog")
        pthread_detach(thread)
    }

    func arm(_ conc: Interpreter, seconds: Double) {
        let deadline = Watchdog.now() + seconds
        state.withLock {
            $0.target = conc
            $0.deadline = deadline
        }
    }

    func disarm() {
        state.withLock { $0.target = nil }
    }

    private func loop() {
        while true {
            usleep(20_000)
            let now = Watchdog.now()
            let expired: Interpreter? = state.withLock {
                guard let t = $0.target, now >= $0.deadline else { return nil }
                $0.target = nil
                return t
            }
            // Outside the lock: shutDown waits for the GIL, which the input's code
            // hands over at its next safe point.
            expired?.shutDown()
        }
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
