// Primary expressions: parenthesised expressions, list and map literals, interpolated
// strings and anonymous functions (with their parameters). Single-token primaries are
// read by `parseAtom` in Parser+Nodes.swift.

extension Parser.State {
    /// primary = identifier | integer_literal | float_literal | string_literal
    ///         | "true" | "false" | "nil" | "(" , expression , ")"
    ///         | list_literal | map_literal | function_literal ;
    func parsePrimary() throws(ParseFailure) -> Expr {
        switch kind {
        case .leftParen: return try parseParenthesized()
        case .leftBracket: return try parseList()
        case .leftBrace: return try parseMap()
        case .fn: return try parseFunctionLiteral()
        case .stringHead: return try parseInterpolation()
        default: return try parseAtom()
        }
    }

    /// "(" , expression , ")" — a grouping, not a node of its own.
    func parseParenthesized() throws(ParseFailure) -> Expr {
        let open = current
        try enterNesting(at: pos)
        advance()
        let saved = enter(newlines: false)
        let inner = try parseExpression()
        try expectClose(.rightParen, opener: open)
        leave(restoring: saved)
        return inner
    }

    /// string_literal = '"' , { string_char | escape | interpolation } , '"' ;
    /// interpolation  = "${" , expression , "}" ;
    ///
    /// The lexer has split the literal into a head, middles and a tail around the
    /// embedded expressions.
    func parseInterpolation() throws(ParseFailure) -> Expr {
        let headPos = pos
        try enterNesting(at: headPos)
        let saved = enter(newlines: false)
        var parts: [InterpolationPart] = []
        takeInterpolationText(into: &parts)
        while true {
            parts.append(.expr(try parseExpression()))
            if kind == .stringMiddle {
                takeInterpolationText(into: &parts)
            } else if kind == .stringTail {
                takeInterpolationText(into: &parts)
                break
            } else {
                throw error("expected '}' to end the interpolation")
            }
        }
        leave(restoring: saved)
        return Expr(kind: .interpolation(parts), pos: headPos)
    }

    /// list_literal = "[" , [ expression , { "," , expression } , [ "," ] ] , "]" ;
    func parseList() throws(ParseFailure) -> Expr {
        let open = current
        try enterNesting(at: pos)
        advance()
        let saved = enter(newlines: false)
        var elements: [Expr] = []
        if kind != .rightBracket {
            repeat {
                elements.append(try parseExpression())
            } while try continueList(.rightBracket, opener: open)
        }
        try expectClose(.rightBracket, opener: open)
        leave(restoring: saved)
        return Expr(kind: .list(elements), pos: tokens[open].pos)
    }

    /// map_literal = "{" , [ map_entry , { "," , map_entry } , [ "," ] ] , "}" ;
    /// map_entry   = expression , ":" , expression ;
    func parseMap() throws(ParseFailure) -> Expr {
        let open = current
        try enterNesting(at: pos)
        advance()
        let saved = enter(newlines: false)
        var entries: [(key: Expr, value: Expr)] = []
        if kind != .rightBrace {
            repeat {
                let key = try parseExpression()
                try expectMapColon()
                let value = try parseExpression()
                entries.append((key: key, value: value))
            } while try continueList(.rightBrace, opener: open)
        }
        try expectClose(.rightBrace, opener: open)
        leave(restoring: saved)
        return Expr(kind: .map(entries), pos: tokens[open].pos)
    }

    /// The `:` between a map key and its value.
    @inline(never)
    func expectMapColon() throws(ParseFailure) {
        guard accept(.colon) else { throw error("expected ':' after map key") }
    }

    /// function_literal = "fn" , parameters , function_body ;
    func parseFunctionLiteral() throws(ParseFailure) -> Expr {
        let fnPos = pos
        advance()
        let params = try parseParameters()
        let body = try parseFunctionBody()
        return Expr(kind: .function(functionNode(name: nil, params: params, body: body, pos: fnPos)),
                    pos: fnPos)
    }

    /// parameters = "(" , [ identifier , { "," , identifier } , [ "," ] ] , ")" ;
    ///
    /// Parameter names must be distinct.
    @inline(never)
    func parseParameters() throws(ParseFailure) -> [(name: String, pos: SourcePos)] {
        let open = current
        _ = try expect(.leftParen, "expected '(' to start the parameter list")
        var params: [(name: String, pos: SourcePos)] = []
        var seen = Set<String>()
        if kind != .rightParen {
            repeat {
                let name = try expect(.name, "expected a parameter name")
                guard seen.insert(text(name)).inserted else {
                    throw fail("duplicate parameter '\(text(name))'", at: name.pos)
                }
                params.append((name: text(name), pos: name.pos))
            } while try continueList(.rightParen, opener: open)
        }
        try expectClose(.rightParen, opener: open)
        return params
    }

    /// function_body = block ;
    ///
    /// Inside it `return` is allowed, and `break`/`continue` are not (an enclosing
    /// loop does not count across a function boundary).
    func parseFunctionBody() throws(ParseFailure) -> Block {
        let savedFunction = inFunction
        let savedLoop = inLoop
        inFunction = true
        inLoop = false
        let body = try parseBlock(.functionBody)
        inFunction = savedFunction
        inLoop = savedLoop
        return body
    }
}
