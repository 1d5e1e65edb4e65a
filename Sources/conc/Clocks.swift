// The clocks `:time` reads, and the prompt's idle ticks.

#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock.
func monotonicNow() -> Double { seconds(CLOCK_MONOTONIC) }

/// CPU seconds this process has used, in all its threads.
func processCPUNow() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

private func seconds(_ clock: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(clock, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
