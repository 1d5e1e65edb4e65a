// Waiting on file descriptors without the GIL, and non-blocking reads and writes: what
// process results and pipes are made of.
//
// Data is only ever moved with the GIL held, by non-blocking calls that never wait;
// a thread that must wait polls the descriptor with the GIL released. Two Conc threads
// using one pipe therefore never interleave partial messages, and a wait is never a
// system call that holds the GIL. The poll wakes at least every 50 ms so that Ctrl-C
// and `exit()` elsewhere reach a waiting thread.

#if canImport(Glibc)
import Glibc
#endif

enum Descriptors {
    /// What a non-blocking read found.
    enum ReadOutcome { case data, wouldBlock, endOfFile, failed(Int32) }

    /// A pipe whose ends an `exec` would close (a host running other programs must not
    /// hand them a child's result pipe).
    static func makePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    /// Reads whatever `fd` has now (it must be non-blocking) onto `buffer`.
    /// At most `limit` bytes are read: a pipe endpoint takes only the message it needs,
    /// leaving the rest for another process reading a copy of the same endpoint.
    static func readAvailable(_ fd: Int32, into buffer: inout [UInt8], limit: Int = .max) -> ReadOutcome {
        withUnsafeTemporaryAllocation(byteCount: 1 << 16, alignment: 16) { chunk in
            var outcome = ReadOutcome.wouldBlock
            var left = limit
            while left > 0 {
                let n = read(fd, chunk.baseAddress, min(chunk.count, left))
                if n > 0 {
                    buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<n]))
                    outcome = .data
                    left -= n
                    continue
                }
                if n == 0 { return .endOfFile }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return outcome }
                return .failed(errno)
            }
            return outcome
        }
    }

    /// Writes as much of `bytes[from...]` as `fd` takes now without blocking; returns
    /// the new offset, or the error (EPIPE when the reader is gone, without SIGPIPE).
    static func writeAvailable(_ fd: Int32, _ bytes: [UInt8], from: Int) -> Result<Int, Errno> {
        var at = from
        while at < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + at, bytes.count - at, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n > 0 {
                at += n
                continue
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { break }
            return .failure(Errno(code: errno))
        }
        return .success(at)
    }

    struct Errno: Error {
        var code: Int32
        var message: String { String(cString: strerror(code)) }
    }
}

extension VM {
    /// Waits, without the GIL, until `fd` is ready for `events` (POLLIN or POLLOUT) or
    /// has hung up. Returns false when `deadline` (monotonic seconds; nil: none) passes
    /// first. Raises what `checkStop` raises.
    func waitForDescriptor(_ ts: ThreadState, _ fd: Int32, _ events: Int32, deadline: Double?) throws(Unwind) -> Bool {
        try !waitForDescriptors(ts, [fd], events, deadline: deadline).isEmpty
    }

    /// Waits as `waitForDescriptor` does for any of `fds`; returns the ready ones (none
    /// when `deadline` passed).
    func waitForDescriptors(_ ts: ThreadState, _ fds: [Int32], _ events: Int32, deadline: Double?) throws(Unwind) -> [Int32] {
        output.flush()
        var polled = fds.map { pollfd(fd: $0, events: Int16(events), revents: 0) }
        while true {
            var wait = 50
            if let deadline {
                let left = deadline - monotonicSeconds()
                if left <= 0 { return [] }
                // Compared as doubles first: a huge timeout (1e16, inf) in milliseconds
                // does not fit in an Int.
                if left * 1000 < Double(wait) { wait = Int((left * 1000).rounded(.up)) }
            }
            gil.release(ts)
            let start = monotonicSeconds()
            let n = poll(&polled, nfds_t(polled.count), Int32(wait))
            tracer?.span("blocked: a pipe or a child process", ts, from: start, to: monotonicSeconds())
            gil.acquire(ts, priority: true)
            try checkStop(ts)
            if n > 0 { return polled.filter { $0.revents != 0 }.map(\.fd) }
        }
    }
}
