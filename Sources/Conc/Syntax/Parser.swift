// The parser's entry point, its state and the helpers every rule uses.
//
// Conc is parsed by recursive descent; binary operators use precedence climbing
// (Parser+Expressions.swift), statements are in Parser+Statements.swift. The grammar is
// written out in Grammar/conc.ebnf, and each parse function quotes its rule.
//
// Newlines: the lexer records on each token whether a line break precedes it. Outside
// brackets (`newlinesSignificant`), an operator or postfix that starts a new line does
// not continue the expression, so the statement ends there. Inside `( )`, `[ ]`, a map
// literal or an interpolation, line breaks are plain whitespace; a block, even one
// nested in brackets, makes them significant again.
//
// Native stack: every construct that nests (brackets, blocks, unary operators, the right
// operand of `**`, `not`, interpolations) passes through `enterNesting`, which stops at
// `Parser.maxDepth` levels with "too deeply nested". A level costs a handful of small
// frames, so even a debug build on a 1 MB thread stack never overflows.

/// What the parse functions throw: an empty marker, while the real error waits in
/// `State.failure`. A typed throw of an empty type needs no error slot in each frame,
/// which keeps the debug-build frames of the recursive functions small.
struct ParseFailure: Error {}

/// Parses Conc source text into its syntax tree.
enum Parser {
    /// The deepest nesting of brackets, blocks and unary operators that parses.
    static let maxDepth = 200
    /// The longest chain of postfix operations (`f()()`, `a.b.c`, `x[1][2]`) and of
    /// binary operators at one level (`1 + 2 + ...`). The parser reads chains in loops,
    /// but they still make a tree as deep as they are long, which the compiler walks
    /// and Swift frees recursively.
    static let maxPostfixChain = 500
    static let maxOperatorChain = 10_000

    /// Parses a whole program; the returned block ends at the end-of-file position.
    static func parse(_ source: [UInt8]) throws(SyntaxError) -> Block {
        let state = State(Lexer.tokenize(source))
        do {
            return try state.parseProgram()
        } catch {
            throw state.failure ?? SyntaxError("invalid syntax", at: state.token.pos)
        }
    }

    /// The mutable state of one parse. A class, so that the recursive functions pass
    /// one reference instead of copying the state (which a debug build would do on every
    /// computed-property access). Its hot properties skip the runtime exclusivity checks:
    /// one parse is single-threaded and never holds an access across a call.
    final class State {
        let tokens: [Token]
        /// The texts of name and string-piece tokens.
        let texts: [String]
        /// The lexer's error; `tokens` then ends with an `.error` token where it occurred.
        let lexError: SyntaxError?
        /// The index of the current (next unconsumed) token.
        @exclusivity(unchecked) var current = 0
        /// The current nesting depth (see `enterNesting`).
        @exclusivity(unchecked) var depth = 0
        /// Whether a line break before an operator or postfix ends the expression.
        @exclusivity(unchecked) var newlinesSignificant = true
        /// Whether `return` is allowed (inside a function body).
        @exclusivity(unchecked) var inFunction = false
        /// Whether `break` and `continue` are allowed (inside a loop, not reset by a
        /// function boundary).
        @exclusivity(unchecked) var inLoop = false
        /// The index of the last `}` that closed a block: a statement that ends with it
        /// may be followed by another on the same line.
        @exclusivity(unchecked) var lastBlockClose = -1
        /// The error being thrown, stored here while a `ParseFailure` unwinds the stack.
        var failure: SyntaxError?

        init(_ lexed: TokenList) {
            tokens = lexed.tokens
            texts = lexed.texts
            lexError = lexed.error
        }
    }
}

extension Parser.State {
    // The helpers below are small and non-recursive. The recursive parse functions call
    // them instead of doing the work inline: a debug build gives every temporary its own
    // stack slot, so keeping the recursive functions to dispatch and recursion is what
    // keeps one nesting level down to a few hundred bytes of stack.

    /// The current token.
    var token: Token { tokens[current] }

    /// The text of a name or string-piece token.
    func text(_ token: Token) -> String { texts[token.payload] }

    /// The kind of the current token.
    var kind: TokenKind { tokens[current].kind }

    /// The position of the current token.
    var pos: SourcePos { tokens[current].pos }

    /// The kind of the token `offset` places ahead (the last token past the end).
    func peekKind(_ offset: Int) -> TokenKind {
        tokens[min(current + offset, tokens.count - 1)].kind
    }

