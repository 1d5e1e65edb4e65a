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

final class SharedLockObj: AcquirableHandle {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    private init(mutex: UnsafeMutablePointer<pthread_mutex_t>) { self.mutex = mutex }

    static func make() -> SharedLockObj? {
        guard let p = sharedMapping(MemoryLayout<pthread_mutex_t>.size) else { return nil }
        let mutex = p.bindMemory(to: pthread_mutex_t.self, capacity: 1)
        var attr = pthread_mutexattr_t()
        pthread_mutexattr_init(&attr)
        pthread_mutexattr_setpshared(&attr, Int32(PTHREAD_PROCESS_SHARED))
        pthread_mutexattr_setrobust(&attr, Int32(PTHREAD_MUTEX_ROBUST))
        pthread_mutexattr_settype(&attr, Int32(PTHREAD_MUTEX_ERRORCHECK))
        pthread_mutex_init(mutex, &attr)
        pthread_mutexattr_destroy(&attr)
        return SharedLockObj(mutex: mutex)
    }

    // Other processes may still use the mutex: only this process's mapping goes.
    deinit { munmap(mutex, MemoryLayout<pthread_mutex_t>.size) }

    override var typeName: String { "shared_lock" }
    override func responds(to m: Member) -> Bool { m == .locked || super.responds(to: m) }

    /// Takes the mutex if `r` (a lock call's result) says this thread now holds it.
    private func took(_ r: Int32) -> Bool {
        if r == EOWNERDEAD {
            // The holder died holding it; it is ours now.
            pthread_mutex_consistent(mutex)
            return true
        }
        return r == 0
    }

    override func acquire(_ vm: VM, _ ts: ThreadState, timeout: Double?) throws(Unwind) -> Bool {
        let first = pthread_mutex_trylock(mutex)
        if took(first) { return true }
        if first == EDEADLK { throw ts.error("RuntimeError", "this thread already holds \(label)") }
        let deadline = timeout.map { monotonicSeconds() + $0 }
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
            let r = pthread_mutex_timedlock(mutex, &until)
            vm.gil.acquire(ts, priority: true)
            let got = took(r)
            do {
                try vm.checkStop(ts)
            } catch {
                if got { pthread_mutex_unlock(mutex) }
                throw error
            }
            if got { return true }
            if r != ETIMEDOUT && r != EBUSY {
                throw ts.error("OSError", "cannot acquire \(label): \(String(cString: strerror(r)))")
            }
        }
    }

    override func release(_ vm: VM, _ ts: ThreadState) throws(Unwind) {
        if pthread_mutex_unlock(mutex) != 0 {
            throw ts.error("RuntimeError", "release of \(label), which this thread does not hold")
        }
    }

    override func method(_ vm: VM, _ ts: ThreadState, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        guard m.id == .locked else { return try super.method(vm, ts, m, args) }
        try vm.argCount(ts, m, args, 0...0)
        let r = pthread_mutex_trylock(mutex)
        if took(r) {
            pthread_mutex_unlock(mutex)
            return .bool(false)
        }
        return .bool(true)
    }
}
