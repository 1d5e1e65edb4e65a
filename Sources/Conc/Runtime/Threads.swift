// `spawn thread`: real OS threads, each with its own `ThreadState`, taking turns under
// the GIL.
//
// The spawning thread (holding the GIL) makes the new thread's state and handle, puts
// the callee and arguments where the collector sees them, registers the thread as
// live and starts a detached pthread. The pthread takes the GIL, runs the call, stores
// the result or the error in the handle, wakes its joiners, leaves the live set and
// releases the GIL for the last time; after that it touches nothing of the
// interpreter. It holds a strong reference to the VM, so the interpreter outlives it.

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A thread's handle: `join`, `is_alive`, `name`, `id`.
final class ThreadHandle: WaitableHandle {
    let name: String
    let id: Int
    /// The thread's state while it runs; nil once it has finished.
    unowned(unsafe) var state: ThreadState?
    private(set) var finished = false
    /// The return value, or the error that ended the thread.
    private(set) var result: Val = .nil
    private(set) var failed = false

    init(name: String, id: Int) {
        self.name = name
        self.id = id
    }

    override var typeName: String { "thread" }
    override var description: String { "<thread \(name)>" }
    override func responds(to m: Member) -> Bool { m == .join || m == .is_alive }
    override var attributeNames: [Member] { [.name, .id] }

    func finish(_ value: Val, failed: Bool) {
        result = value
        self.failed = failed
        finished = true
        state = nil
    }

    override func trace(_ marker: inout Marker) { marker.mark(result) }

    override func attribute(_ vm: VM, _ ts: ThreadState, _ member: MemberRef) throws(Unwind) -> Val? {
        switch member.id {
        case .name: return vm.string(name)
        case .id: return .int(id)
        default: return nil
        }
    }

    override func method(_ vm: VM, _ ts: ThreadState, _ member: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        switch member.id {
        case .join:
            try vm.argCount(ts, member, args, 0...1)
            let timeout = args.count == 1 ? try vm.timeoutArg(ts, args[0]) : nil
            if state === ts { throw ts.error("RuntimeError", "cannot join current thread") }
            let done = try vm.block(ts, on: .join(self), timeout: timeout) { self.finished }
            if !done { throw ts.error("Timeout", "join timed out after \(formatSeconds(timeout ?? 0)) s") }
            if failed { throw Unwind.thrown(result) }
            return result
        case .is_alive:
            try vm.argCount(ts, member, args, 0...0)
            return .bool(!finished)
        default:
            return nil
        }
    }
}

extension VM {
    /// Starts `callee(arguments)` on a new thread (a pool's worker).
    func spawnThread(_ ts: ThreadState, callee: Val, arguments: [Val]) throws(Unwind) -> ThreadHandle {
        let v = try Args.with(arguments) { args throws(Unwind) in try spawnThread(ts, callee: callee, args: args) }
        return unsafeDowncast(v.obj!, to: ThreadHandle.self)
    }

