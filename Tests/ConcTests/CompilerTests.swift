// Unit tests of the compiler, mostly through `Interpreter.disassemble` (the listing
// `conc --dis` prints): which instructions common constructs compile to, scoping rules
// checked at compile time, large functions and literals, and malformed source.

import Testing
import Conc

/// One function of a disassembly listing: its header and its instructions.
private struct ListedFunction {
    var name: String
    var header: String
    /// Each instruction as (opcode, operand text).
    var instructions: [(op: String, operands: String)] = []
    var ops: [String] { instructions.map(\.op) }
}

/// Parses a listing into its functions, in order.
private func parseListing(_ text: String) -> [ListedFunction] {
    var functions: [ListedFunction] = []
    for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
        let line = String(raw)
        if line.hasPrefix("function ") {
            let rest = line.dropFirst("function ".count)
            let name = rest.prefix { $0 != " " }
            functions.append(ListedFunction(name: String(name), header: line))
            continue
        }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        // "  PC LINE|'|'  OPCODE OPERANDS..."; handler lines start with "handler".
        guard fields.count >= 3, Int(fields[0]) != nil, !functions.isEmpty else { continue }
        let op = String(fields[2])
        let operands = fields.dropFirst(3).joined(separator: " ")
        functions[functions.count - 1].instructions.append((op, operands))
    }
    return functions
}

private func disassemble(_ source: String) throws -> [ListedFunction] {
    parseListing(try quietInterpreter().disassemble(Array(source.utf8), file: "t.conc"))
}

private func function(_ name: String, in source: String) throws -> ListedFunction {
    let all = try disassemble(source)
    return try #require(all.first { $0.name == name }, "no function \(name) in the listing")
}

/// The `ConcError` a compile (or run) throws.
private func syntaxError(_ source: String) -> ConcError? {
    do {
        _ = try quietInterpreter().disassemble(Array(source.utf8), file: "t.conc")
        return nil
    } catch {
        return error
    }
}

private func runError(bytes: [UInt8]) -> ConcError? {
    do {
        try quietInterpreter().run(bytes: bytes, file: "b.conc")
        return nil
    } catch {
        return error
    }
}

/// `count` consecutive ops equal to `sequence` somewhere in `ops`.
private func contains(_ ops: [String], run sequence: [String]) -> Bool {
    guard sequence.count <= ops.count else { return false }
    for i in 0...(ops.count - sequence.count) where Array(ops[i..<(i + sequence.count)]) == sequence {
        return true
    }
    return false
}

@Suite(.capturesStderr) struct CompilerTests {
    // MARK: instruction selection

    @Test func listingHasAFunctionPerClosure() throws {
        let fns = try disassemble("fn outer() { return fn() { return 1 } }\nlet named = fn(a) { return a }")
        #expect(fns.count == 4)
        #expect(fns.first?.name == "<main>")
        #expect(Set(fns.map(\.name)).isSuperset(of: ["<main>", "outer", "named"]))
        #expect(fns.first { $0.name == "named" }?.header.contains("params=1") == true)
    }

    @Test func addingASmallConstantUsesAddInt() throws {
        let f = try function("f", in: "fn f(x) { return x + 1 }")
        #expect(f.ops.contains("addInt"))
        #expect(!f.ops.contains("add"))
        #expect(f.instructions.first { $0.op == "addInt" }?.operands.hasSuffix(" 1") == true)
    }

    @Test func subtractingASmallConstantUsesAddIntWithANegativeImmediate() throws {
        let f = try function("f", in: "fn f(x) { return x - 3 }")
        let ins = try #require(f.instructions.first { $0.op == "addInt" || $0.op == "sub" })
        #expect(ins.op == "addInt")
        #expect(ins.operands.hasSuffix(" -3"))
    }

    @Test func addingTwoVariablesUsesAdd() throws {
        let f = try function("f", in: "fn f(x, y) { return x + y }")
        #expect(f.ops.contains("add"))
        #expect(!f.ops.contains("addInt"))
    }

