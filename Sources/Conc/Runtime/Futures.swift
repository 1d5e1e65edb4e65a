// Futures: the result of a task submitted to a pool, as Python's
// `concurrent.futures.Future`. Plain VM data guarded by the GIL; a thread waiting for
// one blocks through `VM.block` like any other wait, so deadlock detection sees it.
// `as_completed` and `wait` are built on the same wake-ups.

final class FutureObj: WaitableHandle {
    enum State { case pending, running, finished, cancelled }

    private(set) var state = State.pending
    /// The task's return value, or the error it raised.
    private(set) var outcome: Val = .nil
    private(set) var failed = false
    private var callbacks: [Val] = []
    /// The thread running the task, while one does (for deadlock reports).
    unowned(unsafe) var runner: ThreadState?
    /// Threads waiting in `as_completed` or `wait` on several futures at once.
    var watchers: [WaitableHandle] = []

    override var typeName: String { "future" }
    override var description: String {
        switch state {
        case .pending: return "<future pending>"
        case .running: return "<future running>"
        case .finished: return failed ? "<future raised>" : "<future finished>"
        case .cancelled: return "<future cancelled>"
        }
    }
    override func responds(to m: Member) -> Bool {
        [.result, .exception, .cancel, .cancelled, .running, .done, .add_done_callback].contains(m)
    }
    override func trace(_ marker: inout Marker) {
        marker.mark(outcome)
        for c in callbacks { marker.mark(c) }
    }

    var isDone: Bool { state == .finished || state == .cancelled }

    /// A worker takes the task: it can no longer be cancelled. False if it was.
    func start() -> Bool {
        guard state == .pending else { return false }
        state = .running
        return true
    }

    /// Completes the future, wakes its waiters and runs its callbacks (in this thread,
    /// as Python does; an error in one is reported and does not stop the others).
    func finish(_ vm: VM, _ ts: ThreadState, _ value: Val, failed: Bool) {
        guard !isDone else { return }
        outcome = value
        self.failed = failed
        state = .finished
        runner = nil
        settled(vm, ts)
    }

    private func settled(_ vm: VM, _ ts: ThreadState) {
        vm.wakeAll(self)
        for w in watchers { vm.wakeAll(w) }
        watchers = []
        let pending = callbacks
        callbacks = []
        for c in pending { vm.runCallback(ts, c, Val(self)) }
    }

    /// Waits until it is done; raises `CancelledError` if it was cancelled.
    private func waitUntilDone(_ vm: VM, _ ts: ThreadState, timeout: Double?, _ what: String) throws(Unwind) {
        if try !vm.block(ts, on: .future(self), timeout: timeout, until: { self.isDone }) {
            throw ts.error("Timeout", "\(what) timed out after \(formatSeconds(timeout ?? 0)) s")
        }
        if state == .cancelled { throw ts.error("CancelledError", "the future was cancelled") }
    }

    /// `result()`: the task's value once it is done, or its error raised again.
    func result(_ vm: VM, _ ts: ThreadState, timeout: Double?) throws(Unwind) -> Val {
        try waitUntilDone(vm, ts, timeout: timeout, "result")
        if failed { throw Unwind.thrown(outcome) }
        return outcome
    }

    /// Cancels the task if it has not started; returns whether it is cancelled.
    func cancel(_ vm: VM, _ ts: ThreadState) -> Bool {
        if state == .pending {
            state = .cancelled
            settled(vm, ts)
        }
        return state == .cancelled
    }

