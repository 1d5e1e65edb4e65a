// `ThreadPool(n)`: a queue of tasks and up to n worker threads that take them, as
// Python's `ThreadPoolExecutor`. Workers are ordinary Conc threads (they take turns
// under the GIL like any other), started as tasks arrive, and leave once the pool is
// shut down and its queue is empty. The program's end shuts every pool down first, so
// idle workers never keep it waiting. `ProcessPool` (ProcessPool.swift) shares the
// submitting side.

#if canImport(Glibc)
import Glibc
#endif

/// What both pools have: the task queue, its futures, and `submit` / `map` / `shutdown`
/// / `with`.
class PoolObj: WaitableHandle {
    struct Task {
        let future: FutureObj
        let function: Val
        let arguments: [Val]
    }

    let size: Int
    var tasks: [Task] = []
    var shuttingDown = false
    /// Set when a worker process died: the pool takes no more work.
    var brokenReason: String?

    init(size: Int) { self.size = size }

    override var typeName: String { "pool" }
    override func responds(to m: Member) -> Bool { [.submit, .map, .shutdown, .enter, .exit].contains(m) }
    override func trace(_ marker: inout Marker) {
        for t in tasks {
            marker.mark(Val(t.future))
            marker.mark(t.function)
            for a in t.arguments { marker.mark(a) }
        }
    }

    /// Checks that `function` can run in this pool (a process pool needs a global).
    func admit(_ vm: VM, _ ts: ThreadState, _ function: Val) throws(Unwind) {}

    /// A task was queued: get a worker onto it.
    func taskQueued(_ vm: VM, _ ts: ThreadState) throws(Unwind) {}

    /// Stops taking work; with `wait`, returns once every task has run.
    func shutdown(_ vm: VM, _ ts: ThreadState, wait: Bool) throws(Unwind) {}

    func submit(_ vm: VM, _ ts: ThreadState, _ function: Val, _ arguments: [Val]) throws(Unwind) -> FutureObj {
        if let reason = brokenReason { throw ts.error("BrokenPool", reason) }
        if shuttingDown { throw ts.error("RuntimeError", "cannot submit to a pool after shutdown") }
        try admit(vm, ts, function)
        let future = vm.heap.register(FutureObj())
        future.label = vm.nextLabel("future")
        tasks.append(Task(future: future, function: function, arguments: arguments))
        try taskQueued(vm, ts)
        return future
    }

    override func method(_ vm: VM, _ ts: ThreadState, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        switch m.id {
        case .submit:
            guard args.count >= 1 else { throw ts.error("TypeError", "submit() needs a function to run") }
            let rest = (1..<args.count).map { args[$0] }
            return Val(try submit(vm, ts, args[0], rest))
        case .map:
            try vm.argCount(ts, m, args, 2...2)
            let items = try vm.elements(ts, args[1], for: "map")
            var futures: [FutureObj] = []
            for item in items { futures.append(try submit(vm, ts, args[0], [item])) }
            var results: [Val] = []
            do throws(Unwind) {
                for f in futures { results.append(try f.result(vm, ts, timeout: nil)) }
            } catch {
                // As Python's map: once a result fails (a task's error, Ctrl-C), the
                // tasks not started yet are cancelled.
                for f in futures { _ = f.cancel(vm, ts) }
                throw error
            }
            return vm.list(results)
        case .shutdown:
            try vm.argCount(ts, m, args, 0...1)
            try shutdown(vm, ts, wait: args.count == 0 || args[0].isTruthy)
            return .nil
        case .enter:
            return Val(self)
        case .exit:
            try shutdown(vm, ts, wait: true)
            return .nil
        default:
            return nil
        }
    }
}

final class ThreadPoolObj: PoolObj {
    /// The workers' handles, and how many of them wait for a task.
    private var workers: [ThreadHandle] = []
    var idle = 0

    override func trace(_ marker: inout Marker) {
        super.trace(&marker)
        for w in workers { marker.mark(Val(w)) }
    }

    override func taskQueued(_ vm: VM, _ ts: ThreadState) throws(Unwind) {
        vm.wakeAll(self)
        // A new worker only when the idle ones cannot cover the queue.
        if idle < tasks.count && workers.count < size {
            workers.append(try vm.spawnThread(ts, callee: vm.poolWorker, arguments: [Val(self)]))
        }
    }

    override func shutdown(_ vm: VM, _ ts: ThreadState, wait: Bool) throws(Unwind) {
        shuttingDown = true
        vm.wakeAll(self)
        vm.pools.removeAll { $0 === self }
        guard wait else { return }
        for w in workers where w.state !== ts {
            _ = try vm.block(ts, on: .join(w), timeout: nil) { w.finished }
        }
    }

    /// A worker's life: take tasks until the pool shuts down and its queue is empty.
    func work(_ vm: VM, _ ts: ThreadState) throws(Unwind) {
        while true {
            idle += 1
            defer { idle -= 1 }
            _ = try vm.block(ts, on: .poolIdle(self), timeout: nil) { !self.tasks.isEmpty || self.shuttingDown }
            if tasks.isEmpty { return }
            let task = tasks.removeFirst()
            guard task.future.start() else { continue }
            task.future.runner = ts
            do {
                let v = try vm.callFunction(ts, task.function, task.arguments)
                task.future.finish(vm, ts, v, failed: false)
            } catch {
                guard case .thrown(let e) = error else { throw error }
                task.future.finish(vm, ts, e, failed: true)
            }
        }
    }
}

extension VM {
    var cpuCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// `ThreadPool(n)` and `ProcessPool(n)`: n defaults to the number of cores.
    func poolSize(_ ts: ThreadState, _ args: Args, _ what: String) throws(Unwind) -> Int {
        guard args.count == 1, !args[0].isIdentical(to: .nil) else { return max(1, cpuCount) }
        guard case .int(let n) = args[0] else {
            throw ts.error("TypeError", "\(what)() needs an int, not \(args[0].typeName)")
        }
        if n < 1 { throw ts.error("ValueError", "\(what)() needs at least one worker") }
        return n
    }

    /// Shuts down every pool still open (the program's end), so idle workers leave.
    func shutDownPools(_ ts: ThreadState) {
        for p in pools { try? p.shutdown(self, ts, wait: false) }
        pools = []
    }
}