    @Test func addChainsPassAGrowingStringAlong() throws {
        let f = try function("f", in: "fn f(a, b, c, d) { return a + b + c + d }")
        #expect(f.ops.filter { $0.hasPrefix("add") } == ["addOpen", "addMore", "addClose"])
        // A constant link breaks the chain: `a + b` stands alone before `+ 1`.
        let g = try function("g", in: "fn g(a, b, c) { return a + b + 1 + c }")
        #expect(g.ops.filter { $0.hasPrefix("add") } == ["add", "addInt", "add"])
        // Other operators never chain.
        let h = try function("h", in: "fn h(a, b, c) { return a * b + c - a }")
        #expect(!h.ops.contains { $0.hasPrefix("addOpen") || $0.hasPrefix("addClose") })
    }

    @Test func orConditionsBranchOnEachComparison() throws {
        let f = try function("f", in: """
            fn f(c) {
                if c == "A" or c == "E" or not (c != "a") { return 1 }
                return 0
            }
            """)
        #expect(f.ops.prefix(3) == ["jumpIfNotNeConst", "jumpIfNotNeConst", "jumpIfNotEqConst"])
        #expect(!f.ops.contains("eqConst") && !f.ops.contains("jumpIfTrue") && !f.ops.contains("not"))
        // An ordering under `not` cannot be inverted (NaN), so it goes through a value.
        let g = try function("g", in: "fn g(x) { if not (x < 1.5) { return 1 } return 0 }")
        #expect(g.ops.contains("jumpIfTrue") || g.ops.contains("not"))
    }

    @Test func comparisonWithASmallIntInAnIfUsesJumpIfNotLtInt() throws {
        let f = try function("fib", in: "fn fib(n) { if n < 2 { return n } return fib(n-1) + fib(n-2) }")
        #expect(f.ops.contains("jumpIfNotLtInt"))
        #expect(!f.ops.contains("lt"))
        #expect(f.instructions.first { $0.op == "jumpIfNotLtInt" }?.operands.hasPrefix("R0 2 ->") == true)
    }

    @Test func otherIntComparisonsInConditionsAreFused() throws {
        let f = try function("f", in: """
            fn f(n) {
                if n <= 1 { return 1 }
                if n > 2 { return 2 }
                if n >= 3 { return 3 }
                if n == 4 { return 4 }
                if n != 5 { return 5 }
                while n < 6 { n += 1 }
            }
            """)
        for op in ["jumpIfNotLeInt", "jumpIfNotGtInt", "jumpIfNotGeInt", "jumpIfNotEqInt", "jumpIfNotNeInt", "jumpIfNotLtInt"] {
            #expect(f.ops.contains(op), "expected \(op) in \(f.ops)")
        }
        #expect(!f.ops.contains("lt") && !f.ops.contains("le") && !f.ops.contains("eq") && !f.ops.contains("ne"))
    }

    @Test func comparisonOfTwoRegistersInAnIfUsesJumpIfNotLt() throws {
        let f = try function("f", in: "fn f(a, b) { if a < b { return 1 } return 2 }")
        #expect(f.ops.contains("jumpIfNotLt"))
    }

    @Test func comparisonAsAValueUsesLt() throws {
        let f = try function("f", in: "fn f(a, b) { return a < b }")
        #expect(f.ops.contains("lt"))
    }

    @Test func forOverRangeCountsWithoutARangeObject() throws {
        let main = try function("<main>", in: "for i in range(10) { print(i) }")
        // `range` in a for header starts with iterRange and never calls range().
        #expect(main.ops.contains("iterRange"))
        #expect(!main.ops.contains("call") || main.ops.filter { $0 == "call" }.count == 1)
        let start = try #require(main.ops.firstIndex(of: "iterRange"))
        let next = try #require(main.ops.lastIndex(of: "iterNext"))
        #expect(start < next)
        // The test sits at the bottom: one jump in, then iterNext jumps back each time.
        #expect(main.ops[start + 1] == "jump")
        #expect(main.ops.filter { $0 == "iterNext" }.count == 1)
    }

