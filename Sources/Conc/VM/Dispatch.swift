// The dispatch loop: fetch, decode, execute, one instruction at a time.
//
// The hot state lives in locals of `execute`: the instruction pointer, the register
// window and the constant table of the running function. Common cases (int arithmetic,
// compare-and-branch on ints, calls of Conc functions) are handled inline; everything
// else goes to out-of-line slow paths in Operators.swift and friends.
//
// The safe point: a local countdown is decremented on every instruction; when it runs
// out, `safePoint` does whatever is pending (a collection, the instruction budget, an
// interrupt, and with threads a GIL hand-off). The countdown is short, so those happen
// between arbitrary instructions, never only at loop heads or calls.

extension VM {
    /// Instructions between two safe points.
    static let safePointInterval = 64

    /// Runs the frame on top of `ts` (pushed by the caller with `isEntry`) until it
    /// returns, and returns its value.
    func execute(_ ts: ThreadState) throws(Unwind) -> Val {
        let stack = ts.stack
        let globals = self.globals
        var fi = ts.frameCount - 1
        // Unmanaged: the frame keeps them alive, and a retain and release on every call
        // and return would cost more than the rest of the call.
        var closure = ts.frames[fi].closure
        var proto = closure._withUnsafeGuaranteedRef { $0.protoRef }
        var code = proto._withUnsafeGuaranteedRef { UnsafePointer($0.code) }
        var k = proto._withUnsafeGuaranteedRef { UnsafePointer($0.constants) }
        var base = ts.frames[fi].base
        var regs = stack + base
        var pc = ts.frames[fi].pc

        /// Reloads the locals after the top frame changed.
        @inline(__always) func load() {
            fi = ts.frameCount - 1
            closure = ts.frames[fi].closure
            proto = closure._withUnsafeGuaranteedRef { $0.protoRef }
            code = proto._withUnsafeGuaranteedRef { UnsafePointer($0.code) }
            k = proto._withUnsafeGuaranteedRef { UnsafePointer($0.constants) }
            base = ts.frames[fi].base
            regs = stack + base
            pc = ts.frames[fi].pc
        }

        while true {
            do throws(Unwind) {
                while true {
                    let w = code[pc]
                    pc &+= 1
                    // The safe point comes after the fetch, so an error it raises (an
                    // interrupt, a budget) belongs to the instruction about to run.
                    ts.ticks &-= 1
                    if ts.ticks < 0 {
                        ts.ticks = VM.safePointInterval
                        ts.frames[fi].pc = pc
                        try safePoint(ts)
                    }
                    let a = Int(truncatingIfNeeded: (w >> 8) & 0xFFFF)
                    switch unsafeBitCast(UInt8(truncatingIfNeeded: w), to: Opcode.self) {
                    case .move:
                        regs[a] = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                    case .loadK:
                        regs[a] = k[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                    case .loadInt:
                        regs[a] = .int(Int(truncatingIfNeeded: Int64(bitPattern: w << 20) >> 44))
                    case .loadNil:
                        regs[a] = .nil
                    case .loadBool:
                        regs[a] = .bool((w >> 24) & 0xFFFFF != 0)
                    case .getGlobal:
                        let g = globals[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        if case .undefined = g {
                            throw undefinedGlobal(ts, Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF))
                        }
                        regs[a] = g
                    case .setGlobal:
                        let slot = Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)
                        if case .undefined = globals[slot] { throw undefinedGlobal(ts, slot) }
                        globals[slot] = regs[a]
                    case .defineGlobal:
                        globals[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)] = regs[a]
                    case .getUpvalue:
                        let u = closure._withUnsafeGuaranteedRef { $0.upvalues[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)] }
                        regs[a] = u._withUnsafeGuaranteedRef { $0.location.pointee }
                    case .setUpvalue:
                        let u = closure._withUnsafeGuaranteedRef { $0.upvalues[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)] }
                        let v = regs[a]
                        u._withUnsafeGuaranteedRef { $0.store(v, heap: heap) }
                    case .close:
                        ts.closeUpvalues(from: base + a)
                    case .closure:
                        regs[a] = makeClosure(ts, proto.takeUnretainedValue().children[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                                              enclosing: closure.takeUnretainedValue(), base: base)
                    case .newList, .listAppend:
                        let b = Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF), c = Int(truncatingIfNeeded: w >> 44)
                        let list: Unmanaged<ListObj>
                        if UInt8(truncatingIfNeeded: w) == Opcode.newList.rawValue {
                            list = heap.newList(capacity: c)
                            regs[a] = Val(list)
                            let items = regs + b
                            list._withUnsafeGuaranteedRef { $0.fillNew(from: items, count: c, heap: heap) }
                            continue
                        } else {
                            // The compiler put the list there with newList.
                            guard case .object(let u) = regs[a] else { break }
                            list = Unmanaged<ListObj>.fromOpaque(u.toOpaque())
                            let grown = list._withUnsafeGuaranteedRef { $0.reserve(c, pool: heap.bytes) }
                            heap.noteAllocation(grown)
                        }
                        // A constant, not the captured `regs` (a captured variable costs
                        // an exclusivity check per access).
                        let items = regs + b
                        list._withUnsafeGuaranteedRef { l in
                            for i in 0..<c { l.append(items[i], heap: heap) }
                        }
                    case .newMap, .mapInsert:
                        let b = Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF), c = Int(truncatingIfNeeded: w >> 44)
                        if UInt8(truncatingIfNeeded: w) == Opcode.newMap.rawValue {
                            regs[a] = Val(heap.newMap(capacity: c))
                        }
                        // The compiler puts `mapInsert` only after a `newMap` into the same register.
                        guard case .object(let u) = regs[a], u._withUnsafeGuaranteedRef({ $0.kind }) == .map else {
                            throw ts.error("TypeError", "'\(regs[a].typeName)' object is not a map")
                        }
                        let pairs = regs + b
                        for i in 0..<c {
                            let key = pairs[2 &* i]
                            let h = try hashOrThrow(ts, key)
                            let grown = Unmanaged<MapObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef {
                                $0.set(key, pairs[2 &* i &+ 1], hash: h, heap: heap)
                            }
                            if grown > 0 { heap.noteAllocation(grown) }
                        }
                    case .add, .addOpen, .addMore, .addClose, .inplaceAdd:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let y = regs[Int(truncatingIfNeeded: w >> 44)]
                        if case .int(let i) = x, case .int(let j) = y {
                            let (r, o) = i.addingReportingOverflow(j)
                            if o { throw ts.error("OverflowError", "integer overflow in +") }
                            regs[a] = .int(r)
                        } else if case .double(let i) = x, case .double(let j) = y {
                            regs[a] = .double(i + j)
                        } else if UInt8(truncatingIfNeeded: w) == Opcode.add.rawValue {
                            regs[a] = try arith(ts, .add, x, y)
                        } else {
                            regs[a] = try chainAdd(ts, unsafeBitCast(UInt8(truncatingIfNeeded: w), to: Opcode.self), x, y)
                        }
                    case .sub:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let y = regs[Int(truncatingIfNeeded: w >> 44)]
                        if case .int(let i) = x, case .int(let j) = y {
                            let (r, o) = i.subtractingReportingOverflow(j)
                            if o { throw ts.error("OverflowError", "integer overflow in -") }
                            regs[a] = .int(r)
                        } else if case .double(let i) = x, case .double(let j) = y {
                            regs[a] = .double(i - j)
                        } else {
                            regs[a] = try arith(ts, .sub, x, y)
                        }
                    case .mul, .inplaceMul:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let y = regs[Int(truncatingIfNeeded: w >> 44)]
                        if case .int(let i) = x, case .int(let j) = y {
                            let (r, o) = i.multipliedReportingOverflow(by: j)
                            if o { throw ts.error("OverflowError", "integer overflow in *") }
                            regs[a] = .int(r)
                        } else if case .double(let i) = x, case .double(let j) = y {
                            regs[a] = .double(i * j)
                        } else if UInt8(truncatingIfNeeded: w) == Opcode.mul.rawValue {
                            regs[a] = try arith(ts, .mul, x, y)
                        } else {
                            regs[a] = try inplaceArith(ts, .inplaceMul, x, y)
                        }
                    case .mulConst:
                        // `i * 7919` and `i % p`, the commonest two in integer code, are
                        // done here; through `arithConst`'s two switches they cost about
                        // 15 instructions more (intmap.conc: 4% of its total).
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let y = k[Int(truncatingIfNeeded: w >> 44)]
                        if case .int(let i) = x, case .int(let j) = y {
                            let (r, o) = i.multipliedReportingOverflow(by: j)
                            if !o {
                                regs[a] = .int(r)
                                continue
                            }
                        }
                        regs[a] = try arithConst(ts, UInt8(truncatingIfNeeded: w), x, y)
                    case .modConst:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let y = k[Int(truncatingIfNeeded: w >> 44)]
                        if case .int(let i) = x, case .int(let j) = y, j > 0 {
                            let r = i % j
                            regs[a] = .int(r < 0 ? r &+ j : r)
                            continue
                        }
                        regs[a] = try arithConst(ts, UInt8(truncatingIfNeeded: w), x, y)
                    case .addConst, .subConst, .divConst, .floorDivConst:
                        regs[a] = try arithConst(ts, UInt8(truncatingIfNeeded: w), regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                                                 k[Int(truncatingIfNeeded: w >> 44)])
                    case .mod:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let y = regs[Int(truncatingIfNeeded: w >> 44)]
                        if case .int(let i) = x, case .int(let j) = y, j > 0 {
                            let r = i % j
                            regs[a] = .int(r < 0 ? r + j : r)
                        } else {
                            regs[a] = try arith(ts, .mod, x, y)
                        }
                    case .floorDiv:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let y = regs[Int(truncatingIfNeeded: w >> 44)]
                        if case .int(let i) = x, case .int(let j) = y, j > 0 {
                            let q = i / j
                            regs[a] = .int(i % j < 0 ? q - 1 : q)
                        } else {
                            regs[a] = try arith(ts, .floorDiv, x, y)
                        }
                    case .div:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let y = regs[Int(truncatingIfNeeded: w >> 44)]
                        if case .double(let i) = x, case .double(let j) = y, j != 0 {
                            regs[a] = .double(i / j)
                        } else {
                            regs[a] = try arith(ts, .div, x, y)
                        }
                    case .bitAnd, .bitOr, .bitXor:
                        let op = unsafeBitCast(UInt8(truncatingIfNeeded: w), to: Opcode.self)
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let y = regs[Int(truncatingIfNeeded: w >> 44)]
                        if case .int(let i) = x, case .int(let j) = y {
                            regs[a] = .int(op == .bitAnd ? i & j : op == .bitOr ? i | j : i ^ j)
                        } else {
                            regs[a] = try arith(ts, op, x, y)
                        }
                    case .pow, .shl, .shr:
                        let op = unsafeBitCast(UInt8(truncatingIfNeeded: w), to: Opcode.self)
                        regs[a] = try arith(ts, op, regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                                            regs[Int(truncatingIfNeeded: w >> 44)])
                    case .addInt:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let imm = Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44)
                        if case .int(let i) = x {
                            let (r, o) = i.addingReportingOverflow(imm)
                            if o { throw ts.error("OverflowError", "integer overflow in +") }
                            regs[a] = .int(r)
                        } else {
                            regs[a] = try arith(ts, .add, x, .int(imm))
                        }
                    case .neg:
                        regs[a] = try negate(ts, regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)])
                    case .bitNot:
                        guard case .int(let i) = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)] else {
                            throw ts.error("TypeError", "bad operand type for ~: '\(regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)].typeName)'")
                        }
                        regs[a] = .int(~i)
                    case .not:
                        regs[a] = .bool(!regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)].isTruthy)
                    case .eq:
                        regs[a] = .bool(try equal(ts, regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                                                    regs[Int(truncatingIfNeeded: w >> 44)]))
                    case .ne:
                        regs[a] = .bool(!(try equal(ts, regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                                                     regs[Int(truncatingIfNeeded: w >> 44)])))
                    case .eqConst:
                        regs[a] = .bool(try equal(ts, regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                                                  k[Int(truncatingIfNeeded: w >> 44)]))
                    case .neConst:
                        regs[a] = .bool(!(try equal(ts, regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                                                    k[Int(truncatingIfNeeded: w >> 44)])))
                    case .jumpIfNotLtConst, .jumpIfNotLeConst, .jumpIfNotGtConst, .jumpIfNotGeConst:
                        let x = regs[a], y = k[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let op = unsafeBitCast(UInt8(truncatingIfNeeded: w), to: Opcode.self)
                        let holds: Bool
                        if case .int(let i) = x, case .int(let j) = y {
                            switch op {
                            case .jumpIfNotLtConst: holds = i < j
                            case .jumpIfNotLeConst: holds = i <= j
                            case .jumpIfNotGtConst: holds = i > j
                            default: holds = i >= j
                            }
                        } else {
                            holds = try branchCondition(ts, op, x, y)
                        }
                        if !holds { pc &+= Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44) }
                    case .lt:
                        regs[a] = .bool(try lessThan(ts, regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                                                     regs[Int(truncatingIfNeeded: w >> 44)], orEqual: false))
                    case .le:
                        regs[a] = .bool(try lessThan(ts, regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                                                     regs[Int(truncatingIfNeeded: w >> 44)], orEqual: true))
                    case .in:
                        let container = regs[Int(truncatingIfNeeded: w >> 44)]
                        let item = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        if case .object(let u) = container, u._withUnsafeGuaranteedRef({ $0.kind }) == .map, let h = keyHash(item) {
                            regs[a] = .bool(Unmanaged<MapObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.get(item, hash: h) } != nil)
                            continue
                        }
                        regs[a] = .bool(try contains(ts, container, item))
                    case .notIn:
                        regs[a] = .bool(!(try contains(ts, regs[Int(truncatingIfNeeded: w >> 44)],
                                                       regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)])))
                    case .jump:
                        pc &+= Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44)
                    case .jumpIfTrue:
                        let v = regs[a]
                        let t: Bool
                        if case .bool(let b) = v { t = b } else { t = v.isTruthy }
                        if t { pc &+= Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44) }
                    case .jumpIfFalse:
                        let v = regs[a]
                        let t: Bool
                        if case .bool(let b) = v { t = b } else { t = v.isTruthy }
                        if !t { pc &+= Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44) }
                    case .jumpIfNotLt, .jumpIfNotLe:
                        let x = regs[a], y = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let orEqual = UInt8(truncatingIfNeeded: w) == Opcode.jumpIfNotLe.rawValue
                        let holds: Bool
                        if case .int(let i) = x, case .int(let j) = y {
                            holds = orEqual ? i <= j : i < j
                        } else {
                            holds = try lessThan(ts, x, y, orEqual: orEqual)
                        }
                        if !holds { pc &+= Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44) }
                    case .jumpIfNotEq, .jumpIfNotNe, .jumpIfNotEqConst, .jumpIfNotNeConst:
                        // B is a register, or a constant for the Const forms.
                        let op = UInt8(truncatingIfNeeded: w)
                        let b = Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)
                        let isConst = op == Opcode.jumpIfNotEqConst.rawValue || op == Opcode.jumpIfNotNeConst.rawValue
                        let y = isConst ? k[b] : regs[b]
                        let wantEqual = op == Opcode.jumpIfNotEq.rawValue || op == Opcode.jumpIfNotEqConst.rawValue
                        if try equal(ts, regs[a], y) != wantEqual {
                            pc &+= Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44)
                        }
                    case .jumpIfNotLtInt, .jumpIfNotLeInt, .jumpIfNotGtInt, .jumpIfNotGeInt,
                         .jumpIfNotEqInt, .jumpIfNotNeInt:
                        let imm = Int(truncatingIfNeeded: Int64(bitPattern: w << 20) >> 44)
                        let op = unsafeBitCast(UInt8(truncatingIfNeeded: w), to: Opcode.self)
                        let holds: Bool
                        if case .int(let i) = regs[a] {
                            switch op {
                            case .jumpIfNotLtInt: holds = i < imm
                            case .jumpIfNotLeInt: holds = i <= imm
                            case .jumpIfNotGtInt: holds = i > imm
                            case .jumpIfNotGeInt: holds = i >= imm
                            case .jumpIfNotEqInt: holds = i == imm
                            default: holds = i != imm
                            }
                        } else {
                            holds = try branchCondition(ts, op, regs[a], .int(imm))
                        }
                        if !holds { pc &+= Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44) }
                    case .call:
                        let argc = Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)
                        let callee = regs[a]
                        if case .object(let u) = callee, u._withUnsafeGuaranteedRef({ $0.kind }) == .closure {
                            ts.frames[fi].pc = pc
                            try pushFrame(ts, Unmanaged<Closure>.fromOpaque(u.toOpaque()), base: base + a + 1, argc: argc)
                            load()
                        } else if case .object(let u) = callee, u._withUnsafeGuaranteedRef({ $0.kind }) == .native {
                            // A built-in, called here without retaining it or its function:
                            // the callee sits in a register, a root, for the whole call.
                            ts.frames[fi].pc = pc
                            let args = Args(base: regs + a + 1, count: argc)
                            regs[a] = try Unmanaged<NativeObj>.fromOpaque(u.toOpaque()).borrow { n throws(Unwind) in
                                if argc < n.minArgs || (n.maxArgs >= 0 && argc > n.maxArgs) { try checkArity(ts, n, argc) }
                                return try n.function(ts, args)
                            }
                        } else {
                            ts.frames[fi].pc = pc
                            regs[a] = try callNonClosure(ts, callee, args: Args(base: regs + a + 1, count: argc))
                        }
                    case .invoke:
                        let mi = Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)
                        let id = proto._withUnsafeGuaranteedRef { $0.memberIDs[mi] }
                        // (`xs.push(v)` on a list never gets here: see `.push`.)
                        // `m.get(k)` and `m.get(k, default)`, as common in scripts as `m[k]`.
                        let argc = Int(truncatingIfNeeded: w >> 44)
                        if id == .get, argc == 1 || argc == 2, case .object(let u) = regs[a],
                           u._withUnsafeGuaranteedRef({ $0.kind }) == .map, let h = keyHash(regs[a + 1]) {
                            let key = regs[a + 1]
                            let found = Unmanaged<MapObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.get(key, hash: h) }
                            regs[a] = found ?? (argc == 2 ? regs[a + 2] : .nil)
                            continue
                        }
                        ts.frames[fi].pc = pc
                        if heap.collectionDue { try collectNow() }
                        let args = Args(base: regs + a + 1, count: argc)
                        // String methods are called straight from here, the receiver
                        // borrowed from its register, by the member's id alone.
                        if id != .unknown, case .object(let u) = regs[a], u._withUnsafeGuaranteedRef({ $0.kind }) == .string {
                            regs[a] = try Unmanaged<StrObj>.fromOpaque(u.toOpaque()).borrow { s throws(Unwind) in
                                try stringMethod(ts, s, id, args)
                            }
                            continue
                        }
                        let member = proto._withUnsafeGuaranteedRef { $0.members[mi] }
                        regs[a] = try invoke(ts, regs[a], member, args)
                    case .len:
                        if case .object(let f) = globals[Int(truncatingIfNeeded: w >> 44)], f.toOpaque() == lenFunction?.toOpaque(),
                           case .object(let x) = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)], let n = VM.inlineLength(x) {
                            regs[a] = .int(n)
                            pc &+= Opcode.guardedFallbackLength
                        }
                    case .push:
                        if case .object(let u) = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)],
                           u._withUnsafeGuaranteedRef({ $0.kind }) == .list {
                            let v = regs[Int(truncatingIfNeeded: w >> 44)]
                            let heap = self.heap
                            Unmanaged<ListObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.append(v, heap: heap) }
                            regs[a] = .nil
                            pc &+= Opcode.guardedFallbackLength
                        }
                    case .invoke0:
                        let recv = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let mi = Int(truncatingIfNeeded: w >> 44)
                        let id = proto._withUnsafeGuaranteedRef { $0.memberIDs[mi] }
                        ts.frames[fi].pc = pc
                        if heap.collectionDue { try collectNow() }
                        let none = Args(base: regs, count: 0)
                        if case .object(let u) = recv {
                            switch u._withUnsafeGuaranteedRef({ $0.kind }) {
                            case .string where id != .unknown:
                                // Borrowed from its register: no string method runs Conc
                                // code or lets the GIL go, so nothing can overwrite it.
                                regs[a] = try Unmanaged<StrObj>.fromOpaque(u.toOpaque()).borrow { s throws(Unwind) in
                                    try stringMethod(ts, s, id, none)
                                }
                                continue
                            case .string, .list, .map:
                                break
                            default:
                                // A handle's method may block and let the GIL go, and the
                                // register may be a local that a closure on another
                                // thread assigns meanwhile: the receiver stays a root.
                                let member = proto._withUnsafeGuaranteedRef { $0.members[mi] }
                                let mark = ts.nativeRoots.count
                                ts.nativeRoots.append(recv)
                                defer { ts.nativeRoots.removeLast(ts.nativeRoots.count - mark) }
                                regs[a] = try invoke(ts, recv, member, none)
                                continue
                            }
                        }
                        let member = proto._withUnsafeGuaranteedRef { $0.members[mi] }
                        regs[a] = try invoke(ts, recv, member, none)
                    case .getMember:
                        ts.frames[fi].pc = pc
                        let member = proto._withUnsafeGuaranteedRef { $0.members[Int(truncatingIfNeeded: w >> 44)] }
                        regs[a] = try getMember(ts, regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)], member)
                    case .getIndex:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let i = regs[Int(truncatingIfNeeded: w >> 44)]
                        if case .object(let u) = x, case .int(let j) = i, u._withUnsafeGuaranteedRef({ $0.kind }) == .list {
                            let l = Unmanaged<ListObj>.fromOpaque(u.toOpaque())
                            let (buf, count) = l._withUnsafeGuaranteedRef { ($0.buf, $0.count) }
                            // One unsigned comparison: a negative index, rare when it
                            // is a variable, takes the slow path, which adds the count.
                            if _fastPath(UInt(bitPattern: j) < UInt(bitPattern: count)) {
                                regs[a] = buf[j].val
                                continue
                            }
                        }
                        if case .object(let u) = x, u._withUnsafeGuaranteedRef({ $0.kind }) == .map, let h = keyHash(i),
                           let v = Unmanaged<MapObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef({ $0.get(i, hash: h) }) {
                            regs[a] = v
                            continue
                        }
                        regs[a] = try getIndex(ts, x, i)
                    case .setIndex:
                        let x = regs[a]
                        let i = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        if case .object(let u) = x, case .int(let j) = i, u._withUnsafeGuaranteedRef({ $0.kind }) == .list {
                            let l = Unmanaged<ListObj>.fromOpaque(u.toOpaque())
                            let (buf, count) = l._withUnsafeGuaranteedRef { ($0.buf, $0.count) }
                            if UInt(bitPattern: j) < UInt(bitPattern: count) {
                                let v = Packed(regs[Int(truncatingIfNeeded: w >> 44)], heap: heap)
                                buf[j] = v
                                l._withUnsafeGuaranteedRef { $0.noteStored(v, at: j, heap: heap) }
                                continue
                            }
                        }
                        if case .object(let u) = x, u._withUnsafeGuaranteedRef({ $0.kind }) == .map, let h = keyHash(i) {
                            let v = regs[Int(truncatingIfNeeded: w >> 44)]
                            let grown = Unmanaged<MapObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.set(i, v, hash: h, heap: heap) }
                            if grown > 0 { heap.noteAllocation(grown) }
                            continue
                        }
                        try setIndex(ts, x, i, regs[Int(truncatingIfNeeded: w >> 44)])
                    case .getIndexInt:
                        let x = regs[Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)]
                        let j = Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44)
                        if case .object(let u) = x, u._withUnsafeGuaranteedRef({ $0.kind }) == .list {
                            let l = Unmanaged<ListObj>.fromOpaque(u.toOpaque())
                            let (buf, count) = l._withUnsafeGuaranteedRef { ($0.buf, $0.count) }
                            let k = j < 0 ? j &+ count : j
                            if k >= 0 && k < count {
                                regs[a] = buf[k].val
                                continue
                            }
                        }
                        regs[a] = try getIndex(ts, x, .int(j))
                    case .setIndexInt:
                        let x = regs[a]
                        let j = Int(truncatingIfNeeded: Int64(bitPattern: w << 20) >> 44)
                        if case .object(let u) = x, u._withUnsafeGuaranteedRef({ $0.kind }) == .list {
                            let l = Unmanaged<ListObj>.fromOpaque(u.toOpaque())
                            let (buf, count) = l._withUnsafeGuaranteedRef { ($0.buf, $0.count) }
                            let k = j < 0 ? j &+ count : j
                            if k >= 0 && k < count {
                                let v = Packed(regs[Int(truncatingIfNeeded: w >> 44)], heap: heap)
                                buf[k] = v
                                l._withUnsafeGuaranteedRef { $0.noteStored(v, at: k, heap: heap) }
                                continue
                            }
                        }
                        try setIndex(ts, x, .int(j), regs[Int(truncatingIfNeeded: w >> 44)])
                    case .slice:
                        let b = Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)
                        regs[a] = try slice(ts, regs[b], regs[b + 1], regs[b + 2], regs[b + 3])
                    case .iterPrep:
                        try iterPrep(ts, regs + a)
                    case .iterRange:
                        let argc = Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF)
                        if case .object(let u) = regs[a], u.toOpaque() == rangeFunction?.toOpaque() {
                            let (start, stop, step) = try rangeBounds(ts, Args(base: regs + a + 1, count: argc))
                            regs[a] = .nil
                            regs[a + 1] = .int(start)
                            regs[a + 2] = .int(stop)
                            regs[a + 3] = .int(step)
                        } else {
                            ts.frames[fi].pc = pc
                            regs[a] = try callFunction(ts, regs[a], Array(UnsafeBufferPointer(start: regs + a + 1, count: argc)))
                            try iterPrep(ts, regs + a)
                        }
                    case .iterNext:
                        // Fast path: a range, counting in registers.
                        if case .nil = regs[a], case .int(let cur) = regs[a + 1],
                           case .int(let stop) = regs[a + 2], case .int(let step) = regs[a + 3] {
                            if step > 0 ? cur < stop : cur > stop {
                                regs[a + 4] = .int(cur)
                                let (n, o) = cur.addingReportingOverflow(step)
                                regs[a + 1] = o ? .int(stop) : .int(n)
                                pc &+= Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44)
                            }
                        } else if try iterNext(ts, regs + a) {
                            pc &+= Int(truncatingIfNeeded: Int64(bitPattern: w) >> 44)
                        }
                    case .concat:
                        let b = Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF), c = Int(truncatingIfNeeded: w >> 44)
                        regs[a] = try concat(ts, regs + b, count: c)
                    case .return, .returnNil:
                        let result = UInt8(truncatingIfNeeded: w) == Opcode.return.rawValue ? regs[a] : .nil
                        if ts.highestOpenUpvalue >= base { ts.closeUpvalues(from: base) }
                        let wasEntry = ts.frames[fi].isEntry
                        ts.frameCount -= 1
                        if wasEntry { return result }
                        load()
                        // The caller's call instruction is the one before its pc.
                        let cw = code[pc - 1]
                        regs[Int(truncatingIfNeeded: (cw >> 8) & 0xFFFF)] = result
                    case .throw:
                        throw Unwind.thrown(regs[a])
                    case .spawn:
                        ts.frames[fi].pc = pc
                        regs[a] = try spawn(ts, kind: Int(truncatingIfNeeded: (w >> 24) & 0xFFFFF),
                                            callee: regs[a],
                                            args: Args(base: regs + a + 1, count: Int(truncatingIfNeeded: w >> 44)))
                    }
                }
            } catch {
                ts.frames[fi].pc = pc
                guard case .thrown(let value) = error else {
                    unwindToEntry(ts)
                    throw error
                }
                ts.recordTrace(value, topPC: pc)
                // Find a handler, innermost frame first, without leaving this `execute`.
                var faultPC = pc - 1
                while true {
                    let f = ts.frames[ts.frameCount - 1]
                    let p = f.closure.takeUnretainedValue().proto
                    if let h = p.handlers.first(where: { Int($0.start) <= faultPC && faultPC < Int($0.end) }) {
                        ts.closeUpvalues(from: f.base + Int(h.register))
                        ts.stack[f.base + Int(h.register)] = value
                        ts.frames[ts.frameCount - 1].pc = Int(h.target)
                        load()
                        break
                    }
                    ts.closeUpvalues(from: f.base)
                    ts.frameCount -= 1
                    if f.isEntry { throw error }
                    faultPC = ts.frames[ts.frameCount - 1].pc - 1
                }
            }
        }
    }

    /// `x op constant`, with the int and float fast paths of the register forms.
    @inline(__always)
    func arithConst(_ ts: ThreadState, _ code: UInt8, _ x: Val, _ y: Val) throws(Unwind) -> Val {
        let op: Opcode
        switch unsafeBitCast(code, to: Opcode.self) {
        case .addConst: op = .add
        case .subConst: op = .sub
        case .mulConst: op = .mul
        case .divConst: op = .div
        case .floorDivConst: op = .floorDiv
        default: op = .mod
        }
        if case .int(let i) = x, case .int(let j) = y {
            switch op {
            case .mod where j > 0:
                let r = i % j
                return .int(r < 0 ? r + j : r)
            case .floorDiv where j > 0:
                let q = i / j
                return .int(i % j < 0 ? q - 1 : q)
            case .mul:
                let (r, o) = i.multipliedReportingOverflow(by: j)
                if !o { return .int(r) }
            default:
                break
            }
        } else if case .double(let d) = x, case .double(let e) = y {
            switch op {
            case .add: return .double(d + e)
            case .sub: return .double(d - e)
            case .mul: return .double(d * e)
            case .div where e != 0: return .double(d / e)
            default: break
            }
        }
        return try arith(ts, op, x, y)
    }

    /// Pops every frame of the current `execute` (an uncatchable unwind passes through).
    func unwindToEntry(_ ts: ThreadState) {
        while ts.frameCount > 0 {
            let f = ts.frames[ts.frameCount - 1]
            ts.closeUpvalues(from: f.base)
            ts.frameCount -= 1
            if f.isEntry { return }
        }
    }

    /// Pushes a frame for `closure` whose arguments are already at `base`.
    @inline(__always)
    func pushFrame(_ ts: ThreadState, _ closure: Unmanaged<Closure>, base: Int, argc: Int, isEntry: Bool = false) throws(Unwind) {
        let (paramCount, n) = closure._withUnsafeGuaranteedRef { ($0.paramCount, $0.registerCount) }
        if argc != paramCount {
            let name = closure.takeUnretainedValue().proto.name
            throw ts.error("TypeError", "\(name)() takes \(paramCount) argument\(paramCount == 1 ? "" : "s") but \(argc) \(argc == 1 ? "was" : "were") given")
        }
        if ts.frameCount >= ts.maxFrames || base + n > ts.stackCapacity {
            throw ts.error("RecursionError", "maximum recursion depth exceeded")
        }
        // Registers are not cleared per call: every slot below `stackHighWater` holds a
        // value the collector may mark (see `ThreadState.markRoots`). Slots are set to
        // nil the first time a frame reaches them.
        if base + n > ts.stackHighWater { ts.extendHighWater(to: base + n, keeping: base..<base + argc) }
        ts.frames[ts.frameCount] = Frame(closure: closure, pc: 0, base: base, isEntry: isEntry)
        ts.frameCount += 1
    }

    func makeClosure(_ ts: ThreadState, _ proto: Proto, enclosing: Closure, base: Int) -> Val {
        let descs = proto.upvalues
        let c = heap.adopt(Closure(proto: proto, upvalueCount: descs.count))
        let ups = c._withUnsafeGuaranteedRef { $0.upvalues }
        for (i, d) in descs.enumerated() {
            (ups + i).initialize(to: d.isLocal ? ts.captureUpvalue(base + d.index) : enclosing.upvalues[d.index])
        }
        return Val(c)
    }

    func undefinedGlobal(_ ts: ThreadState, _ slot: Int) -> Unwind {
        ts.error("NameError", "name '\(globalNames[slot])' is not defined")
    }

    /// What runs when the countdown expires: collections, the budget, interrupts.
    @inline(never)
    func safePoint(_ ts: ThreadState) throws(Unwind) {
        if heap.collectionDue || heap.stress { try collectNow() }
        if ts.budgetLeft != Int.max {
            ts.budgetLeft -= VM.safePointInterval
            if ts.budgetLeft <= 0 {
                throw Unwind.fatal(kind: "BudgetExceeded", message: "instruction budget exhausted")
            }
        }
        gil.yieldIfRequested(ts)
        if pendingExitCode != nil || interruptRequested.load(ordering: .relaxed) { try checkStop(ts) }
    }

    /// The collection a safe point runs, and the limits it checks. Also run before a
    /// built-in method when a collection is due (see `.invoke`): a built-in runs no
    /// safe point, and one that makes many objects (`text.split("\n")`) would otherwise
    /// make them all beside garbage that was due to go (textparse.conc peaked 4.4 MB
    /// higher, with the 4.4 MB string `"\n".join(lines)` returned, dead, still there).
    @inline(never)
    func collectNow() throws(Unwind) {
        collect(major: heap.majorDue)
        // Past the limit after a minor collection, the old generation's dead may
        // be what fills it: only a major one can tell.
        if heap.limit > 0 && heap.liveBytes > heap.limit { collect(major: true) }
        if heap.limit > 0 && heap.liveBytes > heap.limit {
            throw Unwind.fatal(kind: "MemoryError", message: "heap limit of \(heap.limit) bytes exceeded")
        }
        if heap.refusedLongString {
            heap.refusedLongString = false
            throw Unwind.fatal(kind: "MemoryError", message: "string longer than \(StrObj.maxByteCount) bytes")
        }
    }
}
