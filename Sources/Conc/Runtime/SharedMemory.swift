// `SharedArray(n)` and `SharedLock()`: memory that forked children share with their
// parent instead of copying. Both live in anonymous shared mappings made before the
// fork, so every process spawned after them sees the same pages.
//
// A slot of a shared array is read and written with single machine loads and stores:
// `a[0] += 1` is a read, an add and a write, and two processes doing it at once lose
// updates exactly as two threads do with a list. A `SharedLock` is a process-shared,
// robust, error-checking pthread mutex in its own shared page. Robust: when a holder
// dies holding it, the next `acquire` succeeds (the data it guarded may be half
// updated) instead of waiting forever. Error-checking: acquiring it twice from one
// thread raises instead of hanging.

#if canImport(Glibc)
import Glibc
#endif

/// `n` bytes of zeroed memory shared with forked children, or nil.
private func sharedMapping(_ bytes: Int) -> UnsafeMutableRawPointer? {
    let p = mmap(nil, max(bytes, 1), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)
    return p == MAP_FAILED ? nil : p
}

final class SharedArray: HandleObj {
    let count: Int
    private let slots: UnsafeMutablePointer<Int>

    init?(count: Int) {
        guard let p = sharedMapping(count * MemoryLayout<Int>.stride) else { return nil }
        self.count = count
        slots = p.bindMemory(to: Int.self, capacity: max(count, 1))
    }

    deinit { munmap(slots, max(count * MemoryLayout<Int>.stride, 1)) }

    override var typeName: String { "shared_array" }
    override var byteSize: Int { 48 + count * 8 }
    override var description: String {
        let shown = (0..<min(count, 100)).map { String(slots[$0]) }.joined(separator: ", ")
        return "SharedArray([\(shown)\(count > 100 ? ", ..." : "")])"
    }

    override var length: Int? { count }

    override func getItem(_ vm: VM, _ ts: ThreadState, _ i: Val) throws(Unwind) -> Val {
        .int(slots[try vm.sequenceIndex(ts, i, count: count, what: "shared array")])
    }

    override func setItem(_ vm: VM, _ ts: ThreadState, _ i: Val, _ v: Val) throws(Unwind) {
        let j = try vm.sequenceIndex(ts, i, count: count, what: "shared array")
        guard case .int(let x) = v else {
            throw ts.error("TypeError", "a shared array holds ints, not \(v.typeName)")
        }
        slots[j] = x
    }

    /// `for x in a` walks a snapshot of the values.
    override func iterator(_ vm: VM, _ ts: ThreadState) throws(Unwind) -> Val? {
        vm.list((0..<count).map { .int(slots[$0]) })
    }
}

/// Robust, error-checking, process-shared pthread mutexes in one shared mapping: the
/// mapping lives as long as this object (in this process; others keep their own).
final class SharedMutexes {
    private let base: UnsafeMutablePointer<pthread_mutex_t>
    let count: Int

    init?(count: Int) {
        guard let p = sharedMapping(count * MemoryLayout<pthread_mutex_t>.stride) else { return nil }
        base = p.bindMemory(to: pthread_mutex_t.self, capacity: count)
        self.count = count
        var attr = pthread_mutexattr_t()
        pthread_mutexattr_init(&attr)
        pthread_mutexattr_setpshared(&attr, Int32(PTHREAD_PROCESS_SHARED))
        pthread_mutexattr_setrobust(&attr, Int32(PTHREAD_MUTEX_ROBUST))
        pthread_mutexattr_settype(&attr, Int32(PTHREAD_MUTEX_ERRORCHECK))
        for i in 0..<count { pthread_mutex_init(base + i, &attr) }
        pthread_mutexattr_destroy(&attr)
    }

    deinit { munmap(base, count * MemoryLayout<pthread_mutex_t>.stride) }

    /// Whether a lock call's result `r` means this thread now holds mutex `i`.
    private func took(_ i: Int, _ r: Int32) -> Bool {
        if r == EOWNERDEAD {
            // The holder died holding it; it is ours now.
            pthread_mutex_consistent(base + i)
            return true
        }
        return r == 0
    }

    /// Takes mutex `i` without waiting; the error when it cannot (EBUSY, EDEADLK).
    func tryLock(_ i: Int) -> Int32 {
        let r = pthread_mutex_trylock(base + i)
        return took(i, r) ? 0 : r
    }

    /// Takes mutex `i`, waiting without the GIL in slices short enough for Ctrl-C and
    /// `exit()` elsewhere to get through. False when `deadline` passes first.
    func lock(_ i: Int, _ vm: VM, _ ts: ThreadState, deadline: Double?, label: String) throws(Unwind) -> Bool {
        let first = tryLock(i)
        if first == 0 { return true }
        if first == EDEADLK { throw ts.error("RuntimeError", "this thread already holds \(label)") }
        vm.output.flush()
        while true {
            var slice = 0.05
            if let deadline {
                slice = min(slice, deadline - monotonicSeconds())
                if slice <= 0 { return false }
            }
            // Timed locking takes a wall-clock deadline; a slice is short, so a clock
            // change costs at most one slice.
            var until = timespec()
            clock_gettime(CLOCK_REALTIME, &until)
            let ns = until.tv_nsec + Int(slice * 1e9)
            until.tv_sec += ns / 1_000_000_000
            until.tv_nsec = ns % 1_000_000_000
            vm.gil.release(ts)
            let start = monotonicSeconds()
            let r = pthread_mutex_timedlock(base + i, &until)
            vm.tracer?.span("blocked: \(label)", ts, from: start, to: monotonicSeconds())
            vm.gil.acquire(ts, priority: true)
            let got = took(i, r)
            do {
                try vm.checkStop(ts)
            } catch {
                if got { pthread_mutex_unlock(base + i) }
                throw error
            }
            if got { return true }
            if r != ETIMEDOUT && r != EBUSY {
                throw ts.error("OSError", "cannot acquire \(label): \(String(cString: strerror(r)))")
            }
        }
    }

    /// Releases mutex `i`; false if this thread does not hold it.
    @discardableResult
    func unlock(_ i: Int) -> Bool { pthread_mutex_unlock(base + i) == 0 }
}

final class SharedLockObj: AcquirableHandle {
    private let mutex: SharedMutexes

    private init(mutex: SharedMutexes) { self.mutex = mutex }

    static func make() -> SharedLockObj? { SharedMutexes(count: 1).map { SharedLockObj(mutex: $0) } }

    override var typeName: String { "shared_lock" }
    override func responds(to m: Member) -> Bool { m == .locked || super.responds(to: m) }

    override func acquire(_ vm: VM, _ ts: ThreadState, timeout: Double?) throws(Unwind) -> Bool {
        try mutex.lock(0, vm, ts, deadline: timeout.map { monotonicSeconds() + $0 }, label: label)
    }

    override func release(_ vm: VM, _ ts: ThreadState) throws(Unwind) {
        if !mutex.unlock(0) {
            throw ts.error("RuntimeError", "release of \(label), which this thread does not hold")
        }
    }

    override func method(_ vm: VM, _ ts: ThreadState, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        guard m.id == .locked else { return try super.method(vm, ts, m, args) }
        try vm.argCount(ts, m, args, 0...0)
        if mutex.tryLock(0) == 0 {
            mutex.unlock(0)
            return .bool(false)
        }
        return .bool(true)
    }
}
