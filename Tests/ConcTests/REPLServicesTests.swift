// The language services behind the REPL, without a terminal: whether an entry is
// complete, Tab completion, running an entry and showing its value, `:dis`, `:threads`,
// and the host calls the REPL uses (`flushOutput`, `shutDown`).

import Foundation
import Synchronization
import Testing
import Conc

/// Collects what a script prints.
private final class Collected: Sendable {
    private let text = Mutex("")
    func append(_ s: String) { text.withLock { $0 += s } }
    var value: String { text.withLock { $0 } }
}

/// Polls `condition` until it holds or `seconds` pass; returns whether it held.
private func eventually(_ seconds: Double = 30, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

/// A REPL entry used as a test argument, named in the test log with its newlines escaped
/// so each test case stays on one log line.
struct Entry: Sendable, ExpressibleByStringLiteral, CustomTestStringConvertible {
    let source: String
    init(stringLiteral source: String) { self.source = source }
    var testDescription: String { source.debugDescription }
}

@Suite(.capturesStderr) struct CompletenessTests {
    @Test(arguments: [Entry]([
        "1 + 2", "let x = 1", "fn f() { return 1 }", "", "   ", "# only a comment",
        "if x { 1 } else { 2 }", "f(\n1,\n2)", "fn f() {\n  return 1\n}",
        "/* a */ 1", "\"a ${\"b\"} c\"",
    ]))
    func complete(_ entry: Entry) {
        #expect(Interpreter.isComplete(entry.source))
    }

    @Test(arguments: [Entry]([
        "fn f() {", "fn f() {\n  if x {\n", "print(1,", "[1, 2", "let m = {\"a\": 1,",
        "1 +", "let x =", "x +=", "if x", "if x {} else", "while true", "/* open comment",
        "try { f() } catch e {", "spawn", "spawn thread", "for i in", "a and", "f(fn() {",
        "not",
    ]))
    func incomplete(_ entry: Entry) {
        #expect(!Interpreter.isComplete(entry.source))
    }

    /// A syntax error that more input could not repair is reported at once.
    @Test(arguments: [Entry]([
        "let = 1\nfn f() {", "print(\"abc", "\"${x", ")", "1 +* 2 + (", "let x = 1 2",
        "return 1", "xs.len = 3",
    ]))
    func completeWithAnError(_ entry: Entry) {
        #expect(Interpreter.isComplete(entry.source))
        #expect(throws: ConcError.self) { try quietInterpreter().run(entry.source) }
    }
}

@Suite(.capturesStderr) struct CompletionTests {
    private func session(_ setup: String) throws -> Interpreter {
        let conc = quietInterpreter()
        try conc.run(setup)
        return conc
    }

    @Test func keywordsGlobalsAndBuiltins() throws {
        let conc = try session("let counter = 1\nfn compute() { return 2 }")
        #expect(conc.completions(for: "cou") == ["counter"])
        #expect(conc.completions(for: "let y = comp") == ["compute"])
        #expect(conc.completions(for: "pri") == ["print"])
        #expect(conc.completions(for: "whi") == ["while"])
        #expect(conc.completions(for: "x = con").contains("continue"))
        #expect(conc.completions(for: "nothing_starts_like_this") == [])
        let all = conc.completions(for: "")
        for name in ["counter", "compute", "len", "spawn", "let", "Lock", "gil_stats"] {
            #expect(all.contains(name), "\(name)")
        }
    }

    @Test func threadAndProcessOnlyAfterSpawn() throws {
        let conc = quietInterpreter()
        #expect(conc.completions(for: "spawn th") == ["thread", "throw"])
        #expect(conc.completions(for: "let p = spawn  pro") == ["process"])
        #expect(conc.completions(for: "th") == ["throw"])
    }

    @Test func methodsForTheValuesType() throws {
        let conc = try session("""
            let xs = [1]
            let m = {"a": 1}
            let s = "text"
            let e = error("ValueError", "bad")
            """)
        #expect(conc.completions(for: "xs.") == ["index", "insert", "pop", "push", "remove", "reverse", "sort"])
        #expect(conc.completions(for: "print(xs.p") == ["pop", "push"])
        #expect(conc.completions(for: "m.") == ["get", "items", "keys", "remove", "values"])
        #expect(conc.completions(for: "s.up") == ["upper"])
        #expect(conc.completions(for: "\", \".jo") == ["join"])
        #expect(conc.completions(for: "e.") == ["cause", "kind", "message", "trace"])
        #expect(conc.completions(for: "e.message.st") == ["starts_with", "strip"])
        #expect(conc.completions(for: "e.trace.pu") == ["push"])
    }

    @Test func handleMembersAreTheOnesThatWork() throws {
        let conc = try session("""
            let t = spawn thread fn() { return 1 }()
            t.join()
            let l = Lock()
            let sem = Semaphore(1)
            let ev = Event()
            let q = Queue()
            let ends = Pipe()
            let sl = SharedLock()
            """)
        #expect(conc.completions(for: "t.") == ["id", "is_alive", "join", "name"])
        #expect(conc.completions(for: "t.name.low") == ["lower"])
        #expect(conc.completions(for: "l.") == ["acquire", "locked", "release"])
        // Every member completion offers exists: reading it raises no AttributeError.
        try conc.run("let end = ends[0]")
        for name in ["t", "l", "sem", "ev", "q", "end", "sl"] {
            let members = conc.completions(for: name + ".")
            #expect(!members.isEmpty, "\(name)")
            for member in members {
                #expect(throws: Never.self, "\(name).\(member)") { _ = try conc.evaluate("\(name).\(member)") }
            }
        }
    }

    @Test func completingRunsNothing() throws {
        let conc = try session("let calls = 0\nfn f() { calls += 1; return [] }\nlet xs = [\"a\"]")
        #expect(conc.completions(for: "f().") == [])
        #expect(conc.completions(for: "f().p") == [])
        #expect(conc.completions(for: "xs[0].") == [])
        #expect(conc.completions(for: "1.") == [])
        #expect(conc.completions(for: "undefined_name.") == [])
        #expect(conc.completions(for: "xs.pop.") == [])
        #expect(conc["calls"] == 0)
    }
}

@Suite(.capturesStderr) struct REPLEntryTests {
    @Test func valuesPrintAsReprAndStatementsPrintNothing() throws {
        let conc = quietInterpreter()
        let out = Collected()
        conc.output = { out.append($0) }
        #expect(try conc.runEntry("1 + 2", file: "<input-1>") == "3")
        #expect(try conc.runEntry("\"hi\"", file: "<input-2>") == "\"hi\"")
        #expect(try conc.runEntry("[1, \"a\", nil, 2.5, {\"k\": [true]}]", file: "<input-3>")
                == "[1, \"a\", nil, 2.5, {\"k\": [true]}]")
        #expect(try conc.runEntry("let x = 5", file: "<input-4>") == nil)
        #expect(try conc.runEntry("x = 6", file: "<input-5>") == nil)
        #expect(try conc.runEntry("x", file: "<input-6>") == "6")
        #expect(try conc.runEntry("nil", file: "<input-7>") == nil)
        #expect(try conc.runEntry("print(\"shown\")", file: "<input-8>") == nil)
        #expect(try conc.runEntry("fn f() { return 1 }", file: "<input-9>") == nil)
        #expect(try conc.runEntry("f", file: "<input-10>") == "<fn f>")
        #expect(try conc.runEntry("\"tab\\there\"", file: "<input-11>") == "\"tab\\there\"")
        #expect(out.value == "shown\n")
    }

    @Test func anErrorKeepsTheSessionAndPointsAtTheEntryItCameFrom() throws {
        let conc = quietInterpreter()
        _ = try conc.runEntry("let total = 10", file: "<input-1>")
        _ = try conc.runEntry("fn g() {\n  return total / 0\n}", file: "<input-2>")
        do {
            _ = try conc.runEntry("g()", file: "<input-3>")
            Issue.record("g() should raise")
        } catch {
            #expect(error.kind == "ZeroDivisionError")
            #expect(error.description.hasPrefix("<input-2>:2:10: error: ZeroDivisionError: division by zero\n      return total / 0\n"))
            #expect(error.trace == ["<input-3>:1 in <main>", "<input-2>:2 in g"])
        }
        #expect(try conc.runEntry("total + 1", file: "<input-4>") == "11")
    }

    @Test func disassemblesAGlobalFunction() throws {
        let conc = quietInterpreter()
        try conc.run("fn add(a, b) { return a + b }\nlet x = 1")
        let listing = try conc.disassemble(function: "add")
        #expect(listing.hasPrefix("function add (<string>:1) params=2"))
        #expect(listing.contains("add "))
        #expect(listing.contains("return"))
        #expect(throws: ConcError.self) { try conc.disassemble(function: "missing") }
        do {
            _ = try conc.disassemble(function: "print")
        } catch {
            #expect(error.kind == "TypeError")
            #expect(error.message == "'print' is a built-in function, with no bytecode")
        }
        do {
            _ = try conc.disassemble(function: "x")
        } catch {
            #expect(error.kind == "TypeError")
            #expect(error.message == "'x' is not a function but a int")
        }
    }
}

