// Compiled functions, closures, upvalues, native functions and bound methods.

/// A `try` region of a function: if an error is thrown while `pc` is in
/// `start..<end`, the thrown value goes to register `register` and execution goes on at
/// `target`. Inner regions come first, so the first match is the innermost.
struct Handler {
    var start: Int32
    var end: Int32
    var target: Int32
    var register: Int32
}

/// How a closure finds an upvalue when it is created: a register of the enclosing
/// function (`isLocal`), or one of the enclosing closure's own upvalues.
struct UpvalueDesc {
    var isLocal: Bool
    var index: Int
}

/// A member name used by `a.name` or `a.name(...)`: its text and its built-in id.
struct MemberRef {
    var name: String
    var id: Member
}

extension MemberRef {
    /// The reference of a known member, whose name is its id's raw value.
    init(_ id: Member) {
        self.init(name: id.rawValue, id: id)
    }
}

/// One compiled function: bytecode, constants, positions and nested functions.
final class Proto: Obj {
    let name: String
    let file: String
    /// Instructions (see Opcode.swift for the layout); allocated once, never moved.
    private(set) var code: UnsafeMutablePointer<UInt64>
    let codeCount: Int
    private(set) var constants: UnsafeMutablePointer<Val>
    let constantCount: Int
    /// The source position of each instruction.
    let positions: [SourcePos]
    let paramCount: Int
    /// Registers a frame of this function needs.
    let registerCount: Int
    let upvalues: [UpvalueDesc]
    let children: [Proto]
    let handlers: [Handler]
    let members: [MemberRef]
    /// The `id` of each of `members`, read by the dispatch loop without copying a
    /// `MemberRef` (and retaining its name); allocated once, never moved.
    private(set) var memberIDs: UnsafeMutablePointer<Member>
    let pos: SourcePos

    init(name: String, file: String, code: [UInt64], constants: [Val], positions: [SourcePos],
         paramCount: Int, registerCount: Int, upvalues: [UpvalueDesc], children: [Proto],
         handlers: [Handler], members: [MemberRef], pos: SourcePos) {
        self.name = name
        self.file = file
        self.code = .allocate(capacity: max(code.count, 1))
        self.code.initialize(from: code, count: code.count)
        codeCount = code.count
        self.constants = .allocate(capacity: max(constants.count, 1))
        self.constants.initialize(from: constants, count: constants.count)
        constantCount = constants.count
        self.positions = positions
        self.paramCount = paramCount
        self.registerCount = registerCount
        self.upvalues = upvalues
        self.children = children
        self.handlers = handlers
        self.members = members
        memberIDs = .allocate(capacity: max(members.count, 1))
        memberIDs.initialize(from: members.map(\.id), count: members.count)
        self.pos = pos
        super.init(kind: .proto)
    }

    deinit {
        code.deallocate()
        constants.deallocate()
        memberIDs.deallocate()
    }

    override var typeName: String { "proto" }
    override var byteSize: Int { 128 + codeCount * 8 + constantCount * 16 + positions.count * 8 }

    override func trace(_ marker: inout Marker) {
        for i in 0..<constantCount { marker.mark(constants[i]) }
        for c in children { marker.mark(c) }
    }
}

/// A captured variable. While the variable's frame is live it points at the register
/// (open); when the frame ends, the value moves into the upvalue's own cell (closed).
final class Upvalue: Obj {
    @exclusivity(unchecked) var location: UnsafeMutablePointer<Val>
    /// The register index in the owning thread's stack while open; -1 once closed.
    @exclusivity(unchecked) var stackIndex: Int
    private var cell: UnsafeMutablePointer<Val>?

    init(location: UnsafeMutablePointer<Val>, stackIndex: Int) {
        self.location = location
        self.stackIndex = stackIndex
        super.init(kind: .upvalue)
    }

    deinit { if let cell { rawFree(cell) } }

    /// Moves the value off the stack into the upvalue's own cell.
    func close(heap: Heap) {
        let c = rawAllocate(Val.self, capacity: 1)
        let v = location.pointee
        c.initialize(to: v)
        cell = c
        location = c
        stackIndex = -1
        noteStored(v, heap: heap)
    }

    /// Stores `v` as the variable's value.
    @inline(__always)
    func store(_ v: Val, heap: Heap) {
        location.pointee = v
        noteStored(v, heap: heap)
    }

