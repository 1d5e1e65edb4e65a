// The compiler: walks the AST once and emits register bytecode, function by function.
//
// Registers are allocated like a stack: locals take the next free register when they
// are declared, temporaries sit above them and are released when the expression that
// needed them is done. Names resolve while compiling: a local of this function, an
// upvalue (a local of an enclosing function), or else a global slot, looked up by the
// VM when the code runs.

final class Compiler {
    let vm: VM
    let file: String
    var fb: FunctionBuilder

    /// Whether the value of a final expression statement is returned (for `evaluate` and
    /// the REPL) instead of dropped.
    enum Mode { case run, evaluate }

    init(vm: VM, file: String) {
        self.vm = vm
        self.file = file
        fb = FunctionBuilder(parent: nil, name: "<main>", isTopLevel: true)
    }

    /// Compiles a whole program into the function that runs it.
    func compileProgram(_ program: Block, mode: Mode = .run) throws(SyntaxError) -> Proto {
        var stmts = program.stmts[...]
        var last: Expr?
        if mode == .evaluate, let l = stmts.last, case .expr(let e) = l.kind {
            last = e
            stmts = stmts.dropLast()
        }
        for s in stmts { try statement(s) }
        if let last {
            fb.pos = last.pos
            let r = try exprAnyRegister(last)
            fb.emit(.return, r)
        } else {
            fb.pos = program.end
            fb.emit(.returnNil)
        }
        return finish(fb, paramCount: 0, pos: SourcePos(line: 1, col: 1))
    }

    /// Turns a finished builder into a `Proto` registered on the heap.
    func finish(_ b: FunctionBuilder, paramCount: Int, pos: SourcePos) -> Proto {
        for t in b.tries { t.suspend(at: b.code.count) }
        return vm.heap.register(Proto(
            name: b.name, file: file, code: b.code, constants: b.constants,
            positions: b.positions, paramCount: paramCount,
            registerCount: max(b.maxRegister, paramCount) + 1, upvalues: b.upvalues,
            children: b.children, handlers: b.handlers, members: b.members, pos: pos))
    }

    // MARK: Statements

    func block(_ b: Block) throws(SyntaxError) {
        beginScope()
        for s in b.stmts { try statement(s) }
        fb.pos = b.end
        endScope()
    }

    func beginScope() { fb.depth += 1 }

    /// Ends a block: its locals go out of scope, and captured ones are closed.
    func endScope() {
        if let (reg, captured) = fb.localsAbove(depth: fb.depth - 1) {
            if captured { fb.emit(.close, reg) }
            fb.freeRegister = reg
        }
        fb.locals.removeAll { $0.depth >= fb.depth }
        fb.depth -= 1
    }

    /// Declares a local in the current block, in register `register`.
    func declareLocal(_ name: String, register: Int, at pos: SourcePos) throws(SyntaxError) {
        for l in fb.locals.reversed() {
            if l.depth < fb.depth { break }
            if l.name == name {
                throw SyntaxError("'\(name)' is already declared in this block", at: pos)
            }
        }
        fb.locals.append(Local(name: name, register: register, depth: fb.depth))
    }

    /// True where a `let` declares a global: the top level of the program itself.
    var atTopLevel: Bool { fb.isTopLevel && fb.depth == 0 }

    func statement(_ s: Stmt) throws(SyntaxError) {
        fb.pos = s.pos
        let saved = fb.freeRegister
        switch s.kind {
        case .expr(let e):
            _ = try exprAnyRegister(e)
            fb.freeRegister = saved
        case .let(let name, let namePos, let value):
            try letStatement(name, value, at: s.pos, namePos: namePos)
        case .assign(let target, let op, let value):
            try assignment(target, op, value)
            fb.freeRegister = saved
        case .function(let decl):
            try functionDeclaration(decl)
        case .if(let cond, let then, let orElse):
            let jumps = try conditionJumps(cond)
            fb.freeRegister = saved
            try block(then)
            if let orElse {
                let end = fb.emitJump(.jump)
                for j in jumps { try fb.patch(j) }
                try statement(orElse)
                try fb.patch(end)
            } else {
                for j in jumps { try fb.patch(j) }
            }
        case .while(let cond, let body):
            let top = fb.code.count
            let exits = try conditionJumps(cond)
            fb.freeRegister = saved
            try loopBody(depth: fb.depth, continueTarget: top) { () throws(SyntaxError) in
                try self.block(body)
            }
            try fb.emitLoop(to: top)
            for j in exits { try fb.patch(j) }
            try patchBreaks()
        case .for(let name, let namePos, let iterable, let body):
            try forStatement(name, namePos, iterable, body)
        case .break:
            try leaveLoop(isBreak: true)
        case .continue:
            try leaveLoop(isBreak: false)
        case .return(let value):
            try returnStatement(value)
        case .try(let body, let catchName, let catchBody, let finallyBody):
            try tryStatement(body, catchName, catchBody, finallyBody)
        case .throw(let e):
            let r = try exprAnyRegister(e)
            fb.pos = s.pos
            fb.emit(.throw, r)
            fb.freeRegister = saved
        case .with(let e, let name, let body):
            try withStatement(e, name, body, at: s.pos)
        case .block(let b):
            try block(b)
        }
    }

