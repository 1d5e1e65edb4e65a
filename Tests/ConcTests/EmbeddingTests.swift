// The embedding API as a host uses it: running code, evaluating expressions, calling
// script functions, host functions, globals, output capture, values, errors, options and
// limits, and several interpreters in one process.

import Foundation
import Synchronization
import Testing
import Conc

/// Collects what a script prints through `Interpreter.output`.
private final class EmbedSink: Sendable {
    private let text = Mutex("")
    func append(_ s: String) { text.withLock { $0 += s } }
    var value: String { text.withLock { $0 } }
}

/// An interpreter whose output goes to a fresh sink.
private func capturing(_ options: InterpreterOptions = InterpreterOptions()) -> (Interpreter, EmbedSink) {
    let conc = quietInterpreter(options: options)
    let sink = EmbedSink()
    conc.output = { sink.append($0) }
    return (conc, sink)
}

/// Runs `body`, which must throw a `ConcError`, and returns that error.
private func concError(_ body: () throws -> Void) -> ConcError? {
    do {
        try body()
        return nil
    } catch let error as ConcError {
        return error
    } catch {
        Issue.record("expected a ConcError, got \(error)")
        return nil
    }
}

private let fibSource = "fn fib(n) { if n < 2 { return n } return fib(n-1) + fib(n-2) }"

@Suite(.capturesStderr) struct EmbeddingTests {
    // MARK: run, evaluate, call

    @Test func runDefinesGlobalsThatLaterCallsSee() throws {
        let conc = quietInterpreter()
        try conc.run(fibSource)
        try conc.run("let answer = fib(10)")
        #expect(conc["answer"] == .int(55))
    }

    @Test func evaluateReturnsTheLastExpression() throws {
        let conc = quietInterpreter()
        try conc.run(fibSource)
        #expect(try conc.evaluate("fib(20)") == .int(6765))
        #expect(try conc.evaluate("let a = 2\na * 21") == .int(42))
        #expect(try conc.evaluate("\"a\" + \"b\"") == .string("ab"))
    }

    @Test func evaluateGivesNilWhenTheLastStatementIsNotAnExpression() throws {
        let conc = quietInterpreter()
        #expect(try conc.evaluate("1 + 1\nlet x = 5") == .nil)
        #expect(try conc.evaluate("let y = 3\ny = 4") == .nil)
        #expect(try conc.evaluate("if true { 7 }") == .nil)
        #expect(conc["y"] == .int(4))
    }

    @Test func callInvokesAScriptFunctionWithArguments() throws {
        let conc = quietInterpreter()
        try conc.run("fn add(a, b) { return a + b }\nfn greet(name) { return \"hi \" + name }")
        #expect(try conc.call("add", [2, 40]) == .int(42))
        #expect(try conc.call("add", [1.5, 1]) == .double(2.5))
        #expect(try conc.call("greet", ["bob"]) == .string("hi bob"))
        #expect(try conc.call("add", [[1], [2, 3]]) == .list([1, 2, 3]))
    }

    @Test func callOfAFunctionWithoutReturnGivesNil() throws {
        let conc = quietInterpreter()
        try conc.run("let hits = 0\nfn bump() { hits += 1 }")
        #expect(try conc.call("bump") == .nil)
        #expect(try conc.call("bump") == .nil)
        #expect(conc["hits"] == .int(2))
    }

    @Test func callOfAnUndefinedFunctionIsANameError() {
        let conc = quietInterpreter()
        let e = concError { _ = try conc.call("nope", []) }
        #expect(e?.kind == "NameError")
    }

    @Test func callWithTheWrongNumberOfArgumentsIsATypeError() throws {
        let conc = quietInterpreter()
        try conc.run("fn one(a) { return a }")
        let e = concError { _ = try conc.call("one", [1, 2]) }
        #expect(e?.kind == "TypeError")
    }

    @Test func callPropagatesAScriptError() throws {
        let conc = quietInterpreter()
        try conc.run("fn boom(x) { throw error(\"ValueError\", \"bad \" + str(x)) }")
        let e = concError { _ = try conc.call("boom", [3]) }
        #expect(e?.kind == "ValueError")
        #expect(e?.message == "bad 3")
    }

