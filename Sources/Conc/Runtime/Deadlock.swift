// Deadlock detection.
//
// Checked each time a thread is about to wait with no timeout, and each time a thread
// leaves (the last one that could have helped may be going), holding the GIL, so the
// picture is consistent: if every live thread is then blocked with no timeout (on a
// lock, a semaphore, an event, a queue or a join), nothing inside the interpreter can
// ever wake any of them, and waiting would hang forever. (Threads running, queued for
// the GIL, sleeping, in a timed wait or in a system call can still act.)
//
// The host counts too. While no host call is in progress (the REPL's prompt waiting
// for input, an embedding program between two calls), the host may still call in: it
// can put, set and release, and free a lock its thread holds, so it can wake anyone
// who waits on an object. Then only waits nobody can end are deadlocks: a cycle of
// threads waiting for each other's locks, joins or futures, or a lock whose owner has
// finished, and the threads whose waits lead into one.
//
// Then the threads waiting on something other than a join get `DeadlockError`; the
// joiners get it through `join` when the threads they join end with it. If the only
// waits are joins (threads joining each other), the joiners get it directly, except
// the main thread's wait for every thread at the program's end. The
// message walks the wait-for chain from the main thread: who joins whom, who holds
// which lock and waits for which.

extension VM {
    func detectDeadlock(from ts: ThreadState?) {
        if liveThreads.isEmpty { return }
        for t in liveThreads where t.blockedOn == nil || t.blockedTimed { return }
        var stuck = liveThreads
        if !liveThreads.contains(where: { $0 === mainThread }) {
            // The host is outside and may call in: only certain waits count.
            stuck = liveThreads.filter { certainWait(from: $0) }
            if stuck.isEmpty { return }
        }
        let message = describeDeadlock(stuck, from: ts)
        // The program's final wait for its threads is never the one to fail: the
        // threads it waits for get the error and end, and then the program does.
        // A pool's idle worker is stuck too, but it is waiting for work, not part of
        // the deadlock: the error goes to the threads that wait for results.
        let waitsOnObjects = stuck.filter {
            if case .poolIdle = $0.blockedOn { return false }
            return !($0.blockedOn?.isJoin ?? true)
        }
        let joins = stuck.filter { if case .join = $0.blockedOn { return true } else { return false } }
        for t in waitsOnObjects.isEmpty ? joins : waitsOnObjects {
            t.pendingError = Val(heap.adopt(ErrorObj(kind: "DeadlockError", message: message)))
            if t !== ts { unpark(t) }
        }
    }

    private func describeDeadlock(_ stuck: [ThreadState], from ts: ThreadState?) -> String {
        var order: [ThreadState] = []
        func visit(_ t: ThreadState) {
            var next: ThreadState? = t
            while let t = next, !order.contains(where: { $0 === t }) {
                order.append(t)
                next = waitedOn(t).flatMap { target in stuck.first { $0 === target } }
            }
        }
        if let main = stuck.first(where: { $0 === mainThread }) { visit(main) }
        if let ts { visit(ts) }
        for t in stuck { visit(t) }
        return order.map(describeWait).joined(separator: "; ")
    }

    /// Whether nobody, not even the host, can end `t`'s wait: following who waits for
    /// whom from `t` runs into a cycle, or to a lock whose owner has finished or does
    /// not exist in this process. False when the chain ends at something the host could
    /// do (a queue, an event, a semaphore, a lock the host's thread holds).
    private func certainWait(from t: ThreadState) -> Bool {
        var chain: [ThreadState] = []
        var next: ThreadState? = t
        while let u = next {
            if chain.contains(where: { $0 === u }) { return true }
            guard u !== mainThread, u.blockedOn != nil, !u.blockedTimed else { return false }
            chain.append(u)
            if case .lock(let l) = u.blockedOn, l.owner == nil { return true }
            next = waitedOn(u)
        }
        return false
    }

    /// The thread whose progress `t` waits for, if one does.
    private func waitedOn(_ t: ThreadState) -> ThreadState? {
        switch t.blockedOn {
        case .join(let h): return h.state
        case .lock(let l): return l.owner
        case .future(let f): return f.runner
        default: return nil
        }
    }

    private func describeWait(_ t: ThreadState) -> String {
        let holds = t.heldLocks.isEmpty ? "" : " holds \(t.heldLocks.map(\.label).joined(separator: " and ")) and"
        let who = t.name + holds
        switch t.blockedOn {
        case .join(let h):
            return "\(who) joins \(h.name)"
        case .exitJoin:
            let others = liveThreads.filter { $0.handle != nil && $0 !== t }.map(\.name)
            return "\(who) waits at exit for \(others.joined(separator: ", "))"
        case .lock(let l):
            if l.ownerForkedAway {
                return "\(who) waits for \(l.label), held by \(l.ownerName), which does not exist in this process"
            }
            if l.owner == nil { return "\(who) waits for \(l.label), held by \(l.ownerName), which has finished" }
            return "\(who) waits for \(l.label)"
        case .semaphore(let s):
            return "\(who) waits for \(s.label), which no other thread can release"
        case .event(let e):
            return "\(who) waits on \(e.label), which no other thread can set"
        case .queueGet(let q):
            return "\(who) waits on \(q.label), which no other thread can fill"
        case .queuePut(let q):
            return "\(who) waits on \(q.label), which no other thread can empty"
        case .future(let f):
            if let r = f.runner { return "\(who) waits for \(f.label), which \(r.name) runs" }
            return "\(who) waits for \(f.label), which no other thread can produce"
        case .futures(let w):
            return "\(who) waits on \(w.label), which no other thread can complete"
        case .poolIdle:
            return "\(who) waits for work"
        case .sleep, nil:
            return "\(t.name) runs"
        }
    }
}
