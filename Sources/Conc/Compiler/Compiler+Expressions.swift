// The compiler's expressions, assignments, conditions and function literals.

extension Compiler {
    /// Where a name lives.
    enum Resolved {
        case local(Int)
        case upvalue(Int)
        case global(Int)
    }

    func resolve(_ name: String) -> Resolved {
        if let l = fb.lookupLocal(name) { return .local(fb.locals[l].register) }
        if let u = fb.lookupUpvalue(name) { return .upvalue(u) }
        return .global(vm.globalSlot(name))
    }

    /// Compiles `e` and returns a register holding its value: a local's own register, or
    /// a new temporary (the caller releases it by resetting `freeRegister`).
    func exprAnyRegister(_ e: Expr) throws(SyntaxError) -> Int {
        if case .name(let n) = e.kind, case .local(let r) = resolve(n) { return r }
        let r = try fb.allocate()
        try expr(e, into: r)
        return r
    }

    /// Compiles `e` so that its value ends up in register `target`.
    ///
    /// Each case calls out to a helper: in a debug build every local of every case
    /// would share this function's frame, and the frame is paid once per nesting level.
    func expr(_ e: Expr, into target: Int) throws(SyntaxError) {
        fb.pos = e.pos
        let saved = fb.freeRegister
        defer { fb.freeRegister = saved }
        switch e.kind {
        case .nilLiteral:
            fb.emit(.loadNil, target)
        case .boolLiteral(let b):
            fb.emit(.loadBool, target, b ? 1 : 0)
        case .intLiteral(let i):
            try loadInt(i, into: target)
        case .floatLiteral(let d):
            try loadFloat(d, into: target)
        case .stringLiteral(let s):
            fb.emit(.loadK, target, try stringConstant(s))
        case .interpolation(let parts):
            try interpolation(parts, into: target, at: e.pos)
        case .name(let n):
            name(n, into: target)
        case .list(let items):
            try listLiteral(items, into: target)
        case .map(let pairs):
            try mapLiteral(pairs, into: target)
        case .unary(let op, let x):
            try unary(op, x, into: target, at: e.pos)
        case .not(let x):
            try unary(nil, x, into: target, at: e.pos)
        case .binary(let op, let l, let r):
            try binary(op, l, r, into: target, at: e.pos)
        case .compare(let first, let rest):
            try comparison(first, rest, into: target)
        case .and, .or:
            try logical(e, into: target)
        case .call(let callee, let args):
            try call(callee, args, into: target, at: e.pos)
        case .index(let o, let i):
            try index(o, i, into: target, at: e.pos)
        case .slice(let o, let lo, let hi, let step):
            try slice(o, [lo, hi, step], into: target, at: e.pos)
        case .member(let o, let name):
            try member(o, name, into: target, at: e.pos)
        case .function(let decl):
            try function(decl, into: target)
        case .spawn(let kind, let callExpr):
            try spawn(kind, callExpr, into: target, at: e.pos)
        }
    }

    func loadFloat(_ d: Double, into target: Int) throws(SyntaxError) {
        fb.emit(.loadK, target, try fb.constant(.double(d.bitPattern)) { .double(d) })
    }

    func interpolation(_ parts: [InterpolationPart], into target: Int, at pos: SourcePos) throws(SyntaxError) {
        let base = try fb.allocate(parts.count)
        for (i, part) in parts.enumerated() {
            switch part {
            case .text(let s): fb.emit(.loadK, base + i, try stringConstant(s))
            case .expr(let x): try expr(x, into: base + i)
            }
        }
        fb.pos = pos
        fb.emit(.concat, target, base, parts.count)
    }

    func name(_ n: String, into target: Int) {
        switch resolve(n) {
        case .local(let r): if r != target { fb.emit(.move, target, r) }
        case .upvalue(let u): fb.emit(.getUpvalue, target, u)
        case .global(let g): fb.emit(.getGlobal, target, g)
        }
    }

    func listLiteral(_ items: [Expr], into target: Int) throws(SyntaxError) {
        try sequence(items, into: target, create: .newList, append: .listAppend, width: 1) { (x, r) throws(SyntaxError) in
            try self.expr(x, into: r)
        }
    }

