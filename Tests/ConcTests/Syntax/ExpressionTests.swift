// Expression parsing: every precedence level, associativity, comparison chains,
// postfix forms, literals, interpolation, anonymous functions and spawn.

import Testing
@testable import Conc

@Suite(.capturesStderr) struct ExpressionTests {
    @Test func precedenceLadder() throws {
        #expect(try expr("a or b and c") == "(or a (and b c))")
        #expect(try expr("a and b or c") == "(or (and a b) c)")
        #expect(try expr("not a and b") == "(and (not a) b)")
        #expect(try expr("not a == b") == "(not (cmp a == b))")
        #expect(try expr("not not a") == "(not (not a))")
        #expect(try expr("a == b | c") == "(cmp a == (| b c))")
        #expect(try expr("a | b ^ c") == "(| a (^ b c))")
        #expect(try expr("a ^ b & c") == "(^ a (& b c))")
        #expect(try expr("a & b << c") == "(& a (<< b c))")
        #expect(try expr("a << b + c") == "(<< a (+ b c))")
        #expect(try expr("a >> b - c") == "(>> a (- b c))")
        #expect(try expr("a + b * c") == "(+ a (* b c))")
        #expect(try expr("a - b / c // d % e") == "(- a (% (// (/ b c) d) e))")
        #expect(try expr("-a * b") == "(* (neg a) b)")
        #expect(try expr("~a + b") == "(+ (~ a) b)")
        #expect(try expr("-a ** b") == "(neg (** a b))")
        #expect(try expr("a ** -b") == "(** a (neg b))")
        #expect(try expr("2 ** -1") == "(** 2 (neg 1))")
        #expect(try expr("a ** b ** c") == "(** a (** b c))")
        #expect(try expr("-2 ** 2") == "(neg (** 2 2))")
        #expect(try expr("a.b ** c[0]") == "(** (. a b) (index c 0))")
        #expect(try expr("- - a") == "(neg (neg a))")
    }

    @Test func leftAssociativity() throws {
        #expect(try expr("a - b - c") == "(- (- a b) c)")
        #expect(try expr("a / b * c") == "(* (/ a b) c)")
        #expect(try expr("a or b or c") == "(or (or a b) c)")
        #expect(try expr("a | b | c") == "(| (| a b) c)")
    }

    @Test func comparisonChains() throws {
        #expect(try expr("a < b") == "(cmp a < b)")
        #expect(try expr("a < b <= c") == "(cmp a < b <= c)")
        #expect(try expr("a == b != c > d >= e") == "(cmp a == b != c > d >= e)")
        #expect(try expr("x in xs") == "(cmp x in xs)")
        #expect(try expr("x not in xs") == "(cmp x not in xs)")
        #expect(try expr("a < b in c not in d") == "(cmp a < b in c not in d)")
        #expect(try expr("a < b and b < c") == "(and (cmp a < b) (cmp b < c))")
        #expect(try expr("not x in xs") == "(not (cmp x in xs))")
        #expect(failure("a == not b") == "unexpected 'not' @1:6")
    }

    @Test func postfix() throws {
        #expect(try expr("f()") == "(call f)")
        #expect(try expr("f(a, b,)") == "(call f a b)")
        #expect(try expr("f(a)(b)") == "(call (call f a) b)")
        #expect(try expr("a[0]") == "(index a 0)")
        #expect(try expr("a.b.c(1)") == "(call (. (. a b) c) 1)")
        #expect(try expr("a[1:2]") == "(slice a 1 2 _)")
        #expect(try expr("a[:]") == "(slice a _ _ _)")
        #expect(try expr("a[1:]") == "(slice a 1 _ _)")
        #expect(try expr("a[:2]") == "(slice a _ 2 _)")
        #expect(try expr("a[::2]") == "(slice a _ _ 2)")
        #expect(try expr("a[1:2:3]") == "(slice a 1 2 3)")
        #expect(try expr("a[1::]") == "(slice a 1 _ _)")
        #expect(try expr("a[:-1]") == "(slice a _ (neg 1) _)")
        #expect(try expr("5.x") == "(. 5 x)")
    }

    @Test func literals() throws {
        #expect(try expr("nil") == "nil")
        #expect(try expr("true") == "true")
        #expect(try expr("1.5") == "1.5")
        #expect(try expr("[]") == "[]")
        #expect(try expr("[1, [2], 3,]") == "[1 [2] 3]")
        #expect(try expr("({})") == "{}")
        #expect(try expr("({\"a\": 1, 2: [3],})") == "{\"a\": 1, 2: [3]}")
        #expect(try expr("(a)") == "a")
    }