    func letStatement(_ name: String, _ value: Expr?, at pos: SourcePos, namePos: SourcePos) throws(SyntaxError) {
        if atTopLevel {
            let r = try fb.allocate()
            try letValue(name, value, into: r)
            fb.pos = pos
            fb.emit(.defineGlobal, r, vm.globalSlot(name))
            fb.freeRegister = r
            return
        }
        let r = try fb.allocate()
        try letValue(name, value, into: r)
        fb.freeRegister = r + 1
        try declareLocal(name, register: r, at: namePos)
    }

    /// The value of a `let`; an anonymous function takes the variable's name.
    func letValue(_ name: String, _ value: Expr?, into r: Int) throws(SyntaxError) {
        guard let value else {
            fb.emit(.loadNil, r)
            return
        }
        if case .function(let decl) = value.kind, decl.name == nil {
            try function(decl, into: r, name: name)
        } else {
            try expr(value, into: r)
        }
    }

    func functionDeclaration(_ decl: FunctionDecl) throws(SyntaxError) {
        let name = decl.name ?? "<fn>"
        if atTopLevel {
            let r = try fb.allocate()
            try function(decl, into: r)
            fb.pos = decl.pos
            fb.emit(.defineGlobal, r, vm.globalSlot(name))
            fb.freeRegister = r
            return
        }
        // Declared before the body is compiled, so the function can call itself.
        let r = try fb.allocate()
        try declareLocal(name, register: r, at: decl.pos)
        try function(decl, into: r)
    }

    // MARK: Loops

    /// Compiles a loop body with its loop context, then patches its `continue` jumps to
    /// `continueTarget` (or to the end of the body, for `for` loops: pass nil).
    func loopBody(depth: Int, continueTarget: Int?,
                  _ compileBody: () throws(SyntaxError) -> Void) throws(SyntaxError) {
        fb.loops.append(LoopContext(depth: depth, tryCount: fb.tries.count))
        try compileBody()
        let loop = fb.loops[fb.loops.count - 1]
        for j in loop.continueJumps {
            if let continueTarget { try fb.patch(j, to: continueTarget) } else { try fb.patch(j) }
        }
    }

    func patchBreaks() throws(SyntaxError) {
        let loop = fb.loops.removeLast()
        for j in loop.breakJumps { try fb.patch(j) }
    }

    func forStatement(_ name: String, _ namePos: SourcePos, _ iterable: Expr, _ body: Block) throws(SyntaxError) {
        // Registers: four of iteration state, then the loop variable.
        let state = try fb.allocate(4)
        if case .call(let callee, let args) = iterable.kind, case .name("range") = callee.kind,
           (1...3).contains(args.count), case .global = resolve("range") {
            // `for i in range(...)`: the arguments go straight into the state registers.
            try expr(callee, into: state)
            for (i, a) in args.enumerated() { try expr(a, into: state + 1 + i) }
            fb.pos = iterable.pos
            fb.emit(.iterRange, state, args.count)
        } else {
            try expr(iterable, into: state)
            fb.pos = iterable.pos
            fb.emit(.iterPrep, state, state)
        }
        // The test sits at the bottom (entered by a jump once), so each iteration costs
        // one `iterNext`, which jumps back to the body while there are items.
        let enter = fb.emitJump(.jump)
        let top = fb.code.count
        beginScope()
        let variable = try fb.allocate()
        try declareLocal(name, register: variable, at: namePos)
        // The loop variable's scope is left too: `break` must close it if captured.
        try loopBody(depth: fb.depth - 1, continueTarget: nil) { () throws(SyntaxError) in
            try self.block(body)
        }
        fb.pos = body.end
        endScope()
        try fb.patch(enter)
        fb.pos = iterable.pos
        let next = fb.emit(.iterNext, state)
        try fb.patch(next, to: top)
        try patchBreaks()
        fb.freeRegister = state
    }