    func mapLiteral(_ pairs: [(key: Expr, value: Expr)], into target: Int) throws(SyntaxError) {
        try sequence(pairs, into: target, create: .newMap, append: .mapInsert, width: 2) { (p, r) throws(SyntaxError) in
            try self.expr(p.key, into: r)
            try self.expr(p.value, into: r + 1)
        }
    }

    /// `-x`, `~x`, or `not x` (op nil).
    func unary(_ op: UnaryOp?, _ x: Expr, into target: Int, at pos: SourcePos) throws(SyntaxError) {
        if op == .neg, case .intLiteral(let i) = x.kind, i > Int.min {
            try loadInt(-i, into: target)
            return
        }
        let r = try exprAnyRegister(x)
        fb.pos = pos
        switch op {
        case .neg: fb.emit(.neg, target, r)
        case .bitNot: fb.emit(.bitNot, target, r)
        case nil: fb.emit(.not, target, r)
        }
    }

    /// `a and b and ...` / `a or b or ...`: a chain of the same operator is compiled in
    /// a loop over its left spine, so its length costs no native stack.
    func logical(_ e: Expr, into target: Int) throws(SyntaxError) {
        let isOr: Bool
        if case .or = e.kind { isOr = true } else { isOr = false }
        var operands: [Expr] = []
        var node = e
        while true {
            if isOr, case .or(let l, let r) = node.kind {
                operands.append(r)
                node = l
            } else if !isOr, case .and(let l, let r) = node.kind {
                operands.append(r)
                node = l
            } else {
                break
            }
        }
        operands.append(node)
        var exits: [Int] = []
        for (i, x) in operands.reversed().enumerated() {
            try expr(x, into: target)
            if i < operands.count - 1 { exits.append(fb.emitJump(isOr ? .jumpIfTrue : .jumpIfFalse, target)) }
        }
        for j in exits { try fb.patch(j) }
    }

    func index(_ o: Expr, _ i: Expr, into target: Int, at pos: SourcePos) throws(SyntaxError) {
        if let k = immediateIndex(i) {
            let ro = try exprAnyRegister(o)
            fb.pos = pos
            fb.emit(.getIndexInt, target, ro, k)
            return
        }
        let ro = try exprAnyRegister(o)
        let ri = try exprAnyRegister(i)
        fb.pos = pos
        fb.emit(.getIndex, target, ro, ri)
    }

    func slice(_ o: Expr, _ bounds: [Expr?], into target: Int, at pos: SourcePos) throws(SyntaxError) {
        let base = try fb.allocate(4)
        try expr(o, into: base)
        for (k, bound) in bounds.enumerated() {
            if let bound { try expr(bound, into: base + 1 + k) } else { fb.emit(.loadNil, base + 1 + k) }
        }
        fb.pos = pos
        fb.emit(.slice, target, base)
    }

    func member(_ o: Expr, _ name: String, into target: Int, at pos: SourcePos) throws(SyntaxError) {
        let ro = try exprAnyRegister(o)
        fb.pos = pos
        fb.emit(.getMember, target, ro, try fb.member(name))
    }

    func spawn(_ kind: SpawnKind, _ callExpr: Expr, into target: Int, at pos: SourcePos) throws(SyntaxError) {
        guard case .call(let callee, let args) = callExpr.kind else {
            throw SyntaxError("spawn needs a call", at: callExpr.pos)
        }
        let base = try fb.allocate(1 + args.count)
        try expr(callee, into: base)
        for (i, a) in args.enumerated() { try expr(a, into: base + 1 + i) }
        fb.pos = pos
        fb.emit(.spawn, base, kind == .thread ? 0 : 1, args.count)
        if base != target { fb.emit(.move, target, base) }
    }

    func loadInt(_ i: Int, into target: Int) throws(SyntaxError) {
        if Instruction.immediateRange.contains(i) {
            fb.emit(.loadInt, target, i)
        } else {
            fb.emit(.loadK, target, try fb.constant(.int(i)) { .int(i) })
        }
    }

    func stringConstant(_ s: String) throws(SyntaxError) -> Int {
        let bytes = Array(s.utf8)
        // `vm.string` shares one-character ASCII strings, so `ch == "a"` is an identity hit.
        return try fb.constant(.string(bytes)) { vm.string(bytes) }
    }

