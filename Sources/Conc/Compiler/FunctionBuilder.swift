// The per-function state of the compiler: code, constants, registers, scopes, and the
// `try` and loop contexts that `break`, `continue` and `return` must respect.

/// A local variable: a name bound to a register for the rest of its block.
struct Local {
    var name: String
    var register: Int
    var depth: Int
    /// Set when a nested function captures it; its block must then close it on exit.
    var captured = false
}

/// A `try` (or `with`) region being compiled. Its handler covers the code emitted while
/// it is active, except stretches where it is suspended: the inlined `with` exit code run
/// by a `break`, `continue` or `return` that leaves it must not be caught by it.
final class TryContext {
    /// The register that receives the thrown value (everything from here up is closed).
    let register: Int
    /// What must run when control leaves the region other than by an error.
    let finally: FinallyAction?
    var segments: [(start: Int, end: Int)] = []
    var openStart: Int?

    init(register: Int, at pc: Int, finally: FinallyAction?) {
        self.register = register
        self.finally = finally
        openStart = pc
    }

    func suspend(at pc: Int) {
        if let s = openStart, s < pc { segments.append((s, pc)) }
        openStart = nil
    }

    func resume(at pc: Int) { openStart = pc }
}

/// The code a `try` region runs on the way out.
enum FinallyAction {
    /// A `finally` block, compiled once and entered by a jump from every way out.
    case block(FinallyBlock)
    /// The end of a `with` block: call the exit method of the value in `register`.
    case exitWith(register: Int, member: Int, pos: SourcePos)
}

/// A way out of a `finally` block once it has run: where control was going when it
/// entered the block (besides falling through, code 0, and rethrowing, code 1).
enum PendingExit: Hashable {
    case `return`
    /// `break` out of the loop at this index of `FunctionBuilder.loops`.
    case `break`(loop: Int)
    case `continue`(loop: Int)
}

/// A `finally` block being compiled. Its code exists once: every way into it (the end
/// of the body, an error, a `break`, `continue` or `return` that leaves the body) sets
/// `stateRegister` to a small code for where to go next and jumps to it; the block ends
/// with a dispatch on that code. Inlining the block at each way out instead would make
/// code size grow exponentially with the nesting depth of `try`/`finally`, since each
/// copy holds copies of the blocks nested in it.
final class FinallyBlock {
    let block: Block
    /// Holds the error being rethrown, or the value being returned.
    let valueRegister: Int
    /// Holds the code of the pending action: 0 fall through, 1 rethrow, 2... `exits`.
    let stateRegister: Int
    /// The scope depth of the `try` statement: locals above it are left on entry.
    let depth: Int
    /// The pending exits other than falling through and rethrowing, in code order.
    var exits: [PendingExit] = []
    /// Jumps to the start of the block, patched when it is emitted.
    var entryJumps: [Int] = []

    init(block: Block, valueRegister: Int, stateRegister: Int, depth: Int) {
        self.block = block
        self.valueRegister = valueRegister
        self.stateRegister = stateRegister
        self.depth = depth
    }

    static let fallThrough = 0
    static let rethrow = 1

    /// The state code for `exit`, assigned on first use.
    func code(for exit: PendingExit) -> Int {
        if let i = exits.firstIndex(of: exit) { return 2 + i }
        exits.append(exit)
        return 1 + exits.count
    }
}

/// A loop being compiled: where `continue` goes, and the jumps `break` leaves to patch.
struct LoopContext {
    /// The scope depth outside the loop body: a `break` or `continue` closes what is above.
    var depth: Int
    /// The number of `try` contexts open when the loop started.
    var tryCount: Int
    var breakJumps: [Int] = []
    var continueJumps: [Int] = []
}

final class FunctionBuilder {
    let parent: FunctionBuilder?
    let name: String
    let isTopLevel: Bool
    var code: [UInt64] = []
    var positions: [SourcePos] = []
    var constants: [Val] = []
    var constantIndex: [ConstantKey: Int] = [:]
    var children: [Proto] = []
    var handlers: [Handler] = []
    var members: [MemberRef] = []
    var memberIndex: [String: Int] = [:]
    var upvalues: [UpvalueDesc] = []
    var upvalueNames: [String] = []
    var locals: [Local] = []
    var depth = 0
    /// The first free register; registers below it hold locals and live temporaries.
    var freeRegister = 0
    var maxRegister = 0
    var loops: [LoopContext] = []
    var tries: [TryContext] = []
    var pos = SourcePos(line: 1, col: 1)