    // MARK: host functions

    @Test func hostFunctionReceivesArgumentsAndReturnsAResult() throws {
        let (conc, sink) = capturing()
        conc.define("host_add") { args in .int(args[0].intValue! + args[1].intValue!) }
        conc.define("host_describe") { args in
            .string(args.map { "\($0)" }.joined(separator: "|"))
        }
        try conc.run("print(host_add(40, 2))\nprint(host_describe(nil, true, 1.5, \"s\", [1, \"x\"], {\"k\": 2}))")
        #expect(sink.value == "42\nnil|true|1.5|s|[1, \"x\"]|{\"k\": 2}\n")
    }

    @Test func hostFunctionArgumentsArriveAsValues() throws {
        let conc = quietInterpreter()
        let seen = Mutex<[Value]>([])
        conc.define("capture") { args in
            seen.withLock { $0 = args }
            return .nil
        }
        try conc.run("capture(1, 2.5, \"s\", [1, [2]], {\"a\": nil}, false, nil)")
        let got = seen.withLock { $0 }
        #expect(got == [1, 2.5, "s", [1, [2]], ["a": nil], false, nil])
    }

    @Test func hostFunctionResultIsAUsableScriptValue() throws {
        let conc = quietInterpreter()
        conc.define("make") { _ in ["xs": [1, 2, 3], "name": "n"] }
        #expect(try conc.evaluate("let m = make()\nm[\"xs\"][2] + len(m[\"name\"])") == .int(4))
        #expect(try conc.evaluate("type(make()[\"xs\"])") == .string("list"))
    }

    @Test func hostFunctionConcErrorKeepsItsKindAndIsCatchable() throws {
        let conc = quietInterpreter()
        conc.define("fail") { _ in
            throw Self.makeError()
        }
        let caught = try conc.evaluate("""
            let r = nil
            try { fail() } catch e { r = e.kind + ":" + e.message }
            r
            """)
        #expect(caught == .string("ValueError:host said no"))
        let e = concError { try conc.run("fail()") }
        #expect(e?.kind == "ValueError")
        #expect(e?.message == "host said no")
    }

    /// A `ConcError` a host would throw: got from a real script error, then re-kinded
    /// (the initialiser is internal to Conc).
    static func makeError() -> ConcError {
        var e = concError { try quietInterpreter().run("throw error(\"X\", \"y\")") }!
        e.kind = "ValueError"
        e.message = "host said no"
        return e
    }

    struct SomeSwiftError: Error {}

    @Test func hostFunctionSwiftErrorBecomesHostError() throws {
        let conc = quietInterpreter()
        conc.define("fail") { _ in throw SomeSwiftError() }
        #expect(try conc.evaluate("let k = nil\ntry { fail() } catch e { k = e.kind }\nk") == .string("HostError"))
        let e = concError { try conc.run("fail()") }
        #expect(e?.kind == "HostError")
    }

    @Test func hostFunctionArityIsChecked() throws {
        let conc = quietInterpreter()
        conc.define("two", arity: 2...2) { args in .int(args.count) }
        #expect(try conc.evaluate("two(1, 2)") == .int(2))
        let e = concError { try conc.run("two(1)") }
        #expect(e?.kind == "TypeError")
    }

    // MARK: globals

    @Test func globalSubscriptReadsScriptGlobals() throws {
        let conc = quietInterpreter()
        try conc.run("let n = 7\nlet s = \"x\"\nlet xs = [1, 2]")
        #expect(conc["n"] == .int(7))
        #expect(conc["s"] == .string("x"))
        #expect(conc["xs"] == .list([1, 2]))
    }

    @Test func globalSubscriptIsNilForAnUndefinedName() {
        let conc = quietInterpreter()
        #expect(conc["never_defined"] == nil)
    }

    @Test func globalSubscriptWriteIsVisibleToScripts() throws {
        let conc = quietInterpreter()
        conc["limit"] = 100
        conc["names"] = ["a", "b"]
        #expect(try conc.evaluate("limit * 2") == .int(200))
        #expect(try conc.evaluate("\"-\".join(names)") == .string("a-b"))
        try conc.run("limit = limit + 1")
        #expect(conc["limit"] == .int(101))
    }