    /// A list or map literal: elements go into consecutive registers, in chunks, so a
    /// literal of any length needs only a few registers.
    func sequence<T>(_ items: [T], into target: Int, create: Opcode, append: Opcode, width: Int,
                     _ each: (T, Int) throws(SyntaxError) -> Void) throws(SyntaxError) {
        let chunk = 64
        let pos = fb.pos
        let result = items.count > chunk ? try fb.allocate() : target
        var start = 0
        repeat {
            let n = min(chunk, items.count - start)
            let base = try fb.allocate(n * width)
            for i in 0..<n { try each(items[start + i], base + i * width) }
            fb.pos = pos
            fb.emit(start == 0 ? create : append, result, base, n)
            fb.freeRegister = base
            start += n
        } while start < items.count
        if result != target { fb.emit(.move, target, result) }
    }

    /// A binary operation. A left-leaning chain (`a + b + c + ...`, however long) is
    /// compiled in a loop over its left spine, so its length never costs native stack.
    func binary(_ op: BinaryOp, _ l: Expr, _ r: Expr, into target: Int, at pos: SourcePos) throws(SyntaxError) {
        var chain: [(op: BinaryOp, rhs: Expr, pos: SourcePos)] = [(op, r, pos)]
        var leftmost = l
        while case .binary(let op2, let l2, let r2) = leftmost.kind {
            chain.append((op2, r2, leftmost.pos))
            leftmost = l2
        }
        chain.reverse()
        var current = try exprAnyRegister(leftmost)
        let accumulator = chain.count > 1 ? try fb.allocate() : target
        // Runs of register `+` links pass a growing string along: the intermediate
        // results live only in `accumulator`, which no script code can see.
        let joins = chain.map { $0.op == .add && !Compiler.hasConstantForm($0.rhs) }
        for (i, link) in chain.enumerated() {
            let dest = i == chain.count - 1 ? target : accumulator
            var add = Opcode.add
            if joins[i] {
                let fromChain = i > 0 && joins[i - 1], toChain = i + 1 < chain.count && joins[i + 1]
                add = fromChain ? (toChain ? .addMore : .addClose) : (toChain ? .addOpen : .add)
            }
            try binaryStep(link.op, current, link.rhs, into: dest, at: link.pos, add: add)
            current = accumulator
        }
    }

    /// Whether `x + e` compiles to an immediate or constant form (a number literal).
    static func hasConstantForm(_ e: Expr) -> Bool {
        switch e.kind {
        case .intLiteral, .floatLiteral: return true
        default: return false
        }
    }

    /// `dest = left op rhs`, with the add-immediate form for `x + 1` and `x - 1`; `add`
    /// is the form a register `+` takes.
    private func binaryStep(_ op: BinaryOp, _ left: Int, _ rhs: Expr, into dest: Int, at pos: SourcePos,
                            add: Opcode = .add) throws(SyntaxError) {
        let saved = fb.freeRegister
        defer { fb.freeRegister = saved }
        if op == .add || op == .sub, case .intLiteral(let i) = rhs.kind {
            // `x - 0` stays a subtraction: for x = -0.0 it gives -0.0, and `x + 0` 0.0.
            let imm = op == .add ? i : (i == Int.min || i == 0 ? nil : -i)
            if let imm, Instruction.immediateRange.contains(imm) {
                fb.pos = pos
                fb.emit(.addInt, dest, left, imm)
                return
            }
        }
        if let constOp = Compiler.constantOpcode(for: op), let k = try numericConstant(rhs) {
            fb.pos = pos
            fb.emit(constOp, dest, left, k)
            return
        }
        let rr = try exprAnyRegister(rhs)
        fb.pos = pos
        fb.emit(op == .add ? add : Compiler.opcode(for: op), dest, left, rr)
    }

    /// The form of `op` that takes a numeric constant on the right, if there is one.
    static func constantOpcode(for op: BinaryOp) -> Opcode? {
        switch op {
        case .add: return .addConst
        case .sub: return .subConst
        case .mul: return .mulConst
        case .div: return .divConst
        case .floorDiv: return .floorDivConst
        case .mod: return .modConst
        default: return nil
        }
    }

    /// The constant index of an int or float literal.
    func numericConstant(_ e: Expr) throws(SyntaxError) -> Int? {
        switch e.kind {
        case .intLiteral(let i): return try fb.constant(.int(i)) { .int(i) }
        case .floatLiteral(let d): return try fb.constant(.double(d.bitPattern)) { .double(d) }
        default: return nil
        }
    }