    @Test func rangeRedefinedIsCalledLikeAnyFunction() throws {
        let conc = quietInterpreter()
        let out = OutputCollector()
        conc.output = { out.append($0) }
        try conc.run("let range = fn(n) { return [n, n + 1] }\nfor i in range(3) { print(i) }")
        #expect(out.value == "3\n4\n")
    }

    @Test func forOverAListUsesTheSameIteration() throws {
        let main = try function("<main>", in: "let s = 0\nfor x in [1, 2, 3] { s += x }")
        #expect(main.ops.contains("iterPrep"))
        #expect(main.ops.contains("iterNext"))
    }

    @Test func methodCallUsesInvoke() throws {
        let main = try function("<main>", in: "let xs = []\nxs.push(1)")
        let ins = try #require(main.instructions.first { $0.op == "invoke" })
        #expect(ins.operands.contains(".push"))
        #expect(ins.operands.hasSuffix(" 1"))
        #expect(!main.ops.contains("getMember"))
    }

    @Test func methodCallWithoutArgumentsIsOneInstruction() throws {
        let f = try function("f", in: "fn f(s) {\n    let x = s.lower()\n    return x\n}")
        let ins = try #require(f.instructions.first { $0.op == "invoke0" })
        // Read from the parameter's register, written into the local's: no call window.
        #expect(ins.operands == "R1 R0 .lower")
        #expect(!f.ops.contains("move"))
        #expect(!f.ops.contains("invoke"))
    }

    @Test func lenOfALocalIsOneInstructionBeforeItsFallbackCall() throws {
        let f = try function("f", in: "fn f(xs) {\n    let n = len(xs)\n    return n\n}")
        // `len` reads the parameter and writes the local; the four after it are the
        // ordinary call it skips while `len` is the built-in.
        let at = try #require(f.instructions.firstIndex { $0.op == "len" })
        #expect(f.instructions[at].operands.hasPrefix("R1 R0 G"))
        #expect(Array(f.ops[(at + 1)...].prefix(4)) == ["getGlobal", "move", "call", "move"])
        #expect(f.instructions[at + 4].operands == "R1 R2")
    }

    @Test func pushIsOneInstructionBeforeItsFallbackCall() throws {
        let f = try function("f", in: "fn f(xs, v) {\n    xs.push(v)\n}")
        // `push` reads the receiver and the value from their own registers; the four
        // after it are the ordinary method call it skips when the receiver is a list.
        let at = try #require(f.instructions.firstIndex { $0.op == "push" })
        #expect(f.instructions[at].operands.hasPrefix("R2 R0 R1"))
        #expect(Array(f.ops[(at + 1)...].prefix(4)) == ["move", "move", "invoke", "move"])
    }

    @Test func aLocalNamedLenIsCalledAsItIs() throws {
        let f = try function("f", in: "fn f(len, xs) {\n    return len(xs)\n}")
        #expect(!f.ops.contains("len"))
        #expect(f.ops.contains("call"))
    }

    @Test func attributeReadUsesGetMember() throws {
        let main = try function("<main>", in: "let e = error(\"K\", \"m\")\nlet k = e.kind")
        #expect(main.instructions.contains { $0.op == "getMember" && $0.operands.contains(".kind") })
    }

    @Test func globalCompoundAssignmentIsThreeSeparateInstructions() throws {
        let g = try function("bump", in: "let counter = 0\nfn bump() { counter += 1 }")
        #expect(g.ops == ["getGlobal", "addInt", "setGlobal", "returnNil"])
        let main = try function("<main>", in: "let counter = 0\ncounter += 1")
        #expect(contains(main.ops, run: ["getGlobal", "addInt", "setGlobal"]))
    }

    @Test func globalCompoundAssignmentWithAVariableIsNotFused() throws {
        let g = try function("bump", in: "let counter = 0\nfn bump(k) { counter += k }")
        #expect(g.ops == ["getGlobal", "inplaceAdd", "setGlobal", "returnNil"])
    }

    @Test func localCompoundAssignmentIsOneInstruction() throws {
        let f = try function("f", in: "fn f() { let n = 0\nn += 1\nreturn n }")
        let adds = f.ops.filter { $0 == "addInt" }
        #expect(adds.count == 1)
        #expect(!f.ops.contains("getGlobal"))
        #expect(!f.ops.contains("move"))
    }

