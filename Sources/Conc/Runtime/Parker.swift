// Where a Conc thread sleeps while it waits for a lock, a semaphore, an event, a queue,
// a join or a timeout.
//
// The synchronisation objects keep their state as ordinary VM data guarded by the GIL;
// a thread that must wait records what it waits for, releases the GIL and parks here.
// Whoever changes the state (holding the GIL) unparks the waiters, which take the GIL
// back and look again. A permit that arrives before the thread parks is kept, so a
// wake-up between releasing the GIL and parking is never lost.

#if canImport(Glibc)
import Glibc
#endif

final class Parker: @unchecked Sendable {
    // @unchecked Sendable: `permit` is read and written only under `mutex`.
    private var mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var cond: UnsafeMutablePointer<pthread_cond_t>
    private var permit = false

    init() {
        mutex = makeMutex()
        cond = makeMonotonicCondition()
    }

    deinit {
        freeCondition(cond)
        freeMutex(mutex)
    }

    /// Blocks until unparked or until `deadline` (monotonic seconds; nil: none).
    func park(until deadline: Double?) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !permit {
            guard let deadline else {
                pthread_cond_wait(cond, mutex)
                continue
            }
            // At most a day per wait, so a huge timeout cannot overflow the timespec.
            let left = min(deadline - monotonicSeconds(), 86_400)
            if left <= 0 { break }
            timedWait(cond, mutex, nanos: Int(left * 1e9))
        }
        permit = false
    }

    /// In a forked child: fresh pthread objects (whoever held the old mutex at the fork
    /// may not exist here).
    func resetAfterFork() {
        mutex = makeMutex()
        cond = makeMonotonicCondition()
        permit = false
    }

    /// Wakes the parked thread, or the next `park` if it has not parked yet.
    func unpark() {
        pthread_mutex_lock(mutex)
        permit = true
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }
}