    @Test func interpolation() throws {
        #expect(try expr(#""a ${x} b""#) == #"(interp "a " x " b")"#)
        #expect(try expr(#""${x}""#) == "(interp x)")
        #expect(try expr(#""${m["k"]}!""#) == #"(interp (index m "k") "!")"#)
        #expect(try expr(#""${"${x + 1}"}""#) == "(interp (interp (+ x 1)))")
        #expect(try expr(#""${ {"a": 1}["a"] }""#) == #"(interp (index {"a": 1} "a"))"#)
        #expect(try expr(#""${f(fn() { return 1 })}""#) == "(interp (call f (fn () {(return 1)})))")
        #expect(try expr(#""$x ${y}$""#) == #"(interp "$x " y "$")"#)
        #expect(failure(#""${}""#) == "unexpected '}' @1:4")
        #expect(failure(#""${a b}""#) == "expected '}' to end the interpolation @1:6")
    }

    @Test func functions() throws {
        #expect(try expr("fn(a, b) { return a + b }") == "(fn (a b) {(return (+ a b))})")
        #expect(try expr("fn() {}()") == "(call (fn () {}))")
        #expect(try tree("let f = fn(x,) { return x }") == "(let f (fn (x) {(return x)}))")
        let params = (0..<255).map { "p\($0)" }.joined(separator: ", ")
        let block = try Parser.parse(Array("fn f(\(params)) { return p254 }".utf8))
        guard case .function(let f) = block.stmts[0].kind else {
            Issue.record("not a function")
            return
        }
        #expect(f.params.count == 255)
        #expect(f.params[254].name == "p254")
        #expect(failure("fn f(a, b, a) {}") == "duplicate parameter 'a' @1:12")
        #expect(failure("let f = fn g() {}") == "expected '(' to start the parameter list @1:12")
    }

    @Test func spawn() throws {
        #expect(try expr("spawn thread f(1)") == "(spawn thread (call f 1))")
        #expect(try expr("spawn process a.b(1)") == "(spawn process (call (. a b) 1))")
        #expect(try expr("spawn thread f()()") == "(spawn thread (call (call f)))")
        #expect(try expr("spawn thread { work() }") == "(spawn thread (call (fn () {(call work)})))")
        #expect(try expr("(spawn thread f()).join()") == "(call (. (spawn thread (call f)) join))")
        #expect(try tree("let thread = 1; thread") == "(let thread 1); thread")
        #expect(try tree("let t = spawn thread thread()") == "(let t (spawn thread (call thread)))")
        #expect(try tree("spawn thread { return 1 }") == "(spawn thread (call (fn () {(return 1)})))")
        #expect(failure("spawn thread f") == "'spawn thread' must be followed by a call or a block @1:14")
        #expect(failure("spawn thread f().x") == "'spawn thread' must be followed by a call or a block @1:14")
        #expect(failure("spawn f()") == "expected 'thread' or 'process' after 'spawn' @1:7")
        #expect(failure("spawn thread") == "unexpected end of input @1:13 (incomplete)")
        #expect(failure("spawn thread f\n(1)") == "'spawn thread' must be followed by a call or a block @1:14")
    }

    @Test func spawnBlockPositions() throws {
        let block = try Parser.parse(Array("x = spawn process {\n}".utf8))
        guard case .assign(_, _, let value) = block.stmts[0].kind,
              case .spawn(.process, let call) = value.kind,
              case .call(let callee, let args) = call.kind,
              case .function(let f) = callee.kind else {
            Issue.record("unexpected tree")
            return
        }
        #expect(value.pos == SourcePos(line: 1, col: 5))
        #expect(call.pos == SourcePos(line: 1, col: 19))
        #expect(args.isEmpty && f.name == nil && f.params.isEmpty)
        #expect(f.body.end == SourcePos(line: 2, col: 1))
    }

    @Test func positions() throws {
        let block = try Parser.parse(Array("let y = 1\n  x + f(2)".utf8))
        guard case .expr(let e) = block.stmts[1].kind,
              case .binary(.add, let lhs, let rhs) = e.kind,
              case .call(_, let args) = rhs.kind else {
            Issue.record("unexpected tree")
            return
        }
        #expect(block.stmts[1].pos == SourcePos(line: 2, col: 3))
        #expect(e.pos == SourcePos(line: 2, col: 3))
        #expect(lhs.pos == SourcePos(line: 2, col: 3))
        #expect(rhs.pos == SourcePos(line: 2, col: 7))
        #expect(args[0].pos == SourcePos(line: 2, col: 9))
        #expect(block.end == SourcePos(line: 2, col: 11))
    }
}
