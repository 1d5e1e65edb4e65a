// Expression parsing: precedence climbing for the binary operators, then `not`, unary
// operators, `**`, postfix operators and spawn.
//
// Precedence climbing keeps the native recursion per bracket level small: a `(` costs
// parseExpression -> parseUnary -> parsePostfix -> parsePrimary -> parseParenthesized,
// whatever the number of precedence levels. Node building and error reporting live in
// small helpers (Parser+Nodes.swift) so that these recursive frames stay small.

/// Binding powers of the binary levels, lowest first (higher binds tighter).
enum Precedence {
    static let or = 1
    static let and = 2
    static let not = 3
    static let comparison = 4
    static let bitOr = 5
    static let bitXor = 6
    static let bitAnd = 7
    static let shift = 8
    static let sum = 9
    static let term = 10
}

extension Parser.State {
    /// Parses an expression whose operators all bind at least as tightly as
    /// `minPrecedence`; the default parses a whole expression. By precedence climbing:
    ///
    ///     expression = or_expr ;
    ///     or_expr    = and_expr , { "or" , and_expr } ;
    ///     and_expr   = not_expr , { "and" , not_expr } ;
    ///     not_expr   = "not" , not_expr | comparison ;
    ///     comparison = bit_or , { comp_op , bit_or } ;
    ///     bit_or     = bit_xor , { "|" , bit_xor } ;
    ///     bit_xor    = bit_and , { "^" , bit_and } ;
    ///     bit_and    = shift , { "&" , shift } ;
    ///     shift      = sum , { ( "<<" | ">>" ) , sum } ;
    ///     sum        = term , { ( "+" | "-" ) , term } ;
    ///     term       = unary , { ( "*" | "/" | "//" | "%" ) , unary } ;
    func parseExpression(_ minPrecedence: Int = Precedence.or) throws(ParseFailure) -> Expr {
        var lhs: Expr
        if kind == .not && minPrecedence <= Precedence.not {
            lhs = try parseNot()
        } else {
            lhs = try parseUnary()
        }
        var links = 0
        while let precedence = binaryPrecedence(atLeast: minPrecedence) {
            links += 1
            if links > Parser.maxOperatorChain { throw fail("expression too long", at: pos) }
            if precedence == Precedence.comparison {
                lhs = try parseComparison(lhs)
                continue
            }
            let op = take().kind
            let rhs = try parseExpression(precedence + 1)
            lhs = binaryNode(op, lhs, rhs)
        }
        return lhs
    }

    /// not_expr = "not" , not_expr | comparison ;
    ///
    /// `not` sits between `and` and the comparisons: `not a == b` is `not (a == b)`,
    /// while `a == not b` is an error, as in Python.
    func parseNot() throws(ParseFailure) -> Expr {
        let notPos = pos
        advance()
        try enterNesting(at: notPos)
        let operand = try parseExpression(Precedence.not)
        depth -= 1
        return Expr(kind: .not(operand), pos: notPos)
    }

    /// A chain of comparisons after its first operand, as one node:
    ///
    ///     comparison = bit_or , { comp_op , bit_or } ;
    ///     comp_op    = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" , "in" ;
    func parseComparison(_ first: Expr) throws(ParseFailure) -> Expr {
        var rest: [(op: CompareOp, rhs: Expr)] = []
        while let op = takeComparisonOperator() {
            let rhs = try parseExpression(Precedence.comparison + 1)
            rest.append((op: op, rhs: rhs))
        }
        return Expr(kind: .compare(first, rest), pos: first.pos)
    }

    /// unary = ( "-" | "~" ) , unary | spawn_expression | power ;
    /// power = postfix_expression , [ "**" , unary ] ;
    ///
    /// So `-2 ** 2` is `-(2 ** 2)` and `2 ** -1` works, as in Python.
    func parseUnary() throws(ParseFailure) -> Expr {
        switch kind {
        case .minus, .tilde:
            return try parseUnaryOperator()
        case .spawn:
            return try parseSpawn()
        default:
            let base = try parsePostfix()
            if kind == .starStar && !stopsAtNewline { return try parsePower(base) }
            return base
        }
    }

    /// ( "-" | "~" ) , unary
    func parseUnaryOperator() throws(ParseFailure) -> Expr {
        let opToken = current
        advance()
        try enterNesting(at: tokens[opToken].pos)
        let operand = try parseUnary()
        depth -= 1
        return unaryNode(opToken, operand)
    }

    /// "**" , unary — the right operand of `**` (right-associative).
    func parsePower(_ base: Expr) throws(ParseFailure) -> Expr {
        try enterNesting(at: pos)
        advance()
        let exponent = try parseUnary()
        depth -= 1
        return Expr(kind: .binary(.pow, base, exponent), pos: base.pos)
    }

    /// postfix_expression = primary , { postfix_op } ;
    /// postfix_op         = call_op | index_op | slice_op | member_op ;
    func parsePostfix() throws(ParseFailure) -> Expr {
        var expr = try parsePrimary()
        var links = 0
        while !stopsAtNewline {
            links += 1
            if links > Parser.maxPostfixChain { throw fail("expression too long", at: pos) }
            switch kind {
            case .leftParen: expr = try parseCall(expr)
            case .leftBracket: expr = try parseSubscript(expr)
            case .dot: expr = try parseMember(expr)
            default: return expr
            }
        }
        return expr
    }

    /// call_op = "(" , [ expression , { "," , expression } , [ "," ] ] , ")" ;
    func parseCall(_ callee: Expr) throws(ParseFailure) -> Expr {
        let open = current
        try enterNesting(at: pos)
        advance()
        let saved = enter(newlines: false)
        var args: [Expr] = []
        if kind != .rightParen {
            repeat {
                args.append(try parseExpression())
            } while try continueList(.rightParen, opener: open)
        }
        try expectClose(.rightParen, opener: open)
        leave(restoring: saved)
        return Expr(kind: .call(callee: callee, args: args), pos: callee.pos)
    }

    /// index_op = "[" , expression , "]" ;
    /// slice_op = "[" , [ expression ] , ":" , [ expression ] , [ ":" , [ expression ] ] , "]" ;
    func parseSubscript(_ base: Expr) throws(ParseFailure) -> Expr {
        let open = current
        try enterNesting(at: pos)
        advance()
        let saved = enter(newlines: false)
        var bounds: [Expr?] = []
        while true {
            // Read a bound (empty before `:` or `]`), then its `:` or the closing `]`.
            if kind == .colon || (kind == .rightBracket && !bounds.isEmpty) {
                bounds.append(nil)
            } else {
                bounds.append(try parseExpression())
            }
            if bounds.count == 3 || !accept(.colon) { break }
        }
        try expectClose(.rightBracket, opener: open)
        leave(restoring: saved)
        return subscriptNode(base, bounds)
    }

    /// spawn_expression = "spawn" , ( "thread" | "process" ) ,
    ///                    ( function_body | primary , { postfix_op } , call_op ) ;
    ///
    /// The block form becomes a call of a parameterless anonymous function.
    func parseSpawn() throws(ParseFailure) -> Expr {
        let spawnPos = pos
        let spawnKind = try takeSpawnKind()
        if kind == .leftBrace {
            let bracePos = pos
            let body = try parseFunctionBody()
            return spawnBlockNode(spawnKind, body, spawnPos: spawnPos, bracePos: bracePos)
        }
        let call = try parsePostfix()
        return try spawnCallNode(spawnKind, call, spawnPos: spawnPos)
    }
}
