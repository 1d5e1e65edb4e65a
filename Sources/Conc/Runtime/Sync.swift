// Lock, Semaphore, Event and Queue. Their state is ordinary VM data guarded by the
// GIL; waiting goes through `VM.block`, which releases the GIL and parks the thread.

/// A lock or a semaphore: `acquire`, `acquire(timeout)`, `release`, and `with`.
class AcquirableHandle: WaitableHandle {
    func acquire(_ vm: VM, _ ts: ThreadState, timeout: Double?) throws(Unwind) -> Bool { false }
    func release(_ vm: VM, _ ts: ThreadState) throws(Unwind) {}

    override func responds(to m: Member) -> Bool { [.acquire, .release, .enter, .exit].contains(m) }

    override func method(_ vm: VM, _ ts: ThreadState, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        switch m.id {
        case .acquire:
            try vm.argCount(ts, m, args, 0...1)
            return .bool(try acquire(vm, ts, timeout: args.count == 1 ? try vm.timeoutArg(ts, args[0]) : nil))
        case .release:
            try vm.argCount(ts, m, args, 0...0)
            try release(vm, ts)
            return .nil
        case .enter:
            _ = try acquire(vm, ts, timeout: nil)
            return Val(self)
        case .exit:
            try release(vm, ts)
            return .nil
        default:
            return nil
        }
    }
}

final class LockObj: AcquirableHandle {
    /// The holder while it lives (cleared when it ends holding the lock).
    unowned(unsafe) var owner: ThreadState?
    private(set) var isLocked = false
    /// The name of the thread that holds it (kept after that thread ends).
    private(set) var ownerName = ""

    override var typeName: String { "lock" }
    override func responds(to m: Member) -> Bool { m == .locked || super.responds(to: m) }

    override func acquire(_ vm: VM, _ ts: ThreadState, timeout: Double?) throws(Unwind) -> Bool {
        guard try vm.block(ts, on: .lock(self), timeout: timeout, until: { !self.isLocked }) else { return false }
        isLocked = true
        owner = ts
        ownerName = ts.name
        ts.heldLocks.append(self)
        return true
    }

    override func release(_ vm: VM, _ ts: ThreadState) throws(Unwind) {
        guard isLocked else { throw ts.error("RuntimeError", "release unlocked lock") }
        // As in Python, any thread may release a lock.
        if let o = owner, let i = o.heldLocks.firstIndex(where: { $0 === self }) { o.heldLocks.remove(at: i) }
        isLocked = false
        owner = nil
        ownerForkedAway = false
        vm.wakeAll(self)
    }

    /// Its holder ended without releasing it, or was left behind by a fork: it stays
    /// locked, held by nobody alive.
    func ownerFinished(_ ts: ThreadState, forked: Bool = false) {
        guard owner === ts else { return }
        owner = nil
        if forked { ownerForkedAway = true }
    }

    /// Whether the holder is a thread of the parent process that the fork left behind.
    private(set) var ownerForkedAway = false

    override func method(_ vm: VM, _ ts: ThreadState, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        guard m.id == .locked else { return try super.method(vm, ts, m, args) }
        try vm.argCount(ts, m, args, 0...0)
        return .bool(isLocked)
    }
}

final class SemaphoreObj: AcquirableHandle {
    private(set) var value: Int

    init(value: Int) { self.value = value }

    override var typeName: String { "semaphore" }

    override func acquire(_ vm: VM, _ ts: ThreadState, timeout: Double?) throws(Unwind) -> Bool {
        guard try vm.block(ts, on: .semaphore(self), timeout: timeout, until: { self.value > 0 }) else { return false }
        value -= 1
        return true
    }

    override func release(_ vm: VM, _ ts: ThreadState) throws(Unwind) {
        // The count is an int: past its largest value a release is an error, not a trap.
        let (next, overflow) = value.addingReportingOverflow(1)
        if overflow { throw ts.error("OverflowError", "semaphore value would exceed 9223372036854775807") }
        value = next
        vm.wakeAll(self)
    }
}

final class EventObj: WaitableHandle {
    private(set) var isSet = false
    /// Bumped by every `set()`: a waiter returns true if the event was set at any time
    /// during its wait, even if it was cleared again before the waiter ran (as Python's).
    private var generation = 0

    override var typeName: String { "event" }
    override func responds(to m: Member) -> Bool { [.set, .clear, .is_set, .wait].contains(m) }

    override func method(_ vm: VM, _ ts: ThreadState, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        switch m.id {
        case .set:
            try vm.argCount(ts, m, args, 0...0)
            isSet = true
            generation += 1
            vm.wakeAll(self)
            return .nil
        case .clear:
            try vm.argCount(ts, m, args, 0...0)
            isSet = false
            return .nil
        case .is_set:
            try vm.argCount(ts, m, args, 0...0)
            return .bool(isSet)
        case .wait:
            try vm.argCount(ts, m, args, 0...1)
            let timeout = args.count == 1 ? try vm.timeoutArg(ts, args[0]) : nil
            let start = generation
            return .bool(try vm.block(ts, on: .event(self), timeout: timeout) { self.isSet || self.generation != start })
        default:
            return nil
        }
    }
}

final class QueueObj: WaitableHandle {
    /// 0: unbounded.
    let capacity: Int
    private var items: [Val] = []
    private var head = 0

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { items.count - head }
    var isFull: Bool { capacity > 0 && count >= capacity }

    override var typeName: String { "queue" }
    override func responds(to m: Member) -> Bool { [.put, .get, .size, .empty].contains(m) }

    override func trace(_ marker: inout Marker) {
        for i in head..<items.count { marker.mark(items[i]) }
    }

    private func take() -> Val {
        let v = items[head]
        items[head] = .nil
        head += 1
        if head >= 64 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return v
    }

    override func method(_ vm: VM, _ ts: ThreadState, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        switch m.id {
        case .put:
            try vm.argCount(ts, m, args, 1...2)
            let timeout = args.count == 2 ? try vm.timeoutArg(ts, args[1]) : nil
            let v = args[0]
            guard try vm.block(ts, on: .queuePut(self), timeout: timeout, until: { !self.isFull }) else {
                throw ts.error("Timeout", "put timed out after \(formatSeconds(timeout ?? 0)) s: the queue is full")
            }
            items.append(v)
            vm.wakeAll(self)
            return .nil
        case .get:
            try vm.argCount(ts, m, args, 0...1)
            let timeout = args.count == 1 ? try vm.timeoutArg(ts, args[0]) : nil
            guard try vm.block(ts, on: .queueGet(self), timeout: timeout, until: { self.count > 0 }) else {
                throw ts.error("Timeout", "get timed out after \(formatSeconds(timeout ?? 0)) s: the queue is empty")
            }
            let v = take()
            vm.wakeAll(self)
            return v
        case .size:
            try vm.argCount(ts, m, args, 0...0)
            return .int(count)
        case .empty:
            try vm.argCount(ts, m, args, 0...0)
            return .bool(count == 0)
        default:
            return nil
        }
    }
}