    @Test func globalSubscriptWriteOverwritesAndReadsBack() throws {
        let conc = quietInterpreter()
        try conc.run("let v = 1")
        conc["v"] = "changed"
        #expect(conc["v"] == .string("changed"))
        #expect(try conc.evaluate("v + \"!\"") == .string("changed!"))
    }

    @Test func globalSubscriptNilWriteUndefinesTheGlobal() throws {
        let conc = quietInterpreter()
        try conc.run("let gone = 1")
        conc["gone"] = nil
        #expect(conc["gone"] == nil)
        let e = concError { try conc.run("print(gone)") }
        #expect(e?.kind == "NameError")
    }

    @Test func globalListIsASnapshotNotALiveReference() throws {
        let conc = quietInterpreter()
        try conc.run("let xs = [1]")
        let before = conc["xs"]
        try conc.run("xs.push(2)")
        #expect(before == .list([1]))
        #expect(conc["xs"] == .list([1, 2]))
    }

    // MARK: output

    @Test func outputCapturesPrintAndWriteExactly() throws {
        let (conc, sink) = capturing()
        try conc.run("print(1, \"a\", nil, [1, \"b\"])\nwrite(\"no newline\")\nwrite(\"|\")\nprint()\nprint(\"é\\t☃\")")
        #expect(sink.value == "1 a nil [1, \"b\"]\nno newline|\né\t☃\n")
    }

    @Test func outputIsFlushedBeforeAnErrorReachesTheHost() {
        let (conc, sink) = capturing()
        let e = concError { try conc.run("print(\"first\")\nwrite(\"partial\")\nlet z = 1 // 0") }
        #expect(e?.kind == "ZeroDivisionError")
        #expect(sink.value == "first\npartial")
    }

    @Test func outputOfSeparateInterpretersStaysSeparate() throws {
        let (a, sinkA) = capturing()
        let (b, sinkB) = capturing()
        try a.run("print(\"from a\")")
        try b.run("print(\"from b\")")
        #expect(sinkA.value == "from a\n")
        #expect(sinkB.value == "from b\n")
    }

    // MARK: Value

    @Test func valueLiteralsBuildTheMatchingCases() {
        let n: Value = nil
        let b: Value = true
        let i: Value = 42
        let d: Value = 1.5
        let s: Value = "hi"
        let l: Value = [1, "a"]
        let m: Value = ["a": 1, 2: "b"]
        #expect(n == .nil)
        #expect(b == .bool(true))
        #expect(i == .int(42))
        #expect(d == .double(1.5))
        #expect(s == .string("hi"))
        #expect(l == .list([.int(1), .string("a")]))
        #expect(m == .map([Value.Pair(.string("a"), .int(1)), Value.Pair(.int(2), .string("b"))]))
    }

    @Test func valueAccessorsReturnOnlyTheirOwnType() {
        let i: Value = 3
        #expect(i.intValue == 3)
        #expect(i.stringValue == nil)
        #expect(i.boolValue == nil)
        #expect(Value.double(2.5).doubleValue == 2.5)
        #expect(Value.double(2.5).intValue == nil)
        #expect(Value.bool(false).boolValue == false)
        #expect(Value.string("s").stringValue == "s")
        #expect(Value.string("s").listValue == nil)
        #expect(Value.list([1]).listValue == [1])
        #expect(Value.list([1]).mapValue == nil)
        #expect(Value.map([Value.Pair("k", 1)]).mapValue == [Value.Pair("k", 1)])
        #expect(Value.nil.intValue == nil)
        #expect(Value.nil.isNil)
    }

    @Test func valueEqualityDistinguishesTypes() {
        #expect(Value.int(1) != Value.double(1.0))
        #expect(Value.int(1) != Value.bool(true))
        #expect(Value.string("1") != Value.int(1))
        let ab: Value = ["a": 1, "b": 2]
        let ba: Value = ["b": 2, "a": 1]
        #expect(ab != ba, "map values keep order, so order is part of equality")
    }