    init(parent: FunctionBuilder?, name: String, isTopLevel: Bool) {
        self.parent = parent
        self.name = name
        self.isTopLevel = isTopLevel
    }

    // MARK: Emitting

    @discardableResult
    func emit(_ op: Opcode, _ a: Int = 0, _ b: Int = 0, _ c: Int = 0) -> Int {
        code.append(Instruction(op, a, b, c).word)
        positions.append(pos)
        return code.count - 1
    }

    /// Emits a forward jump-style instruction whose offset (C) is patched later.
    func emitJump(_ op: Opcode, _ a: Int = 0, _ b: Int = 0) -> Int {
        emit(op, a, b, 0)
    }

    /// Points the jump at `at` to the current end of the code.
    func patch(_ at: Int) throws(SyntaxError) {
        try patch(at, to: code.count)
    }

    func patch(_ at: Int, to target: Int) throws(SyntaxError) {
        let offset = target - (at + 1)
        guard Instruction.immediateRange.contains(offset) else {
            throw SyntaxError("function too large (a jump spans more than 500,000 instructions)", at: pos)
        }
        let old = code[at]
        code[at] = (old & 0x0000_0FFF_FFFF_FFFF) | (UInt64(UInt32(truncatingIfNeeded: offset) & 0xFFFFF) << 44)
    }

    /// Emits a backward jump to `target`.
    func emitLoop(to target: Int) throws(SyntaxError) {
        let at = emit(.jump)
        try patch(at, to: target)
    }

    // MARK: Registers

    func allocate(_ n: Int = 1) throws(SyntaxError) -> Int {
        let r = freeRegister
        freeRegister += n
        if freeRegister > maxRegister {
            maxRegister = freeRegister
            if maxRegister > Instruction.maxRegister - 8 {
                throw SyntaxError("function too large (more than 65,000 registers)", at: pos)
            }
        }
        return r
    }

    // MARK: Constants and members

    func constant(_ key: ConstantKey, _ make: () -> Val) throws(SyntaxError) -> Int {
        if let i = constantIndex[key] { return i }
        let i = constants.count
        guard i <= Instruction.maxOperand else {
            throw SyntaxError("function too large (more than 1,000,000 constants)", at: pos)
        }
        constants.append(make())
        constantIndex[key] = i
        return i
    }

    func member(_ name: String) throws(SyntaxError) -> Int {
        if let i = memberIndex[name] { return i }
        let i = members.count
        members.append(MemberRef(name: name, id: Member(rawValue: name) ?? .unknown))
        memberIndex[name] = i
        return i
    }

    // MARK: Scopes

    func lookupLocal(_ name: String) -> Int? {
        for i in stride(from: locals.count - 1, through: 0, by: -1) where locals[i].name == name {
            return i
        }
        return nil
    }

    /// Finds `name` as an upvalue of this function, creating the chain of upvalues
    /// through the enclosing functions if needed.
    func lookupUpvalue(_ name: String) -> Int? {
        if let i = upvalueNames.firstIndex(of: name) { return i }
        guard let parent else { return nil }
        if let l = parent.lookupLocal(name) {
            parent.locals[l].captured = true
            return addUpvalue(name, UpvalueDesc(isLocal: true, index: parent.locals[l].register))
        }
        if let u = parent.lookupUpvalue(name) {
            return addUpvalue(name, UpvalueDesc(isLocal: false, index: u))
        }
        return nil
    }

    private func addUpvalue(_ name: String, _ desc: UpvalueDesc) -> Int {
        upvalues.append(desc)
        upvalueNames.append(name)
        return upvalues.count - 1
    }

    /// The register of the first local above scope depth `d`, and whether any local
    /// above it is captured.
    func localsAbove(depth d: Int) -> (register: Int, captured: Bool)? {
        var first: Int?
        var captured = false
        for l in locals.reversed() where l.depth > d {
            first = l.register
            captured = captured || l.captured
        }
        return first.map { ($0, captured) }
    }
}

/// What identifies a constant for de-duplication: strings by their bytes (not by
/// Swift's canonical equivalence), floats by their bits (so 0.0 and -0.0 stay apart).
enum ConstantKey: Hashable {
    case `nil`
    case bool(Bool)
    case int(Int)
    case double(UInt64)
    case string([UInt8])
}
