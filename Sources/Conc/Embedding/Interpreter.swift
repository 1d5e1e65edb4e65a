// The embedding API: one `Interpreter` is one independent Conc world (globals, heap,
// threads). Several may live in one process.

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A Conc interpreter.
///
/// ```swift
/// let conc = Interpreter()
/// try conc.run("fn fib(n) { if n < 2 { return n } return fib(n-1) + fib(n-2) }")
/// let v = try conc.evaluate("fib(20)")   // .int(6765)
/// ```
public final class Interpreter: @unchecked Sendable {
    // Sendable: every entry point takes the GIL (`exclusive`) before touching the VM,
    // so any number of host threads may drive one interpreter, taking turns with its
    // script threads.
    let vm: VM

    /// Runs `body` holding the GIL on the calling thread's state; at once when the
    /// caller already holds it (a host function calling back into its interpreter).
    func exclusive<R, E: Error>(_ body: (ThreadState) throws(E) -> R) throws(E) -> R {
        try vm.withGIL(body)
    }

    public init(options: InterpreterOptions = InterpreterOptions()) {
        vm = VM(options: options)
    }

    public var options: InterpreterOptions { vm.options }

    /// Where `print` and `write` send text; nil (the default) means standard output.
    public var output: (@Sendable (String) -> Void)? {
        get { exclusive { _ in vm.output.sink } }
        set { exclusive { _ in vm.output.sink = newValue } }
    }

    /// Where errors that end spawned threads are reported (default: standard error).
    public var errorOutput: @Sendable (String) -> Void {
        get { exclusive { _ in vm.errorSink } }
        set { exclusive { _ in vm.errorSink = newValue } }
    }

    /// Compiles and runs a program.
    public func run(_ source: String, file: String = "<string>") throws(ConcError) {
        try execute(Array(source.utf8), file: file, mode: .run) { _ in }
    }

    /// Runs source given as bytes (it must be valid UTF-8; invalid bytes are a syntax
    /// error, never repaired).
    public func run(bytes: [UInt8], file: String) throws(ConcError) {
        try execute(bytes, file: file, mode: .run) { _ in }
    }

    /// Runs a program and returns the value of its last statement if that is an
    /// expression (nil otherwise).
    public func evaluate(_ source: String, file: String = "<string>") throws(ConcError) -> Value {
        try execute(Array(source.utf8), file: file, mode: .evaluate) { vm.snapshot($0) }
    }

    /// Checks a program's syntax without running it.
    public func check(_ source: [UInt8], file: String) throws(ConcError) {
        try exclusive { _ throws(ConcError) in
            vm.sources[file] = source
            _ = try vm.compile(source, file: file, mode: .run)
        }
    }

    /// The bytecode listing of a program (what `conc --dis` prints).
    public func disassemble(_ source: [UInt8], file: String) throws(ConcError) -> String {
        try exclusive { _ throws(ConcError) in
            vm.sources[file] = source
            return disassembly(of: try vm.compile(source, file: file, mode: .run), globalNames: vm.globalNames)
        }
    }

    /// Calls the global function `name` with `args`.
    public func call(_ name: String, _ args: [Value] = []) throws(ConcError) -> Value {
        try exclusive { ts throws(ConcError) in
            guard let f = vm.global(name) else {
                throw ConcError(kind: "NameError", message: "name '\(name)' is not defined")
            }
            return try vm.runHostCall(ts, f, args) { vm.snapshot($0) }
        }
    }