    @Test func evaluateKeepsMapInsertionOrder() throws {
        let conc = quietInterpreter()
        let v = try conc.evaluate("let m = {\"z\": 1, \"a\": 2}\nm[\"m\"] = 3\nm[10] = 4\nm[\"z\"] = 5\nm")
        let keys = v.mapValue?.map(\.key)
        #expect(keys == ["z", "a", "m", 10])
        #expect(v["z"] == .int(5))
        #expect(v[10] == .int(4))
        #expect(v["missing"] == nil)
    }

    @Test func nestedListsAndMapsRoundTripThroughEvaluate() throws {
        let conc = quietInterpreter()
        let nested: Value = [
            "list": [1, 2.5, "three", nil, true, [[], [["deep": [1]]]]],
            "map": ["inner": ["x": -1, "y": [0.25]]],
            7: "seven",
        ]
        conc["data"] = nested
        #expect(try conc.evaluate("data") == nested)
        #expect(try conc.evaluate("data[\"list\"][5][1][0][\"deep\"][0]") == .int(1))
        #expect(try conc.evaluate("data[\"map\"][\"inner\"][\"y\"]") == .list([0.25]))
        let built = try conc.evaluate("[{\"a\": [1, {\"b\": nil}]}, [], {}]")
        #expect(built == [["a": [1, ["b": nil]]], [], [:]])
    }

    @Test func valuesFromScriptsHaveTheExpectedCases() throws {
        let conc = quietInterpreter()
        #expect(try conc.evaluate("7 / 2") == .double(3.5))
        #expect(try conc.evaluate("7 // 2") == .int(3))
        #expect(try conc.evaluate("1 < 2") == .bool(true))
        #expect(try conc.evaluate("nil") == .nil)
        #expect(try conc.evaluate("\"\\u{1F600}x\"") == .string("\u{1F600}x"))
        #expect(try conc.evaluate("-9223372036854775807 - 1") == .int(Int.min))
        if case .function(let name) = try conc.evaluate("fn named() {}\nnamed") {
            #expect(name == "named")
        } else {
            Issue.record("a function should come back as .function")
        }
        if case .error(let kind, let message) = try conc.evaluate("error(\"KeyError\", \"k\")") {
            #expect(kind == "KeyError")
            #expect(message == "k")
        } else {
            Issue.record("an error value should come back as .error")
        }
    }

    @Test func valueDescriptionMatchesConcStr() {
        let v: Value = [1, "a", nil, 0.1, ["k": [true]]]
        #expect(v.description == "[1, \"a\", nil, 0.1, {\"k\": [true]}]")
        #expect(Value.string("raw").description == "raw")
        #expect(Value.double(2.5e-05).description == "2.5e-05")
    }

    // MARK: errors

    @Test func syntaxErrorCarriesKindAndPosition() {
        let conc = quietInterpreter()
        let e = concError { try conc.run("let a = 1\nlet b = 1 +* 2", file: "s.conc") }
        #expect(e?.kind == "SyntaxError")
        #expect(e?.isSyntaxError == true)
        #expect(e?.file == "s.conc")
        #expect(e?.line == 2)
        #expect(e?.column == 12)
        #expect(e?.isIncomplete == false)
        #expect(e?.trace.isEmpty == true)
        #expect(e?.sourceLine == "let b = 1 +* 2")
    }

    @Test func syntaxErrorAtEndOfInputIsIncomplete() {
        let conc = quietInterpreter()
        let open = concError { try conc.run("fn f() {") }
        #expect(open?.kind == "SyntaxError")
        #expect(open?.isIncomplete == true)
        let bracket = concError { try conc.run("let xs = [1,") }
        #expect(bracket?.isIncomplete == true)
        let bad = concError { try conc.run("1 +* 2") }
        #expect(bad?.kind == "SyntaxError")
        #expect(bad?.isIncomplete == false)
    }

    @Test func syntaxErrorRunsNothing() {
        let (conc, sink) = capturing()
        let e = concError { try conc.run("print(\"should not print\")\nlet = 3") }
        #expect(e?.kind == "SyntaxError")
        #expect(sink.value == "")
    }

