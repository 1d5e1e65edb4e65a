// Waiting without holding the GIL: the one loop every blocking primitive uses, the
// live-thread registry it relies on, and the bindings of OS threads to thread states.

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a blocked thread waits for (for wake-ups and for deadlock reports).
enum BlockReason {
    case lock(LockObj)
    case semaphore(SemaphoreObj)
    case event(EventObj)
    case queueGet(QueueObj)
    case queuePut(QueueObj)
    case join(ThreadHandle)
    /// `result()` or `exception()` of a future.
    case future(FutureObj)
    /// `as_completed` or `wait` on several futures.
    case futures(WaitableHandle)
    /// A pool's idle worker, waiting for a task.
    case poolIdle(PoolObj)
    /// The main thread at the program's end, waiting for every spawned thread.
    case exitJoin
    /// `sleep`: only a timeout (or an interrupt) ends it.
    case sleep

    /// The object whose state changes wake the waiter.
    var waitable: WaitableHandle? {
        switch self {
        case .lock(let o): return o
        case .semaphore(let o): return o
        case .event(let o): return o
        case .queueGet(let o), .queuePut(let o): return o
        case .join(let o): return o
        case .future(let o): return o
        case .futures(let o): return o
        case .poolIdle(let o): return o
        case .exitJoin, .sleep: return nil
        }
    }

    var isJoin: Bool {
        switch self {
        case .join, .exitJoin: return true
        default: return false
        }
    }
}

/// A handle threads can wait on.
class WaitableHandle: HandleObj {
    /// Threads parked until this object's state changes.
    var waiters: [ThreadState] = []
    /// `lock#1`, `queue#2`...: how deadlock reports name it.
    var label = ""

    func removeWaiter(_ ts: ThreadState) {
        if let i = waiters.firstIndex(where: { $0 === ts }) { waiters.remove(at: i) }
    }
}

extension VM {
    /// Blocks `ts` until `ready()` holds, releasing the GIL while it waits. Returns
    /// false if `timeout` seconds (nil: no limit) pass first. Raises `DeadlockError`
    /// when this wait, with every other live thread's, can never end; `Interrupt` in
    /// the main thread after Ctrl-C; and unwinds with `exit` after an `exit()` elsewhere.
    func block(_ ts: ThreadState, on reason: BlockReason, timeout: Double?,
               until ready: () -> Bool) throws(Unwind) -> Bool {
        if ready() { return true }
        let deadline = timeout.map { monotonicSeconds() + max(0, $0) }
        output.flush()
        while true {
            if let deadline, monotonicSeconds() >= deadline { return false }
            ts.blockedOn = reason
            ts.blockedTimed = deadline != nil
            reason.waitable?.waiters.append(ts)
            if deadline == nil { detectDeadlock(from: ts) }
            if ts.pendingError == nil && !stopRequested(ts) {
                gil.release(ts)
                let parked = monotonicSeconds()
                ts.parker.park(until: deadline)
                tracer?.span(reason.traceName, ts, from: parked, to: monotonicSeconds())
                gil.acquire(ts, priority: true)
            }
            reason.waitable?.removeWaiter(ts)
            ts.blockedOn = nil
            if let e = ts.pendingError {
                ts.pendingError = nil
                throw .thrown(e)
            }
            try checkStop(ts)
            if ready() { return true }
        }
    }

    /// Wakes a parked thread; it counts as runnable from now on.
    func unpark(_ ts: ThreadState) {
        ts.blockedOn = nil
        ts.parker.unpark()
    }

    /// Wakes every waiter of `w` (each looks at the state again).
    func wakeAll(_ w: WaitableHandle) {
        for t in w.waiters { unpark(t) }
    }

    /// Runs a blocking system call (a file read, a terminal read) without the GIL.
    func blocking(_ ts: ThreadState, _ body: () -> Void) throws(Unwind) {
        output.flush()
        gil.release(ts)
        let start = monotonicSeconds()
        body()
        tracer?.span("blocked: I/O", ts, from: start, to: monotonicSeconds())
        gil.acquire(ts, priority: true)
        try checkStop(ts)
    }

    func stopRequested(_ ts: ThreadState) -> Bool {
        pendingExitCode != nil || (ts === mainThread && interruptRequested.load(ordering: .relaxed))
    }

    /// Raises what another thread or the host asked for: `exit()` elsewhere, or Ctrl-C
    /// (in the main thread).
    func checkStop(_ ts: ThreadState) throws(Unwind) {
        if let code = pendingExitCode { throw .exit(code) }
        if ts === mainThread && interruptRequested.load(ordering: .relaxed) {
            interruptRequested.store(false, ordering: .relaxed)
            throw ts.error("Interrupt", "interrupted")
        }
    }

