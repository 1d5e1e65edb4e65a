// `ProcessPool(n)`: n long-lived forked workers, as Python's `ProcessPoolExecutor` with
// the fork start method.
//
// The workers fork when the pool is made, so they hold a copy of everything defined
// before that. A task names its function by its global name (Python pickles functions
// by name too) and sends its arguments in the wire form; the worker looks the name up
// in its own copy, so a function defined after the pool started raises a clear error.
// Each worker talks to the parent over its own pipe. In the parent a manager thread
// (an ordinary Conc thread) hands queued tasks to idle workers, reads results and
// completes futures; it waits on every worker's pipe and a wake-up pipe at once,
// without the GIL. A worker that dies breaks the pool: its futures and every queued
// one fail with `BrokenPool`, and the pool refuses new work. Shutting down lets the
// queue drain, closes the pipes (each worker leaves at end of file) and reaps them.

#if canImport(Glibc)
import Glibc
#endif

final class ProcessPoolObj: PoolObj {
    struct Worker {
        let process: ProcessHandle
        /// The parent's end of the worker's pipe.
        let pipe: PipeEnd
        /// The task it runs.
        var task: FutureObj?
    }

    private(set) var workers: [Worker] = []
    private var manager: ThreadHandle?
    /// Written to when a task is queued or the pool shuts down, to wake the manager;
    /// closed (-1) when the manager is done.
    private var wake: (read: Int32, write: Int32)

    init(size: Int, wake: (read: Int32, write: Int32)) {
        self.wake = wake
        super.init(size: size)
    }

    deinit { closeWake() }

    private func closeWake() {
        if wake.read >= 0 { close(wake.read) }
        if wake.write >= 0 { close(wake.write) }
        wake = (-1, -1)
    }

    override func trace(_ marker: inout Marker) {
        super.trace(&marker)
        for w in workers {
            marker.mark(Val(w.process))
            marker.mark(Val(w.pipe))
            if let t = w.task { marker.mark(Val(t)) }
        }
        if let m = manager { marker.mark(Val(m)) }
    }

    /// The most workers a pool may fork.
    static let maxWorkers = 1024

    /// Forks the workers and starts the manager.
    func start(_ vm: VM, _ ts: ThreadState) throws(Unwind) {
        for _ in 0..<size {
            let (mine, theirs) = try vm.makePipeEnds(ts)
            let process = try vm.spawnProcess(ts, callee: vm.processPoolWorker, arguments: [Val(self), Val(mine), Val(theirs)])
            theirs.closeEnd()
            workers.append(Worker(process: process, pipe: mine, task: nil))
        }
        manager = try vm.spawnThread(ts, callee: vm.processPoolManager, arguments: [Val(self)])
    }

    override func admit(_ vm: VM, _ ts: ThreadState, _ function: Val) throws(Unwind) {
        guard vm.globalName(of: function) != nil else {
            throw ts.error("TypeError", "a process pool runs functions by their global name, and this \(function.typeName) is not a global (define it with `fn` at the top level before the pool starts)")
        }
    }

    override func taskQueued(_ vm: VM, _ ts: ThreadState) throws(Unwind) { poke() }

    private func poke() {
        var byte: UInt8 = 1
        if wake.write >= 0 { _ = write(wake.write, &byte, 1) }
    }

    override func shutdown(_ vm: VM, _ ts: ThreadState, wait: Bool) throws(Unwind) {
        shuttingDown = true
        poke()
        vm.pools.removeAll { $0 === self }
        guard wait, let m = manager, m.state !== ts else { return }
        _ = try vm.block(ts, on: .join(m), timeout: nil) { m.finished }
    }

    // MARK: The manager thread

    func manage(_ vm: VM, _ ts: ThreadState) throws(Unwind) {
        Descriptors.setNonBlocking(wake.read)
        while true {
            try dispatch(vm, ts)
            if brokenReason != nil || (shuttingDown && tasks.isEmpty && workers.allSatisfy({ $0.task == nil })) { break }
            let ready = try vm.waitForDescriptors(ts, [wake.read] + workers.map(\.pipe.fd), Int32(POLLIN), deadline: nil)
            if ready.contains(wake.read) {
                var drained: [UInt8] = []
                _ = Descriptors.readAvailable(wake.read, into: &drained)
            }
            for i in workers.indices where ready.contains(workers[i].pipe.fd) {
                try collect(vm, ts, from: i)
            }
        }
        // Closing the pipes tells the workers to leave; then they are reaped.
        for w in workers { w.pipe.closeEnd() }
        for w in workers where brokenReason != nil { Glibc.kill(w.process.pid, SIGKILL) }
        for w in workers {
            while !w.process.update(vm) {
                _ = try vm.waitForDescriptor(ts, w.process.fd, Int32(POLLIN), deadline: nil)
            }
        }
        closeWake()
    }