    @Test func runtimeErrorCarriesKindMessageTraceAndPosition() {
        let conc = quietInterpreter()
        let e = concError { try conc.run("let a = 1\nlet b = a / 0", file: "r.conc") }
        #expect(e?.kind == "ZeroDivisionError")
        #expect(e?.message.isEmpty == false)
        #expect(e?.file == "r.conc")
        #expect(e?.line == 2)
        #expect(e?.column == 9)
        #expect(e?.trace.isEmpty == false)
        #expect(e?.trace.contains { $0.contains("<main>") } == true)
        #expect(e?.exitCode == nil)
    }

    @Test func runtimeErrorTraceListsCallsOutermostFirst() {
        let conc = quietInterpreter()
        let src = "fn inner() { return [][1] }\nfn outer() { return inner() }\nouter()"
        let e = concError { try conc.run(src, file: "t.conc") }
        #expect(e?.kind == "IndexError")
        #expect(e?.line == 1)
        #expect(e?.trace == ["t.conc:3 in <main>", "t.conc:2 in outer", "t.conc:1 in inner"])
    }

    @Test func errorDescriptionIsTheCLIDiagnostic() {
        let conc = quietInterpreter()
        let e = concError { try conc.run("let b = nope + 1", file: "d.conc") }
        let text = e?.description ?? ""
        #expect(text.hasPrefix("d.conc:1:9: error: NameError: "))
        #expect(text.contains("\n    let b = nope + 1\n            ^"))
        #expect(text.contains("d.conc:1 in <main>"))
    }

    @Test func uncaughtNonErrorThrowHasKindError() {
        let conc = quietInterpreter()
        let e = concError { try conc.run("throw [1, 2]") }
        #expect(e?.kind == "Error")
        #expect(e?.message == "[1, 2]")
    }

    @Test func interpreterIsUsableAfterAnError() throws {
        let conc = quietInterpreter()
        try conc.run("let kept = 5")
        _ = concError { try conc.run("kept = kept / 0") }
        _ = concError { try conc.run("let = ") }
        #expect(try conc.evaluate("kept + 1") == .int(6))
    }

    @Test func exitSurfacesAsExitCode() {
        let (conc, sink) = capturing()
        let e = concError { try conc.run("print(\"bye\")\nexit(3)\nprint(\"never\")") }
        #expect(e?.exitCode == 3)
        #expect(e?.kind == "Exit")
        #expect(sink.value == "bye\n")
    }

    @Test func exitCannotBeCaughtAndSkipsFinally() {
        let (conc, sink) = capturing()
        let e = concError {
            try conc.run("try { exit(4) } catch e { print(\"caught\") } finally { print(\"finally\") }")
        }
        #expect(e?.exitCode == 4)
        #expect(sink.value == "")
    }

    // MARK: options and limits

    @Test func instructionBudgetStopsAnEndlessLoop() {
        var options = InterpreterOptions()
        options.instructionBudget = 100_000
        let conc = quietInterpreter(options: options)
        let e = concError { try conc.run("while true {}") }
        #expect(e?.kind == "BudgetExceeded")
    }

    @Test func instructionBudgetCannotBeCaughtByTheScript() {
        var options = InterpreterOptions()
        options.instructionBudget = 100_000
        let (conc, sink) = capturing(options)
        let e = concError {
            try conc.run("try { while true {} } catch e { print(\"caught\", e.kind) }\nprint(\"after\")")
        }
        #expect(e?.kind == "BudgetExceeded")
        #expect(sink.value == "")
    }

    @Test func instructionBudgetIsPerEntryPoint() throws {
        var options = InterpreterOptions()
        options.instructionBudget = 200_000
        let conc = quietInterpreter(options: options)
        try conc.run(fibSource)
        // Each call gets a fresh budget: many small runs add up past it.
        for _ in 0..<30 {
            #expect(try conc.call("fib", [12]) == .int(144))
        }
        let e = concError { _ = try conc.call("fib", [25]) }
        #expect(e?.kind == "BudgetExceeded")
    }

