// Built-ins that talk to the host: clocks, sleeping, the process, the environment, files
// and standard input. Files and the environment are capabilities the embedder may deny.

#if canImport(Glibc)
import Glibc
#endif

extension VM {
    func installSystemBuiltins() {
        defineNative("clock", 0, 0) { _, _ in .double(monotonicSeconds()) }
        defineNative("time", 0, 0) { _, _ in
            var t = timespec()
            clock_gettime(CLOCK_REALTIME, &t)
            return .double(Double(t.tv_sec) + Double(t.tv_nsec) / 1e9)
        }
        defineNative("cpu_time", 0, 0) { _, _ in
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return .double(Double(t.tv_sec) + Double(t.tv_nsec) / 1e9)
        }
        defineNative("sleep", 1, 1) { ts, args throws(Unwind) in
            let s = try ts.vm.number(ts, args[0], "sleep")
            if s < 0 || s.isNaN { throw ts.error("ValueError", "sleep length must be non-negative") }
            if s > 9e9 { throw ts.error("OverflowError", "sleep length is too large") }
            // sleep(0) just lets other threads run.
            if s == 0 { try ts.vm.blocking(ts) {} } else { _ = try ts.vm.block(ts, on: .sleep, timeout: s) { false } }
            return .nil
        }
        defineNative("cpu_count", 0, 0) { ts, _ in .int(ts.vm.cpuCount) }
        defineNative("pid", 0, 0) { _, _ in .int(Int(getpid())) }
        defineNative("exit", 0, 1) { ts, args throws(Unwind) in
            var code: Int32 = 0
            if args.count == 1 {
                guard case .int(let c) = args[0] else {
                    throw ts.error("TypeError", "exit() code must be an int, not \(args[0].typeName)")
                }
                code = Int32(truncatingIfNeeded: c)
            }
            throw Unwind.exit(code)
        }
        defineNative("env", 1, 1) { ts, args throws(Unwind) in
            let vm = ts.vm
            let name = try vm.osStringArgument(ts, args[0], "env")
            guard vm.options.allowEnvironment else {
                throw ts.error("OSError", "reading the environment is not allowed here")
            }
            guard let v = getenv(name) else { return .nil }
            return vm.string(String(cString: v))
        }
        defineNative("read_file", 1, 1) { ts, args throws(Unwind) in
            let vm = ts.vm
            let path = try vm.osStringArgument(ts, args[0], "read_file")
            try vm.checkFiles(ts)
            var result: Result<[UInt8], FileError> = .failure(FileError(message: ""))
            try vm.blocking(ts) { result = readWholeFile(path) }
            switch result {
            case .success(let bytes):
                guard String(validating: bytes, as: UTF8.self) != nil else {
                    throw ts.error("ValueError", "\(path): not valid UTF-8")
                }
                return vm.string(bytes)
            case .failure(let e):
                throw ts.error("OSError", e.message)
            }
        }
        defineNative("write_file", 2, 2) { ts, args throws(Unwind) in
            let vm = ts.vm
            let path = try vm.osStringArgument(ts, args[0], "write_file")
            // As Python's `write`, only a string is written: `write_file(p, 5)` is a mistake.
            guard let text = args[1].asString.map({ Array($0.bytes) }) else {
                throw ts.error("TypeError", "write_file() argument 2 must be a string, not \(args[1].typeName)")
            }
            try vm.checkFiles(ts)
            var failure: FileError?
            try vm.blocking(ts) { failure = writeWholeFile(path, text) }
            if let failure { throw ts.error("OSError", failure.message) }
            return .nil
        }
        defineNative("input", 0, 1) { ts, args throws(Unwind) in
            let vm = ts.vm
            if args.count == 1 { vm.output.write(try vm.str(ts, args[0])) }
            vm.output.flush()
            var line = StandardInput.Line.endOfInput
            let main = ts === vm.mainThread
            try vm.blocking(ts) {
                line = StandardInput.readLine { main && vm.interruptRequested.load(ordering: .relaxed) }
            }
            // An interrupted read has raised Interrupt in `blocking` (it checks on the way out).
            guard case .text(var bytes) = line else { return .nil }
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            return vm.string(String(decoding: bytes, as: UTF8.self))
        }
        setGlobal("args", list(scriptArguments.map { string($0) }))
    }

    /// A string handed to the operating system (a path, an environment variable's name):
    /// the C call would silently cut it at a NUL byte, so that is a ValueError, as in Python.
    func osStringArgument(_ ts: ThreadState, _ v: Val, _ function: String) throws(Unwind) -> String {
        let s = try stringArgument(ts, v, function)
        if let o = v.asString, o.bytes.contains(0) { throw ts.error("ValueError", "embedded null byte") }
        return s
    }

    func checkFiles(_ ts: ThreadState) throws(Unwind) {
        if !options.allowFiles { throw ts.error("OSError", "file access is not allowed here") }
    }
}
