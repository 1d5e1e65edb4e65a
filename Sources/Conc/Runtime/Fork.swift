// Forking the interpreter: what a child process keeps, what it drops, and the
// descriptors that tie it to its parent.
//
// The spawning thread forks while it holds the GIL, so no other Conc thread is in the
// middle of an instruction: every object is in a consistent state. Only the forking
// thread exists in the child; there the VM is made to match:
//
// - the GIL, the OS-thread table and the thread's parker get fresh pthread objects
//   (another thread may have held one of their mutexes at the moment of the fork);
// - the other threads' states are dropped: their handles count as finished (`join`
//   returns nil at once, `is_alive()` is false, as in Python), they leave the wait
//   lists of locks, events and queues, and a lock one of them held stays locked, held
//   by a thread that does not exist here. Acquiring it with no timeout raises
//   `DeadlockError` instead of hanging (Python's child would hang);
// - handles of processes the parent spawned are not this child's to join or signal;
// - every signal gets its default action back and is unblocked (but for Ctrl-C while
//   the REPL's prompt waits: see ProcessSignals.swift).
//
// Children die with their parent. PR_SET_PDEATHSIG would follow the forking *thread*,
// not the process, so a child spawned from a Conc thread would be killed when that
// thread ends. Instead every process that forks keeps one lifeline pipe; children
// inherit its read end, and a small watcher thread in each child waits for the end of
// file that the kernel delivers when the last write end closes, which is when the
// parent process is gone however it ended, and then kills the child.
//
// Descriptors private to one child (the pipe its result comes back on, the lifeline's
// write end) are closed in every other child right after the fork, so a child never
// keeps a sibling's pipe open or its parent's lifeline alive. Processes are never
// reaped with `waitpid(-1)` or a SIGCHLD handler, which would steal an embedding
// host's own children: each child is waited for by its pid, after its result pipe
// reports end of file.

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide fork bookkeeping, shared by every interpreter in the process.
final class ForkRegistry: @unchecked Sendable {
    // @unchecked Sendable: every stored property is read and written under `mutex`,
    // which is also held across `fork()` so the child finds the registry consistent.
    static let shared = ForkRegistry()

    private var mutex = makeMutex()
    /// The lifeline this process hands its children (created at the first fork).
    private var lifeline: (read: Int32, write: Int32)?
    /// The read end of this process's own parent's lifeline, when it is a child.
    private var parentLifeline: Int32 = -1
    /// Descriptors no child may keep: result pipes of this process's children, and in a
    /// child the write end of its own result pipe.
    private var privateFDs: Set<Int32> = []

    /// Forks. In the child, runs `child` (which must not return); in the parent,
    /// returns the child's pid, or nil with `errno` set. `childOnly` is a descriptor
    /// the child keeps (the write end of its result pipe) and the parent closes.
    func fork(childOnly: Int32, child: () -> Never) -> pid_t? {
        pthread_mutex_lock(mutex)
        if lifeline == nil {
            guard let fds = Descriptors.makePipe() else {
                pthread_mutex_unlock(mutex)
                return nil
            }
            lifeline = fds
        }
        let pid = Glibc.fork()
        if pid == 0 {
            // The mutex is held by this thread, which exists here: a fresh one is simpler.
            mutex = makeMutex()
            for fd in privateFDs { close(fd) }
            privateFDs = [childOnly]
            if parentLifeline >= 0 { close(parentLifeline) }
            close(lifeline!.write)
            parentLifeline = lifeline!.read
            lifeline = nil
            restoreDefaultSignals()
            watchLifeline(parentLifeline)
            child()
        }
        close(childOnly)
        pthread_mutex_unlock(mutex)
        return pid < 0 ? nil : pid
    }

    /// Marks a descriptor this process keeps for itself (a child's result pipe).
    func keepPrivate(_ fd: Int32) {
        pthread_mutex_lock(mutex)
        privateFDs.insert(fd)
        pthread_mutex_unlock(mutex)
    }

    /// Closes a descriptor from `keepPrivate`.
    func closePrivate(_ fd: Int32) {
        pthread_mutex_lock(mutex)
        privateFDs.remove(fd)
        close(fd)
        pthread_mutex_unlock(mutex)
    }

    /// The child dies of the signals it gets, and the parent reports which. (The
    /// Swift runtime's crash handler would print a backtrace and, for a signal sent with
    /// `kill`, carry on.)
    private func restoreDefaultSignals() {
        for s in [SIGTERM, SIGPIPE, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] { signal(s, SIG_DFL) }
        ProcessSignals.childInterruptHandling()
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_UNBLOCK, &all, nil)
    }

    /// Starts the thread that kills this child when its parent's lifeline closes.
    private func watchLifeline(_ fd: Int32) {
        var thread = pthread_t()
        let context = UnsafeMutableRawPointer(bitPattern: Int(fd) + 1)
        let started = pthread_create(&thread, nil, { raw in
            let fd = Int32(Int(bitPattern: raw) - 1)
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while poll(&p, 1, -1) < 0 && errno == EINTR {}
            kill(getpid(), SIGKILL)
            return nil
        }, context)
        if started == 0 { pthread_detach(thread) }
    }
}

extension VM {
    /// Makes this VM, in a freshly forked child, the one-thread interpreter `ts` runs.
    func resetAfterFork(_ ts: ThreadState, processName: String) {
        gil.resetAfterFork(holder: ts)
        if let t = tracer {
            tracer = Tracer(forkedFrom: t, processName: processName)
            gil.tracer = tracer
        }
        osThreads.resetAfterFork(ts)
        ts.parker.resetAfterFork()
        interruptRequested.store(false, ordering: .relaxed)
        for t in liveThreads where t !== ts {
            // Closures may still refer to its variables: move them off its stack, which
            // goes away with it.
            t.closeUpvalues(from: 0)
            t.blockedOn?.waitable?.removeWaiter(t)
            t.blockedOn = nil
            for l in t.heldLocks { l.ownerFinished(t, forked: true) }
            t.heldLocks.removeAll()
            if let h = t.handle, h.state === t { h.finish(.nil, failed: false) }
        }
        liveThreads = [ts]
        spawnedLive = 0
        exitWaiter = nil
        for c in children { c.disown() }
        children = []
        // The pools' workers and managers stayed in the parent.
        for p in pools { p.brokenReason = "the pool's workers belong to the parent process" }
        pools = []
    }
}
