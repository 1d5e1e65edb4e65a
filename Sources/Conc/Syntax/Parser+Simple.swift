// Simple statements: let, assignment, expression statements, return, throw, break and
// continue, with the parser-level checks on them (assignment targets, `return` outside
// a function, `break`/`continue` outside a loop).

extension Parser.State {
    /// assignment           = ( assign_target - brace_first ) , assign_op , expression ;
    /// expression_statement = expression - brace_first ;
    /// assign_target        = identifier | "(" , assign_target , ")"
    ///                      | primary , { postfix_op } , ( index_op | member_op ) ;
    /// assign_op            = "=" | "+=" | "-=" | "*=" | "/=" | "//=" | "%=" ;
    func parseSimpleStatement() throws(ParseFailure) -> Stmt {
        let target = try parseExpression()
        guard let op = try takeAssignmentOperator(target: target) else {
            return Stmt(kind: .expr(target), pos: target.pos)
        }
        let value = try parseExpression()
        try rejectChainedAssignment()
        return Stmt(kind: .assign(target: target, op: op, value: value), pos: target.pos)
    }

    /// If an assignment operator follows on the same line, checks that `target` can be
    /// assigned to and consumes the operator: nil if there is none, `.some(nil)` for a
    /// plain `=`, and the binary operator of a compound one (`+=` gives `.add`).
    @inline(never)
    func takeAssignmentOperator(target: Expr) throws(ParseFailure) -> BinaryOp?? {
        guard !stopsAtNewline, let op = assignmentOperator() else { return nil }
        switch target.kind {
        case .name, .index, .member: break
        default: throw fail("invalid assignment target", at: target.pos)
        }
        advance()
        return op
    }

    /// The current token as an assignment operator (see `takeAssignmentOperator`).
    func assignmentOperator() -> BinaryOp?? {
        switch kind {
        case .equal: return .some(nil)
        case .plusEqual: return .add
        case .minusEqual: return .sub
        case .starEqual: return .mul
        case .slashEqual: return .div
        case .slashSlashEqual: return .floorDiv
        case .percentEqual: return .mod
        default: return nil
        }
    }

    /// Assignment is a statement, not an expression: `a = b = c` is an error.
    @inline(never)
    func rejectChainedAssignment() throws(ParseFailure) {
        if !stopsAtNewline && assignmentOperator() != nil {
            throw error("assignments cannot be chained")
        }
    }

    /// let_statement = "let" , identifier , [ "=" , expression ] ;
    func parseLet() throws(ParseFailure) -> Stmt {
        let letPos = pos
        let (name, namePos) = try takeLetName()
        var value: Expr?
        if kind == .equal && !stopsAtNewline {
            advance()
            value = try parseExpression()
            try rejectChainedAssignment()
        }
        return Stmt(kind: .let(name: name, namePos: namePos, value: value), pos: letPos)
    }

    /// Consumes `let` and the name after it.
    @inline(never)
    func takeLetName() throws(ParseFailure) -> (String, SourcePos) {
        advance()
        let token = try expect(.name, "expected a name after 'let'")
        return (text(token), token.pos)
    }

    /// break_statement = "break" ; continue_statement = "continue" ;
    ///
    /// Only inside a loop (and not across a function boundary).
    @inline(never)
    func parseJump() throws(ParseFailure) -> Stmt {
        let keyword = take()
        guard inLoop else { throw fail("'\(keyword.kind.spelling)' outside loop", at: keyword.pos) }
        return Stmt(kind: keyword.kind == .break ? .break : .continue, pos: keyword.pos)
    }

    /// return_statement = "return" , [ expression ] ;
    ///
    /// Only inside a function. The expression must start on the same line: a line break
    /// right after `return` ends the statement, which then returns nil.
    func parseReturn() throws(ParseFailure) -> Stmt {
        let returnPos = pos
        guard try takeReturnHasValue() else { return Stmt(kind: .return(nil), pos: returnPos) }
        let value = try parseExpression()
        return Stmt(kind: .return(value), pos: returnPos)
    }

    /// Consumes `return`, checks that it is inside a function and tells whether a value
    /// follows.
    @inline(never)
    func takeReturnHasValue() throws(ParseFailure) -> Bool {
        let returnPos = pos
        advance()
        guard inFunction else { throw fail("'return' outside function", at: returnPos) }
        switch kind {
        case .semicolon, .rightBrace, .eof: return false
        default: return !token.newlineBefore
        }
    }

    /// throw_statement = "throw" , expression ;
    func parseThrow() throws(ParseFailure) -> Stmt {
        let throwPos = pos
        advance()
        let value = try parseExpression()
        return Stmt(kind: .throw(value), pos: throwPos)
    }
}