    /// Defines a global function implemented by the host. Its errors reach the script as
    /// Conc errors: a `ConcError` keeps its kind, any other error becomes `HostError`.
    ///
    /// With `releasesGIL`, the function runs without the GIL, so the script's other
    /// threads keep running meanwhile (right for anything that blocks or computes for
    /// long); without it they stall until it returns, as behind a C extension that
    /// keeps Python's GIL.
    public func define(_ name: String, arity: ClosedRange<Int>? = nil, releasesGIL: Bool = false,
                       _ body: @escaping @Sendable ([Value]) throws -> Value) {
        exclusive { _ in
            vm.defineNative(name, arity?.lowerBound ?? 0, arity?.upperBound ?? -1) { ts, args throws(Unwind) in
                let vm = ts.vm
                let hostArgs = (0..<args.count).map { vm.snapshot(args[$0]) }
                var outcome: Result<Value, any Error> = .success(.nil)
                if releasesGIL {
                    try vm.blocking(ts) { outcome = Result { try body(hostArgs) } }
                } else {
                    outcome = Result { try body(hostArgs) }
                }
                switch outcome {
                case .success(let v):
                    return vm.value(from: v)
                case .failure(let e as ConcError):
                    throw ts.error(e.kind, e.message)
                case .failure(let e):
                    throw ts.error("HostError", "\(e)")
                }
            }
        }
    }

    /// Reads or writes a global variable (nil: undefined).
    public subscript(name: String) -> Value? {
        get { exclusive { _ in vm.global(name).map { vm.snapshot($0) } } }
        set {
            exclusive { _ in
                vm.setGlobal(name, newValue.map { vm.value(from: $0) } ?? .undefined)
            }
        }
    }

    /// Asks the running code to stop: it raises `Interrupt` at its next safe point.
    /// Safe to call from any thread or a signal-handling thread.
    public func interrupt() {
        vm.interruptRequested.store(true, ordering: .relaxed)
        vm.mainThread.parker.unpark()
    }

    /// What `gil_stats()` returns: switches, drop requests, the switch interval, and
    /// per thread the seconds it held and waited for the GIL.
    public func gilStats() -> Value {
        exclusive { ts in vm.gilStats(ts) }
    }

    /// Waits until every thread and child process the scripts spawned has finished, as
    /// a program does before it exits. Returns the status of an `exit(n)` a thread
    /// called, if one did (the child processes are then killed, not waited for).
    @discardableResult
    public func waitForThreads() -> Int32? {
        exclusive { ts in
            if let code = vm.waitForThreads(ts) {
                vm.killChildren()
                return code
            }
            do throws(Unwind) {
                try vm.waitForChildren(ts)
            } catch {
                if case .exit(let code) = error { return code }
                vm.killChildren()
            }
            return nil
        }
    }

    /// Writes the trace (`InterpreterOptions.traceFile`) once the program is over: this
    /// process's events, after those its child processes wrote, and the end of the
    /// JSON array.
    public func finishTrace() {
        exclusive { ts in
            guard let tracer = vm.tracer else { return }
            tracer.span("running", ts, from: ts.gilHeldSince, to: monotonicSeconds())
            tracer.write(last: true)
        }
    }

    /// Kills and reaps every child process the scripts spawned and nobody has joined
    /// (what `exit()` and Ctrl-C do to a program's children).
    public func killChildProcesses() {
        exclusive { _ in vm.killChildren() }
    }

    /// Ends the threads and child processes the scripts spawned, as `exit(0)` in a
    /// script would: each thread stops at its next safe point or wake-up (one blocked
    /// in a system call, when the call returns), and the children are killed. For a
    /// host that discards an interpreter whose threads may still be running: code run
    /// afterwards stops at once, as after `exit(0)`.
    public func shutDown() {
        exclusive { _ in
            vm.requestExit(0)
            vm.killChildren()
        }
    }

    /// Why writing to standard output failed (the system's message for the first
    /// failed write, such as "No space left on device"), or nil if every write worked.
    /// Output the system refused is lost; the command line exits with status 1.
    public var outputFailure: String? {
        exclusive { _ in vm.output.failure.map { String(cString: strerror($0)) } }
    }

    /// Makes a crash of the whole process (a fatal signal) write out what `print` and
    /// `write` had buffered before the process dies. For a program with one
    /// interpreter writing to standard output, such as the `conc` command.
    public func flushOutputOnCrash() {
        exclusive { _ in Conc.flushOutputOnCrash(vm.output) }
    }