    /// Hands queued tasks to idle workers.
    private func dispatch(_ vm: VM, _ ts: ThreadState) throws(Unwind) {
        for i in workers.indices where workers[i].task == nil {
            guard brokenReason == nil, let task = nextTask() else { return }
            let name = vm.globalName(of: task.function) ?? ""
            do {
                try workers[i].pipe.send(vm, ts, vm.list([vm.string(name), vm.list(task.arguments)]))
                workers[i].task = task.future
            } catch {
                guard case .thrown(let e) = error else { throw error }
                if let k = e.asError?.errorKind, k == "BrokenPipeError" {
                    workerDied(vm, ts, i)
                    task.future.finish(vm, ts, brokenError(vm), failed: true)
                    return
                }
                // An argument that cannot be sent fails this task only.
                task.future.finish(vm, ts, e, failed: true)
            }
        }
    }

    /// The next queued task that was not cancelled, marked running.
    private func nextTask() -> Task? {
        while !tasks.isEmpty {
            let t = tasks.removeFirst()
            if t.future.start() { return t }
        }
        return nil
    }

    /// Reads worker `i`'s result, or notices that it died.
    private func collect(_ vm: VM, _ ts: ThreadState, from i: Int) throws(Unwind) {
        let reply: Val
        do {
            reply = try workers[i].pipe.recv(vm, ts, timeout: nil)
        } catch {
            guard case .thrown = error else { throw error }
            workerDied(vm, ts, i)
            return
        }
        guard let future = workers[i].task, let l = reply.asList, l.count == 2 else { return }
        workers[i].task = nil
        future.finish(vm, ts, l[1], failed: !l[0].isTruthy)
    }

    /// A worker's pipe closed without its result: the pool is broken.
    private func workerDied(_ vm: VM, _ ts: ThreadState, _ i: Int) {
        let p = workers[i].process
        _ = p.update(vm)
        let how: String
        if let code = p.exitCode {
            how = code < 0 ? "was killed by signal \(-code) (\(signalName(Int32(-code))))" : "exited with code \(code)"
        } else {
            how = "closed its pipe"
        }
        brokenReason = "a worker process of the pool died (\(p.name) \(how)); the pool takes no more work"
        for j in workers.indices {
            if let f = workers[j].task { f.finish(vm, ts, brokenError(vm), failed: true) }
            workers[j].task = nil
        }
        for t in tasks { t.future.finish(vm, ts, brokenError(vm), failed: true) }
        tasks = []
    }

    private func brokenError(_ vm: VM) -> Val {
        Val(vm.heap.adopt(ErrorObj(kind: "BrokenPool", message: brokenReason ?? "the pool is broken")))
    }

    // MARK: A worker process

    /// A worker's life in its child process: run tasks until the pipe closes.
    /// `parentEnd` is the parent's end of this worker's pipe.
    func serve(_ vm: VM, _ ts: ThreadState, parentEnd: PipeEnd, pipe: PipeEnd) throws(Unwind) {
        // The parent's ends of the pipes must stay only in the parent, or no worker
        // would see its pipe close.
        parentEnd.closeEnd()
        for w in workers { w.pipe.closeEnd() }
        while true {
            let message: Val
            do {
                message = try pipe.recv(vm, ts, timeout: nil)
            } catch {
                guard case .thrown = error else { throw error }
                return
            }
            guard let l = message.asList, l.count == 2, let name = l[0].asString, let args = l[1].asList else { continue }
            var reply: [Val]
            do throws(Unwind) {
                let fname = String(decoding: name.bytes, as: UTF8.self)
                guard let f = vm.global(fname) else {
                    throw ts.error("NameError", "function '\(fname)' was defined after the process pool started")
                }
                reply = [.bool(true), try vm.callFunction(ts, f, Array(args.items))]
            } catch {
                guard case .thrown(let e) = error else { throw error }
                reply = [.bool(false), e]
            }
            vm.output.flush()
            do {
                try pipe.send(vm, ts, vm.list(reply))
            } catch {
                guard case .thrown(let e) = error else { throw error }
                try pipe.send(vm, ts, vm.list([.bool(false), e]))
            }
        }
    }
}

extension VM {
    /// The global name under which `f` is stored, if it is a function stored in one.
    func globalName(of f: Val) -> String? {
        guard let o = f.obj else { return nil }
        let name: String
        switch o.kind {
        case .closure: name = unsafeDowncast(o, to: Closure.self).proto.name
        case .native: name = unsafeDowncast(o, to: NativeObj.self).name
        default: return nil
        }
        guard let g = global(name), g.isIdentical(to: f) else { return nil }
        return name
    }

    /// `ProcessPool(n)`.
    func makeProcessPool(_ ts: ThreadState, _ args: Args) throws(Unwind) -> Val {
        guard options.allowProcesses else {
            throw ts.error("OSError", "a process pool is not allowed here (the interpreter's allowProcesses option is off)")
        }
        let size = try poolSize(ts, args, "ProcessPool")
        // Workers are forked at once, so a huge size would fork until the system runs
        // out of processes or descriptors: refuse it up front.
        if size > ProcessPoolObj.maxWorkers {
            throw ts.error("ValueError", "ProcessPool() takes at most \(ProcessPoolObj.maxWorkers) workers")
        }
        guard let wake = Descriptors.makePipe() else {
            throw ts.error("OSError", "cannot make a process pool: \(String(cString: strerror(errno)))")
        }
        let pool = ProcessPoolObj(size: size, wake: wake)
        let v = newWaitable(pool)
        try pool.start(self, ts)
        pools.append(pool)
        return v
    }
}