    static func opcode(for op: BinaryOp) -> Opcode {
        switch op {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .floorDiv: return .floorDiv
        case .mod: return .mod
        case .pow: return .pow
        case .bitAnd: return .bitAnd
        case .bitOr: return .bitOr
        case .bitXor: return .bitXor
        case .shl: return .shl
        case .shr: return .shr
        }
    }

    /// `a < b < c`: each operand evaluated once, stopping at the first false link.
    func comparison(_ first: Expr, _ rest: [(op: CompareOp, rhs: Expr)], into target: Int) throws(SyntaxError) {
        if rest.count == 1, rest[0].op == .eq || rest[0].op == .ne, let k = try constantOperand(rest[0].rhs) {
            // `x == "a"`, `x != nil`: compare with a constant in one instruction.
            let left = try exprAnyRegister(first)
            fb.pos = rest[0].rhs.pos
            fb.emit(rest[0].op == .eq ? .eqConst : .neConst, target, left, k)
            return
        }
        var left = try exprAnyRegister(first)
        var exits: [Int] = []
        for (i, link) in rest.enumerated() {
            let right = try exprAnyRegister(link.rhs)
            fb.pos = link.rhs.pos
            emitCompare(link.op, target, left, right)
            if i < rest.count - 1 {
                exits.append(fb.emitJump(.jumpIfFalse, target))
                left = right
            }
        }
        for j in exits { try fb.patch(j) }
    }

    func emitCompare(_ op: CompareOp, _ target: Int, _ l: Int, _ r: Int) {
        switch op {
        case .eq: fb.emit(.eq, target, l, r)
        case .ne: fb.emit(.ne, target, l, r)
        case .lt: fb.emit(.lt, target, l, r)
        case .le: fb.emit(.le, target, l, r)
        case .gt: fb.emit(.lt, target, r, l)
        case .ge: fb.emit(.le, target, r, l)
        case .in: fb.emit(.in, target, l, r)
        case .notIn: fb.emit(.notIn, target, l, r)
        }
    }

    /// Compiles a condition; returns the jumps taken when it is false (to be patched).
    func conditionJumps(_ e: Expr) throws(SyntaxError) -> [Int] {
        try branch(e, when: false, depth: 0)
    }

    /// Compiles a test of `e` that falls through unless its truth is `sense`; returns
    /// the jumps taken when it is (to be patched). `and`, `or` and `not` become jumps
    /// between their operands' tests, and a comparison branches in one instruction
    /// where it can; past a nesting depth the test goes through a value, whose
    /// compilation needs no native recursion.
    private func branch(_ e: Expr, when sense: Bool, depth: Int) throws(SyntaxError) -> [Int] {
        let saved = fb.freeRegister
        defer { fb.freeRegister = saved }
        if depth < Compiler.maxBranchNesting {
            switch e.kind {
            case .and(let l, let r), .or(let l, let r):
                let isAnd: Bool
                if case .and = e.kind { isAnd = true } else { isAnd = false }
                if isAnd != sense {
                    // `a and b` is false, or `a or b` true, as soon as one operand is.
                    return try branch(l, when: sense, depth: depth + 1) + branch(r, when: sense, depth: depth + 1)
                }
                // Otherwise the left operand's other outcome decides without the right.
                let decided = try branch(l, when: !sense, depth: depth + 1)
                let jumps = try branch(r, when: sense, depth: depth + 1)
                for j in decided { try fb.patch(j) }
                return jumps
            case .not(let x):
                return try branch(x, when: !sense, depth: depth + 1)
            case .compare(let lhs, let rest) where rest.count == 1:
                // Jumping when a comparison holds is jumping when its negation fails;
                // only `==` and `!=` negate exactly (`not (x < y)` is not `x >= y` for NaN).
                var op = rest[0].op
                if sense {
                    if op == .eq { op = .ne } else if op == .ne { op = .eq } else { break }
                }
                if let jumps = try comparisonJump(lhs, op, rest[0].rhs) { return jumps }
            default:
                break
            }
        }
        let r = try exprAnyRegister(e)
        return [fb.emitJump(sense ? .jumpIfTrue : .jumpIfFalse, r)]
    }

    static let maxBranchNesting = 64

