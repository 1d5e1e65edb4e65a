// `Pipe()`: two connected endpoints that carry sendable values between processes (and
// threads). Each endpoint is one end of a Unix stream socket pair, so both directions
// work, and writing to a pipe whose other end is gone raises `BrokenPipeError` instead
// of killing the process with SIGPIPE (`MSG_NOSIGNAL`).
//
// A message is its wire-form length (8 bytes, little-endian) and the value's wire
// form. Messages are queued and taken with the GIL held, and a thread that must wait
// polls without it (Descriptors.swift), so threads sharing an endpoint never
// interleave partial messages. A receiver reads no further than the end of the message
// it takes, so processes holding copies of one endpoint can take turns receiving (as
// with Python's pipes, two of them receiving at the same moment can split a message). Endpoints are inherited by processes spawned after they
// were made; as with any pipe, `recv` sees the end only when every copy of the other
// endpoint, in every process, is closed.

#if canImport(Glibc)
import Glibc
#endif

final class PipeEnd: HandleObj {
    private(set) var fd: Int32
    /// Received bytes not yet taken as messages, from `inboxStart`.
    private var inbox: [UInt8] = []
    private var inboxStart = 0
    private var peerClosed = false
    /// Bytes queued for sending, from `outboxSent`, and the totals ever queued and sent
    /// (each `send` waits until the total sent covers its message).
    private var outbox: [UInt8] = []
    private var outboxSent = 0
    private var queuedTotal = 0
    private var sentTotal = 0

    init(fd: Int32) {
        self.fd = fd
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
            if fd >= 0 {
                close(fd)
                fd = -1
            }
            return .nil
        default:
            return nil
        }
    }

    private func requireOpen(_ ts: ThreadState, _ what: String) throws(Unwind) {
        if fd < 0 { throw ts.error("OSError", "\(what) on a closed pipe") }
    }

    private func send(_ vm: VM, _ ts: ThreadState, _ v: Val) throws(Unwind) {
        try requireOpen(ts, "send")
        var w = WireWriter()
        try w.write(v, ts)
        let n = UInt64(w.bytes.count)
        for i in 0..<8 { outbox.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        outbox += w.bytes
        queuedTotal += 8 + w.bytes.count
        let target = queuedTotal
        while sentTotal < target {
            try requireOpen(ts, "send")
            switch Descriptors.writeAvailable(fd, outbox, from: outboxSent) {
            case .success(let at):
                sentTotal += at - outboxSent
                outboxSent = at
                if outboxSent == outbox.count {
                    outbox.removeAll(keepingCapacity: true)
                    outboxSent = 0
                }
            case .failure(let e):
                if e.code == EPIPE || e.code == ECONNRESET {
                    throw ts.error("BrokenPipeError", "the other end of the pipe is closed")
                }
                throw ts.error("OSError", "send failed: \(e.message)")
            }
            if sentTotal < target { _ = try vm.waitForDescriptor(ts, fd, Int32(POLLOUT), deadline: nil) }
        }
    }

    private func recv(_ vm: VM, _ ts: ThreadState, timeout: Double?) throws(Unwind) -> Val {
        let deadline = timeout.map { monotonicSeconds() + $0 }
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
            if try !vm.waitForDescriptor(ts, fd, Int32(POLLIN), deadline: deadline) {
                throw ts.error("Timeout", "recv timed out after \(formatSeconds(timeout ?? 0)) s")
            }
        }
    }

    /// How many more bytes complete the message being received (its length first).
    private var bytesMissing: Int {
        let available = inbox.count - inboxStart
        guard available >= 8 else { return 8 - available }
        return 8 + Int(clamping: messageLength) - available
    }

    /// The length the inbox's next message announces (its first 8 bytes must be there).
    private var messageLength: UInt64 {
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(inbox[inboxStart + i]) << (8 * UInt64(i)) }
        return n
    }

    /// The next whole message in the inbox, if one has arrived.
    private func takeMessage(_ vm: VM, _ ts: ThreadState) throws(Unwind) -> Val? {
        let available = inbox.count - inboxStart
        guard available >= 8 else { return nil }
        let n = messageLength
        guard n <= UInt64(available - 8) else { return nil }
        let start = inboxStart + 8
        inboxStart = start + Int(n)
        var reader = WireReader(Array(inbox[start..<inboxStart]))
        if inboxStart == inbox.count {
            inbox.removeAll(keepingCapacity: true)
            inboxStart = 0
        } else if inboxStart > 1 << 16 && inboxStart > inbox.count / 2 {
            inbox.removeFirst(inboxStart)
            inboxStart = 0
        }
        guard let v = reader.readAll(vm) else { throw ts.error("OSError", "the pipe carried malformed data") }
        return v
    }
}

extension VM {
    /// `Pipe()`: a list of two connected endpoints.
    func makePipe(_ ts: ThreadState) throws(Unwind) -> Val {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw ts.error("OSError", "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return list(fds.map { Val(heap.register(PipeEnd(fd: $0))) })
    }
}
