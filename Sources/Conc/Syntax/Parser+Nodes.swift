// Non-recursive helpers of the expression parser: operator tables, leaf tokens and
// node building. They are kept out of the recursive functions on purpose (see the note
// at the top of the helpers in Parser.swift): their temporaries then take stack only
// while they run, not once per nesting level.

extension Parser.State {
    /// The precedence of the current token as a binary operator, if it is one that binds
    /// at least as tightly as `minPrecedence` and no significant line break precedes it.
    func binaryPrecedence(atLeast minPrecedence: Int) -> Int? {
        if stopsAtNewline { return nil }
        let precedence: Int
        switch kind {
        case .or: precedence = Precedence.or
        case .and: precedence = Precedence.and
        case .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .in:
            precedence = Precedence.comparison
        case .not where peekKind(1) == .in: precedence = Precedence.comparison
        case .pipe: precedence = Precedence.bitOr
        case .caret: precedence = Precedence.bitXor
        case .amp: precedence = Precedence.bitAnd
        case .lessLess, .greaterGreater: precedence = Precedence.shift
        case .plus, .minus: precedence = Precedence.sum
        case .star, .slash, .slashSlash, .percent: precedence = Precedence.term
        default: return nil
        }
        return precedence >= minPrecedence ? precedence : nil
    }

    /// The node for `lhs op rhs` (`op` is an `and`, `or` or arithmetic operator token).
    @inline(never)
    func binaryNode(_ op: TokenKind, _ lhs: Expr, _ rhs: Expr) -> Expr {
        let kind: ExprKind
        switch op {
        case .or: kind = .or(lhs, rhs)
        case .and: kind = .and(lhs, rhs)
        case .plus: kind = .binary(.add, lhs, rhs)
        case .minus: kind = .binary(.sub, lhs, rhs)
        case .star: kind = .binary(.mul, lhs, rhs)
        case .slash: kind = .binary(.div, lhs, rhs)
        case .slashSlash: kind = .binary(.floorDiv, lhs, rhs)
        case .percent: kind = .binary(.mod, lhs, rhs)
        case .pipe: kind = .binary(.bitOr, lhs, rhs)
        case .caret: kind = .binary(.bitXor, lhs, rhs)
        case .amp: kind = .binary(.bitAnd, lhs, rhs)
        case .lessLess: kind = .binary(.shl, lhs, rhs)
        default: kind = .binary(.shr, lhs, rhs)
        }
        return Expr(kind: kind, pos: lhs.pos)
    }

    /// Consumes a comparison operator (one token, or two for `not in`) and returns it;
    /// returns nil, consuming nothing, if none comes next on this line.
    @inline(never)
    func takeComparisonOperator() -> CompareOp? {
        if stopsAtNewline { return nil }
        let op: CompareOp
        switch kind {
        case .equalEqual: op = .eq
        case .bangEqual: op = .ne
        case .less: op = .lt
        case .lessEqual: op = .le
        case .greater: op = .gt
        case .greaterEqual: op = .ge
        case .in: op = .in
        case .not where peekKind(1) == .in:
            advance()
            op = .notIn
        default: return nil
        }
        advance()
        return op
    }

    /// The node for a unary operator token at index `opToken` applied to `operand`.
    @inline(never)
    func unaryNode(_ opToken: Int, _ operand: Expr) -> Expr {
        let token = tokens[opToken]
        return Expr(kind: .unary(token.kind == .minus ? .neg : .bitNot, operand), pos: token.pos)
    }

    /// member_op = "." , identifier ;
    @inline(never)
    func parseMember(_ base: Expr) throws(ParseFailure) -> Expr {
        advance()
        let name = try expect(.name, "expected a name after '.'")
        return Expr(kind: .member(base, text(name)), pos: base.pos)
    }

    /// The node for a subscript with one bound (an index) or two or three (a slice).
    @inline(never)
    func subscriptNode(_ base: Expr, _ bounds: [Expr?]) -> Expr {
        if bounds.count == 1, let index = bounds[0] {
            return Expr(kind: .index(base, index), pos: base.pos)
        }
        let step = bounds.count > 2 ? bounds[2] : nil
        return Expr(kind: .slice(base, lo: bounds[0], hi: bounds[1], step: step), pos: base.pos)
    }

    /// Consumes `spawn` and `thread` or `process` and returns which.
    @inline(never)
    func takeSpawnKind() throws(ParseFailure) -> SpawnKind {
        advance()
        let spawnKind: SpawnKind
        // Only a name token has a text to look at.
        switch kind == .name ? text(token) : "" {
        case "thread": spawnKind = .thread
        case "process": spawnKind = .process
        default: throw error("expected 'thread' or 'process' after 'spawn'")
        }
        advance()
        return spawnKind
    }

    /// `spawn thread { body }` as a spawn of a call of a parameterless function.
    @inline(never)
    func spawnBlockNode(_ spawnKind: SpawnKind, _ body: Block, spawnPos: SourcePos,
                        bracePos: SourcePos) -> Expr {
        let function = FunctionDecl(name: nil, params: [], body: body, pos: bracePos)
        let callee = Expr(kind: .function(function), pos: bracePos)
        let call = Expr(kind: .call(callee: callee, args: []), pos: bracePos)
        return Expr(kind: .spawn(spawnKind, call: call), pos: spawnPos)
    }

    /// `spawn thread CHAIN`, checking that the chain ends in a call.
    @inline(never)
    func spawnCallNode(_ spawnKind: SpawnKind, _ call: Expr,
                                spawnPos: SourcePos) throws(ParseFailure) -> Expr {
        guard case .call = call.kind else {
            let word = spawnKind == .thread ? "thread" : "process"
            throw fail("'spawn \(word)' must be followed by a call or a block", at: call.pos)
        }
        return Expr(kind: .spawn(spawnKind, call: call), pos: spawnPos)
    }

    /// A primary that is a single token: a name, a literal, `true`, `false` or `nil`.
    @inline(never)
    func parseAtom() throws(ParseFailure) -> Expr {
        let current = token
        let kind: ExprKind
        switch current.kind {
        case .int: kind = .intLiteral(current.payload)
        case .float: kind = .floatLiteral(current.floatValue)
        case .name: kind = .name(text(current))
        case .string: kind = .stringLiteral(text(current))
        case .true: kind = .boolLiteral(true)
        case .false: kind = .boolLiteral(false)
        case .nil: kind = .nilLiteral
        default: throw unexpected()
        }
        advance()
        return Expr(kind: kind, pos: current.pos)
    }

    /// Appends a piece of interpolated text, skipping empty ones.
    @inline(never)
    func takeInterpolationText(into parts: inout [InterpolationPart]) {
        let piece = text(take())
        if !piece.isEmpty { parts.append(.text(piece)) }
    }

    /// The node for a function literal or declaration.
    @inline(never)
    func functionNode(name: String?, params: [(name: String, pos: SourcePos)], body: Block,
                      pos: SourcePos) -> FunctionDecl {
        FunctionDecl(name: name, params: params, body: body, pos: pos)
    }
}