    @Test func localsAndGlobalsCompileDifferently() throws {
        let f = try function("f", in: "let g = 1\nfn f(p) { let l = 2\nreturn g + l + p }")
        #expect(f.ops.filter { $0 == "getGlobal" }.count == 1)
        let header = f.header
        #expect(header.contains("params=1"))
    }

    @Test func topLevelLetIsDefineGlobal() throws {
        let main = try function("<main>", in: "let x = 5")
        #expect(main.ops.contains("defineGlobal"))
    }

    @Test func capturedVariablesUseUpvalues() throws {
        let fns = try disassemble("fn make() { let n = 0\nreturn fn() { n += 1\nreturn n } }")
        let inner = try #require(fns.first { $0.name != "<main>" && $0.name != "make" })
        #expect(inner.ops.contains("getUpvalue"))
        #expect(inner.ops.contains("setUpvalue"))
        #expect(inner.header.contains("upvalues=1"))
    }

    @Test func stringInterpolationUsesConcat() throws {
        let f = try function("f", in: "fn f(a) { return \"a=${a}!\" }")
        #expect(f.ops.contains("concat"))
    }

    @Test func tryBlockHasAHandler() throws {
        let text = try quietInterpreter().disassemble(Array("try { throw 1 } catch e { print(e) }".utf8), file: "t.conc")
        #expect(text.contains("handler ["))
        #expect(parseListing(text).first?.ops.contains("throw") == true)
    }

    /// A function whose loop body is `depth` nested try/finally blocks, the innermost
    /// doing `break`, `continue` and `return`.
    private func nestedFinally(depth: Int) -> String {
        var src = "fn f(n) {\n  let log = []\n  for i in range(n) {\n"
        for _ in 0..<depth { src += "try {\n" }
        src += "if i == 0 { continue }\nif i == 1 { break }\nif i == 2 { return log }\n"
        for k in (0..<depth).reversed() { src += "} finally { log.push(\(k)) }\n" }
        return src + "  }\n  return log\n}\n"
    }

    @Test func finallyBlocksAreCompiledOnceSoCodeGrowsLinearlyWithNesting() throws {
        // Each finally block is emitted once and entered by a jump from every way out,
        // so each nesting level adds the same few instructions.
        let sizes = try [10, 20, 40].map { try function("f", in: nestedFinally(depth: $0)).instructions.count }
        #expect(sizes[2] - sizes[1] == 2 * (sizes[1] - sizes[0]))
        #expect(sizes[2] < 40 * 30)
        let conc = Interpreter()
        try conc.run(nestedFinally(depth: 40))
        let log = try conc.call("f", [5])
        #expect(log.listValue?.count == 80)
        #expect(log.listValue?.first == 39)
    }