    /// The write barrier (see Heap.swift); an open upvalue's value is on the stack, a
    /// root, so only a closed one needs it.
    @inline(__always)
    private func noteStored(_ v: Val, heap: Heap) {
        if gcState == GCState.old && cell != nil && v.isYoungObject { heap.remember(self) }
    }

    override func trace(_ marker: inout Marker) {
        if let c = cell { marker.mark(c.pointee) }
    }
}

/// A Conc function value: compiled code plus its captured variables.
///
/// The dispatch loop reaches everything here through `Unmanaged` references and raw
/// buffers, so entering and leaving a function costs no reference counting.
final class Closure: Obj {
    let protoRef: Unmanaged<Proto>
    /// Copied from the proto, for the call path.
    let paramCount: Int
    let registerCount: Int
    let upvalueCount: Int
    let upvalues: UnsafeMutablePointer<Unmanaged<Upvalue>>

    /// A closure whose upvalues the caller fills in (`upvalues[0..<upvalueCount]`)
    /// before anything can see it.
    init(proto: Proto, upvalueCount: Int) {
        protoRef = Unmanaged.passUnretained(proto)
        paramCount = proto.paramCount
        registerCount = proto.registerCount
        self.upvalueCount = upvalueCount
        upvalues = upvalueCount == 0 ? Closure.noUpvalues : rawAllocate(Unmanaged<Upvalue>.self, capacity: upvalueCount)
        super.init(kind: .closure)
    }

    /// Shared by every closure that captures nothing, so those cost one allocation.
    nonisolated(unsafe) private static let noUpvalues = UnsafeMutablePointer<Unmanaged<Upvalue>>.allocate(capacity: 1)

    deinit { if upvalueCount > 0 { rawFree(upvalues) } }

    var proto: Proto { protoRef.takeUnretainedValue() }

    override var typeName: String { "function" }
    override var byteSize: Int { 64 + upvalueCount * 8 }

    override func trace(_ marker: inout Marker) {
        marker.mark(proto)
        for i in 0..<upvalueCount { marker.mark(upvalues[i].takeUnretainedValue()) }
    }
}

/// The arguments of a native call: a window onto the caller's registers.
struct Args {
    let base: UnsafeMutablePointer<Val>
    let count: Int

    @inline(__always)
    subscript(i: Int) -> Val { base[i] }

    /// Runs `body` with `values` as arguments (for calls the runtime makes itself).
    static func with<R>(_ values: [Val], _ body: (Args) throws(Unwind) -> R) throws(Unwind) -> R {
        var values = values
        return try values.withUnsafeMutableBufferPointer { b throws(Unwind) in
            try body(Args(base: b.baseAddress!, count: b.count))
        }
    }
}

/// A function implemented in Swift. It runs with the GIL held, on the calling thread.
typealias NativeFunction = (_ ts: ThreadState, _ args: Args) throws(Unwind) -> Val

/// A built-in or host-defined function.
final class NativeObj: Obj {
    let name: String
    /// Accepted argument counts; `maxArgs` -1 means any number.
    let minArgs: Int
    let maxArgs: Int
    let function: NativeFunction

    init(name: String, minArgs: Int, maxArgs: Int, function: @escaping NativeFunction) {
        self.name = name
        self.minArgs = minArgs
        self.maxArgs = maxArgs
        self.function = function
        super.init(kind: .native)
    }

    override var typeName: String { "function" }
}

/// `xs.push` read without calling it: the receiver and the method.
final class BoundMethod: Obj {
    let receiver: Val
    let member: MemberRef

    init(receiver: Val, member: MemberRef) {
        self.receiver = receiver
        self.member = member
        super.init(kind: .boundMethod)
    }

    override var typeName: String { "function" }

    override func trace(_ marker: inout Marker) { marker.mark(receiver) }
}

/// An error value: kind, message and the trace filled where it was first thrown.
final class ErrorObj: Obj {
    let errorKind: String
    let message: String
    /// `"file:line in function"` lines, outermost first; empty until thrown.
    var trace: [String] = []
    /// Where it was first thrown (the innermost frame), for diagnostics.
    var origin: (file: String, pos: SourcePos)?
    /// The error behind this one: a child process's error behind its `ProcessError`.
    var cause: Val = .nil

    init(kind: String, message: String) {
        errorKind = kind
        self.message = message
        super.init(kind: .error)
    }

    override var typeName: String { "error" }
    override var byteSize: Int { 96 + message.utf8.count }
    override func trace(_ marker: inout Marker) { marker.mark(cause) }
}
