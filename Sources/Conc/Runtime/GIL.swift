// The global interpreter lock.
//
// One per interpreter. A thread runs bytecode, or touches any object, global or
// interpreter table, only while it holds the GIL; that single rule is what makes the
// VM's unsynchronised data (the heap, `Val`'s unmanaged references, every object)
// safe to share between OS threads. It is a pthread mutex guarding a little state and
// two condition variables, never a Swift task or actor: a thread waiting for the GIL
// must really block, and a thread holding it must be an ordinary OS thread.
//
// Switching. The holder never gives the GIL up on a timer of its own. A thread that
// wants it waits on `released` for one switch interval (5 ms by default); if the
// holder has not let go by then and nobody else took the GIL meanwhile, the waiter
// sets `dropRequested`. The holder reads that atomic flag at the dispatch loop's safe
// point, which comes every 64 instructions from an independent countdown, so the drop
// lands between *any* two instructions: `counter += 1` (load, add, store) can lose
// updates, as the seeds say it must. The dropper then waits on `handedOver` until
// another thread has actually taken the GIL before queueing for it again; without
// that forced hand-off a CPU-bound thread would take the GIL straight back, since it
// is already running while the woken waiter is still being scheduled.
//
// Convoys. CPython makes a thread that comes back from a blocking call (a sleep, a
// read) wait a whole interval beside a CPU-bound thread before asking for the GIL,
// so a 1 ms sleep wakes about 5 ms late. Here such a thread asks at once and has
// priority over threads that were merely switched out: its request is honoured at
// the holder's next safe point, microseconds away. A thread that blocks often still
// runs little, so the CPU-bound thread keeps the machine; the I/O thread just stops
// queueing behind it.
//
// Statistics (switches, drop requests, per-thread held and waited seconds) are kept
// under the mutex; `gil_stats()` and `--gil-stats` read them.

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

final class GIL: @unchecked Sendable {
    // @unchecked Sendable: every stored property is read and written under `mutex`,
    // except `dropRequested`, which is atomic.

    /// Set by a waiter that has waited a whole interval (or returns from a blocking
    /// call); the holder drops the GIL at its next safe point.
    let dropRequested = Atomic<Bool>(false)

    private var mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Signalled when the GIL is released.
    private var released: UnsafeMutablePointer<pthread_cond_t>
    /// Signalled when a thread takes the GIL (the dropper waits for a real hand-off).
    private var handedOver: UnsafeMutablePointer<pthread_cond_t>

    private var locked = false
    private var holder: ObjectIdentifier?
    /// Bumped at every acquisition.
    private var acquisitions = 0
    private var waiters = 0
    /// Waiters back from a blocking call, which go first.
    private var priorityWaiters = 0
    private var intervalNanos: Int

    /// Where spans of running and waiting go when the program is traced (set before
    /// any thread runs, or in a forked child).
    var tracer: Tracer?

    private(set) var switches = 0
    private(set) var dropRequests = 0

    init(interval: Double) {
        intervalNanos = GIL.nanos(interval)
        intervalSeconds = GIL.atLeastAMicrosecond(interval)
        mutex = makeMutex()
        released = makeMonotonicCondition()
        handedOver = makeMonotonicCondition()
    }

    deinit {
        freeCondition(released)
        freeCondition(handedOver)
        freeMutex(mutex)
    }

    /// An interval in nanoseconds, at least a microsecond. One too long for an Int
    /// (1e10 s, inf) becomes a day: `timedWait` waits at most that long at a time
    /// anyway, and a day without a forced switch is, in practice, never.
    private static func nanos(_ seconds: Double) -> Int {
        Int(min(atLeastAMicrosecond(seconds), 86_400) * 1e9)
    }

    /// An interval as the GIL keeps it: nan, zero and negatives become a microsecond.
    private static func atLeastAMicrosecond(_ seconds: Double) -> Double { seconds > 1e-6 ? seconds : 1e-6 }

    /// The switch interval as set, in seconds (what `switch_interval()` reports).
    private var intervalSeconds: Double

