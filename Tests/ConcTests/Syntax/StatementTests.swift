// Statement parsing: each statement form, and the newline rules of docs/reference.md section 1.

import Testing
@testable import Conc

@Suite(.capturesStderr) struct StatementTests {
    @Test func letAndAssignment() throws {
        #expect(try tree("let x") == "(let x)")
        #expect(try tree("let x = 1 + 2") == "(let x (+ 1 2))")
        #expect(try tree("x = 1") == "(= x 1)")
        #expect(try tree("xs[0] = 5; m[\"k\"] = 6") == "(= (index xs 0) 5); (= (index m \"k\") 6)")
        #expect(try tree("a.b = c") == "(= (. a b) c)")
        #expect(try tree("(a) = 1") == "(= a 1)")
        #expect(try tree("x += 1; x -= 1; x *= 2; x /= 2; x //= 2; x %= 2")
            == "(+= x 1); (-= x 1); (*= x 2); (/= x 2); (//= x 2); (%= x 2)")
        #expect(try tree("f()[0] = 1") == "(= (index (call f) 0) 1)")
    }

    @Test func invalidAssignments() {
        #expect(failure("a = b = c") == "assignments cannot be chained @1:7")
        #expect(failure("let a = b = c") == "assignments cannot be chained @1:11")
        #expect(failure("f() = 1") == "invalid assignment target @1:1")
        #expect(failure("a + b = 1") == "invalid assignment target @1:1")
        #expect(failure("a[1:2] = 1") == "invalid assignment target @1:1")
        #expect(failure("1 = 1") == "invalid assignment target @1:1")
        #expect(failure("x\n  = 1") == "unexpected '=' @2:3")
        #expect(failure("x **= 2") == "unexpected '=' @1:5")
    }

    @Test func functionDeclaration() throws {
        #expect(try tree("fn add(a, b) { return a + b }") == "(fn add (a b) {(return (+ a b))})")
        #expect(try tree("fn f() {}") == "(fn f () {})")
        #expect(try tree("fn(x) { return x }(1)") == "(call (fn (x) {(return x)}) 1)")
    }

    @Test func ifElse() throws {
        #expect(try tree("if a { b }") == "(if a {b})")
        #expect(try tree("if a { b } else { c }") == "(if a {b} else {c})")
        #expect(try tree("if a { b } else if c { d } else { e }") == "(if a {b} else (if c {d} else {e}))")
        #expect(try tree("if a {\n} else if c {\n}") == "(if a {} else (if c {}))")
        #expect(try tree("if a {}\nelse {}") == "(if a {} else {})")
        #expect(try tree("if a {}\n\n  else if b {}\n else {}") == "(if a {} else (if b {} else {}))")
        let chain = "if x == 0 {}" + (1...5000).map { " else if x == \($0) {}" }.joined()
        let block = try Parser.parse(Array(chain.utf8))
        #expect(block.stmts.count == 1)
    }

    @Test func loops() throws {
        #expect(try tree("while a { break; continue }") == "(while a {break; continue})")
        #expect(try tree("for i in range(10) { i }") == "(for i (call range 10) {i})")
        #expect(try tree("for k in {\"a\": 1} { k }") == "(for k {\"a\": 1} {k})")
        #expect(try tree("if x == {} { y }") == "(if (cmp x == {}) {y})")
        #expect(try tree("while {1: 2}[1] {}") == "(while (index {1: 2} 1) {})")
        #expect(try tree("for x in a in b {}") == "(for x (cmp a in b) {})")
        #expect(try tree("while a\n{ b }") == "(while a {b})")
    }

    @Test func returns() throws {
        #expect(try tree("fn f() { return }") == "(fn f () {(return)})")
        #expect(try tree("fn f() { return; x }") == "(fn f () {(return); x})")
        #expect(try tree("fn f() { return\n x }") == "(fn f () {(return); x})")
        #expect(try tree("fn f() { return x }") == "(fn f () {(return x)})")
        #expect(try tree("fn f() { return -x }") == "(fn f () {(return (neg x))})")
        #expect(try tree("fn f() { return x +\n y }") == "(fn f () {(return (+ x y))})")
    }

    @Test func tryCatchFinally() throws {
        #expect(try tree("try { a } catch e { b }") == "(try {a} catch e {b})")
        #expect(try tree("try { a } catch { b }") == "(try {a} catch {b})")
        #expect(try tree("try { a } finally { c }") == "(try {a} finally {c})")
        #expect(try tree("try { a } catch e { b } finally { c }") == "(try {a} catch e {b} finally {c})")
        #expect(try tree("try {\n}\ncatch e {\n}\nfinally {\n}") == "(try {} catch e {} finally {})")
        #expect(failure("try { a }") == "expected 'catch' or 'finally' after the try block @1:10 (incomplete)")
        #expect(failure("try { a } x") == "expected 'catch' or 'finally' after the try block @1:11")
    }

    @Test func throwWithBlock() throws {
        #expect(try tree("throw error(\"ValueError\", \"bad\")") == "(throw (call error \"ValueError\" \"bad\"))")
        #expect(try tree("with lock { x }") == "(with lock {x})")
        #expect(try tree("with Lock() as l { x }") == "(with (call Lock) as l {x})")
        #expect(try tree("{ let x = 1 }") == "{(let x 1)}")
        #expect(try tree("{}") == "{}")
        #expect(try tree("{ {} }") == "{{}}")
        #expect(try tree("") == "")
    }

    @Test func newlinesEndStatements() throws {
        #expect(try tree("a\nb") == "a; b")
        #expect(try tree("a\n-b") == "a; (neg b)")
        #expect(try tree("f\n(x)") == "f; x")
        #expect(try tree("a\n[1]") == "a; [1]")
        #expect(failure("a\n.b") == "unexpected '.' @2:1")
        #expect(failure("a\nand b") == "unexpected 'and' @2:1")
        #expect(failure("a\nnot in b") == "unexpected 'in' @2:5")
        #expect(failure("a\n** b") == "unexpected '**' @2:1")
    }

    @Test func newlinesContinueAfterOperators() throws {
        #expect(try tree("a +\nb") == "(+ a b)")
        #expect(try tree("a and\nb or\nc") == "(or (and a b) c)")
        #expect(try tree("a in\nb") == "(cmp a in b)")
        #expect(try tree("a not in\nb") == "(cmp a not in b)")
        #expect(try tree("x =\n1") == "(= x 1)")
        #expect(try tree("x +=\n1") == "(+= x 1)")
        #expect(try tree("let x =\n1") == "(let x 1)")
        #expect(try tree("a.\nb") == "(. a b)")
        #expect(try tree("-\na") == "(neg a)")
    }

    @Test func newlinesInsideBrackets() throws {
        #expect(try tree("f(a,\nb\n)") == "(call f a b)")
        #expect(try tree("f(\na\n,\nb)") == "(call f a b)")
        #expect(try tree("(a\n+ b)") == "(+ a b)")
        #expect(try tree("(a\n.b\n.c)") == "(. (. a b) c)")
        #expect(try tree("[1,\n2\n]") == "[1 2]")
        #expect(try tree("x = {\n\"a\": 1,\n\"b\"\n: 2\n}") == "(= x {\"a\": 1, \"b\": 2})")
        #expect(try tree("a[\n1\n:\n2]") == "(slice a 1 2 _)")
        #expect(try tree("fn f(\na,\nb\n) {}") == "(fn f (a b) {})")
    }

    @Test func blocksInsideBracketsSeparateStatements() throws {
        #expect(try tree("f(fn() {\na\nb\n})") == "(call f (fn () {a; b}))")
        #expect(try tree("f(fn() {\na\n-b\n}\n, 1)") == "(call f (fn () {a; (neg b)}) 1)")
        #expect(try tree("[fn() { a\n(b) }]") == "[(fn () {a; b})]")
        #expect(failure("f(fn() { a b })") == "expected newline or ';' after statement @1:12")
    }

    @Test func separators() throws {
        #expect(try tree("a; b") == "a; b")
        #expect(try tree(";;a;;b;;") == "a; b")
        #expect(try tree("if n < 2 { n } n * 2") == "(if (cmp n < 2) {n}); (* n 2)")
        #expect(try tree("fn f(n) { if n < 2 { return n } return n * 2 }")
            == "(fn f (n) {(if (cmp n < 2) {(return n)}); (return (* n 2))})")
        #expect(try tree("while a {} b") == "(while a {}); b")
        #expect(try tree("{} {}") == "{}; {}")
        #expect(try tree("let f = fn() {} g()") == "(let f (fn () {})); (call g)")
        #expect(failure("a b") == "expected newline or ';' after statement @1:3")
        #expect(failure("let m = {} x") == "expected newline or ';' after statement @1:12")
        #expect(failure("x = 1 2") == "expected newline or ';' after statement @1:7")
    }

    @Test func braceAtStatementStartIsABlock() throws {
        #expect(try tree("{}") == "{}")
        #expect(failure("{\"a\": 1}") == "expected newline or ';' after statement @1:5")
        #expect(try tree("({\"a\": 1})") == "{\"a\": 1}")
    }
}
