// The pthread objects the GIL and the parkers are made of. They live on the heap:
// a pthread mutex or condition variable must never move once used.

#if canImport(Glibc)
import Glibc
#endif

func makeMutex() -> UnsafeMutablePointer<pthread_mutex_t> {
    let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(m, nil)
    return m
}

/// A condition variable whose timed waits use the monotonic clock (immune to changes
/// of the wall clock).
func makeMonotonicCondition() -> UnsafeMutablePointer<pthread_cond_t> {
    let c = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    var attr = pthread_condattr_t()
    pthread_condattr_init(&attr)
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
    pthread_cond_init(c, &attr)
    pthread_condattr_destroy(&attr)
    return c
}

func freeMutex(_ m: UnsafeMutablePointer<pthread_mutex_t>) {
    pthread_mutex_destroy(m)
    m.deallocate()
}

func freeCondition(_ c: UnsafeMutablePointer<pthread_cond_t>) {
    pthread_cond_destroy(c)
    c.deallocate()
}

/// Waits on `cond` (with `mutex` held) for at most `nanos` nanoseconds; returns 0 or
/// ETIMEDOUT.
@discardableResult
func timedWait(_ cond: UnsafeMutablePointer<pthread_cond_t>, _ mutex: UnsafeMutablePointer<pthread_mutex_t>,
               nanos: Int) -> Int32 {
    var deadline = timespec()
    clock_gettime(CLOCK_MONOTONIC, &deadline)
    // At most a day per wait, so the sum cannot overflow; callers loop on their deadline.
    let total = deadline.tv_nsec + min(max(nanos, 0), 86_400 * 1_000_000_000)
    deadline.tv_sec += total / 1_000_000_000
    deadline.tv_nsec = total % 1_000_000_000
    return pthread_cond_timedwait(cond, mutex, &deadline)
}
