// `spawn process`: the call runs in a forked copy of the interpreter, and its result or
// error comes back over a pipe in the wire form (Wire.swift).
//
// The child runs the call on the forking thread's state (see Fork.swift for what else
// it keeps), waits for the threads and processes it started, then writes one status
// byte (0: a value follows, 1: an error follows) and the encoded value, and leaves with
// `_exit`: status 0 after a value, 1 after an error, n after `exit(n)`, which sends
// nothing. The parent reads the pipe whenever a thread asks about the child (`join`,
// `is_alive`, `exitcode`) and at the program's end; the pipe's end of file means the
// child has exited, and only then is it reaped, by its pid. A large result never
// deadlocks: the parent reads until end of file before it waits for the child.

#if canImport(Glibc)
import Glibc
#endif

/// A child process's handle: `join`, `is_alive`, `pid`, `exitcode`, `terminate`, `kill`.
final class ProcessHandle: HandleObj {
    let name: String
    let pid: pid_t
    /// The read end of the result pipe; -1 once the child has been reaped.
    private(set) var fd: Int32
    private var received: [UInt8] = []
    /// The raw wait status once the child has been reaped.
    private(set) var waitStatus: Int32?
    /// What `join` returns or raises.
    private var result: Val = .nil
    private var failed = false
    /// Set in a forked child for its parent's children, which are not its own.
    private var disowned = false

    init(name: String, pid: pid_t, fd: Int32) {
        self.name = name
        self.pid = pid
        self.fd = fd
    }

    deinit {
        if fd >= 0 { ForkRegistry.shared.closePrivate(fd) }
    }

    override var typeName: String { "process" }
    override var description: String { "<process \(pid)>" }
    override func responds(to m: Member) -> Bool { [.join, .is_alive, .terminate, .kill].contains(m) }
    override var attributeNames: [Member] { [.name, .pid, .exitcode] }
    override func trace(_ marker: inout Marker) { marker.mark(result) }

    /// In a forked child: the registry has closed the pipe; this process is a sibling.
    func disown() {
        disowned = true
        fd = -1
    }

    /// `exitcode` as Python has it: the status, or minus the signal that killed it.
    var exitCode: Int? {
        guard let s = waitStatus else { return nil }
        return s & 0x7f != 0 ? -Int(s & 0x7f) : Int((s >> 8) & 0xff)
    }

    override func attribute(_ vm: VM, _ ts: ThreadState, _ member: MemberRef) throws(Unwind) -> Val? {
        switch member.id {
        case .name: return vm.string(name)
        case .pid: return .int(Int(pid))
        case .exitcode:
            if !disowned { _ = update(vm) }
            return exitCode.map { .int($0) } ?? .nil
        default: return nil
        }
    }

    override func method(_ vm: VM, _ ts: ThreadState, _ member: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        if disowned && responds(to: member.id) {
            throw ts.error("RuntimeError", "\(name) is not a child of this process")
        }
        switch member.id {
        case .join:
            try vm.argCount(ts, member, args, 0...1)
            let timeout = args.count == 1 ? try vm.timeoutArg(ts, args[0]) : nil
            let deadline = timeout.map { monotonicSeconds() + $0 }
            while !update(vm) {
                if try !vm.waitForDescriptor(ts, fd, Int32(POLLIN), deadline: deadline) {
                    throw ts.error("Timeout", "join timed out after \(formatSeconds(timeout ?? 0)) s")
                }
            }
            // A Ctrl-C that also reached the child is reported as the Interrupt it is,
            // not as the child's death of it.
            try vm.checkStop(ts)
            if failed { throw Unwind.thrown(result) }
            return result
        case .is_alive:
            try vm.argCount(ts, member, args, 0...0)
            return .bool(!update(vm))
        case .terminate, .kill:
            try vm.argCount(ts, member, args, 0...0)
            // Until it is reaped the pid cannot be reused, so this never hits a stranger.
            if waitStatus == nil { Glibc.kill(pid, member.id == .kill ? SIGKILL : SIGTERM) }
            return .nil
        default:
            return nil
        }
    }

    /// Reads what the child has sent so far; at end of file reaps it and settles the
    /// outcome. Returns whether the child has been reaped.
    func update(_ vm: VM) -> Bool {
        if waitStatus != nil { return true }
        switch Descriptors.readAvailable(fd, into: &received) {
        case .data, .wouldBlock: return false
        case .endOfFile, .failed: reap(vm)
        }
        return true
    }

    /// Waits for the child, which has exited or is about to (its pipe is closed).
    func reap(_ vm: VM) {
        ForkRegistry.shared.closePrivate(fd)
        fd = -1
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        waitStatus = status
        settle(vm, status)
        vm.children.removeAll { $0 === self }
    }

    private func settle(_ vm: VM, _ status: Int32) {
        let bytes = received
        received = []
        let signal = status & 0x7f
        let code = (status >> 8) & 0xff
        if signal != 0 {
            fail(vm, "\(name) was killed by signal \(signal) (\(signalName(signal)))")
        } else if let tag = bytes.first, tag <= 1, let v = decode(vm, bytes) {
            if tag == 0 {
                result = v
            } else if let e = v.asError {
                fail(vm, "\(name) raised \(e.message.isEmpty ? e.errorKind : "\(e.errorKind): \(e.message)")", cause: v)
            }
        } else if code != 0 {
            fail(vm, "\(name) exited with code \(code)")
        } else if !bytes.isEmpty {
            fail(vm, "\(name) sent a result that could not be read")
        }
    }

