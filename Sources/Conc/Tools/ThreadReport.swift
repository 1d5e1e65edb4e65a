// The REPL's `:threads`: the threads and child processes a session has running, and
// what each is doing.

extension Interpreter {
    /// One line per live spawned thread and running child process, with its state:
    /// `thread-1    waiting for lock#1, holds lock#2`, `process-1   pid 4242, running`.
    /// A child that has exited is reaped (its handle keeps the exit status) and not
    /// listed. The calling thread is not listed. Empty when there is nothing to list.
    public func threadReport() -> String {
        exclusive { ts in vm.threadReport(excluding: ts) }
    }
}

extension VM {
    func threadReport(excluding caller: ThreadState) -> String {
        var rows: [(name: String, state: String)] = []
        for t in liveThreads where t !== caller {
            var state = describeState(t)
            if !t.heldLocks.isEmpty { state += ", holds " + t.heldLocks.map(\.label).joined(separator: " and ") }
            rows.append((t.name, state))
        }
        // `update` reaps a child that has exited, which takes it off `children`.
        for c in children where !c.update(self) {
            rows.append((c.name, "pid \(c.pid), running"))
        }
        let width = rows.map(\.name.count).max() ?? 0
        return rows.map { $0.name + String(repeating: " ", count: width - $0.name.count + 2) + $0.state + "\n" }
            .joined()
    }

    /// What a thread is doing, as `:threads` shows it.
    private func describeState(_ t: ThreadState) -> String {
        let timed = t.blockedTimed ? " (with a timeout)" : ""
        switch t.blockedOn {
        case nil: return "running"
        case .sleep: return "sleeping"
        case .lock(let l): return "waiting for \(l.label)\(timed)"
        case .semaphore(let s): return "waiting for \(s.label)\(timed)"
        case .event(let e): return "waiting on \(e.label)\(timed)"
        case .queueGet(let q): return "waiting to get from \(q.label)\(timed)"
        case .queuePut(let q): return "waiting to put into \(q.label)\(timed)"
        case .join(let h): return "joining \(h.name)\(timed)"
        case .future(let f): return "waiting for \(f.label)\(timed)"
        case .futures(let w): return "waiting on \(w.label)"
        case .poolIdle: return "idle in a pool"
        case .exitJoin: return "waiting for its threads to finish"
        }
    }
}