    /// `break` or `continue`.
    func leaveLoop(isBreak: Bool) throws(SyntaxError) {
        let loop = fb.loops.count - 1
        try emitExit(isBreak ? .break(loop: loop) : .continue(loop: loop), value: nil)
    }

    /// Leaves by `exit` (`value` holds what a `return` returns; nil returns nil). Runs
    /// the exit code of each `with` it leaves, innermost first and outside that `with`'s
    /// own handler, until it meets a `finally` block: it enters that block with the exit
    /// pending, and the block's dispatch goes on from there when it ends. With no
    /// `finally` in the way, it closes the captured locals it leaves and jumps or returns.
    func emitExit(_ exit: PendingExit, value: Int?) throws(SyntaxError) {
        let floor: Int
        switch exit {
        case .return: floor = 0
        case .break(let l), .continue(let l): floor = fb.loops[l].tryCount
        }
        var suspended: [TryContext] = []
        defer { for t in suspended { t.resume(at: fb.code.count) } }
        let saved = fb.tries
        var i = saved.count - 1
        while i >= floor {
            let t = saved[i]
            t.suspend(at: fb.code.count)
            suspended.append(t)
            switch t.finally {
            case .exitWith(let register, let member, let pos):
                // While the exit runs, only the contexts outside it are active.
                fb.tries = Array(saved[..<i])
                try emitWithExit(register, member, pos)
                fb.tries = saved
            case .block(let f):
                enterFinally(f, exit, value: value)
                return
            case nil:
                break
            }
            i -= 1
        }
        switch exit {
        case .return:
            if let value { fb.emit(.return, value) } else { fb.emit(.returnNil) }
        case .break(let l), .continue(let l):
            if let (reg, captured) = fb.localsAbove(depth: fb.loops[l].depth), captured {
                fb.emit(.close, reg)
            }
            let j = fb.emitJump(.jump)
            if case .break = exit { fb.loops[l].breakJumps.append(j) } else { fb.loops[l].continueJumps.append(j) }
        }
    }

    /// Jumps into the `finally` block `f` with `exit` pending. The locals of the blocks
    /// left are closed first, since the finally block reuses their registers.
    func enterFinally(_ f: FinallyBlock, _ exit: PendingExit, value: Int?) {
        if let (reg, captured) = fb.localsAbove(depth: f.depth), captured { fb.emit(.close, reg) }
        if case .return = exit {
            if let value {
                if value != f.valueRegister { fb.emit(.move, f.valueRegister, value) }
            } else {
                fb.emit(.loadNil, f.valueRegister)
            }
        }
        fb.emit(.loadInt, f.stateRegister, f.code(for: exit))
        f.entryJumps.append(fb.emitJump(.jump))
    }

    func returnStatement(_ value: Expr?) throws(SyntaxError) {
        let saved = fb.freeRegister
        var r: Int?
        if let value { r = try exprAnyRegister(value) }
        if !fb.tries.isEmpty, let v = r, v < saved {
            // A local: copy it, since a `with` exit or finally block may assign it.
            let t = try fb.allocate()
            fb.emit(.move, t, v)
            r = t
        }
        try emitExit(.return, value: r)
        fb.freeRegister = saved
    }

    // MARK: try, with

