// Per-thread execution state: the value stack, the call frames and the open upvalues.
//
// The interpreter's shared state (globals, heap, built-ins) lives in `VM`; each OS thread
// that runs Conc code has one `ThreadState`. The stack and frame buffers are allocated
// once at their full size and never move, so open upvalues may point into them.

/// One activation of a Conc function.
struct Frame {
    var closure: Unmanaged<Closure>
    /// The index of the next instruction (saved while the frame is not the top one).
    var pc: Int
    /// The stack index of R[0].
    var base: Int
    /// True for the first frame of an `execute` call: returning from it returns to Swift.
    var isEntry: Bool
}

/// How an execution ends abnormally.
enum Unwind: Error {
    /// A thrown Conc value (usually an error); scripts can catch it.
    case thrown(Val)
    /// `exit(code)`: not catchable, runs no `finally`.
    case exit(Int32)
    /// A limit the host set (instruction budget, heap limit) or an interrupt the script
    /// must not swallow: not catchable.
    case fatal(kind: String, message: String)
}

final class ThreadState {
    /// The interpreter outlives every one of its threads.
    unowned(unsafe) let vm: VM
    /// The same, for `withVM`.
    private let vmRef: Unmanaged<VM>
    let name: String
    let stack: UnsafeMutablePointer<Val>
    let stackCapacity: Int
    let frames: UnsafeMutablePointer<Frame>
    @exclusivity(unchecked) var frameCount = 0
    let maxFrames: Int
    /// Open upvalues, sorted by stack index.
    @exclusivity(unchecked) var openUpvalues: [Unmanaged<Upvalue>] = []
    /// The stack index of the highest open upvalue (-1: none), so a return can skip
    /// closing when nothing is open.
    @exclusivity(unchecked) var highestOpenUpvalue = -1
    /// How deeply native code has re-entered the dispatch loop.
    var nativeDepth = 0
    /// Instructions until the next safe point. A field rather than a local of the
    /// dispatch loop: there it took a register the loop needed more, and cost a spill
    /// and a reload on every instruction anyway.
    @exclusivity(unchecked) var ticks = VM.safePointInterval
    /// Instructions left before the host's budget is exhausted (when one is set).
    @exclusivity(unchecked) var budgetLeft = Int.max

    // Threads. Everything below is read and written under the GIL, except `holdsGIL`
    // and the GIL times, which only this thread and the GIL's own mutex touch.

    /// Whether this thread holds the GIL (set by `GIL`).
    var holdsGIL = false
    /// Seconds this thread has held the GIL, and waited for it; when it last took it.
    var gilHeld = 0.0
    var gilWaited = 0.0
    var gilHeldSince = 0.0
    /// Where the thread sleeps while it waits for a lock, an event, a join...
    let parker = Parker()
    /// What it is blocked on (nil: running, queued for the GIL, or in a system call),
    /// and whether that wait has a timeout.
    var blockedOn: BlockReason?
    var blockedTimed = false
    /// An error another thread decided this one must raise when it wakes
    /// (`DeadlockError`).
    var pendingError: Val?
    /// The locks it holds, for deadlock reports.
    var heldLocks: [LockObj] = []
    /// The handle of a spawned thread (the main and host threads get one on demand).
    var handle: ThreadHandle?
    /// The callee and arguments of a spawned thread until it starts running them.
    var startValues: [Val] = []
    /// Values a built-in holds only in Swift while it calls back into Conc code (the
    /// items and keys of a sort with a key function, the receiver of a blocking method),
    /// so that a collection keeps them. Unchecked like the fields above: only the GIL
    /// holder touches it, and the dynamic checks cost sorting.conc 2% of its instructions.
    @exclusivity(unchecked) var nativeRoots: [Val] = []

    /// Runs `body` with the interpreter borrowed. Calling a method through `vm` costs a
    /// retain and a release of the VM (an unowned reference is made strong for the
    /// call), about 40 instructions: the hottest built-ins (`str(i)`) use this instead.
    @inline(__always)
    func withVM<R>(_ body: (VM) -> R) -> R { vmRef._withUnsafeGuaranteedRef(body) }

    init(vm: VM, name: String, maxFrames: Int) {
        self.vm = vm
        vmRef = Unmanaged.passUnretained(vm)
        self.name = name
        // A host's recursion limit is clamped to 1...2**20 frames: a negative or huge
        // one (Int.max for "no limit") would make the sizes below trap.
        self.maxFrames = min(max(maxFrames, 1), 1 << 20)
        // Sized so the frame limit, not the stack, is what runs out first for ordinary
        // functions; the pages are touched only as deep as the program goes.
        stackCapacity = max(1 << 16, self.maxFrames * 64)
        stack = .allocate(capacity: stackCapacity)
        frames = .allocate(capacity: self.maxFrames + 1)
    }

    deinit {
        stack.deallocate()
        frames.deallocate()
    }