    @Test func heapLimitStopsUnboundedGrowth() {
        var options = InterpreterOptions()
        options.heapLimit = 16 << 20
        let conc = quietInterpreter(options: options)
        let e = concError { try conc.run("let xs = []\nwhile true { xs.push([len(xs), \"item\"]) }") }
        #expect(e?.kind == "MemoryError")
    }

    @Test func heapLimitRefusesOneHugeRepeatUpFront() throws {
        // From the fuzzer: `"x" * 4294967296` allocated 4 GB before the limit was
        // looked at. A repeat that could never fit raises MemoryError before allocating.
        var options = InterpreterOptions()
        options.heapLimit = 16 << 20
        let (conc, sink) = capturing(options)
        try conc.run("""
            for make in [fn() { return "x" * 4294967296 }, fn() { return "ab" * 100000000 }, fn() { return [0] * 100000000 }] {
                try { make() } catch e { print(e.kind) }
            }
            print(len("x" * 1000000))
            """)
        #expect(sink.value == "MemoryError\nMemoryError\nMemoryError\n1000000\n")
    }

    @Test func heapLimitCannotBeCaughtByTheScript() {
        var options = InterpreterOptions()
        options.heapLimit = 16 << 20
        let (conc, sink) = capturing(options)
        let e = concError {
            try conc.run("""
                let xs = []
                try { while true { xs.push([len(xs)]) } } catch e { print("caught", e.kind) }
                print("after")
                """)
        }
        #expect(e?.kind == "MemoryError")
        #expect(sink.value == "")
    }

    @Test func collectorReclaimsShortLivedGarbage() throws {
        var options = InterpreterOptions()
        options.heapLimit = 64 << 20
        let conc = quietInterpreter(options: options)
        // About a million strings and two million lists, each dropped at once: hundreds
        // of megabytes in total, far over the limit unless the collector frees them.
        let v = try conc.evaluate("""
            let total = 0
            let keep = []
            for i in range(500000) {
                let s = "item-" + str(i)
                let l = [i, s, [i, i]]
                total += len(s) + len(l) + l[2][1] % 3
                if i % 50000 == 0 { keep.push(s) }
            }
            [total, keep]
            """)
        // The same allocations, all kept alive, do not fit: so the run above only
        // finished because the collector reclaimed the garbage.
        let hoarder = quietInterpreter(options: options)
        let e = concError {
            try hoarder.run("""
                let keep = []
                for i in range(500000) {
                    let s = "item-" + str(i)
                    keep.push([i, s, [i, i]])
                }
                """)
        }
        #expect(e?.kind == "MemoryError")
        let expectedTotal = (0..<500_000).reduce(0) { $0 + "item-\($1)".count + 3 + $1 % 3 }
        let expectedKeep: [Value] = stride(from: 0, to: 500_000, by: 50_000).map { Value.string("item-\($0)") }
        #expect(v == .list([.int(expectedTotal), .list(expectedKeep)]))
    }

    @Test func collectorKeepsLiveDataIntactUnderPressure() throws {
        var options = InterpreterOptions()
        options.heapLimit = 64 << 20
        let conc = quietInterpreter(options: options)
        try conc.run("""
            let table = {}
            for i in range(2000) { table[str(i)] = [i, "v" + str(i)] }
            for round in range(100) {
                let junk = []
                for j in range(2000) { junk.push("garbage" + str(j)) }
            }
            """)
        let ok = try conc.evaluate("""
            let good = true
            for i in range(2000) {
                let e = table[str(i)]
                if e[0] != i or e[1] != "v" + str(i) { good = false }
            }
            good
            """)
        #expect(ok == .bool(true))
    }

    @Test func recursionLimitIsEnforced() throws {
        var options = InterpreterOptions()
        options.recursionLimit = 50
        let conc = quietInterpreter(options: options)
        try conc.run("fn depth(n) { if n == 0 { return 0 } return 1 + depth(n - 1) }")
        #expect(try conc.call("depth", [40]) == .int(40))
        let e = concError { _ = try conc.call("depth", [60]) }
        #expect(e?.kind == "RecursionError")
        // The script can catch it, and the interpreter works afterwards.
        #expect(try conc.evaluate("let k = nil\ntry { depth(60) } catch e { k = e.kind }\nk") == .string("RecursionError"))
        #expect(try conc.call("depth", [40]) == .int(40))
    }