    @Test func disassemblyShowsConstantsAndSourceLines() throws {
        let text = try quietInterpreter().disassemble(Array("let a = 1\nlet s = \"hello\"".utf8), file: "t.conc")
        #expect(text.contains("loadK"))
        #expect(text.contains("\"hello\""))
        #expect(text.contains("(t.conc:1)"))
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.contains("loadK") && $0.split(separator: " ")[1] == "2" })
    }

    @Test func disassemblingRunsNothing() throws {
        let conc = quietInterpreter()
        let text = try conc.disassemble(Array("let ran = 1\nprint(\"side effect\")".utf8), file: "t.conc")
        #expect(!text.isEmpty)
        #expect(conc["ran"] == nil)
    }

    // MARK: compile-time errors and scoping

    @Test func duplicateLetInABlockIsASyntaxErrorAtTheSecondName() {
        let e = syntaxError("fn f() {\n  let a = 1\n  let a = 2\n}")
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 3)
        #expect(e?.column == 7)
        #expect(e?.message.contains("'a'") == true)
    }

    @Test func duplicateLetInATopLevelBlockIsASyntaxError() {
        let e = syntaxError("if true {\n    let q = 1\n    let q = 2\n}")
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 3)
        #expect(e?.column == 9)
    }

    @Test func duplicateParameterOrParameterAndLetInBody() throws {
        // A `let` in the body may shadow a parameter (they live just outside the body).
        let conc = quietInterpreter()
        #expect(try conc.evaluate("fn f(x) { let x = x * 10\nreturn x }\nf(4)") == .int(40))
    }

    @Test func topLevelDuplicateLetRebindsTheGlobal() throws {
        let conc = quietInterpreter()
        #expect(try conc.evaluate("let a = 1\nlet a = a + 1\na") == .int(2))
    }

    @Test func shadowingInANestedBlockIsAllowed() throws {
        let conc = quietInterpreter()
        #expect(try conc.evaluate("fn f() { let a = 1\n{ let a = 2 }\nreturn a }\nf()") == .int(1))
    }

    @Test func returnOutsideAFunctionIsASyntaxError() {
        let e = syntaxError("let x = 1\nreturn x")
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 2)
        #expect(e?.column == 1)
    }

    @Test func chainedAssignmentIsASyntaxError() {
        let e = syntaxError("let a = 1\nlet b = 2\na = b = 3")
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 3)
    }

    @Test func syntaxErrorInALaterLineStopsTheWholeCompile() {
        let e = syntaxError("print(1)\nprint(2)\nlet 5 = x")
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 3)
        #expect(e?.column == 5)
    }

    // MARK: large functions and literals

    @Test func thousandLocalsCompileAndRun() throws {
        let n = 1000
        var src = "fn f() {\n"
        for i in 0..<n { src += "  let v\(i) = \(i)\n" }
        src += "  return " + (0..<n).map { "v\($0)" }.joined(separator: " + ") + "\n}\nf()"
        #expect(try quietInterpreter().evaluate(src) == .int(n * (n - 1) / 2))
        let f = try function("f", in: src)
        let registers = try #require(f.header.split(separator: " ").first { $0.hasPrefix("registers=") })
        #expect((Int(registers.dropFirst("registers=".count)) ?? 0) >= n)
    }

    @Test func parameters255CompileAndRun() throws {
        let n = 255
        let params = (0..<n).map { "p\($0)" }.joined(separator: ", ")
        let body = (0..<n).map { "p\($0)" }.joined(separator: " + ")
        let args = (0..<n).map { String($0 * 2) }.joined(separator: ", ")
        let src = "fn f(\(params)) { return \(body) }\nf(\(args))"
        #expect(try quietInterpreter().evaluate(src) == .int(n * (n - 1)))
        #expect(try function("f", in: src).header.contains("params=255"))
    }

    @Test func parameters255AreBoundInOrder() throws {
        let conc = quietInterpreter()
        let params = (0..<255).map { "p\($0)" }.joined(separator: ", ")
        try conc.run("fn pick(\(params)) { return [p0, p1, p127, p253, p254] }")
        let args = (0..<255).map { Value.int($0 * 3) }
        #expect(try conc.call("pick", args) == [0, 3, 381, 759, 762])
    }

    @Test func thousandConstantsCompileAndRun() throws {
        let n = 1000
        let strings = (0..<n).map { "\"k\($0)\"" }.joined(separator: ", ")
        let floats = (0..<n).map { "\($0).5" }.joined(separator: " + ")
        let src = "fn f() {\n  let xs = [\(strings)]\n  let total = \(floats)\n  return [len(xs), xs[0], xs[999], total]\n}\nf()"
        #expect(try quietInterpreter().evaluate(src) == [1000, "k0", "k999", .double(500_000)])
        let f = try function("f", in: src)
        let constants = try #require(f.header.split(separator: " ").first { $0.hasPrefix("constants=") })
        #expect((Int(constants.dropFirst("constants=".count)) ?? 0) >= 2 * n)
    }

    @Test func thousandCapturedVariablesWork() throws {
        let n = 1000
        var src = "fn outer() {\n"
        for i in 0..<n { src += "  let c\(i) = \(i)\n" }
        src += "  return fn() { return " + (0..<n).map { "c\($0)" }.joined(separator: " + ") + " }\n}\nouter()()"
        #expect(try quietInterpreter().evaluate(src) == .int(n * (n - 1) / 2))
    }

    @Test func oneMegabyteStringLiteralCompilesAndRuns() throws {
        let size = 1 << 20
        var body = String(repeating: "abcdefgh", count: size / 8)
        body.replaceSubrange(body.index(body.startIndex, offsetBy: 500_000)..<body.index(body.startIndex, offsetBy: 500_001), with: "Z")
        let conc = quietInterpreter()
        try conc.run("let s = \"\(body)\"")
        #expect(try conc.evaluate("len(s)") == .int(size))
        #expect(try conc.evaluate("s.find(\"Z\")") == .int(500_000))
        #expect(conc["s"]?.stringValue == body)
    }

    @Test func twentyThousandElementListLiteralCompilesAndRuns() throws {
        let n = 20_000
        let src = "[" + (0..<n).map { String($0) }.joined(separator: ", ") + "]"
        let v = try quietInterpreter().evaluate(src)
        #expect(v == .list((0..<n).map { .int($0) }))
        let conc = quietInterpreter()
        #expect(try conc.evaluate("let xs = \(src)\n[len(xs), xs[0], xs[19999], sum(xs)]") == [20_000, 0, 19_999, .int(n * (n - 1) / 2)])
    }

    @Test func longMapLiteralCompilesAndKeepsOrder() throws {
        let n = 5_000
        let src = "let m = {" + (0..<n).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + "}\nm"
        let v = try quietInterpreter().evaluate(src)
        let pairs = try #require(v.mapValue)
        #expect(pairs.count == n)
        #expect(pairs.first == Value.Pair("k0", 0))
        #expect(pairs.last == Value.Pair("k4999", 4999))
    }

    @Test func largeIntegerConstantsSurvive() throws {
        let conc = quietInterpreter()
        #expect(try conc.evaluate("9223372036854775807") == .int(Int.max))
        #expect(try conc.evaluate("1_000_000 + 0xff") == .int(1_000_255))
        #expect(try conc.evaluate("[524287, 524288, -524288, -524289]") == [524_287, 524_288, -524_288, -524_289])
        let e = syntaxError("let x = 9223372036854775808")
        #expect(e?.kind == "SyntaxError")
    }

    @Test func longJumpsAcrossABigBodyWork() throws {
        // A loop body of tens of thousands of instructions: jump offsets far beyond 16 bits.
        var src = "let total = 0\nfor i in range(3) {\n"
        for k in 0..<20_000 { src += "  total += \(k % 7)\n" }
        src += "}\ntotal"
        let perPass = (0..<20_000).reduce(0) { $0 + $1 % 7 }
        #expect(try quietInterpreter().evaluate(src) == .int(3 * perPass))
    }

    // MARK: malformed source

    @Test func invalidUTF8InSourceIsASyntaxError() {
        let e = runError(bytes: Array("print(".utf8) + [0xFF, 0xFE] + Array(")\n".utf8))
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 1)
        #expect(e?.column == 7)
    }

    @Test func invalidUTF8InsideAStringLiteralIsASyntaxError() {
        let e = runError(bytes: Array("let ok = 1\nlet s = \"a".utf8) + [0xC3] + Array("\"\n".utf8))
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 2)
    }

    @Test func invalidUTF8InACommentIsASyntaxError() {
        let e = runError(bytes: Array("# note ".utf8) + [0x80] + Array("\nprint(1)\n".utf8))
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 1)
    }

    @Test(arguments: [
        [0xC0, 0x80] as [UInt8],        // overlong NUL
        [0xED, 0xA0, 0x80],             // UTF-16 surrogate
        [0xF4, 0x90, 0x80, 0x80],       // above U+10FFFF
        [0xE2, 0x82],                   // truncated sequence
        [0xF8, 0x88, 0x80, 0x80, 0x80], // five-byte form
    ])
    func malformedUTF8SequencesAreSyntaxErrors(_ bad: [UInt8]) {
        let e = runError(bytes: Array("let s = \"".utf8) + bad + Array("\"".utf8))
        #expect(e?.kind == "SyntaxError")
    }

    @Test func invalidUTF8AtTheVeryEndIsASyntaxError() {
        let e = runError(bytes: Array("let x = 1 ".utf8) + [0xE2])
        #expect(e?.kind == "SyntaxError")
    }

    @Test func validMultibyteUTF8IsAccepted() throws {
        let conc = quietInterpreter()
        conc.output = { _ in }
        try conc.run(bytes: Array("let s = \"héllo ☃ \u{1F600}\"  # ünïcode comment\n".utf8), file: "u.conc")
        #expect(try conc.evaluate("len(s)") == .int(9))
    }

    @Test func loneQuoteIsASyntaxError() {
        let e = syntaxError("\"")
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 1)
        #expect(e?.column == 1)
    }

    @Test func stringCannotSpanLines() {
        let e = syntaxError("let s = \"abc\ndef\"")
        #expect(e?.kind == "SyntaxError")
        #expect(e?.line == 1)
    }

    @Test func tenThousandNestedParenthesesAreASyntaxError() {
        let open = syntaxError(String(repeating: "(", count: 10_000))
        #expect(open?.kind == "SyntaxError")
        let balanced = syntaxError(String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000))
        #expect(balanced?.kind == "SyntaxError")
        #expect(balanced?.line == 1)
    }

    @Test func otherDeepNestingIsASyntaxErrorNotACrash() {
        let n = 10_000
        let cases = [
            String(repeating: "[", count: n) + String(repeating: "]", count: n),
            String(repeating: "-", count: n) + "1",
            String(repeating: "not ", count: n) + "true",
            String(repeating: "if true { ", count: n) + String(repeating: "}", count: n),
            String(repeating: "{ ", count: n) + String(repeating: "}", count: n),
            String(repeating: "2 ** ", count: n) + "2",
            "let s = \"" + String(repeating: "${\"", count: n / 2) + "x" + String(repeating: "\"}", count: n / 2) + "\"",
        ]
        for src in cases {
            let e = syntaxError(src)
            #expect(e?.kind == "SyntaxError", "\(src.prefix(20))...")
        }
    }

    @Test func moderatelyDeepNestingCompilesAndRuns() throws {
        let conc = quietInterpreter()
        let n = 150
        #expect(try conc.evaluate(String(repeating: "(", count: n) + "7" + String(repeating: ")", count: n)) == .int(7))
        let list = String(repeating: "[", count: n) + String(repeating: "]", count: n)
        #expect(try conc.evaluate("len(\(list))") == .int(1))
    }

    @Test func emptySourceCompiles() throws {
        let fns = try disassemble("")
        #expect(fns.count == 1)
        #expect(fns.first?.ops == ["returnNil"])
        #expect(try quietInterpreter().evaluate("   \n# only a comment\n/* and a block */\n") == .nil)
    }
}