    /// The first stack index above the top frame's registers.
    var top: Int {
        guard frameCount > 0 else { return 0 }
        let f = frames[frameCount - 1]
        return f.base + f.closure.takeUnretainedValue().registerCount
    }

    /// Reports every value this thread holds to the collector.
    ///
    /// Frames are not cleared when they are entered, so a register may hold a value a
    /// returned call left there. That is safe the way Lua makes it safe: everything
    /// from the bottom of the stack to the top frame's last register is marked (stale
    /// values merely live one cycle longer), and everything above is set to nil here,
    /// so no slot that a later frame exposes can point at an object freed now.
    func markRoots(_ marker: inout Marker) {
        var top = 0
        for i in 0..<frameCount {
            let f = frames[i]
            let c = f.closure.takeUnretainedValue()
            marker.mark(c)
            top = max(top, f.base + c.registerCount)
        }
        for r in 0..<top { marker.mark(stack[r]) }
        if stackHighWater > top {
            (stack + top).update(repeating: .nil, count: stackHighWater - top)
        }
        for u in openUpvalues { marker.mark(u.takeUnretainedValue()) }
        for v in startValues { marker.mark(v) }
        for v in nativeRoots { marker.mark(v) }
        if let e = pendingError { marker.mark(e) }
        if let h = handle { marker.mark(h) }
        for l in heldLocks { marker.mark(l) }
    }

    /// Forgets every value on the stack (the thread has left Conc code).
    func clearStack() {
        if stackHighWater > 0 { stack.update(repeating: .nil, count: stackHighWater) }
    }

    /// Every slot below this has been initialised (the stack's memory starts raw).
    @exclusivity(unchecked) private(set) var stackHighWater = 0

    /// Sets the slots from the high-water mark up to `n` to nil, except `arguments`,
    /// which the caller has just written.
    func extendHighWater(to n: Int, keeping arguments: Range<Int>) {
        if stackHighWater < arguments.lowerBound {
            (stack + stackHighWater).initialize(repeating: .nil, count: arguments.lowerBound - stackHighWater)
        }
        let from = max(stackHighWater, arguments.upperBound)
        if from < n { (stack + from).initialize(repeating: .nil, count: n - from) }
        stackHighWater = n
    }

    // MARK: Upvalues

    /// The open upvalue for stack slot `index`, created if needed.
    func captureUpvalue(_ index: Int) -> Unmanaged<Upvalue> {
        var i = openUpvalues.count
        while i > 0 {
            let at = openUpvalues[i - 1]._withUnsafeGuaranteedRef { $0.stackIndex }
            if at == index { return openUpvalues[i - 1] }
            if at < index { break }
            i -= 1
        }
        let m = vm.heap.adopt(Upvalue(location: stack + index, stackIndex: index))
        openUpvalues.insert(m, at: i)
        highestOpenUpvalue = max(highestOpenUpvalue, index)
        return m
    }

    /// Closes every open upvalue at stack index `level` or above.
    @inline(__always)
    func closeUpvalues(from level: Int) {
        guard highestOpenUpvalue >= level else { return }
        while let last = openUpvalues.last, last._withUnsafeGuaranteedRef({ $0.stackIndex }) >= level {
            last._withUnsafeGuaranteedRef { $0.close(heap: vm.heap) }
            openUpvalues.removeLast()
        }
        highestOpenUpvalue = openUpvalues.last?._withUnsafeGuaranteedRef { $0.stackIndex } ?? -1
    }

    // MARK: Errors

    /// A new error value, ready to throw.
    func error(_ kind: String, _ message: String) -> Unwind {
        .thrown(Val(vm.heap.adopt(ErrorObj(kind: kind, message: message))))
    }

    /// The source position of the instruction a frame is executing.
    func position(ofFrame i: Int, pc: Int) -> (file: String, pos: SourcePos, function: String) {
        let proto = frames[i].closure.takeUnretainedValue().proto
        let at = min(max(pc - 1, 0), proto.positions.count - 1)
        let pos = at >= 0 ? proto.positions[at] : proto.pos
        return (proto.file, pos, proto.name)
    }

    /// Where the last value that was not an error value was thrown, for diagnostics.
    var lastThrow: (file: String, pos: SourcePos, trace: [String])?

    /// Fills an error's trace and origin where it is first thrown.
    func recordTrace(_ v: Val, topPC: Int) {
        let e = v.asError
        if let e, !e.trace.isEmpty { return }
        var lines: [String] = []
        var origin: (file: String, pos: SourcePos)?
        for i in 0..<frameCount {
            let pc = i == frameCount - 1 ? topPC : frames[i].pc
            let p = position(ofFrame: i, pc: pc)
            lines.append("\(p.file):\(p.pos.line) in \(p.function)")
            if i == frameCount - 1 { origin = (p.file, p.pos) }
        }
        if let e {
            e.trace = lines
            e.origin = origin
        } else if let origin {
            lastThrow = (origin.file, origin.pos, lines)
        }
    }
}