    @Test func deepRecursionWithDefaultLimitIsAnErrorNotACrash() throws {
        let conc = quietInterpreter()
        try conc.run("fn down(n) { return down(n + 1) }")
        let e = concError { _ = try conc.call("down", [0]) }
        #expect(e?.kind == "RecursionError")
    }

    @Test func allowFilesFalseMakesFileAccessAnOSError() throws {
        var options = InterpreterOptions()
        options.allowFiles = false
        let conc = quietInterpreter(options: options)
        let r = concError { try conc.run("read_file(\"/etc/hostname\")") }
        #expect(r?.kind == "OSError")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conc-embed-\(UUID()).txt").path
        let w = concError { try conc.run("write_file(\"\(path)\", \"x\")") }
        #expect(w?.kind == "OSError")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try conc.evaluate("let k = nil\ntry { read_file(\"/etc/hostname\") } catch e { k = e.kind }\nk") == .string("OSError"))
    }

    @Test func filesWorkWhenAllowed() throws {
        let conc = quietInterpreter()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conc-embed-\(UUID()).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try conc.run("write_file(\"\(path)\", \"line1\\nline2\")")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "line1\nline2")
        #expect(try conc.evaluate("read_file(\"\(path)\")") == .string("line1\nline2"))
        let missing = concError { try conc.run("read_file(\"\(path).missing\")") }
        #expect(missing?.kind == "OSError")
    }

    @Test func allowEnvironmentFalseMakesEnvAnOSError() throws {
        var options = InterpreterOptions()
        options.allowEnvironment = false
        let conc = quietInterpreter(options: options)
        let e = concError { try conc.run("env(\"HOME\")") }
        #expect(e?.kind == "OSError")
        let allowed = quietInterpreter()
        #expect(try allowed.evaluate("env(\"PATH\")") == .string(ProcessInfo.processInfo.environment["PATH"] ?? ""))
    }

    @Test func scriptArgumentsAreVisibleAsArgs() throws {
        var options = InterpreterOptions()
        options.scriptArguments = ["one", "two words", "--flag"]
        let conc = quietInterpreter(options: options)
        #expect(try conc.evaluate("args") == ["one", "two words", "--flag"])
        #expect(try conc.evaluate("len(args)") == .int(3))
        #expect(try quietInterpreter().evaluate("args") == .list([]))
    }

    // MARK: several interpreters

    @Test func interpretersDoNotShareGlobals() throws {
        let a = quietInterpreter()
        let b = quietInterpreter()
        try a.run("let shared = \"a\"\nfn only_a() { return 1 }")
        #expect(b["shared"] == nil)
        let e = concError { try b.run("only_a()") }
        #expect(e?.kind == "NameError")
        try b.run("let shared = \"b\"")
        #expect(a["shared"] == .string("a"))
        #expect(b["shared"] == .string("b"))
        a["x"] = 1
        #expect(b["x"] == nil)
    }

    @Test func interpretersRunConcurrentlyOnDifferentThreads() async throws {
        let results = try await withThrowingTaskGroup(of: (Int, Value).self) { group in
            for k in 0..<4 {
                group.addTask {
                    let conc = quietInterpreter()
                    conc.output = { _ in }
                    try conc.run(fibSource)
                    try conc.run("let base = \(k)")
                    let v = try conc.evaluate("fib(20) + base")
                    return (k, v)
                }
            }
            var out: [Int: Value] = [:]
            for try await (k, v) in group { out[k] = v }
            return out
        }
        #expect(results.count == 4)
        for k in 0..<4 {
            #expect(results[k] == .int(6765 + k))
        }
    }

    @Test func oneInterpreterIsSafeToCallFromManyThreads() async throws {
        let conc = quietInterpreter()
        try conc.run("let calls = 0\nfn bump(n) { calls += 1\nreturn n * 2 }")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for i in 0..<50 {
                        let v = try conc.call("bump", [.int(t * 100 + i)])
                        #expect(v == .int((t * 100 + i) * 2))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(conc["calls"] == .int(200))
    }

    /// Runs `script` on a dedicated thread (not the test's cooperative pool, whose threads
    /// other tests may be blocking), waits until it has started, waits `delay` more, then
    /// calls `interrupt()`. Returns the run's error and the seconds from the interrupt
    /// to the end of the run.
    private func runAndInterrupt(_ conc: Interpreter, _ script: String, after delay: Double) -> (ConcError?, Double) {
        let started = Atomic<Bool>(false)
        conc.define("started") { _ in
            started.store(true, ordering: .relaxed)
            return .nil
        }
        let result = Mutex<ConcError?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let e = concError { try conc.run("started()\n" + script) }
            result.withLock { $0 = e }
            done.signal()
        }
        thread.start()
        let deadline = Date().addingTimeInterval(60)
        while !started.load(ordering: .relaxed) && Date() < deadline { usleep(2_000) }
        let didStart = started.load(ordering: .relaxed)
        #expect(didStart, "the script never started")
        usleep(UInt32(delay * 1_000_000))
        let interruptedAt = Date()
        conc.interrupt()
        done.wait()
        return (result.withLock { $0 }, Date().timeIntervalSince(interruptedAt))
    }

    @Test func interruptStopsALongRunningScript() throws {
        // A budget as a safety net: if `interrupt` did nothing, the run would still end
        // (with BudgetExceeded, failing the test) rather than hang the test run.
        var options = InterpreterOptions()
        options.instructionBudget = 3_000_000_000
        let conc = quietInterpreter(options: options)
        let (e, _) = runAndInterrupt(conc, "while true {}", after: 0.05)
        #expect(e?.kind == "Interrupt")
        // The interpreter is usable afterwards.
        #expect(try conc.evaluate("1 + 1") == .int(2))
    }

    @Test func interruptIsCatchableByTheScript() throws {
        // Several rounds: the interrupt lands at a different instruction of the loop each
        // time, and every one of them must be inside the `try`.
        var outcomes: [String] = []
        for _ in 0..<6 {
            var options = InterpreterOptions()
            options.instructionBudget = 3_000_000_000
            let (conc, sink) = capturing(options)
            let (e, _) = runAndInterrupt(conc, "try { while true {} } catch e { print(\"caught\", e.kind) }", after: 0.03)
            outcomes.append(e.map { "uncaught \($0.kind) at line \($0.line)" } ?? sink.value)
        }
        #expect(outcomes == Array(repeating: "caught Interrupt\n", count: 6))
    }

    @Test func interruptReportsTheLineThatWasRunning() throws {
        var lines: [Int] = []
        for _ in 0..<6 {
            var options = InterpreterOptions()
            options.instructionBudget = 3_000_000_000
            let conc = quietInterpreter(options: options)
            let (e, _) = runAndInterrupt(conc, "let n = 0\nwhile true {}", after: 0.03)
            #expect(e?.kind == "Interrupt")
            lines.append(e?.line ?? -1)
        }
        #expect(lines == Array(repeating: 3, count: 6))
    }

    @Test func interruptStopsAScriptBlockedInSleep() throws {
        let (conc, sink) = capturing()
        let (e, secondsAfterInterrupt) = runAndInterrupt(conc, "sleep(30)\nprint(\"slept\")", after: 0.2)
        #expect(e?.kind == "Interrupt")
        #expect(secondsAfterInterrupt < 10)
        #expect(sink.value == "")
    }
}

@Suite(.capturesStderr) struct ReentrantHostTests {
    @Test func hostFunctionMayUseItsOwnInterpreter() throws {
        let conc = quietInterpreter()
        conc.define("peek", arity: 0...0) { [conc] _ in conc["g"] ?? .nil }
        conc.define("eval_twice", arity: 1...1) { [conc] args in
            let code = args[0].stringValue ?? "nil"
            let a = try conc.evaluate(code)
            let b = try conc.call("double", [a])
            return b
        }
        try conc.run("let g = 41\nfn double(x) { return x * 2 }")
        #expect(try conc.evaluate("peek() + 1") == .int(42))
        #expect(try conc.evaluate("eval_twice(\"g + 1\")") == .int(84))
    }
}
