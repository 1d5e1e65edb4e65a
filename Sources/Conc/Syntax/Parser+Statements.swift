// Statement parsing: programs, blocks, statement lists and the compound statements.
// Simple statements (let, assignment, return, jumps) are in Parser+Simple.swift.
//
// A statement ends at `;`, at a line break, before the `}` closing its block, at the
// end of the input, or right after a block's `}` (`if n < 2 { return n } return n`).
// Two statements on one line without any of these is an error.

/// Where a block is expected, for the "expected '{' ..." message.
enum BlockContext {
    case bare, functionBody, ifBody, elseBody, whileBody, forBody, tryBody, catchBody
    case finallyBody, withBody

    /// The error when the `{` is missing.
    var missingBrace: String {
        switch self {
        case .bare: return "expected '{'"
        case .functionBody: return "expected '{' to start the function body"
        case .ifBody: return "expected '{' after the if condition"
        case .elseBody: return "expected '{' or 'if' after 'else'"
        case .whileBody: return "expected '{' after the while condition"
        case .forBody: return "expected '{' after the for iterable"
        case .tryBody: return "expected '{' after 'try'"
        case .catchBody: return "expected '{' after 'catch'"
        case .finallyBody: return "expected '{' after 'finally'"
        case .withBody: return "expected '{' after the with expression"
        }
    }
}

extension Parser.State {
    /// program = statements ;
    func parseProgram() throws(ParseFailure) -> Block {
        let stmts = try parseStatements()
        guard kind == .eof else { throw unexpected() }
        return Block(stmts: stmts, end: pos)
    }

    /// block = "{" , statements , "}" ;
    func parseBlock(_ context: BlockContext) throws(ParseFailure) -> Block {
        let open = current
        try expectOpeningBrace(context)
        let saved = enter(newlines: true)
        let stmts = try parseStatements()
        let end = try expectClosingBrace(opener: open)
        leave(restoring: saved)
        return Block(stmts: stmts, end: end)
    }

    /// Consumes the `{` of a block and enters its nesting level.
    @inline(never)
    func expectOpeningBrace(_ context: BlockContext) throws(ParseFailure) {
        guard kind == .leftBrace else { throw error(context.missingBrace) }
        try enterNesting(at: pos)
        advance()
    }

    /// Consumes the `}` of the block opened at token index `opener`, returning its
    /// position.
    @inline(never)
    func expectClosingBrace(opener: Int) throws(ParseFailure) -> SourcePos {
        guard kind == .rightBrace else {
            throw error("expected '}' to close block opened at \(describe(tokens[opener].pos))")
        }
        let end = pos
        lastBlockClose = current
        advance()
        return end
    }

    /// statements = { ";" } , [ statement , { separator , { ";" } , statement } , { ";" } ] ;
    /// separator  = ";" | newline ;
    ///
    /// The separator may be left out after a statement that ends with a block's `}`.
    /// Stops before a `}` or the end of the input, which the caller checks.
    func parseStatements() throws(ParseFailure) -> [Stmt] {
        var stmts: [Stmt] = []
        while true {
            while accept(.semicolon) {}
            if kind == .rightBrace || kind == .eof { return stmts }
            stmts.append(try parseStatement())
            try expectStatementEnd()
        }
    }

    /// Checks that the statement just parsed is properly ended (see the file header).
    @inline(never)
    func expectStatementEnd() throws(ParseFailure) {
        switch kind {
        case .semicolon, .rightBrace, .eof:
            return
        case .rightParen, .rightBracket:
            throw unexpected()
        default:
            if token.newlineBefore || current - 1 == lastBlockClose { return }
            throw error("expected newline or ';' after statement")
        }
    }

    /// statement = let_statement | function_declaration | if_statement | while_statement
    ///           | for_statement | break_statement | continue_statement | return_statement
    ///           | try_statement | throw_statement | with_statement | block_statement
    ///           | assignment | expression_statement ;
    func parseStatement() throws(ParseFailure) -> Stmt {
        switch kind {
        case .let: return try parseLet()
        case .fn where peekKind(1) == .name: return try parseFunctionDeclaration()
        case .if: return try parseIf()
        case .while, .for: return try parseLoop()
        case .break, .continue: return try parseJump()
        case .return: return try parseReturn()
        case .try: return try parseTry()
        case .throw: return try parseThrow()
        case .with: return try parseWith()
        case .leftBrace: return try parseBlockStatement()
        default: return try parseSimpleStatement()
        }
    }

    /// block_statement = block ;
    ///
    /// A `{` that starts a statement always opens a block, never a map.
    func parseBlockStatement() throws(ParseFailure) -> Stmt {
        let bracePos = pos
        let block = try parseBlock(.bare)
        return Stmt(kind: .block(block), pos: bracePos)
    }