    override func method(_ vm: VM, _ ts: ThreadState, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val? {
        switch m.id {
        case .result, .exception:
            try vm.argCount(ts, m, args, 0...1)
            let timeout = args.count == 1 ? try vm.timeoutArg(ts, args[0]) : nil
            if m.id == .result { return try result(vm, ts, timeout: timeout) }
            try waitUntilDone(vm, ts, timeout: timeout, m.name)
            return failed ? outcome : .nil
        case .cancel:
            try vm.argCount(ts, m, args, 0...0)
            return .bool(cancel(vm, ts))
        case .cancelled:
            try vm.argCount(ts, m, args, 0...0)
            return .bool(state == .cancelled)
        case .running:
            try vm.argCount(ts, m, args, 0...0)
            return .bool(state == .running)
        case .done:
            try vm.argCount(ts, m, args, 0...0)
            return .bool(isDone)
        case .add_done_callback:
            try vm.argCount(ts, m, args, 1...1)
            if isDone { vm.runCallback(ts, args[0], Val(self)) } else { callbacks.append(args[0]) }
            return .nil
        default:
            return nil
        }
    }
}

/// What `as_completed(futures)` returns: `for` takes the futures in the order they
/// finish, each as soon as it has.
final class AsCompletedObj: WaitableHandle {
    private var remaining: [FutureObj]

    init(_ futures: [FutureObj]) { remaining = futures }

    override var typeName: String { "as_completed" }
    override func trace(_ marker: inout Marker) { for f in remaining { marker.mark(Val(f)) } }
    override func iterator(_ vm: VM, _ ts: ThreadState) throws(Unwind) -> Val? { Val(self) }

    override func next(_ vm: VM, _ r: UnsafeMutablePointer<Val>) throws(Unwind) -> Bool {
        guard !remaining.isEmpty, let ts = vm.currentThreadState() else { return false }
        let f = try vm.waitForAny(ts, remaining, watcher: self)
        remaining.removeAll { $0 === f }
        r[4] = Val(f)
        return true
    }
}

extension VM {
    /// Calls a done callback with its future; an error it raises is reported, not
    /// propagated (as Python logs it).
    func runCallback(_ ts: ThreadState, _ callback: Val, _ future: Val) {
        do {
            _ = try callFunction(ts, callback, [future])
        } catch {
            if case .thrown = error { reportThreadError(ts, error) }
        }
    }

    /// Blocks until one of `futures` is done and returns the first done one.
    func waitForAny(_ ts: ThreadState, _ futures: [FutureObj], watcher: WaitableHandle) throws(Unwind) -> FutureObj {
        while true {
            if let f = futures.first(where: \.isDone) { return f }
            for f in futures { f.watchers.append(watcher) }
            _ = try block(ts, on: .futures(watcher), timeout: nil) { futures.contains(where: \.isDone) }
        }
    }

    /// The futures in a list argument, or a TypeError naming `what`.
    func futureList(_ ts: ThreadState, _ v: Val, _ what: String) throws(Unwind) -> [FutureObj] {
        guard let l = v.asList else { throw ts.error("TypeError", "\(what)() needs a list of futures, not \(v.typeName)") }
        var out: [FutureObj] = []
        for i in 0..<l.count {
            guard let o = l[i].obj, o.kind == .handle, let f = o as? FutureObj else {
                throw ts.error("TypeError", "\(what)() needs a list of futures, not a list holding \(l[i].typeName)")
            }
            out.append(f)
        }
        return out
    }

    /// `wait(futures, "all" | "first")`: `[done, not_done]` once all (or one) are done.
    func waitFutures(_ ts: ThreadState, _ args: Args) throws(Unwind) -> Val {
        let futures = try futureList(ts, args[0], "wait")
        var all = true
        if args.count == 2 {
            switch args[1].asString.map({ String(decoding: $0.bytes, as: UTF8.self) }) {
            case "all": all = true
            case "first": all = false
            default: throw ts.error("ValueError", "wait() takes \"all\" or \"first\", not \(repr(args[1]))")
            }
        }
        if !futures.isEmpty {
            let w = FutureSet()
            _ = newWaitable(w)
            if all {
                while let f = futures.first(where: { !$0.isDone }) { _ = try waitForAny(ts, [f], watcher: w) }
            } else {
                _ = try waitForAny(ts, futures, watcher: w)
            }
        }
        let done = futures.filter(\.isDone).map { Val($0) }
        let pending = futures.filter { !$0.isDone }.map { Val($0) }
        return list([list(done), list(pending)])
    }
}

/// What a thread in `wait` is parked on (for wake-ups and deadlock reports).
final class FutureSet: WaitableHandle {
    override var typeName: String { "futures" }
}