    /// The switch interval in seconds.
    var interval: Double {
        get { withMutex { intervalSeconds } }
        set {
            withMutex {
                intervalSeconds = GIL.atLeastAMicrosecond(newValue)
                intervalNanos = GIL.nanos(newValue)
            }
        }
    }

    private func withMutex<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Takes the GIL for `ts`, blocking until it is free. `priority`: the thread comes
    /// back from a blocking call and asks the holder to let go at once.
    /// `queuedSince`: when the thread began wanting the GIL back, if earlier than now
    /// (a forced hand-off waits for another thread to take it first).
    func acquire(_ ts: ThreadState, priority: Bool, queuedSince: Double = 0) {
        pthread_mutex_lock(mutex)
        let me = ObjectIdentifier(ts)
        var waitStart = queuedSince
        if locked || (!priority && priorityWaiters > 0) {
            if waitStart == 0 { waitStart = monotonicSeconds() }
            waiters += 1
            if priority {
                priorityWaiters += 1
                requestDrop()
            }
            while locked || (!priority && priorityWaiters > 0) {
                let seen = acquisitions
                if timedWait(released, mutex, nanos: intervalNanos) == ETIMEDOUT, locked, acquisitions == seen {
                    requestDrop()
                }
            }
            waiters -= 1
            if priority { priorityWaiters -= 1 }
        }
        locked = true
        if holder != me { switches += 1 }
        holder = me
        acquisitions += 1
        dropRequested.store(false, ordering: .relaxed)
        pthread_cond_broadcast(handedOver)
        let now = monotonicSeconds()
        if waitStart > 0 {
            ts.gilWaited += now - waitStart
            tracer?.span("waiting for the GIL", ts, from: waitStart, to: now)
        }
        ts.gilHeldSince = now
        ts.holdsGIL = true
        pthread_mutex_unlock(mutex)
    }

    /// Gives the GIL up (before a blocking call, or when the thread ends).
    func release(_ ts: ThreadState) {
        pthread_mutex_lock(mutex)
        let now = monotonicSeconds()
        ts.gilHeld += now - ts.gilHeldSince
        tracer?.span("running", ts, from: ts.gilHeldSince, to: now)
        ts.holdsGIL = false
        locked = false
        if priorityWaiters > 0 { pthread_cond_broadcast(released) } else { pthread_cond_signal(released) }
        pthread_mutex_unlock(mutex)
    }

    /// At a safe point: when another thread asked for the GIL, hand it over and queue
    /// for it again.
    @inline(__always)
    func yieldIfRequested(_ ts: ThreadState) {
        if dropRequested.load(ordering: .relaxed) { handOver(ts) }
    }

    private func handOver(_ ts: ThreadState) {
        pthread_mutex_lock(mutex)
        let now = monotonicSeconds()
        ts.gilHeld += now - ts.gilHeldSince
        tracer?.span("running", ts, from: ts.gilHeldSince, to: now)
        ts.holdsGIL = false
        locked = false
        dropRequested.store(false, ordering: .relaxed)
        if priorityWaiters > 0 { pthread_cond_broadcast(released) } else { pthread_cond_signal(released) }
        let seen = acquisitions
        while acquisitions == seen && waiters > 0 {
            timedWait(handedOver, mutex, nanos: intervalNanos)
        }
        pthread_mutex_unlock(mutex)
        acquire(ts, priority: false, queuedSince: now)
    }

    private func requestDrop() {
        if !dropRequested.load(ordering: .relaxed) {
            dropRequested.store(true, ordering: .relaxed)
            dropRequests += 1
        }
    }

    /// In a forked child: `ts`, the only thread, holds the GIL. The old mutex and
    /// condition variables are abandoned (a thread that no longer exists may have held
    /// the mutex at the fork).
    func resetAfterFork(holder ts: ThreadState) {
        mutex = makeMutex()
        released = makeMonotonicCondition()
        handedOver = makeMonotonicCondition()
        locked = true
        holder = ObjectIdentifier(ts)
        waiters = 0
        priorityWaiters = 0
        dropRequested.store(false, ordering: .relaxed)
    }

    /// Switches and drop requests so far.
    var counters: (switches: Int, dropRequests: Int) {
        withMutex { (switches, dropRequests) }
    }
}