    func tryStatement(_ body: Block, _ catchName: String?, _ catchBody: Block?, _ finallyBody: Block?) throws(SyntaxError) {
        let errorRegister = try fb.allocate()
        var finally: FinallyBlock?
        if let finallyBody {
            finally = FinallyBlock(block: finallyBody, valueRegister: errorRegister,
                                   stateRegister: try fb.allocate(), depth: fb.depth)
        }
        let firstFree = fb.freeRegister
        let finallyCode = finally.map { FinallyAction.block($0) }
        // While the body and the catch block run, errors go to the catch block (if any)
        // or straight to the finally block.
        let bodyContext = TryContext(register: errorRegister, at: fb.code.count,
                                     finally: catchBody == nil ? finallyCode : nil)
        fb.tries.append(bodyContext)
        // When there is both a catch and a finally, the finally also guards the catch.
        let outerContext: TryContext? = (catchBody != nil && finallyBody != nil)
            ? TryContext(register: errorRegister, at: fb.code.count, finally: finallyCode) : nil
        if let outerContext {
            fb.tries.removeLast()
            fb.tries.append(outerContext)
            fb.tries.append(bodyContext)
        }
        try block(body)
        bodyContext.suspend(at: fb.code.count)
        fb.tries.removeLast()
        let afterBody = fb.emitJump(.jump)
        var handlerTargets: [(TryContext, Int)] = [(bodyContext, fb.code.count)]
        var endJumps: [Int] = [afterBody]
        if let catchBody {
            beginScope()
            if let catchName { try declareLocal(catchName, register: errorRegister, at: catchBody.end) }
            fb.freeRegister = firstFree
            try block(catchBody)
            endScope()
            fb.freeRegister = firstFree
            endJumps.append(fb.emitJump(.jump))
        }
        if let outerContext {
            outerContext.suspend(at: fb.code.count)
            fb.tries.removeLast()
            handlerTargets.append((outerContext, fb.code.count))
        } else if catchBody == nil {
            handlerTargets[0] = (bodyContext, fb.code.count)
        }
        if let finally, let finallyBody {
            // The error path enters with the error to rethrow, the normal ends of the body
            // and the catch block with nothing pending.
            fb.emit(.loadInt, finally.stateRegister, FinallyBlock.rethrow)
            finally.entryJumps.append(fb.emitJump(.jump))
            for j in endJumps { try fb.patch(j) }
            endJumps = []
            fb.emit(.loadInt, finally.stateRegister, FinallyBlock.fallThrough)
            for j in finally.entryJumps { try fb.patch(j) }
            fb.freeRegister = firstFree
            try block(finallyBody)
            try finallyDispatch(finally)
        }
        for j in endJumps { try fb.patch(j) }
        for (context, target) in handlerTargets {
            for s in context.segments {
                fb.handlers.append(Handler(start: Int32(s.start), end: Int32(s.end),
                                           target: Int32(target), register: Int32(errorRegister)))
            }
        }
        fb.freeRegister = errorRegister
    }

    /// The end of a finally block: go where its state code says. Falling through (code
    /// 0) passes every test; each pending exit continues as if it started here, so it
    /// runs the `with` exits and finally blocks outside this one.
    func finallyDispatch(_ f: FinallyBlock) throws(SyntaxError) {
        fb.pos = f.block.end
        let notRethrow = fb.emitJump(.jumpIfNotEqInt, f.stateRegister, FinallyBlock.rethrow)
        fb.emit(.throw, f.valueRegister)
        try fb.patch(notRethrow)
        for (i, exit) in f.exits.enumerated() {
            let next = fb.emitJump(.jumpIfNotEqInt, f.stateRegister, 2 + i)
            try emitExit(exit, value: f.valueRegister)
            try fb.patch(next)
        }
    }

    /// `with e as name { body }`: enter, then the body guarded like a try/finally whose
    /// finally block calls the exit method.
    func withStatement(_ e: Expr, _ name: String?, _ body: Block, at pos: SourcePos) throws(SyntaxError) {
        beginScope()
        let value = try fb.allocate()
        try expr(e, into: value)
        if let name { try declareLocal(name, register: value, at: pos) }
        let scratch = try fb.allocate()
        let enter = try fb.member("__enter")
        let exit = try fb.member("__exit")
        fb.pos = pos
        fb.emit(.move, scratch, value)
        fb.emit(.invoke, scratch, enter, 0)
        let errorRegister = try fb.allocate()
        let context = TryContext(register: errorRegister, at: fb.code.count,
                                 finally: .exitWith(register: value, member: exit, pos: pos))
        fb.tries.append(context)
        try block(body)
        context.suspend(at: fb.code.count)
        fb.tries.removeLast()
        try emitWithExit(value, exit, pos)
        let end = fb.emitJump(.jump)
        let target = fb.code.count
        fb.freeRegister = errorRegister + 1
        try emitWithExit(value, exit, pos)
        fb.emit(.throw, errorRegister)
        try fb.patch(end)
        for s in context.segments {
            fb.handlers.append(Handler(start: Int32(s.start), end: Int32(s.end),
                                       target: Int32(target), register: Int32(errorRegister)))
        }
        endScope()
        fb.freeRegister = value
    }

    /// The exit of a `with` block: call the exit method of the value in `register`.
    func emitWithExit(_ register: Int, _ member: Int, _ pos: SourcePos) throws(SyntaxError) {
        let s = try fb.allocate()
        fb.pos = pos
        fb.emit(.move, s, register)
        fb.emit(.invoke, s, member, 0)
        fb.freeRegister = s
    }
}
