// The abstract syntax tree the parser produces and the compiler consumes.
//
// Every node carries the position of its first token (1-based line and column, columns
// counted in Unicode scalars), so the compiler can attach positions to each instruction
// and runtime errors can point at the exact expression that failed.

/// A position in a source file: 1-based line and column (in Unicode scalars).
public struct SourcePos: Sendable, Hashable {
    public var line: Int32
    public var col: Int32

    public init(line: Int32, col: Int32) {
        self.line = line
        self.col = col
    }
}

/// Arithmetic and bitwise binary operators (also the operator of a compound assignment).
enum BinaryOp: Sendable {
    case add, sub, mul, div, floorDiv, mod, pow
    case bitAnd, bitOr, bitXor, shl, shr
}

/// Comparison operators; they chain (`a < b < c`).
enum CompareOp: Sendable {
    case eq, ne, lt, le, gt, ge, `in`, notIn
}

enum UnaryOp: Sendable {
    case neg, bitNot
}

enum SpawnKind: Sendable {
    case thread, process
}

/// One piece of an interpolated string: literal text or an embedded expression.
enum InterpolationPart {
    case text(String)
    case expr(Expr)
}

struct Expr {
    var kind: ExprKind
    var pos: SourcePos
}

indirect enum ExprKind {
    case nilLiteral
    case boolLiteral(Bool)
    case intLiteral(Int)
    case floatLiteral(Double)
    /// A string literal without interpolation, escapes already decoded.
    case stringLiteral(String)
    /// `"a ${x} b"`: parts in order; each expression is formatted with `str`.
    case interpolation([InterpolationPart])
    case name(String)
    case list([Expr])
    case map([(key: Expr, value: Expr)])
    case unary(UnaryOp, Expr)
    case binary(BinaryOp, Expr, Expr)
    /// `a < b <= c`: the first operand, then each operator with its right operand.
    case compare(Expr, [(op: CompareOp, rhs: Expr)])
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr)
    case call(callee: Expr, args: [Expr])
    case index(Expr, Expr)
    /// `a[lo:hi]` or `a[lo:hi:step]`; each bound may be omitted.
    case slice(Expr, lo: Expr?, hi: Expr?, step: Expr?)
    /// `a.name`: attributes and methods of built-in values.
    case member(Expr, String)
    /// An anonymous function `fn(a, b) { ... }`.
    case function(FunctionDecl)
    /// `spawn thread f(a)` / `spawn process f(a)`. The parser turns the block form
    /// `spawn thread { ... }` into a call of a parameterless function, so `call` is
    /// always an `ExprKind.call`.
    case spawn(SpawnKind, call: Expr)
}

/// A function literal or declaration. A class so the compiler can share it cheaply.
final class FunctionDecl {
    /// The declared name, or nil for an anonymous `fn`.
    let name: String?
    let params: [(name: String, pos: SourcePos)]
    let body: Block
    let pos: SourcePos

    init(name: String?, params: [(name: String, pos: SourcePos)], body: Block, pos: SourcePos) {
        self.name = name
        self.params = params
        self.body = body
        self.pos = pos
    }
}

struct Block {
    var stmts: [Stmt]
    /// The position of the closing `}` (or of the end of the file for a whole program).
    var end: SourcePos
}

struct Stmt {
    var kind: StmtKind
    var pos: SourcePos
}

indirect enum StmtKind {
    case expr(Expr)
    /// `let name` or `let name = value`.
    case `let`(name: String, namePos: SourcePos, value: Expr?)
    /// `target = value` or `target op= value`; the target is a `.name`, `.index` or
    /// `.member` expression (the parser rejects anything else).
    case assign(target: Expr, op: BinaryOp?, value: Expr)
    /// `fn name(params) { body }`: declares `name` in the current block.
    case function(FunctionDecl)
    /// `if cond { } else ...`: `orElse` is a `.block` or another `.if` statement.
    case `if`(cond: Expr, then: Block, orElse: Stmt?)
    case `while`(cond: Expr, body: Block)
    case `for`(name: String, namePos: SourcePos, iterable: Expr, body: Block)
    case `break`
    case `continue`
    case `return`(Expr?)
    /// `try { } catch name { } finally { }`: at least one of catch and finally is
    /// present; the catch name may be omitted (`catch { }`).
    case `try`(body: Block, catchName: String?, catchBody: Block?, finallyBody: Block?)
    case `throw`(Expr)
    /// `with expr { }` / `with expr as name { }`.
    case with(Expr, name: String?, body: Block)
    /// A bare `{ ... }` block: a new scope.
    case block(Block)
}

/// A syntax error found by the lexer or the parser (or the compiler's scope checks).
public struct SyntaxError: Error, Sendable {
    public var message: String
    public var pos: SourcePos
    /// True when the error is only that the input ended too early (an open bracket,
    /// block or string at end of input): the REPL then asks for another line.
    public var isIncomplete: Bool

    public init(_ message: String, at pos: SourcePos, incomplete: Bool = false) {
        self.message = message
        self.pos = pos
        self.isIncomplete = incomplete
    }
}