    private func decode(_ vm: VM, _ bytes: [UInt8]) -> Val? {
        var reader = WireReader(bytes, from: 1)
        return reader.readAll(vm)
    }

    private func fail(_ vm: VM, _ message: String, cause: Val = .nil) {
        let e = ErrorObj(kind: "ProcessError", message: message)
        e.cause = cause
        result = Val(vm.heap.adopt(e))
        failed = true
    }
}

/// `SIGKILL` for 9, and so on for the signals a child commonly dies of.
func signalName(_ s: Int32) -> String {
    let names: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
        SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
        SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
    ]
    return names[s] ?? "signal \(s)"
}

extension VM {
    /// Starts `callee(arguments)` in a child process (a process pool's worker).
    func spawnProcess(_ ts: ThreadState, callee: Val, arguments: [Val]) throws(Unwind) -> ProcessHandle {
        let v = try Args.with(arguments) { args throws(Unwind) in try spawnProcess(ts, callee: callee, args: args) }
        return unsafeDowncast(v.obj!, to: ProcessHandle.self)
    }

    /// `spawn process callee(args)`.
    func spawnProcess(_ ts: ThreadState, callee: Val, args: Args) throws(Unwind) -> Val {
        guard options.allowProcesses else {
            throw ts.error("OSError", "spawn process is not allowed here (the interpreter's allowProcesses option is off)")
        }
        guard let (readEnd, writeEnd) = Descriptors.makePipe() else {
            throw ts.error("OSError", "cannot spawn a process: \(String(cString: strerror(errno)))")
        }
        processCounter += 1
        let name = "process-\(processCounter)"
        let argv = Array(UnsafeBufferPointer(start: args.base, count: args.count))
        output.flush()
        ForkRegistry.shared.keepPrivate(readEnd)
        let pid = ForkRegistry.shared.fork(childOnly: writeEnd) {
            runChild(ts, name: name, callee: callee, args: argv, resultFD: writeEnd)
        }
        guard let pid else {
            let e = errno
            ForkRegistry.shared.closePrivate(readEnd)
            throw ts.error("OSError", "cannot spawn a process: \(String(cString: strerror(e)))")
        }
        Descriptors.setNonBlocking(readEnd)
        let h = heap.register(ProcessHandle(name: name, pid: pid, fd: readEnd))
        children.append(h)
        return Val(h)
    }

    /// The child's whole life after the fork.
    private func runChild(_ ts: ThreadState, name: String, callee: Val, args: [Val], resultFD: Int32) -> Never {
        resetAfterFork(ts, processName: name)
        var tag: UInt8 = 0
        var value: Val = .nil
        do {
            value = try callFunction(ts, callee, args)
        } catch {
            if case .exit(let code) = error { exitChild(code) }
            (tag, value) = (1, childError(ts, name, error))
        }
        // Like a program, a child ends when the threads and processes it started have.
        if let code = waitForThreads(ts) { exitChild(code) }
        do {
            try waitForChildren(ts)
        } catch {
            if case .exit(let code) = error { exitChild(code) }
            if tag == 0 { (tag, value) = (1, childError(ts, name, error)) }
        }
        var w = WireWriter()
        do {
            try w.write(value, ts)
        } catch {
            (tag, value) = (1, childError(ts, name, error))
            w = WireWriter()
            try? w.write(value, ts)
        }
        output.flush()
        writeAll(fd: resultFD, [tag])
        writeAll(fd: resultFD, w.bytes)
        traceChildEnd(ts)
        _exit(Int32(tag))
    }

    private func exitChild(_ code: Int32) -> Never {
        output.flush()
        killChildren()
        if let ts = liveThreads.first { traceChildEnd(ts) }
        _exit(code)
    }

    /// A child's last act when traced: close its running span, write its events.
    private func traceChildEnd(_ ts: ThreadState) {
        guard let tracer else { return }
        tracer.span("running", ts, from: ts.gilHeldSince, to: monotonicSeconds())
        tracer.write(last: false)
    }

    /// Reports the error that ended a child on its standard error, as a thread's is
    /// reported, and makes it a sendable error value.
    private func childError(_ ts: ThreadState, _ name: String, _ u: Unwind) -> Val {
        output.flush()
        let c = concError(u, ts)
        errorSink("in \(name): \(c.description)\n")
        let e = ErrorObj(kind: c.kind, message: c.message)
        e.trace = c.trace
        return Val(heap.adopt(e))
    }

    /// Waits for every child process not yet reaped (the program's end).
    func waitForChildren(_ ts: ThreadState) throws(Unwind) {
        while let c = children.first {
            if !c.update(self) { _ = try waitForDescriptor(ts, c.fd, Int32(POLLIN), deadline: nil) }
        }
    }

    /// Kills and reaps every child process not yet reaped (`exit()`, an interrupted
    /// program, an interpreter going away).
    func killChildren() {
        for c in children { kill(c.pid, SIGKILL) }
        while let c = children.first { c.reap(self) }
    }
}