    /// A jump taken when `lhs op rhs` is false, in one instruction; nil for `in`.
    private func comparisonJump(_ lhs: Expr, _ op: CompareOp, _ rhs: Expr) throws(SyntaxError) -> [Int]? {
        if case .intLiteral(let i) = rhs.kind, Instruction.immediateRange.contains(i),
           let jop = Compiler.immediateJump(op) {
            let rl = try exprAnyRegister(lhs)
            fb.pos = rhs.pos
            return [fb.emit(jop, rl, i, 0)]
        }
        if let jop = Compiler.constantJump(op), let k = try numericConstant(rhs) {
            let rl = try exprAnyRegister(lhs)
            fb.pos = rhs.pos
            return [fb.emit(jop, rl, k, 0)]
        }
        if op == .eq || op == .ne, let k = try constantOperand(rhs) {
            let rl = try exprAnyRegister(lhs)
            fb.pos = rhs.pos
            return [fb.emit(op == .eq ? .jumpIfNotEqConst : .jumpIfNotNeConst, rl, k, 0)]
        }
        if op == .in || op == .notIn { return nil }
        let rl = try exprAnyRegister(lhs)
        let rr = try exprAnyRegister(rhs)
        fb.pos = rhs.pos
        switch op {
        case .lt: return [fb.emit(.jumpIfNotLt, rl, rr, 0)]
        case .le: return [fb.emit(.jumpIfNotLe, rl, rr, 0)]
        case .gt: return [fb.emit(.jumpIfNotLt, rr, rl, 0)]
        case .ge: return [fb.emit(.jumpIfNotLe, rr, rl, 0)]
        case .eq: return [fb.emit(.jumpIfNotEq, rl, rr, 0)]
        default: return [fb.emit(.jumpIfNotNe, rl, rr, 0)]
        }
    }

    /// The constant index of a literal that equality can compare against directly
    /// (strings, floats, nil, booleans and ints too large for an immediate).
    func constantOperand(_ e: Expr) throws(SyntaxError) -> Int? {
        switch e.kind {
        case .stringLiteral(let s): return try stringConstant(s)
        case .floatLiteral(let d): return try fb.constant(.double(d.bitPattern)) { .double(d) }
        case .nilLiteral: return try fb.constant(.nil) { .nil }
        case .boolLiteral(let b): return try fb.constant(.bool(b)) { .bool(b) }
        case .intLiteral(let i) where !Instruction.immediateRange.contains(i):
            return try fb.constant(.int(i)) { .int(i) }
        default: return nil
        }
    }

    static func constantJump(_ op: CompareOp) -> Opcode? {
        switch op {
        case .lt: return .jumpIfNotLtConst
        case .le: return .jumpIfNotLeConst
        case .gt: return .jumpIfNotGtConst
        case .ge: return .jumpIfNotGeConst
        default: return nil
        }
    }

    static func immediateJump(_ op: CompareOp) -> Opcode? {
        switch op {
        case .lt: return .jumpIfNotLtInt
        case .le: return .jumpIfNotLeInt
        case .gt: return .jumpIfNotGtInt
        case .ge: return .jumpIfNotGeInt
        case .eq: return .jumpIfNotEqInt
        case .ne: return .jumpIfNotNeInt
        default: return nil
        }
    }

    /// A call: the callee and arguments in consecutive registers; a method call
    /// `o.m(args)` puts the receiver first and names the method.
    func call(_ callee: Expr, _ args: [Expr], into target: Int, at pos: SourcePos) throws(SyntaxError) {
        if args.isEmpty, case .member(let receiver, let name) = callee.kind {
            let r = try exprAnyRegister(receiver)
            fb.pos = pos
            fb.emit(.invoke0, target, r, try fb.member(name))
            return
        }
        if args.count == 1, case .name("len") = callee.kind, case .global(let g) = resolve("len") {
            try lengthCall(of: args[0], global: g, into: target, at: pos)
            return
        }
        if args.count == 1, case .member(let receiver, "push") = callee.kind {
            try pushCall(on: receiver, args[0], into: target, at: pos)
            return
        }
        let base = target == fb.freeRegister - 1 ? target : try fb.allocate()
        _ = try fb.allocate(args.count)
        if case .member(let receiver, let name) = callee.kind {
            try expr(receiver, into: base)
            for (i, a) in args.enumerated() { try expr(a, into: base + 1 + i) }
            fb.pos = pos
            fb.emit(.invoke, base, try fb.member(name), args.count)
        } else {
            try expr(callee, into: base)
            for (i, a) in args.enumerated() { try expr(a, into: base + 1 + i) }
            fb.pos = pos
            fb.emit(.call, base, args.count)
        }
        if base != target { fb.emit(.move, target, base) }
    }