@Suite(.capturesStderr) struct SessionHostTests {
    @Test func threadReportShowsWhatEachThreadDoes() throws {
        let conc = quietInterpreter()
        #expect(conc.threadReport() == "")
        try conc.run("""
            let ev = Event()
            let l = Lock()
            let held = Lock()
            l.acquire()
            let waiter = spawn thread { ev.wait() }
            let blocked = spawn thread fn() { with held { l.acquire() } }()
            let sleeper = spawn thread { sleep(30) }
            """)
        var report = ""
        let settled = eventually {
            report = conc.threadReport()
            return report.contains("sleeping") && report.contains("waiting for lock#1")
                && report.contains("waiting on event#1")
        }
        #expect(settled, "\(report)")
        #expect(report == """
            thread-1  waiting on event#1
            thread-2  waiting for lock#1, holds lock#2
            thread-3  sleeping

            """)
        conc.shutDown()
        #expect(eventually { conc.threadReport() == "" })
    }

    @Test func shutDownEndsABusyThread() throws {
        let conc = quietInterpreter()
        try conc.run("let t = spawn thread { while true {} }")
        #expect(conc.threadReport() == "thread-1  running\n")
        conc.shutDown()
        #expect(eventually { conc.threadReport() == "" })
    }

    @Test func shutDownEndsARelayOfSpawningThreads() throws {
        // From the fuzzer: each thread spawns its successor and ends before it reaches a
        // safe point, so only a spawn that refuses after shutDown ends the relay.
        let conc = Interpreter()
        try conc.run("fn relay() { spawn thread relay() }\nspawn thread relay()")
        conc.shutDown()
        #expect(eventually { conc.threadReport() == "" })
    }

    @Test func flushOutputShowsWhatABusyThreadPrinted() throws {
        let conc = quietInterpreter()
        let out = Collected()
        conc.output = { out.append($0) }
        try conc.run("let stop = false\nlet t = spawn thread { for i in range(1000) {} print(\"from the thread\"); while not stop {} }")
        // The thread never blocks or ends until told to, so only flushOutput sends its line.
        #expect(eventually {
            conc.flushOutput()
            return out.value == "from the thread\n"
        })
        try conc.run("stop = true\nt.join()")
    }
}
