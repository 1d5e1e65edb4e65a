// The REPL through a real (pseudo-)terminal: GNU readline editing, multi-line entries,
// history across sessions, Tab completion, Ctrl-C and Ctrl-D, errors, the `:` commands,
// and threads printing while the prompt waits.

import Foundation
import Testing

@Suite(.capturesStderr) struct REPLTests {
    /// A fresh home directory and history file path.
    private func place() throws -> (home: URL, history: URL) {
        let home = try CLI.tempDir()
        return (home, home.appendingPathComponent("history"))
    }

    /// Starts conc's REPL and waits for its first prompt.
    private func start(_ home: URL, _ history: URL) throws -> PseudoTerminal {
        let term = try PseudoTerminal(home: home, history: history)
        term.expect("conc> ")
        return term
    }

    /// Ctrl-D on an empty line ends the session with status 0.
    private func quit(_ term: PseudoTerminal, sourceLocation: SourceLocation = #_sourceLocation) {
        term.type("\u{4}")
        #expect(term.waitForExit() == 0, sourceLocation: sourceLocation)
    }

    @Test func multiLineFunctionThenACall() throws {
        let (home, history) = try place()
        let term = try start(home, history)
        term.enter("fn fib(n) {\r", expect: "...> ")
        term.enter("  if n < 2 { return n }\r", expect: "...> ")
        term.enter("  return fib(n - 1) + fib(n - 2)\r", expect: "...> ")
        term.enter("}\r", expect: "conc> ")
        term.enter("fib(20)\r", expect: "\r\n6765\r\nconc> ")
        #expect(term.screen.contains("...>   return fib(n - 1) + fib(n - 2)"))
        // A pasted function arrives as several lines at once.
        term.enter("fn square(x) {\r  return x * x\r}\rsquare(12)\r", expect: "\r\n144\r\nconc> ")
        quit(term)
    }

    @Test func historyIsRecalledWithTheUpArrowAfterARestart() throws {
        let (home, history) = try place()
        let first = try start(home, history)
        first.enter("let greeting = \"hi\" + \"!\"\r", expect: "conc> ")
        first.enter("fn double(x) {\r", expect: "...> ")
        first.enter("  return x * 2\r", expect: "...> ")
        first.enter("}\r", expect: "conc> ")
        quit(first)

        let second = try start(home, history)
        // One press brings back the whole multi-line function, then the entry before it.
        second.enter("\u{1b}[A", expect: "fn double(x) {")
        second.enter("\r", expect: "conc> ")
        second.enter("double(21)\r", expect: "\r\n42\r\nconc> ")
        second.enter("\u{1b}[A\u{1b}[A\u{1b}[A", expect: "let greeting")
        second.enter("\r", expect: "conc> ")
        second.enter("greeting\r", expect: "\r\n\"hi!\"\r\nconc> ")
        quit(second)
        let saved = try String(contentsOf: history, encoding: .utf8)
        #expect(saved.contains("fn double(x) {\n  return x * 2\n}\n"))
    }

    @Test func tabCompletesGlobalsMethodsAndFileNames() throws {
        let (home, history) = try place()
        let term = try start(home, history)
        term.enter("let counter_value = 7\r", expect: "conc> ")
        term.enter("coun\t", expect: "counter_value")
        term.enter(" + 1\r", expect: "\r\n8\r\nconc> ")
        term.enter("let xs = [1]\r", expect: "conc> ")
        term.enter("xs.pu\t", expect: "push")
        term.enter("(2)\r", expect: "conc> ")
        term.enter("xs\r", expect: "\r\n[1, 2]\r\nconc> ")
        #expect(term.screen.contains("conc> counter_value + 1"))
        #expect(term.screen.contains("conc> xs.push(2)"))
        // After :load, Tab completes a file name, dots and slashes included.
        try Data("let from_file = 99\n".utf8).write(to: home.appendingPathComponent("helpers.conc"))
        term.enter(":load \(home.path)/help\t", expect: "helpers.conc")
        term.enter("\r", expect: "conc> ")
        term.enter("from_file\r", expect: "\r\n99\r\nconc> ")
        quit(term)
    }

