// Test helpers: parse a snippet and print its syntax tree as a compact S-expression,
// so tests can state the expected tree in one line.

@testable import Conc

/// Parses `source` and returns its statements printed, joined by "; ".
func tree(_ source: String) throws -> String {
    let block = try Parser.parse(Array(source.utf8))
    return block.stmts.map(show).joined(separator: "; ")
}

/// Parses `source`, which must be one expression statement, and prints the expression.
func expr(_ source: String) throws -> String {
    let block = try Parser.parse(Array(source.utf8))
    guard block.stmts.count == 1, case .expr(let e) = block.stmts[0].kind else {
        return "not one expression: " + block.stmts.map(show).joined(separator: "; ")
    }
    return show(e)
}

/// The error of a source that must fail: "message @line:col" plus " (incomplete)".
func failure(_ source: String) -> String {
    failure(bytes: Array(source.utf8))
}

func failure(bytes: [UInt8]) -> String {
    do {
        // The tree is not printed: `show` recurses, and the depth tests call this on a
        // small stack.
        _ = try Parser.parse(bytes)
        return "no error"
    } catch {
        return "\(error.message) @\(error.pos.line):\(error.pos.col)"
            + (error.isIncomplete ? " (incomplete)" : "")
    }
}

func show(_ block: Block) -> String {
    "{" + block.stmts.map(show).joined(separator: "; ") + "}"
}

func show(_ stmt: Stmt) -> String {
    switch stmt.kind {
    case .expr(let e): return show(e)
    case .let(let name, _, let value): return value.map { "(let \(name) \(show($0)))" } ?? "(let \(name))"
    case .assign(let target, let op, let value):
        return "(\(op.map(opName) ?? "")= \(show(target)) \(show(value)))"
    case .function(let f): return showFunction(f)
    case .if(let cond, let then, let orElse):
        return "(if \(show(cond)) \(show(then))" + (orElse.map { " else " + show($0) } ?? "") + ")"
    case .while(let cond, let body): return "(while \(show(cond)) \(show(body)))"
    case .for(let name, _, let iterable, let body): return "(for \(name) \(show(iterable)) \(show(body)))"
    case .break: return "break"
    case .continue: return "continue"
    case .return(let value): return value.map { "(return \(show($0)))" } ?? "(return)"
    case .try(let body, let name, let catchBody, let finallyBody):
        var s = "(try \(show(body))"
        if let catchBody { s += " catch" + (name.map { " " + $0 } ?? "") + " " + show(catchBody) }
        if let finallyBody { s += " finally " + show(finallyBody) }
        return s + ")"
    case .throw(let e): return "(throw \(show(e)))"
    case .with(let e, let name, let body):
        return "(with \(show(e))" + (name.map { " as " + $0 } ?? "") + " \(show(body)))"
    case .block(let b): return show(b)
    }
}

func showFunction(_ f: FunctionDecl) -> String {
    "(fn" + (f.name.map { " " + $0 } ?? "") + " (" + f.params.map(\.name).joined(separator: " ")
        + ") " + show(f.body) + ")"
}

func show(_ e: Expr) -> String {
    switch e.kind {
    case .nilLiteral: return "nil"
    case .boolLiteral(let b): return "\(b)"
    case .intLiteral(let i): return "\(i)"
    case .floatLiteral(let d): return "\(d)"
    case .stringLiteral(let s): return s.debugDescription
    case .interpolation(let parts):
        return "(interp" + parts.map { part -> String in
            switch part {
            case .text(let s): return " " + s.debugDescription
            case .expr(let e): return " " + show(e)
            }
        }.joined() + ")"
    case .name(let n): return n
    case .list(let xs): return "[" + xs.map(show).joined(separator: " ") + "]"
    case .map(let entries):
        return "{" + entries.map { show($0.key) + ": " + show($0.value) }.joined(separator: ", ") + "}"
    case .unary(let op, let x): return "(\(op == .neg ? "neg" : "~") \(show(x)))"
    case .binary(let op, let a, let b): return "(\(opName(op)) \(show(a)) \(show(b)))"
    case .compare(let first, let rest):
        return "(cmp \(show(first))" + rest.map { " \(compareName($0.op)) \(show($0.rhs))" }.joined() + ")"
    case .and(let a, let b): return "(and \(show(a)) \(show(b)))"
    case .or(let a, let b): return "(or \(show(a)) \(show(b)))"
    case .not(let x): return "(not \(show(x)))"
    case .call(let callee, let args): return "(call \(show(callee))" + args.map { " " + show($0) }.joined() + ")"
    case .index(let a, let i): return "(index \(show(a)) \(show(i)))"
    case .slice(let a, let lo, let hi, let step):
        return "(slice \(show(a)) \(lo.map(show) ?? "_") \(hi.map(show) ?? "_") \(step.map(show) ?? "_"))"
    case .member(let a, let name): return "(. \(show(a)) \(name))"
    case .function(let f): return showFunction(f)
    case .spawn(let kind, let call): return "(spawn \(kind == .thread ? "thread" : "process") \(show(call)))"
    }
}

func opName(_ op: BinaryOp) -> String {
    switch op {
    case .add: return "+"
    case .sub: return "-"
    case .mul: return "*"
    case .div: return "/"
    case .floorDiv: return "//"
    case .mod: return "%"
    case .pow: return "**"
    case .bitAnd: return "&"
    case .bitOr: return "|"
    case .bitXor: return "^"
    case .shl: return "<<"
    case .shr: return ">>"
    }
}

func compareName(_ op: CompareOp) -> String {
    switch op {
    case .eq: return "=="
    case .ne: return "!="
    case .lt: return "<"
    case .le: return "<="
    case .gt: return ">"
    case .ge: return ">="
    case .in: return "in"
    case .notIn: return "not in"
    }
}

/// Lexes `source` and returns each token as "kind" or "kind:value", space-separated.
func tokens(_ source: String) -> String {
    let lexed = Lexer.tokenize(Array(source.utf8))
    if let error = lexed.error { return "error: \(error.message) @\(error.pos.line):\(error.pos.col)" }
    return lexed.tokens.dropLast().map { token -> String in
        let nl = token.newlineBefore ? "\\n " : ""
        switch token.kind {
        case .int: return nl + "int:\(token.payload)"
        case .float: return nl + "float:\(token.floatValue)"
        case .name, .string, .stringHead, .stringMiddle, .stringTail:
            return nl + "\(token.kind):\(lexed.text(token).debugDescription)"
        default: return nl + token.kind.spelling
        }
    }.joined(separator: " ")
}