    /// A `timeout` argument: seconds, or nil for none.
    func timeoutArg(_ ts: ThreadState, _ v: Val) throws(Unwind) -> Double? {
        let s: Double
        switch v {
        case .nil: return nil
        case .int(let i): s = Double(i)
        case .double(let d): s = d
        default: throw ts.error("TypeError", "timeout must be a number, not \(v.typeName)")
        }
        if s < 0 || s.isNaN { throw ts.error("ValueError", "timeout must be a non-negative number") }
        return s
    }

    // MARK: Live threads

    /// Adds a thread that runs (or waits to run) Conc code; the collector marks it.
    func register(_ ts: ThreadState) { liveThreads.append(ts) }

    /// Removes a thread that has left Conc code, clearing its stack so no stale value
    /// survives until it runs again. The main thread keeps its locks between host calls
    /// (a REPL entry may take a lock and the next release it); any other thread that
    /// leaves has finished with them.
    func unregister(_ ts: ThreadState) {
        if let i = liveThreads.firstIndex(where: { $0 === ts }) { liveThreads.remove(at: i) }
        ts.clearStack()
        if ts === mainThread { return }
        for l in ts.heldLocks { l.ownerFinished(ts) }
        ts.heldLocks.removeAll()
    }

    // MARK: OS threads

    static func osThreadID() -> UInt { UInt(bitPattern: Int(bitPattern: pthread_self())) }

    /// The thread state the calling OS thread runs (it holds the GIL).
    func currentThreadState() -> ThreadState? { osThreads.bound(VM.osThreadID()) }

    func bindCurrentOSThread(to ts: ThreadState) { osThreads.bind(VM.osThreadID(), ts) }

    func unbindCurrentOSThread() { osThreads.bind(VM.osThreadID(), nil) }

    /// Runs `body` holding the GIL on a thread state of the calling OS thread: the one
    /// it already runs (at once if it holds the GIL: a host function calling back into
    /// its interpreter), else the main state if no other host thread is in, else a host
    /// state of its own for the length of the call.
    func withGIL<R, E: Error>(_ body: (ThreadState) throws(E) -> R) throws(E) -> R {
        let me = VM.osThreadID()
        if let ts = osThreads.bound(me) {
            if ts.holdsGIL { return try body(ts) }
            gil.acquire(ts, priority: true)
            defer { gil.release(ts) }
            return try body(ts)
        }
        let ts = osThreads.claim(me, main: mainThread) { () -> ThreadState in
            hostCounter += 1
            return ThreadState(vm: self, name: "host-\(hostCounter)", maxFrames: options.recursionLimit)
        }
        gil.acquire(ts, priority: false)
        register(ts)
        defer {
            unregister(ts)
            gil.release(ts)
            osThreads.leave(me, main: mainThread)
        }
        return try body(ts)
    }
}

/// Which thread state each OS thread runs: spawned threads for their whole life, host
/// threads for the length of a call. Read from any thread before it holds the GIL, so
/// it has its own lock.
final class OSThreadTable: @unchecked Sendable {
    // @unchecked Sendable: the stored properties are read and written only under
    // `mutex`; the thread states themselves are used only by their own OS thread.
    private var mutex = makeMutex()
    private var states: [UInt: ThreadState] = [:]
    private var mainInUse = false
    private var idleHosts: [ThreadState] = []

    deinit { freeMutex(mutex) }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    func bound(_ thread: UInt) -> ThreadState? {
        locked { states[thread] }
    }

    /// A state for a host thread entering the interpreter: the main state if it is
    /// free, else an idle host state, else `make()` (run under the lock).
    func claim(_ thread: UInt, main: ThreadState, make: () -> ThreadState) -> ThreadState {
        locked {
            let ts: ThreadState
            if !mainInUse {
                mainInUse = true
                ts = main
            } else {
                ts = idleHosts.popLast() ?? make()
            }
            states[thread] = ts
            return ts
        }
    }

    /// A host thread's call has ended: its state is free for the next one.
    func leave(_ thread: UInt, main: ThreadState) {
        locked {
            guard let ts = states.removeValue(forKey: thread) else { return }
            if ts === main { mainInUse = false } else { idleHosts.append(ts) }
        }
    }

    func bind(_ thread: UInt, _ ts: ThreadState?) {
        locked { states[thread] = ts }
    }

    /// In a forked child: the calling OS thread, running `ts`, is the only one.
    func resetAfterFork(_ ts: ThreadState) {
        mutex = makeMutex()
        states = [VM.osThreadID(): ts]
        idleHosts = []
    }
}