    /// How many threads the scripts spawned are still alive (pool workers included).
    /// For the fuzzing harness, which must see every thread of one input end before it
    /// runs the next: after `shutDown()` they end soon, but not all at once.
    package var runningThreadCount: Int {
        exclusive { _ in vm.spawnedLive }
    }

    /// Sends what `print` and `write` have buffered to `output` now. Output is
    /// otherwise sent when the buffer fills, when a thread blocks and when a call
    /// returns, so a host showing the prints of threads that run in the background
    /// calls this now and then.
    public func flushOutput() {
        exclusive { _ in vm.output.flush() }
    }

    /// Compiles and runs a program, turning the value it returns into `R` while the
    /// GIL is still held.
    func execute<R>(_ source: [UInt8], file: String, mode: Compiler.Mode,
                    result: (Val) -> R) throws(ConcError) -> R {
        try exclusive { ts throws(ConcError) in
            vm.sources[file] = source
            let proto = try vm.compile(source, file: file, mode: mode)
            let closure = vm.heap.register(Closure(proto: proto, upvalueCount: 0))
            return try vm.runHostCall(ts, Val(closure), [], result)
        }
    }
}

extension VM {
    /// Parses and compiles a program.
    func compile(_ source: [UInt8], file: String, mode: Compiler.Mode) throws(ConcError) -> Proto {
        do {
            let program = try Parser.parse(source)
            return try Compiler(vm: self, file: file).compileProgram(program, mode: mode)
        } catch {
            throw ConcError(kind: "SyntaxError", message: error.message, file: file,
                            line: Int(error.pos.line), column: Int(error.pos.col),
                            isIncomplete: error.isIncomplete, sourceLine: sourceLine(file, Int(error.pos.line)))
        }
    }

    /// Runs a callable for the host on the calling thread's state, converting the outcome.
    func runHostCall<R>(_ ts: ThreadState, _ f: Val, _ args: [Value], _ result: (Val) -> R) throws(ConcError) -> R {
        let savedBudget = ts.budgetLeft
        if ts.nativeDepth == 0 {
            // An interrupt asked for while nothing ran is not held against the next run.
            interruptRequested.store(false, ordering: .relaxed)
            if let b = options.instructionBudget { ts.budgetLeft = max(b, 1) }
        }
        defer {
            ts.budgetLeft = savedBudget
            output.flush()
        }
        do {
            let vals = args.map { value(from: $0) }
            return result(try callFunction(ts, f, vals))
        } catch {
            throw concError(error, ts)
        }
    }

    /// Turns an unwind that reached the host into a `ConcError` with position and trace.
    func concError(_ u: Unwind, _ ts: ThreadState) -> ConcError {
        switch u {
        case .exit(let code):
            return ConcError(kind: "Exit", message: "exit(\(code))", exitCode: code)
        case .fatal(let kind, let message):
            return ConcError(kind: kind, message: message)
        case .thrown(let v):
            if let e = v.asError {
                let file = e.origin?.file ?? ""
                let line = Int(e.origin?.pos.line ?? 0)
                return ConcError(kind: e.errorKind, message: e.message, file: file, line: line,
                                 column: Int(e.origin?.pos.col ?? 0), trace: e.trace,
                                 sourceLine: sourceLine(file, line))
            }
            let origin = ts.lastThrow
            let line = Int(origin?.pos.line ?? 0)
            return ConcError(kind: "Error", message: String(decoding: (try? str(ts, v)) ?? [], as: UTF8.self),
                             file: origin?.file ?? "", line: line, column: Int(origin?.pos.col ?? 0),
                             trace: origin?.trace ?? [], sourceLine: sourceLine(origin?.file ?? "", line))
        }
    }

    /// Line `n` (1-based) of a loaded file, for diagnostics.
    func sourceLine(_ file: String, _ n: Int) -> String? {
        guard n > 0, let bytes = sources[file] else { return nil }
        var line = 1
        var start = 0
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            if line == n { return String(decoding: bytes[start..<i], as: UTF8.self) }
            line += 1
            start = i + 1
        }
        return line == n ? String(decoding: bytes[start...], as: UTF8.self) : nil
    }
}
