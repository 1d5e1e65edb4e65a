// The base of runtime handles: threads, processes, locks, queues, pipes, pools, futures.
// Each kind overrides what it supports; the defaults raise the errors Python would.

class HandleObj: Obj {
    init() { super.init(kind: .handle) }

    /// How the handle prints, e.g. `<thread thread-1>` or `<lock>`.
    var description: String { "<\(typeName)>" }

    /// The attributes `attribute` answers (for the REPL's completion, which must not
    /// read them: reading one may have effects, such as reaping a process).
    var attributeNames: [Member] { [] }

    /// `handle.name` for attributes; nil when the handle has no such attribute.
    func attribute(_ vm: VM, _ ts: ThreadState, _ member: MemberRef) throws(Unwind) -> Val? { nil }

    /// Whether `handle.m(...)` is a method of this handle.
    func responds(to m: Member) -> Bool { false }

    /// `handle.name(args)`; nil when the handle has no such method.
    func method(_ vm: VM, _ ts: ThreadState, _ member: MemberRef, _ args: Args) throws(Unwind) -> Val? { nil }

    /// `len(handle)`; nil when it has no length.
    var length: Int? { nil }

    func getItem(_ vm: VM, _ ts: ThreadState, _ i: Val) throws(Unwind) -> Val {
        throw ts.error("TypeError", "'\(typeName)' object is not subscriptable")
    }

    func setItem(_ vm: VM, _ ts: ThreadState, _ i: Val, _ v: Val) throws(Unwind) {
        throw ts.error("TypeError", "'\(typeName)' object does not support item assignment")
    }

    /// The iteration source for `for x in handle`, or nil if it is not iterable.
    func iterator(_ vm: VM, _ ts: ThreadState) throws(Unwind) -> Val? { nil }

    /// Stores the next item in r[4]; false when done (see `VM.iterNext`). It gets no
    /// thread state: passing one through the dispatch loop's iteration step measured
    /// 1% slower on loops over strings; an override that needs it asks
    /// `VM.currentThreadState()`.
    func next(_ vm: VM, _ r: UnsafeMutablePointer<Val>) throws(Unwind) -> Bool { false }
}

extension VM {
    func handleSetIndex(_ ts: ThreadState, _ o: Obj, _ i: Val, _ v: Val) throws(Unwind) {
        try unsafeDowncast(o, to: HandleObj.self).setItem(self, ts, i, v)
    }

    func handleIterator(_ ts: ThreadState, _ o: Obj) throws(Unwind) -> Val {
        guard let it = try unsafeDowncast(o, to: HandleObj.self).iterator(self, ts) else {
            throw ts.error("TypeError", "'\(o.typeName)' object is not iterable")
        }
        return it
    }

    @inline(never)
    func handleIterNext(_ o: Obj, _ r: UnsafeMutablePointer<Val>) throws(Unwind) -> Bool {
        guard o.kind == .handle else { return false }
        return try unsafeDowncast(o, to: HandleObj.self).next(self, r)
    }
}
