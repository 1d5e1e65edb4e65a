// `Pipe()`: two connected endpoints that carry sendable values between processes (and
// threads). Each endpoint is one end of a Unix stream socket pair, so both directions
// work, and writing to a pipe whose other end is gone raises `BrokenPipeError` instead
// of killing the process with SIGPIPE (`MSG_NOSIGNAL`).
//
// A message is its wire-form length (8 bytes, little-endian) and the value's wire
// form. Endpoints are inherited by processes spawned after they were made, so several
// processes (and threads) may send or receive on copies of one endpoint. Each endpoint
// therefore has two process-shared mutexes beside it in shared memory: a receiver
// holds the endpoint's receive lock from the first byte of a message to its last, and
// reads no further; a sender holds the send lock while it writes its whole message. So
// messages never split or interleave, wherever the senders and receivers are (Python
// leaves this to the user). A thread waits for a lock or for data without the GIL
// (SharedMemory.swift, Descriptors.swift). As with any pipe, `recv` sees the end only
// when every copy of the other endpoint, in every process, is closed.

#if canImport(Glibc)
import Glibc
#endif

final class PipeEnd: HandleObj {
    private(set) var fd: Int32
    /// The pipe's four mutexes, shared by both endpoints and every process holding
    /// them; this endpoint receives under `receiveLock` and sends under `sendLock`.
    private let locks: SharedMutexes
    private let receiveLock: Int
    private let sendLock: Int
    /// The part of the message being received that has arrived (its length first).
    private var inbox: [UInt8] = []
    private var peerClosed = false

    init(fd: Int32, locks: SharedMutexes, receiveLock: Int, sendLock: Int) {
        self.fd = fd
        self.locks = locks
        self.receiveLock = receiveLock
        self.sendLock = sendLock
        Descriptors.setNonBlocking(fd)
    }

    deinit { if fd >= 0 { close(fd) } }

    override var typeName: String { "pipe" }
    override func responds(to m: Member) -> Bool { [.send, .recv, .close].contains(m) }

    override func method(_ vm: VM, _ ts: ThreadState, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        switch m.id {
        case .send:
            try vm.argCount(ts, m, args, 1...1)
            try send(vm, ts, args[0])
            return .nil
        case .recv:
            try vm.argCount(ts, m, args, 0...1)
            return try recv(vm, ts, timeout: args.count == 1 ? try vm.timeoutArg(ts, args[0]) : nil)
        case .close:
            try vm.argCount(ts, m, args, 0...0)
            closeEnd()
            return .nil
        default:
            return nil
        }
    }

    func closeEnd() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    private func requireOpen(_ ts: ThreadState, _ what: String) throws(Unwind) {
        if fd < 0 { throw ts.error("OSError", "\(what) on a closed pipe") }
    }

    func send(_ vm: VM, _ ts: ThreadState, _ v: Val) throws(Unwind) {
        try requireOpen(ts, "send")
        var w = WireWriter()
        try w.write(v, ts)
        var message: [UInt8] = []
        message.reserveCapacity(8 + w.bytes.count)
        withUnsafeBytes(of: UInt64(w.bytes.count).littleEndian) { message.append(contentsOf: $0) }
        message += w.bytes
        _ = try locks.lock(sendLock, vm, ts, deadline: nil, label: "the pipe's send lock")
        defer { locks.unlock(sendLock) }
        var at = 0
        while at < message.count {
            try requireOpen(ts, "send")
            switch Descriptors.writeAvailable(fd, message, from: at) {
            case .success(let next):
                at = next
            case .failure(let e):
                if e.code == EPIPE || e.code == ECONNRESET {
                    throw ts.error("BrokenPipeError", "the other end of the pipe is closed")
                }
                throw ts.error("OSError", "send failed: \(e.message)")
            }
            if at < message.count { _ = try vm.waitForDescriptor(ts, fd, Int32(POLLOUT), deadline: nil) }
        }
    }

    func recv(_ vm: VM, _ ts: ThreadState, timeout: Double?) throws(Unwind) -> Val {
        try requireOpen(ts, "recv")
        let deadline = timeout.map { monotonicSeconds() + $0 }
        func timedOut() -> Unwind { ts.error("Timeout", "recv timed out after \(formatSeconds(timeout ?? 0)) s") }
        guard try locks.lock(receiveLock, vm, ts, deadline: deadline, label: "the pipe's receive lock") else {
            throw timedOut()
        }
        defer { locks.unlock(receiveLock) }
        while true {
            try requireOpen(ts, "recv")
            if let v = try takeMessage(vm, ts) { return v }
            if peerClosed { throw ts.error("EOFError", "the other end of the pipe is closed") }
            switch Descriptors.readAvailable(fd, into: &inbox, limit: bytesMissing) {
            case .data: continue
            case .endOfFile, .failed:
                peerClosed = true
                continue
            case .wouldBlock:
                break
            }
            // The timeout is for a message to begin: one that has begun is read to its
            // end, since half a message left in the pipe would garble the next one.
            if try !vm.waitForDescriptor(ts, fd, Int32(POLLIN), deadline: inbox.isEmpty ? deadline : nil) {
                throw timedOut()
            }
        }
    }

    /// How many more bytes complete the message being received (its length first).
    private var bytesMissing: Int {
        guard inbox.count >= 8 else { return 8 - inbox.count }
        // Clamped, so a corrupt length (bytes another process wrote to the descriptor)
        // cannot overflow the sum.
        return 8 + Int(clamping: min(messageLength, UInt64(Int.max - 8))) - inbox.count
    }

    /// The length the message announces (its first 8 bytes must be in).
    private var messageLength: UInt64 {
        UInt64(littleEndian: inbox.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }

    /// The message, once all of it is in.
    private func takeMessage(_ vm: VM, _ ts: ThreadState) throws(Unwind) -> Val? {
        guard inbox.count >= 8, bytesMissing == 0 else { return nil }
        var reader = WireReader(inbox, from: 8)
        inbox = []
        guard let v = reader.readAll(vm) else { throw ts.error("OSError", "the pipe carried malformed data") }
        return v
    }
}

extension VM {
    /// `Pipe()`: a list of two connected endpoints.
    func makePipe(_ ts: ThreadState) throws(Unwind) -> Val {
        let (a, b) = try makePipeEnds(ts)
        return list([Val(a), Val(b)])
    }

    func makePipeEnds(_ ts: ThreadState) throws(Unwind) -> (PipeEnd, PipeEnd) {
        guard let locks = SharedMutexes(count: 4) else {
            throw ts.error("OSError", "cannot map shared memory: \(String(cString: strerror(errno)))")
        }
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw ts.error("OSError", "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let a = PipeEnd(fd: fds[0], locks: locks, receiveLock: 0, sendLock: 1)
        let b = PipeEnd(fd: fds[1], locks: locks, receiveLock: 2, sendLock: 3)
        return (heap.register(a), heap.register(b))
    }
}
