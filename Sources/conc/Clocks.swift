// The clocks `:time` reads, and the prompt's idle ticks.

#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock.
func monotonicNow() -> Double { seconds(CLOCK_MONOTONIC) }

/// CPU seconds this process has used, in all its threads.
func processCPUNow() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

/// CPU seconds the child processes that have ended and been waited for used.
func childrenCPUNow() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

private func seconds(_ clock: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(clock, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