    /// `spawn thread callee(args)`.
    func spawnThread(_ ts: ThreadState, callee: Val, args: Args) throws(Unwind) -> Val {
        if !options.allowThreads { throw ts.error("OSError", "threads are not allowed here") }
        // After an exit() (or a host's shutDown) no new thread starts: a thread that
        // spawns its successor before it reaches a safe point would otherwise keep a
        // relay of threads alive forever (found by the fuzzer).
        if let code = pendingExitCode { throw .exit(code) }
        if spawnedLive >= options.maxThreads {
            throw ts.error("OSError", "too many threads (the limit is \(options.maxThreads))")
        }
        threadCounter += 1
        let name = "thread-\(threadCounter)"
        let child = ThreadState(vm: self, name: name, maxFrames: options.recursionLimit)
        let handle = heap.register(ThreadHandle(name: name, id: threadCounter))
        handle.state = child
        child.handle = handle
        child.startValues = [callee] + Array(UnsafeBufferPointer(start: args.base, count: args.count))
        // A host's instruction budget binds every thread (spawning cannot escape it).
        if let b = options.instructionBudget { child.budgetLeft = max(b, 1) }
        register(child)
        spawnedLive += 1
        let context = Unmanaged.passRetained(ThreadStart(vm: self, state: child))
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let start = Unmanaged<ThreadStart>.fromOpaque(raw!).takeRetainedValue()
            start.vm.runThread(start.state)
            return nil
        }, context.toOpaque())
        if started != 0 {
            context.release()
            unregister(child)
            spawnedLive -= 1
            handle.finish(.nil, failed: false)
            throw ts.error("OSError", "cannot start a thread: \(String(cString: strerror(started)))")
        }
        pthread_detach(thread)
        return Val(handle)
    }

    /// The body of a spawned thread's pthread.
    fileprivate func runThread(_ ts: ThreadState) {
        bindCurrentOSThread(to: ts)
        gil.acquire(ts, priority: false)
        let callee = ts.startValues[0]
        let args = Array(ts.startValues.dropFirst())
        ts.startValues = []
        var outcome: Val = .nil
        var failed = false
        do throws(Unwind) {
            // A thread spawned just before an exit() was asked for does not start.
            if let code = pendingExitCode { throw Unwind.exit(code) }
            outcome = try callFunction(ts, callee, args)
        } catch {
            switch error {
            case .thrown(let v):
                outcome = v
                failed = true
                reportThreadError(ts, error)
            case .exit(let code):
                requestExit(code)
            case .fatal(let kind, let message):
                failed = true
                outcome = Val(heap.adopt(ErrorObj(kind: kind, message: message)))
                reportThreadError(ts, error)
            }
        }
        output.flush()
        let handle = ts.handle!
        handle.finish(outcome, failed: failed)
        wakeAll(handle)
        unregister(ts)
        spawnedLive -= 1
        retireThreadStats(ts)
        if spawnedLive == 0, let waiter = exitWaiter { unpark(waiter) }
        detectDeadlock(from: nil)
        unbindCurrentOSThread()
        gil.release(ts)
    }

    /// Reports an error that ended a thread on stderr, tagged with the thread's name.
    func reportThreadError(_ ts: ThreadState, _ u: Unwind) {
        output.flush()
        let e = concError(u, ts)
        errorSink("in \(ts.name): \(e.description)\n")
    }

    /// Waits until every spawned thread has finished (the program's end). Returns the
    /// code of an `exit()` a thread called, if one did.
    func waitForThreads(_ ts: ThreadState) -> Int32? {
        // Idle pool workers would wait for work forever: pools close at the end.
        shutDownPools(ts)
        while spawnedLive > 0 && pendingExitCode == nil {
            exitWaiter = ts
            defer { exitWaiter = nil }
            do {
                _ = try block(ts, on: .exitJoin, timeout: nil) { self.spawnedLive == 0 || self.pendingExitCode != nil }
            } catch {
                break
            }
        }
        return pendingExitCode
    }

    /// `exit(code)` in a thread: every thread stops at its next safe point or wake-up.
    func requestExit(_ code: Int32) {
        if pendingExitCode == nil { pendingExitCode = code }
        for t in liveThreads { unpark(t) }
    }

    /// Keeps a finished thread's GIL times for `gil_stats()`: the last 256 threads one
    /// by one, the earlier ones added up in one entry.
    func retireThreadStats(_ ts: ThreadState) {
        retiredThreads.append((ts.name, ts.gilHeld + monotonicSeconds() - ts.gilHeldSince, ts.gilWaited))
        if retiredThreads.count > 256 {
            if retiredThreads[0].name != VM.earlierThreads {
                retiredThreads.insert((VM.earlierThreads, 0, 0), at: 0)
            }
            let oldest = retiredThreads.remove(at: 1)
            retiredThreads[0].held += oldest.held
            retiredThreads[0].waited += oldest.waited
        }
    }

    static let earlierThreads = "earlier threads"
}

/// What a new pthread needs; passed through `pthread_create`'s context pointer.
private final class ThreadStart {
    let vm: VM
    let state: ThreadState
    init(vm: VM, state: ThreadState) {
        self.vm = vm
        self.state = state
    }
}

/// Seconds as Python prints them in messages (`0.5`, `2`).
func formatSeconds(_ s: Double) -> String {
    s == s.rounded() && abs(s) < 1e15 ? String(Int(s)) : String(s)
}