    /// True when a line break before the current token ends the expression being parsed.
    var stopsAtNewline: Bool {
        newlinesSignificant && tokens[current].newlineBefore
    }

    /// Consumes the current token. The final `.eof` or `.error` token is never consumed,
    /// so `current` always stays in range.
    func advance() {
        if current < tokens.count - 1 { current += 1 }
    }

    /// Consumes the current token and returns it.
    func take() -> Token {
        let consumed = tokens[current]
        advance()
        return consumed
    }

    /// Consumes the current token if it is of kind `expected`.
    func accept(_ expected: TokenKind) -> Bool {
        guard kind == expected else { return false }
        advance()
        return true
    }

    /// Consumes a token of kind `expected` and returns it, or fails with `message`.
    func expect(_ expected: TokenKind, _ message: String) throws(ParseFailure) -> Token {
        guard kind == expected else { throw error(message) }
        return take()
    }

    /// Consumes the closing bracket for the opener at token index `opener`, or fails
    /// saying which bracket is open.
    func expectClose(_ closer: TokenKind, opener: Int) throws(ParseFailure) {
        guard kind == closer else { throw closeError(closer, opener: opener) }
        advance()
    }

    /// The error for a missing closer: "expected ')' to close '(' opened at 1:4".
    @inline(never)
    func closeError(_ closer: TokenKind, opener: Int) -> ParseFailure {
        let open = tokens[opener]
        return error("expected \(closer.display) to close \(open.kind.display) opened at "
                     + describe(open.pos))
    }

    /// After an element of a comma-separated list in brackets: consumes a `,` and returns
    /// true if another element follows, returns false at the closer (not consumed), and
    /// fails on anything else.
    func continueList(_ closer: TokenKind, opener: Int) throws(ParseFailure) -> Bool {
        if accept(.comma) { return kind != closer }
        if kind == closer { return false }
        switch kind {
        case .eof, .error, .rightParen, .rightBracket, .rightBrace:
            throw closeError(closer, opener: opener)
        default:
            throw error("expected ',' or \(closer.display)")
        }
    }

    /// Records `error` as the parse's error and returns the marker to throw.
    @inline(never)
    func fail(_ error: SyntaxError) -> ParseFailure {
        failure = error
        return ParseFailure()
    }

    /// Records an error at `pos` (not necessarily the current token).
    @inline(never)
    func fail(_ message: String, at pos: SourcePos) -> ParseFailure {
        fail(SyntaxError(message, at: pos))
    }

    /// An error at the current token. At the end of the input it is marked incomplete
    /// (the REPL then asks for more); at the lexer's error token it is the lexer's error.
    @inline(never)
    func error(_ message: String) -> ParseFailure {
        let current = tokens[current]
        switch current.kind {
        case .error: return fail(lexError ?? SyntaxError(message, at: current.pos))
        case .eof: return fail(SyntaxError(message, at: current.pos, incomplete: true))
        default: return fail(SyntaxError(message, at: current.pos))
        }
    }

    /// "unexpected ')'", "unexpected 'foo'", "unexpected end of input".
    @inline(never)
    func unexpected() -> ParseFailure {
        let current = tokens[current]
        switch current.kind {
        case .name: return error("unexpected '\(text(current))'")
        default: return error("unexpected \(current.kind.display)")
        }
    }

    /// `line:col`, as error messages show positions.
    func describe(_ pos: SourcePos) -> String { "\(pos.line):\(pos.col)" }

    /// Enters one level of nesting at the construct starting at `pos`. The caller leaves
    /// it with `depth -= 1` once the construct is parsed; after a failure nothing is
    /// restored, since a failure ends the whole parse.
    func enterNesting(at pos: SourcePos) throws(ParseFailure) {
        depth += 1
        if depth > Parser.maxDepth {
            throw fail("too deeply nested", at: pos)
        }
    }

    /// Enters brackets (`significant == false`) or a block (`true`), returning the
    /// previous newline mode for `leave` to restore.
    func enter(newlines significant: Bool) -> Bool {
        let saved = newlinesSignificant
        newlinesSignificant = significant
        return saved
    }

    /// Leaves a nesting level entered with `enterNesting`, restoring the newline mode.
    func leave(restoring newlines: Bool) {
        newlinesSignificant = newlines
        depth -= 1
    }
}