    /// `len(x)` where `len` is a global: the `len` instruction, and the ordinary call of
    /// the global after it, which runs only when the global is no longer the built-in
    /// or `x` is not a string, list or map (see `Opcode.len`).
    private func lengthCall(of arg: Expr, global g: Int, into target: Int, at pos: SourcePos) throws(SyntaxError) {
        let r = try exprAnyRegister(arg)
        try guarded(.len, target, r, g, at: pos) { base throws(SyntaxError) in
            fb.emit(.getGlobal, base, g)
            fb.emit(.move, base + 1, r)
            fb.emit(.call, base, 1)
        }
    }

    /// `xs.push(v)`: the `push` instruction, and the ordinary method call after it, which
    /// runs only when `xs` is not a list (see `Opcode.push`). The receiver and the value
    /// are each evaluated once, before both.
    private func pushCall(on receiver: Expr, _ value: Expr, into target: Int, at pos: SourcePos) throws(SyntaxError) {
        let r = try exprAnyRegister(receiver)
        let v = try exprAnyRegister(value)
        let push = try fb.member("push")
        try guarded(.push, target, r, v, at: pos) { base in
            fb.emit(.move, base, r)
            fb.emit(.move, base + 1, v)
            fb.emit(.invoke, base, push, 1)
        }
    }

    /// A guarded instruction `op target b c` and the one-argument call that stands in for
    /// it when its guard fails: `call` fills the window at `base` and calls, and the
    /// result is moved into `target`, `Opcode.guardedFallbackLength` instructions in
    /// all, which the instruction skips when its guard holds.
    private func guarded(_ op: Opcode, _ target: Int, _ b: Int, _ c: Int, at pos: SourcePos,
                         call: (_ base: Int) throws(SyntaxError) -> Void) throws(SyntaxError) {
        let base = try fb.allocate()
        _ = try fb.allocate(1)
        fb.pos = pos
        let at = fb.emit(op, target, b, c)
        try call(base)
        fb.emit(.move, target, base)
        assert(fb.code.count - at - 1 == Opcode.guardedFallbackLength, "a guarded instruction's fallback has the wrong length")
    }

    // MARK: Assignment

    func assignment(_ target: Expr, _ op: BinaryOp?, _ value: Expr) throws(SyntaxError) {
        // `x op= v` is `x = x op v`: load, operate, store; never one fused instruction,
        // so a thread switch between the load and the store can lose an update.
        if let op, let inplace = Compiler.inplaceOpcode(for: op, value), case .name(let n) = target.kind {
            try inplaceAssignment(n, inplace, value, at: target.pos)
            return
        }
        let rhs = op.map { Expr(kind: .binary($0, target, value), pos: value.pos) } ?? value
        switch target.kind {
        case .name(let n):
            switch resolve(n) {
            case .local(let r):
                if let op, isCapturedLocal(n) {
                    // A closure the value calls may assign the variable: read it first, as
                    // Python does (`x += f()` adds f's result to x as it was before the call).
                    let t = try fb.allocate()
                    fb.emit(.move, t, r)
                    try binaryStep(op, t, value, into: r, at: value.pos)
                } else if writesOnlyAtEnd(rhs) {
                    try expr(rhs, into: r)
                } else {
                    let t = try fb.allocate()
                    try expr(rhs, into: t)
                    fb.emit(.move, r, t)
                }
            case .upvalue(let u):
                let t = try exprAnyRegister(rhs)
                fb.pos = target.pos
                fb.emit(.setUpvalue, t, u)
            case .global(let g):
                let t = try exprAnyRegister(rhs)
                fb.pos = target.pos
                fb.emit(.setGlobal, t, g)
            }
        case .index(let o, let i):
            try indexAssignment(o, i, op, value, at: target.pos)
        default:
            // `a.b` only reads attributes of built-in values (docs/reference.md section 4).
            throw SyntaxError("invalid assignment target", at: target.pos)
        }
    }

    /// The in-place form of `x op= value`, for `+=` and `*=` (a list changes in place,
    /// as Python's). `n += 1` keeps its immediate form: a list cannot take a number there.
    static func inplaceOpcode(for op: BinaryOp, _ value: Expr) -> Opcode? {
        switch op {
        case .add: return Compiler.hasConstantForm(value) ? nil : .inplaceAdd
        case .mul: return .inplaceMul
        default: return nil
        }
    }