    /// function_declaration = "fn" , identifier , parameters , function_body ;
    func parseFunctionDeclaration() throws(ParseFailure) -> Stmt {
        let fnPos = pos
        advance()
        let name = text(take())
        let params = try parseParameters()
        let body = try parseFunctionBody()
        let function = functionNode(name: name, params: params, body: body, pos: fnPos)
        return Stmt(kind: .function(function), pos: fnPos)
    }

    /// if_statement = "if" , expression , block , { "else" , "if" , expression , block } ,
    ///                [ "else" , block ] ;
    ///
    /// An `else if` chain is read in a loop (not by recursion), so a long chain costs no
    /// native stack; it becomes nested `.if` statements.
    func parseIf() throws(ParseFailure) -> Stmt {
        var clauses: [(pos: SourcePos, cond: Expr, body: Block)] = []
        var orElse: Stmt?
        while true {
            let ifPos = pos
            advance()
            let cond = try parseExpression()
            let body = try parseBlock(.ifBody)
            clauses.append((pos: ifPos, cond: cond, body: body))
            guard accept(.else) else { break }
            if kind == .if { continue }
            let bracePos = pos
            let elseBody = try parseBlock(.elseBody)
            orElse = Stmt(kind: .block(elseBody), pos: bracePos)
            break
        }
        return ifChainNode(clauses, orElse)
    }

    /// Folds the clauses of an `if ... else if ...` chain into nested `.if` statements.
    @inline(never)
    func ifChainNode(_ clauses: [(pos: SourcePos, cond: Expr, body: Block)],
                     _ orElse: Stmt?) -> Stmt {
        var result = orElse
        for clause in clauses.reversed() {
            result = Stmt(kind: .if(cond: clause.cond, then: clause.body, orElse: result),
                          pos: clause.pos)
        }
        // `clauses` always holds the first `if`, so `result` is set.
        return result ?? Stmt(kind: .block(Block(stmts: [], end: pos)), pos: pos)
    }

    /// while_statement = "while" , expression , loop_body ;
    /// for_statement   = "for" , identifier , "in" , expression , loop_body ;
    /// loop_body       = block ;
    func parseLoop() throws(ParseFailure) -> Stmt {
        let keyword = current
        let loopName = try parseLoopHeader()
        let subject = try parseExpression()
        let savedLoop = inLoop
        inLoop = true
        let body = try parseBlock(loopName == nil ? .whileBody : .forBody)
        inLoop = savedLoop
        return loopNode(keyword: keyword, name: loopName, subject: subject, body: body)
    }

    /// Consumes `while`, or `for NAME in`, returning the index of the loop variable.
    @inline(never)
    func parseLoopHeader() throws(ParseFailure) -> Int? {
        guard take().kind == .for else { return nil }
        let name = current
        _ = try expect(.name, "expected a name after 'for'")
        _ = try expect(.in, "expected 'in' after the loop variable")
        return name
    }

    /// The node for a loop whose keyword and variable are at the given token indexes.
    @inline(never)
    func loopNode(keyword: Int, name: Int?, subject: Expr, body: Block) -> Stmt {
        let pos = tokens[keyword].pos
        guard let name else { return Stmt(kind: .while(cond: subject, body: body), pos: pos) }
        let variable = tokens[name]
        return Stmt(kind: .for(name: text(variable), namePos: variable.pos, iterable: subject,
                               body: body), pos: pos)
    }

    /// try_statement  = "try" , block , ( catch_clause , [ finally_clause ] | finally_clause ) ;
    /// catch_clause   = "catch" , [ identifier ] , block ;
    /// finally_clause = "finally" , block ;
    func parseTry() throws(ParseFailure) -> Stmt {
        let tryPos = pos
        advance()
        let body = try parseBlock(.tryBody)
        var catchName: String?
        var catchBody: Block?
        var finallyBody: Block?
        if accept(.catch) {
            catchName = takeOptionalName()
            catchBody = try parseBlock(.catchBody)
        }
        if accept(.finally) {
            finallyBody = try parseBlock(.finallyBody)
        }
        if catchBody == nil && finallyBody == nil {
            throw error("expected 'catch' or 'finally' after the try block")
        }
        return Stmt(kind: .try(body: body, catchName: catchName, catchBody: catchBody,
                               finallyBody: finallyBody), pos: tryPos)
    }

    /// Consumes a name if one comes next and returns it.
    @inline(never)
    func takeOptionalName() -> String? {
        kind == .name ? text(take()) : nil
    }

    /// with_statement = "with" , expression , [ "as" , identifier ] , block ;
    func parseWith() throws(ParseFailure) -> Stmt {
        let withPos = pos
        advance()
        let subject = try parseExpression()
        let name = try parseWithName()
        let body = try parseBlock(.withBody)
        return Stmt(kind: .with(subject, name: name, body: body), pos: withPos)
    }

    /// [ "as" , identifier ] after the subject of `with`.
    @inline(never)
    func parseWithName() throws(ParseFailure) -> String? {
        guard accept(.as) else { return nil }
        return text(try expect(.name, "expected a name after 'as'"))
    }
}