@Suite(.capturesStderr) struct ConstantOperandTests {
    @Test func equalityWithAConstantIsOneInstruction() throws {
        let f = try function("f", in: "fn f(x) { let a = x == \"a\"; let b = x != nil; if x == 1.5 { return 1 } return 0 }")
        #expect(f.ops.contains("eqConst"))
        #expect(f.ops.contains("neConst"))
        #expect(f.ops.contains("jumpIfNotEqConst"))
        #expect(!f.ops.contains("loadK"))
    }

    @Test func arithmeticAndComparisonWithALargeConstant() throws {
        let f = try function("f", in: "fn f(x) { while x < 20000000 { x = x % 1000000007 * 3 + 1 } return x }")
        #expect(f.ops.contains("jumpIfNotLtConst"))
        #expect(f.ops.contains("modConst"))
        #expect(f.ops.contains("mulConst"))
        #expect(!f.ops.contains("loadK"))
    }

    @Test func constantFormsKeepTheirSemantics() throws {
        let conc = quietInterpreter()
        #expect(try conc.evaluate("7 % 3.5 == 0.0 and -7 // 2 == -4 and 5 / 2.0 == 2.5 and 3 == 3.0") == .bool(true))
        #expect(throws: ConcError.self) { try conc.evaluate("9223372036854775807 * 2") }
        #expect(throws: ConcError.self) { try conc.evaluate("nil < 1000000") }
    }
}
