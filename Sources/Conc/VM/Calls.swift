// Calls that are not a Conc function called from Conc code: native functions, bound
// methods, and Conc functions called from Swift (the embedding API, natives that take a
// callback, new threads).

extension VM {
    /// Native code may re-enter the dispatch loop this deep; each level costs a native
    /// stack frame, so the limit is far below the script recursion limit.
    static let maxNativeDepth = 64

    func checkArity(_ ts: ThreadState, _ n: NativeObj, _ argc: Int) throws(Unwind) {
        if argc < n.minArgs || (n.maxArgs >= 0 && argc > n.maxArgs) {
            let expected: String
            if n.minArgs == n.maxArgs {
                expected = "\(n.minArgs) argument\(n.minArgs == 1 ? "" : "s")"
            } else if n.maxArgs < 0 {
                expected = "at least \(n.minArgs) argument\(n.minArgs == 1 ? "" : "s")"
            } else {
                expected = "\(n.minArgs) to \(n.maxArgs) arguments"
            }
            throw ts.error("TypeError", "\(n.name)() takes \(expected) but \(argc) \(argc == 1 ? "was" : "were") given")
        }
    }

    /// Calls a native function or a bound method with arguments already in registers.
    func callNonClosure(_ ts: ThreadState, _ callee: Val, args: Args) throws(Unwind) -> Val {
        if case .object(let u) = callee {
            if u._withUnsafeGuaranteedRef({ $0.kind }) == .native {
                let n = Unmanaged<NativeObj>.fromOpaque(u.toOpaque())
                let (lo, hi, function) = n._withUnsafeGuaranteedRef { ($0.minArgs, $0.maxArgs, $0.function) }
                if args.count < lo || (hi >= 0 && args.count > hi) {
                    try checkArity(ts, n.takeUnretainedValue(), args.count)
                }
                return try function(ts, args)
            }
            let o = u.takeUnretainedValue()
            if o.kind == .boundMethod {
                let m = unsafeDowncast(o, to: BoundMethod.self)
                return try invoke(ts, m.receiver, m.member, args)
            }
            if o.kind == .closure {
                return try callFunction(ts, callee, Array(UnsafeBufferPointer(start: args.base, count: args.count)))
            }
        }
        throw ts.error("TypeError", "'\(callee.typeName)' object is not callable")
    }

    /// Calls any callable value from Swift, running Conc code in a nested dispatch loop.
    func callFunction(_ ts: ThreadState, _ f: Val, _ args: [Val]) throws(Unwind) -> Val {
        try args.withUnsafeBufferPointer { args throws(Unwind) in try callFunction(ts, f, args) }
    }

    /// `callFunction` with the arguments in a buffer (no array to make per call).
    func callFunction(_ ts: ThreadState, _ f: Val, _ args: UnsafeBufferPointer<Val>) throws(Unwind) -> Val {
        let base = ts.top
        guard base + args.count + 1 < ts.stackCapacity, ts.nativeDepth < VM.maxNativeDepth else {
            throw ts.error("RecursionError", "maximum recursion depth exceeded")
        }
        for (i, a) in args.enumerated() { ts.stack[base + i] = a }
        if case .object(let u) = f, u.takeUnretainedValue().kind == .closure {
            try pushFrame(ts, Unmanaged<Closure>.fromOpaque(u.toOpaque()), base: base, argc: args.count, isEntry: true)
            ts.nativeDepth += 1
            defer { ts.nativeDepth -= 1 }
            return try execute(ts)
        }
        return try callNonClosure(ts, f, args: Args(base: ts.stack + base, count: args.count))
    }

    /// `receiver.member(args)`.
    func invoke(_ ts: ThreadState, _ receiver: Val, _ member: MemberRef, _ args: Args) throws(Unwind) -> Val {
        if case .object(let u) = receiver {
            // Borrowed, not retained: the receiver sits in a register, a root, for the
            // whole call.
            switch u._withUnsafeGuaranteedRef({ $0.kind }) {
            case .list:
                return try Unmanaged<ListObj>.fromOpaque(u.toOpaque()).borrow { l throws(Unwind) in
                    try listMethod(ts, l, member, args)
                }
            case .string:
                if member.id == .unknown { throw noMethod(ts, "string", member) }
                return try Unmanaged<StrObj>.fromOpaque(u.toOpaque()).borrow { s throws(Unwind) in
                    try stringMethod(ts, s, member.id, args)
                }
            case .map:
                return try Unmanaged<MapObj>.fromOpaque(u.toOpaque()).borrow { m throws(Unwind) in
                    try mapMethod(ts, m, member, args)
                }
            case .handle:
                let o = u.takeUnretainedValue()
                let h = unsafeDowncast(o, to: HandleObj.self)
                if let r = try h.method(self, ts, member, args) { return r }
                throw noMethod(ts, receiver.typeName, member)
            default:
                break
            }
        }
        if member.id == .enter || member.id == .exit { throw noMethod(ts, receiver.typeName, member) }
        // An attribute holding a function (none of the built-in values have one yet) or
        // a missing method.
        let f = try getMember(ts, receiver, member)
        return try callFunction(ts, f, Array(UnsafeBufferPointer(start: args.base, count: args.count)))
    }

    /// `receiver.member` without a call: an attribute, or a bound method.
    func getMember(_ ts: ThreadState, _ receiver: Val, _ member: MemberRef) throws(Unwind) -> Val {
        if let o = receiver.obj {
            switch o.kind {
            case .error:
                let e = unsafeDowncast(o, to: ErrorObj.self)
                switch member.id {
                case .kind: return string(e.errorKind)
                case .message: return string(e.message)
                case .trace: return list(e.trace.map { string($0) })
                case .cause: return e.cause
                default: break
                }
            case .list, .string, .map:
                if VM.hasMethod(o.kind, member.id) {
                    return Val(heap.adopt(BoundMethod(receiver: receiver, member: member)))
                }
            case .handle:
                let h = unsafeDowncast(o, to: HandleObj.self)
                if let v = try h.attribute(self, ts, member) { return v }
                if h.responds(to: member.id) {
                    return Val(heap.adopt(BoundMethod(receiver: receiver, member: member)))
                }
            default:
                break
            }
        }
        throw ts.error("AttributeError", "'\(receiver.typeName)' object has no attribute '\(member.name)'")
    }
}
