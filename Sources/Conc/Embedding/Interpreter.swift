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
    // Sendable: every entry point goes through `exclusive` before touching the VM.
    let vm: VM
    private let lock = Mutex(())
    /// The thread inside `exclusive` (0: none), so a host function may call back into
    /// its own interpreter without deadlocking on `lock`.
    private let owner = Atomic<UInt>(0)

    /// Runs `body` with the interpreter to itself. A call from the thread that is
    /// already inside (a host function using its interpreter) runs at once.
    private func exclusive<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let me = UInt(bitPattern: Int(bitPattern: pthread_self()))
        if owner.load(ordering: .relaxed) == me { return try body() }
        return try lock.withLock { _ throws(E) -> sending R in
            owner.store(me, ordering: .relaxed)
            defer { owner.store(0, ordering: .relaxed) }
            return try body()
        }
    }

    public init(options: InterpreterOptions = InterpreterOptions()) {
        vm = VM(options: options)
    }

    public var options: InterpreterOptions { vm.options }

    /// Where `print` and `write` send text; nil (the default) means standard output.
    public var output: (@Sendable (String) -> Void)? {
        get { exclusive { vm.output.sink } }
        set { exclusive { vm.output.sink = newValue } }
    }

    /// Compiles and runs a program.
    public func run(_ source: String, file: String = "<string>") throws(ConcError) {
        _ = try execute(Array(source.utf8), file: file, mode: .run)
    }

    /// Runs source given as bytes (it must be valid UTF-8; invalid bytes are a syntax
    /// error, never repaired).
    public func run(bytes: [UInt8], file: String) throws(ConcError) {
        _ = try execute(bytes, file: file, mode: .run)
    }

    /// Runs a program and returns the value of its last statement if that is an
    /// expression (nil otherwise).
    public func evaluate(_ source: String, file: String = "<string>") throws(ConcError) -> Value {
        try execute(Array(source.utf8), file: file, mode: .evaluate)
    }

    /// Checks a program's syntax without running it.
    public func check(_ source: [UInt8], file: String) throws(ConcError) {
        try exclusive { () throws(ConcError) in
            vm.sources[file] = source
            _ = try vm.compile(source, file: file, mode: .run)
        }
    }

    /// The bytecode listing of a program (what `conc --dis` prints).
    public func disassemble(_ source: [UInt8], file: String) throws(ConcError) -> String {
        try exclusive { () throws(ConcError) in
            vm.sources[file] = source
            return disassembly(of: try vm.compile(source, file: file, mode: .run))
        }
    }

    /// Calls the global function `name` with `args`.
    public func call(_ name: String, _ args: [Value] = []) throws(ConcError) -> Value {
        try exclusive { () throws(ConcError) in
            guard let f = vm.global(name) else {
                throw ConcError(kind: "NameError", message: "name '\(name)' is not defined")
            }
            return try vm.runHostCall(f, args)
        }
    }

    /// Defines a global function implemented by the host. Its errors reach the script as
    /// Conc errors: a `ConcError` keeps its kind, any other error becomes `HostError`.
    public func define(_ name: String, arity: ClosedRange<Int>? = nil,
                       _ body: @escaping @Sendable ([Value]) throws -> Value) {
        exclusive {
            vm.defineNative(name, arity?.lowerBound ?? 0, arity?.upperBound ?? -1) { ts, args throws(Unwind) in
                let vm = ts.vm
                let hostArgs = (0..<args.count).map { vm.snapshot(args[$0]) }
                do {
                    return vm.value(from: try body(hostArgs))
                } catch let e as ConcError {
                    throw ts.error(e.kind, e.message)
                } catch {
                    throw ts.error("HostError", "\(error)")
                }
            }
        }
    }

    /// Reads or writes a global variable (nil: undefined).
    public subscript(name: String) -> Value? {
        get { exclusive { vm.global(name).map { vm.snapshot($0) } } }
        set {
            exclusive {
                vm.setGlobal(name, newValue.map { vm.value(from: $0) } ?? .undefined)
            }
        }
    }

    /// Asks the running code to stop: it raises `Interrupt` at its next safe point.
    /// Safe to call from any thread or a signal-handling thread.
    public func interrupt() {
        vm.interruptRequested.store(true, ordering: .relaxed)
    }

    private func execute(_ source: [UInt8], file: String, mode: Compiler.Mode) throws(ConcError) -> Value {
        try exclusive { () throws(ConcError) in
            vm.sources[file] = source
            let proto = try vm.compile(source, file: file, mode: mode)
            let closure = vm.heap.register(Closure(proto: proto, upvalueCount: 0))
            return try vm.runHostCall(Val(closure), [])
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

    /// Runs a callable for the host on the main thread state, converting the outcome.
    func runHostCall(_ f: Val, _ args: [Value]) throws(ConcError) -> Value {
        let ts = mainThread!
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
            return snapshot(try callFunction(ts, f, vals))
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
