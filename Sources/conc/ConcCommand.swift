// Command-line parsing for `conc` and what each mode does.

import ArgumentParser
import Conc
#if canImport(Glibc)
import Glibc
#endif

struct ConcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conc",
        abstract: "Conc: a small concurrent scripting language with a GIL, threads and forked processes.",
        discussion: """
            With no FILE on a terminal, starts the REPL (:help lists its commands);
            otherwise, with no FILE, runs standard input as a script.
            Exit status: 0 ok, 1 uncaught error, 2 usage, 130 interrupted.
            """,
        version: concVersion
    )

    @Option(name: .short, help: "Run CODE instead of a file.")
    var e: String?

    @Flag(help: "Check the syntax of FILE and exit.")
    var check = false

    @Flag(help: "Print the bytecode of FILE and exit.")
    var dis = false

    @Option(name: .long, help: ArgumentHelp("Seconds a thread waits for the GIL before it asks the holder to let go (default 0.005).", valueName: "S"))
    var switchInterval: Double?

    @Flag(name: .long, help: "Print GIL statistics (switches, held and waited time per thread) on stderr at exit.")
    var gilStats = false

    @Option(name: .long, help: ArgumentHelp("Write a trace of every thread and child process (Chrome Trace Event format; open it in Perfetto) to FILE.", valueName: "FILE.json"))
    var trace: String?

    @Option(name: .long, help: ArgumentHelp("Draw the same trace as a timeline, one row per thread and process, to FILE.", valueName: "FILE.svg"))
    var timeline: String?

    @Argument(help: "The script to run.")
    var file: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the script (its `args`).")
    var arguments: [String] = []

    mutating func run() throws {
        var options = InterpreterOptions()
        options.allowProcesses = true
        if let s = switchInterval {
            guard s > 0, s.isFinite else {
                printError("conc: --switch-interval needs a positive number of seconds")
                throw ExitCode(2)
            }
            options.switchInterval = s
        }
        if trace != nil || timeline != nil {
            let path = trace ?? temporaryTracePath()
            // Fail now, with a usage error, rather than after the script ran.
            for target in [path, timeline].compactMap({ $0 }) {
                let fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
                guard fd >= 0 else {
                    printError("conc: cannot write '\(target)': \(String(cString: strerror(errno)))")
                    throw ExitCode(2)
                }
                close(fd)
            }
            options.traceFile = path
        }
        var scriptArgs = arguments
        if e == nil && file == nil && !arguments.isEmpty {
            // `conc -- FILE ARGS`: the first passthrough argument is the file.
            file = scriptArgs.removeFirst()
        }
        options.scriptArguments = scriptArgs

        let source: [UInt8]
        let name: String
        if let code = e {
            source = Array(code.utf8)
            name = "<string>"
            if let f = file { options.scriptArguments.insert(f, at: 0) }
        } else if let path = file {
            guard let bytes = readFileBytes(path) else {
                printError("conc: cannot open '\(path)': \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
            source = bytes
            name = path
        } else if !check && !dis && isatty(0) != 0 && isatty(1) != 0 {
            // The REPL and readline run on the main thread, which this is.
            let (conc, status) = MainActor.assumeIsolated { REPL.session(options: options) }
            finish(conc, status)
        } else {
            source = readStandardInput()
            name = "<stdin>"
        }

        let conc = Interpreter(options: options)
        conc.flushOutputOnCrash()
        ProcessSignals.routeInterrupts(to: conc)
        var status: Int32 = 0
        do {
            if check {
                try conc.check(source, file: name)
            } else if dis {
                print(try conc.disassemble(source, file: name), terminator: "")
            } else {
                try conc.run(bytes: source, file: name)
            }
        } catch {
            if let code = error.exitCode { finish(conc, code) }
            printError(error.description)
            if error.kind == "Interrupt" { finish(conc, 130) }
            status = 1
        }
        // Like Python, the program ends when its threads have (also after an error).
        if let code = conc.waitForThreads() { status = code }
        finish(conc, status)
    }

    /// Prints the GIL table, writes the trace and the timeline if asked for, and exits.
    private func finish(_ conc: Interpreter, _ status: Int32) -> Never {
        var status = status
        // Output the system refused (a full disk, a closed pipe) makes a run that
        // otherwise succeeded fail; a run that already failed said why.
        conc.flushOutput()
        if let why = conc.outputFailure, status == 0 {
            printError("conc: error: cannot write to standard output: \(why)")
            status = 1
        }
        conc.killChildProcesses()
        if gilStats { printError(gilTable(conc.gilStats())) }
        if let path = conc.options.traceFile {
            conc.finishTrace()
            if let svgPath = timeline {
                if let svg = Timeline.svg(fromTrace: path) {
                    writeText(svg, to: svgPath)
                } else {
                    printError("conc: the trace in '\(path)' has nothing to draw")
                }
                if trace == nil { unlink(path) }
            }
        }
        Glibc.exit(status)
    }

    /// Where the trace goes when only a timeline was asked for.
    private func temporaryTracePath() -> String {
        let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        return "\(dir)/conc-trace-\(getpid()).json"
    }
}

let concVersion = "0.1.0"

func printError(_ s: String) {
    var text = s
    if !text.hasSuffix("\n") { text += "\n" }
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func writeText(_ text: String, to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
        printError("conc: cannot write '\(path)': \(String(cString: strerror(errno)))")
        return
    }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    var at = 0
    while at < bytes.count {
        let n = bytes[at...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        at += n
    }
}

func readFileBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    if fd < 0 { return nil }
    defer { close(fd) }
    return readAll(fd)
}

func readStandardInput() -> [UInt8] { readAll(0) ?? [] }

private func readAll(_ fd: Int32) -> [UInt8]? {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if n == 0 { return out }
        out += buf[0..<n]
    }
}