    @Test func ctrlCInterruptsARunningLoopAndTheSessionGoesOn() throws {
        let (home, history) = try place()
        let term = try start(home, history)
        term.enter("let kept = 5\r", expect: "conc> ")
        // `sleep(0)` sends the output, so "spinning" shows once the loop is about to run.
        term.enter("print(\"spinning\"); sleep(0); while true {}\r", expect: "spinning\r\n")
        term.enter("\u{3}", expect: "error: Interrupt: interrupted")
        term.expect("conc> ")
        term.enter("kept + 1\r", expect: "\r\n6\r\nconc> ")
        // At the prompt, Ctrl-C drops the line being typed.
        term.enter("kept = 100", expect: "kept = 100")
        term.enter("\u{3}", expect: "^C\r\nconc> ")
        term.enter("kept\r", expect: "\r\n5\r\nconc> ")
        // And in the middle of a multi-line entry, the whole entry.
        term.enter("fn unfinished() {\r", expect: "...> ")
        term.enter("\u{3}", expect: "^C\r\nconc> ")
        term.enter("kept\r", expect: "\r\n5\r\nconc> ")
        quit(term)
    }

    @Test func anErrorThenAWorkingStatement() throws {
        let (home, history) = try place()
        let term = try start(home, history)
        term.enter("let total = 10\r", expect: "conc> ")
        term.enter("total / 0\r", expect: "<input-2>:1:1: error: ZeroDivisionError: division by zero\r\n    total / 0\r\n    ^\r\n")
        term.expect("conc> ")
        term.enter("let = 3\r", expect: "error: SyntaxError")
        term.expect("conc> ")
        term.enter("total + 1\r", expect: "\r\n11\r\nconc> ")
        quit(term)
    }

    @Test func timeAndDis() throws {
        let (home, history) = try place()
        let term = try start(home, history)
        term.enter("fn add(a, b) { return a + b }\r", expect: "conc> ")
        term.enter(":dis add\r", expect: "function add (<input-1>:1) params=2")
        term.expect("return")
        term.expect("conc> ")
        term.enter(":time add(1, 2)\r", expect: "\r\n3\r\nwall ")
        term.expect("conc> ")
        let timing = term.screen.first { $0.hasPrefix("wall ") } ?? ""
        #expect(timing.wholeMatch(of: /wall \d+\.\d{3} s, cpu \d+\.\d{3} s \+ \d+\.\d{3} s in child processes, GIL switches \d+/) != nil, "\(timing)")
        term.enter(":dis nothing\r", expect: "error: NameError: name 'nothing' is not defined")
        term.enter(":nonsense\r", expect: "unknown command ':nonsense'")
        // A Ctrl-D typed while the terminal is back in cooked mode (output still
        // coming) is taken by the terminal itself; wait for the prompt first.
        term.expect("conc> ")
        quit(term)
    }

    @Test func threadsPrintAboveThePromptAndCommandsShowThem() throws {
        let (home, history) = try place()
        let term = try start(home, history)
        term.enter("let sleeper = spawn thread { sleep(60) }\r", expect: "conc> ")
        // Give the new thread time to reach its sleep.
        term.enter("sleep(0.5)\r", expect: "conc> ")
        term.enter(":threads\r", expect: "thread-1  sleeping")
        term.enter("spawn thread { sleep(0.1); print(\"from the thread\") }\r", expect: "<thread thread-2>")
        term.expect("from the thread\r\n")
        term.expect("conc> ")
        term.enter(":gil\r", expect: "GIL: ")
        term.expect("main")
        // :reset ends the sleeper and forgets every global.
        term.enter(":reset\r", expect: "conc> ")
        term.enter(":threads\r", expect: "no threads or child processes are running")
        term.enter("sleeper\r", expect: "NameError: name 'sleeper' is not defined")
        term.expect("conc> ")
        quit(term)
    }

    @Test func leavingWaitsForThreadsAndExitEndsAtOnce() throws {
        let (home, history) = try place()
        let term = try start(home, history)
        term.enter("spawn thread { sleep(0.3); print(\"finished late\") }\r", expect: "conc> ")
        term.type("\u{4}")
        term.expect("finished late")
        #expect(term.waitForExit() == 0)

        let other = try start(home, history)
        other.enter("spawn thread { sleep(60) }\r", expect: "conc> ")
        other.type("exit(3)\r")
        #expect(other.waitForExit() == 3)
    }
}
