// The REPL's `:` commands: help, quit, load, time, dis, gil, threads, reset.

import Conc
#if canImport(Glibc)
import Glibc
#endif

extension REPL {
    /// Every command with its arguments and what it does, as `:help` lists them.
    static let commands: [(name: String, arguments: String, summary: String)] = [
        ("help", "", "list these commands"),
        ("quit", "", "leave (Ctrl-D too), after the running threads and processes end"),
        ("load", "FILE", "run a script file in this session"),
        ("time", "EXPR", "run EXPR; show wall and CPU seconds (this process's and its children's) and the GIL switches"),
        ("dis", "NAME", "show the bytecode of the function NAME"),
        ("gil", "", "show GIL statistics: switches, held and waited seconds per thread"),
        ("threads", "", "list the live threads and child processes and what each is doing"),
        ("reset", "", "stop the threads and child processes and start a fresh interpreter"),
    ]

    /// Runs the command `line` (which starts with `:`). Returns an exit status when the
    /// session must end.
    func command(_ line: String) -> Int32? {
        let body = line.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace })
        let argument = body.dropFirst(name.count).trimmed
        switch name {
        case "help":
            var text = "Enter Conc statements and expressions; an expression's value is printed.\n"
            for c in REPL.commands {
                let usage = ":" + c.name + (c.arguments.isEmpty ? "" : " " + c.arguments)
                text += "  " + usage + String(repeating: " ", count: max(1, 14 - usage.count)) + c.summary + "\n"
            }
            writeOut(text)
        case "quit":
            return finish()
        case "load":
            guard !argument.isEmpty else { return usage("load FILE") }
            let path = expandingTilde(argument)
            guard let source = readFileBytes(path) else {
                printError("cannot open '\(path)': \(String(cString: strerror(errno)))")
                return nil
            }
            do {
                try conc.run(bytes: source, file: path)
            } catch {
                return report(error)
            }
        case "time":
            guard !argument.isEmpty else { return usage("time EXPR") }
            return time(argument)
        case "dis":
            guard !argument.isEmpty else { return usage("dis NAME") }
            do {
                writeOut(try conc.disassemble(function: argument))
            } catch {
                printError(error.description)
            }
        case "gil":
            writeOut(gilTable(conc.gilStats()))
        case "threads":
            let report = conc.threadReport()
            writeOut(report.isEmpty ? "no threads or child processes are running\n" : report)
        case "reset":
            conc.shutDown()
            conc = Interpreter(options: options)
            connect()
        default:
            printError("unknown command ':\(name)' (:help lists the commands)")
        }
        return nil
    }

    /// `:time EXPR`: runs EXPR as an entry, then prints the wall and CPU seconds it took
    /// and how many times the GIL changed hands meanwhile.
    private func time(_ expression: String) -> Int32? {
        let switchesBefore = gilSwitches()
        let wallBefore = monotonicNow(), cpuBefore = processCPUNow(), childrenBefore = childrenCPUNow()
        let status = run(expression)
        let wall = monotonicNow() - wallBefore, cpu = processCPUNow() - cpuBefore
        let children = childrenCPUNow() - childrenBefore
        if status != nil { return status }
        writeOut("wall \(threeDecimals(wall)) s, cpu \(threeDecimals(cpu)) s + \(threeDecimals(children)) s in child processes, "
                 + "GIL switches \(gilSwitches() - switchesBefore)\n")
        return nil
    }

    private func gilSwitches() -> Int {
        conc.gilStats()["switches"]?.intValue ?? 0
    }

    private func usage(_ text: String) -> Int32? {
        printError("usage: :\(text)")
        return nil
    }
}

/// `~/x.conc` and `~name/x.conc` as the shell would read them.
private func expandingTilde(_ path: String) -> String {
    guard path.hasPrefix("~") else { return path }
    let user = path.dropFirst().prefix { $0 != "/" }
    let rest = path.dropFirst(1 + user.count)
    let home: String?
    if user.isEmpty {
        home = getenv("HOME").map { String(cString: $0) } ?? getpwuid(getuid()).flatMap { $0.pointee.pw_dir }.map { String(cString: $0) }
    } else {
        home = getpwnam(String(user)).flatMap { $0.pointee.pw_dir }.map { String(cString: $0) }
    }
    return home.map { $0 + rest } ?? path
}

/// `0.123` for 0.12345 seconds.
private func threeDecimals(_ s: Double) -> String {
    let ms = Int((max(0, s) * 1000).rounded())
    let fraction = String(ms % 1000)
    return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
