// The error the embedding API throws: a syntax error, an uncaught runtime error, an
// `exit(code)`, or a limit the host set.

/// An error from compiling or running Conc code.
public struct ConcError: Error, Sendable, CustomStringConvertible {
    /// `"SyntaxError"`, a runtime kind such as `"ZeroDivisionError"`, `"Exit"` for
    /// `exit(code)`, `"BudgetExceeded"`, `"MemoryError"` or `"Interrupt"`.
    public var kind: String
    public var message: String
    /// The file (or chunk name) where it happened, and the 1-based position.
    public var file: String
    public var line: Int
    public var column: Int
    /// `"file:line in function"`, outermost call first (runtime errors only).
    public var trace: [String]
    /// The process exit code the error asks for (`exit(code)`), if any.
    public var exitCode: Int32?
    /// True for a syntax error caused only by the input ending early (the REPL then
    /// reads another line).
    public var isIncomplete: Bool
    /// The source line the error points at, when known.
    public var sourceLine: String?

    public var isSyntaxError: Bool { kind == "SyntaxError" }

    init(kind: String, message: String, file: String = "", line: Int = 0, column: Int = 0,
         trace: [String] = [], exitCode: Int32? = nil, isIncomplete: Bool = false, sourceLine: String? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.trace = trace
        self.exitCode = exitCode
        self.isIncomplete = isIncomplete
        self.sourceLine = sourceLine
    }

    /// The diagnostic as the CLI prints it: `FILE:LINE:COL: error: KIND: message`, the
    /// source line with a caret under the column, then the trace.
    public var description: String {
        var out = line > 0 ? "\(file):\(line):\(column): error: " : "error: "
        out += message.isEmpty ? kind : "\(kind): \(message)"
        if let src = sourceLine, column > 0 {
            // A very long line is cut to a window around the column.
            var scalars = Array(src.unicodeScalars)
            var caret = column - 1
            var prefix = "", suffix = ""
            if scalars.count > 160 {
                let start = max(0, min(caret - 60, scalars.count - 120))
                let end = min(scalars.count, start + 120)
                prefix = start > 0 ? "..." : ""
                suffix = end < scalars.count ? "..." : ""
                scalars = Array(scalars[start..<end])
                caret = caret - start + prefix.count
            }
            var line = prefix
            line.unicodeScalars.append(contentsOf: scalars)
            out += "\n    " + line + suffix + "\n    "
            // Keep tabs, so the caret lines up under a tab-indented line.
            for c in line.unicodeScalars.prefix(caret) { out += c == "\t" ? "\t" : " " }
            out += "^"
        }
        if !trace.isEmpty {
            out += "\ntrace (most recent call last):"
            // As Python does, a line repeated more than three times in a row (deep
            // recursion) is shown three times and then counted.
            var i = 0
            while i < trace.count {
                var run = 1
                while i + run < trace.count && trace[i + run] == trace[i] { run += 1 }
                for _ in 0..<min(run, 3) { out += "\n  " + trace[i] }
                if run > 3 { out += "\n  [previous line repeated \(run - 3) more times]" }
                i += run
            }
        }
        return out
    }
}

/// What an embedding host allows its scripts, and the limits it sets.
public struct InterpreterOptions: Sendable {
    /// The GIL's switch interval in seconds.
    public var switchInterval: Double = 0.005
    /// Whether `spawn process` and process pools may fork. Off by default: forking a
    /// multithreaded host is unsafe. The `conc` command turns it on.
    public var allowProcesses = false
    /// Whether scripts may start threads, and how many may run at once.
    public var allowThreads = true
    public var maxThreads = 1024
    /// Whether `read_file` and `write_file` work.
    public var allowFiles = true
    /// Whether `env(name)` works.
    public var allowEnvironment = true
    /// The maximum depth of Conc calls (a deeper call raises `RecursionError`).
    public var recursionLimit = 10_000
    /// Instructions a single `run`/`evaluate`/`call` may execute (nil: no limit);
    /// exceeding it raises `BudgetExceeded`, which scripts cannot catch.
    public var instructionBudget: Int?
    /// Bytes the heap may hold after a collection (nil: no limit); exceeding it raises
    /// `MemoryError`, which scripts cannot catch.
    public var heapLimit: Int?
    /// A file to write a Chrome trace of every thread and child process to (what
    /// `conc --trace` sets); the host calls `Interpreter.finishTrace()` at the end.
    public var traceFile: String?
    /// The value of `args` in scripts.
    public var scriptArguments: [String] = []

    public init() {}
}
