// What one run of `conc` does once its command line is understood (Arguments.swift):
// the script, the code or the REPL, with the options asked for, and the exit status.

import Conc
#if canImport(Glibc)
import Glibc
#endif

struct ScriptRun {
    /// `-e CODE`: the code to run instead of a file.
    var code: String?
    /// `--check`: check the syntax and exit.
    var check = false
    /// `--dis`: print the bytecode and exit.
    var dis = false
    /// `--switch-interval S`.
    var switchInterval: Double?
    /// `--gil-stats`.
    var gilStats = false
    /// `--trace FILE.json`.
    var trace: String?
    /// `--timeline FILE.svg`.
    var timeline: String?
    /// The first positional argument: the script, or with `-e` the first of `args`.
    var file: String?
    /// The arguments after it, as given (they become the script's `args`).
    var arguments: [String] = []

    /// Runs the script (or the REPL) and exits with its status; usage errors found here
    /// (a bad switch interval, an unwritable trace, a missing file) exit with 2.
    func run() -> Never {
        var options = InterpreterOptions()
        options.allowProcesses = true
        if let s = switchInterval {
            guard s > 0, s.isFinite else {
                printError("conc: --switch-interval needs a positive number of seconds")
                exit(2)
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
                    exit(2)
                }
                close(fd)
            }
            options.traceFile = path
        }
        options.scriptArguments = arguments

        let source: [UInt8]
        let name: String
        if let code {
            source = Array(code.utf8)
            name = "<string>"
            if let f = file { options.scriptArguments.insert(f, at: 0) }
        } else if let path = file, path != "-" {
            guard let bytes = readFileBytes(path) else {
                printError("conc: cannot open '\(path)': \(String(cString: strerror(errno)))")
                exit(2)
            }
            source = bytes
            name = path
        } else if file == nil && !check && !dis && isatty(0) != 0 && isatty(1) != 0 {
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
        exit(status)
    }

    /// Where the trace goes when only a timeline was asked for.
    private func temporaryTracePath() -> String {
        let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        return "\(dir)/conc-trace-\(getpid()).json"
    }
}
