// The interactive loop (docs/reference.md section 8). It reads entries, continuing with the
// `...> ` prompt while one is incomplete, runs each as soon as it is complete, prints its
// value, reports errors as the command line does and goes on with its state intact.
// The `:` commands are in REPLCommands.swift.
//
// Threads an entry spawns keep running in the background after it (as in Python); what
// they print meanwhile appears above the prompt. Leaving the REPL waits for them, as a
// script's end does.

import Conc
#if canImport(Glibc)
import Glibc
#endif

@MainActor final class REPL {
    let options: InterpreterOptions
    let console = Console()
    /// The session's interpreter (`:reset` replaces it).
    var conc: Interpreter
    /// Entries run so far: entry N is compiled as the file `<input-N>`, so a
    /// diagnostic about code from an earlier entry still shows that entry's line.
    private var entryCount = 0

    init(options: InterpreterOptions) {
        self.options = options
        conc = Interpreter(options: options)
        connect()
    }

    /// Runs a session on the terminal, with readline and the history file. Returns the
    /// session's last interpreter and the exit status.
    static func session(options: InterpreterOptions) -> (Interpreter, Int32) {
        let repl = REPL(options: options)
        writeOut("Conc \(concVersion): threads under a GIL, forked processes. :help lists the commands; Ctrl-D leaves.\n")
        let reader = ReadlineReader(history: CommandHistory(path: CommandHistory.defaultPath()),
                                    complete: repl.completions)
        let status = repl.run(with: reader)
        return (repl.conc, status)
    }

    /// Sends the interpreter's output through the console and Ctrl-C to it.
    func connect() {
        conc.output = console.sink(fd: 1)
        conc.errorOutput = console.sink(fd: 2)
        ProcessSignals.routeInterrupts(to: conc)
    }

    /// Runs the session until Ctrl-D, `:quit` or `exit()`; returns the exit status.
    func run(with reader: LineReader) -> Int32 {
        var lines: [String] = []
        while true {
            console.setAtPrompt(true)
            let event = reader.readLine(prompt: lines.isEmpty ? "conc> " : "...> ") { [conc, console] in
                conc.flushOutput()
                return console.takeHeld()
            }
            console.setAtPrompt(false)
            for t in console.takeHeld() { writeAll(t.fd, t.text) }
            switch event {
            case .interrupt:
                lines = []
            case .endOfInput:
                if lines.isEmpty { return finish() }
                // Ctrl-D in the middle of an entry: run it, which reports what is missing.
                let entry = lines.joined(separator: "\n")
                lines = []
                reader.remember(entry)
                if let status = run(entry) { return status }
            case .line(let text):
                if lines.isEmpty && text.trimmed.hasPrefix(":") {
                    reader.remember(text)
                    if let status = command(text.trimmed) { return status }
                    continue
                }
                lines.append(text)
                let entry = lines.joined(separator: "\n")
                if entry.trimmed.isEmpty {
                    lines = []
                } else if Interpreter.isComplete(entry) {
                    lines = []
                    reader.remember(entry)
                    if let status = run(entry) { return status }
                }
            }
        }
    }

    /// Runs one entry and prints its value or its error. Returns an exit status if the
    /// entry called `exit()`.
    func run(_ entry: String) -> Int32? {
        entryCount += 1
        do {
            if let shown = try conc.runEntry(entry, file: "<input-\(entryCount)>") { writeOut(shown + "\n") }
        } catch {
            return report(error)
        }
        return nil
    }

    /// Prints an error as the command line does; returns the status `exit()` asks for.
    func report(_ error: ConcError) -> Int32? {
        if let code = error.exitCode { return code }
        // The terminal has echoed `^C` where the cursor was.
        if error.kind == "Interrupt" { printError("") }
        printError(error.description)
        return nil
    }

    /// The end of the session: like a script's end, wait for the threads and child
    /// processes still running (Ctrl-C stops the wait).
    func finish() -> Int32 {
        if !conc.threadReport().isEmpty {
            printError("waiting for the threads and child processes still running (Ctrl-C stops them)")
        }
        return conc.waitForThreads() ?? 0
    }

    /// What Tab offers for the text before the cursor.
    func completions(_ before: String) -> Completions {
        let text = before.trimmedAtStart
        guard text.hasPrefix(":") else { return .words(conc.completions(for: before)) }
        guard let space = text.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
            // The command's name (readline completes the word after the colon).
            let typed = text.dropFirst()
            return .words(REPL.commands.map(\.name).filter { $0.hasPrefix(typed) })
        }
        switch text[..<space] {
        case ":load": return .fileNames
        case ":time", ":dis": return .words(conc.completions(for: String(text[space...])))
        default: return .words([])
        }
    }
}

extension StringProtocol {
    /// The text without blanks at either end.
    var trimmed: String {
        String(trimmedAtStart.reversed().drop(while: \.isWhitespace).reversed())
    }

    /// The text without blanks at the start.
    var trimmedAtStart: SubSequence {
        self.drop(while: \.isWhitespace)
    }
}