    /// `name += value` or `name *= value`: load, operate in place, store, as three
    /// instructions for a global or captured variable (the thread race stays visible).
    func inplaceAssignment(_ name: String, _ op: Opcode, _ value: Expr, at pos: SourcePos) throws(SyntaxError) {
        let variable = resolve(name)
        if case .local(let r) = variable {
            // A captured local is read before the value is computed, as above.
            var current = r
            if isCapturedLocal(name) {
                current = try fb.allocate()
                fb.emit(.move, current, r)
            }
            let rv = try exprAnyRegister(value)
            fb.pos = value.pos
            fb.emit(op, r, current, rv)
            return
        }
        let t = try fb.allocate()
        fb.pos = pos
        switch variable {
        case .upvalue(let u): fb.emit(.getUpvalue, t, u)
        case .global(let g): fb.emit(.getGlobal, t, g)
        case .local: break
        }
        let rv = try exprAnyRegister(value)
        fb.pos = value.pos
        fb.emit(op, t, t, rv)
        fb.pos = pos
        switch variable {
        case .upvalue(let u): fb.emit(.setUpvalue, t, u)
        case .global(let g): fb.emit(.setGlobal, t, g)
        case .local: break
        }
    }

    /// Whether `name` is a local of this function that a closure has captured so far.
    func isCapturedLocal(_ name: String) -> Bool {
        fb.lookupLocal(name).map { fb.locals[$0].captured } ?? false
    }

    /// `o[i] = value` or `o[i] op= value` (load, operate, store). An int-literal index
    /// uses the immediate forms; the object and the index are evaluated once.
    func indexAssignment(_ o: Expr, _ i: Expr, _ op: BinaryOp?, _ value: Expr, at pos: SourcePos) throws(SyntaxError) {
        let k = immediateIndex(i)
        // Python evaluates the value of a plain assignment first.
        let plainValue = op == nil ? try exprAnyRegister(value) : 0
        let ro = try exprAnyRegister(o)
        let ri = k == nil ? try exprAnyRegister(i) : 0
        func store(_ v: Int) {
            if let k { fb.emit(.setIndexInt, ro, k, v) } else { fb.emit(.setIndex, ro, ri, v) }
        }
        fb.pos = pos
        guard let op else {
            store(plainValue)
            return
        }
        let t = try fb.allocate()
        if let k { fb.emit(.getIndexInt, t, ro, k) } else { fb.emit(.getIndex, t, ro, ri) }
        let rv = try exprAnyRegister(value)
        fb.pos = value.pos
        fb.emit(Compiler.inplaceOpcode(for: op, value) ?? Compiler.opcode(for: op), t, t, rv)
        store(t)
    }

    /// An index written as an int literal small enough for an immediate operand.
    func immediateIndex(_ i: Expr) -> Int? {
        if case .intLiteral(let k) = i.kind, Instruction.immediateRange.contains(k) { return k }
        if case .unary(.neg, let x) = i.kind, case .intLiteral(let k) = x.kind, Instruction.immediateRange.contains(-k) {
            return -k
        }
        return nil
    }

    /// True when compiling `e` into a register writes that register only once, after
    /// reading every operand, so it can target a local that the expression also reads.
    func writesOnlyAtEnd(_ e: Expr) -> Bool {
        switch e.kind {
        case .and, .or: return false
        case .compare(_, let rest): return rest.count == 1
        default: return true
        }
    }

    // MARK: Functions

    func function(_ decl: FunctionDecl, into target: Int, name: String? = nil) throws(SyntaxError) {
        let child = FunctionBuilder(parent: fb, name: decl.name ?? name ?? "<fn>", isTopLevel: false)
        child.pos = decl.pos
        let outer = fb
        fb = child
        for p in decl.params {
            let r = try fb.allocate()
            try declareLocal(p.name, register: r, at: p.pos)
        }
        try block(decl.body)
        fb.pos = decl.body.end
        fb.emit(.returnNil)
        let proto = finish(child, paramCount: decl.params.count, pos: decl.pos)
        fb = outer
        fb.pos = decl.pos
        fb.children.append(proto)
        fb.emit(.closure, target, fb.children.count - 1)
    }
}
