// Built-ins for threads and synchronisation: the primitives' constructors,
// `current_thread`, the switch interval and `gil_stats`.

#if canImport(Glibc)
import Glibc
#endif

extension VM {
    func installConcurrencyBuiltins() {
        defineNative("Lock", 0, 0) { ts, _ in ts.vm.newWaitable(LockObj()) }
        defineNative("Semaphore", 0, 1) { ts, args throws(Unwind) in
            let vm = ts.vm
            var n = 1
            if args.count == 1 {
                guard case .int(let v) = args[0] else {
                    throw ts.error("TypeError", "Semaphore() needs an int, not \(args[0].typeName)")
                }
                if v < 0 { throw ts.error("ValueError", "semaphore initial value must be >= 0") }
                n = v
            }
            return vm.newWaitable(SemaphoreObj(value: n))
        }
        defineNative("Event", 0, 0) { ts, _ in ts.vm.newWaitable(EventObj()) }
        defineNative("Queue", 0, 1) { ts, args throws(Unwind) in
            let vm = ts.vm
            var capacity = 0
            if args.count == 1, !args[0].isIdentical(to: .nil) {
                guard case .int(let v) = args[0] else {
                    throw ts.error("TypeError", "Queue() needs an int, not \(args[0].typeName)")
                }
                if v < 0 { throw ts.error("ValueError", "queue size must be >= 0") }
                capacity = v
            }
            return vm.newWaitable(QueueObj(capacity: capacity))
        }
        defineNative("Pipe", 0, 0) { ts, _ throws(Unwind) in try ts.vm.makePipe(ts) }
        defineNative("SharedArray", 1, 1) { ts, args throws(Unwind) in
            guard case .int(let n) = args[0] else {
                throw ts.error("TypeError", "SharedArray() needs an int, not \(args[0].typeName)")
            }
            if n < 0 || n > 1 << 32 { throw ts.error("ValueError", "shared array size must be between 0 and 2**32") }
            guard let a = SharedArray(count: n) else {
                throw ts.error("OSError", "cannot map shared memory: \(String(cString: strerror(errno)))")
            }
            return Val(ts.vm.heap.register(a))
        }
        defineNative("SharedLock", 0, 0) { ts, _ throws(Unwind) in
            guard let l = SharedLockObj.make() else {
                throw ts.error("OSError", "cannot map shared memory: \(String(cString: strerror(errno)))")
            }
            return ts.vm.newWaitable(l)
        }
        poolWorker = internalNative("pool worker", 1) { ts, args throws(Unwind) in
            try unsafeDowncast(args[0].obj!, to: ThreadPoolObj.self).work(ts.vm, ts)
        }
        processPoolWorker = internalNative("process pool worker", 3) { ts, args throws(Unwind) in
            try unsafeDowncast(args[0].obj!, to: ProcessPoolObj.self).serve(
                ts.vm, ts, parentEnd: unsafeDowncast(args[1].obj!, to: PipeEnd.self),
                pipe: unsafeDowncast(args[2].obj!, to: PipeEnd.self))
        }
        processPoolManager = internalNative("process pool manager", 1) { ts, args throws(Unwind) in
            try unsafeDowncast(args[0].obj!, to: ProcessPoolObj.self).manage(ts.vm, ts)
        }
        defineNative("ProcessPool", 0, 1) { ts, args throws(Unwind) in try ts.vm.makeProcessPool(ts, args) }
        defineNative("ThreadPool", 0, 1) { ts, args throws(Unwind) in
            let vm = ts.vm
            let pool = ThreadPoolObj(size: try vm.poolSize(ts, args, "ThreadPool"))
            vm.pools.append(pool)
            return vm.newWaitable(pool)
        }
        defineNative("as_completed", 1, 1) { ts, args throws(Unwind) in
            let vm = ts.vm
            return vm.newWaitable(AsCompletedObj(try vm.futureList(ts, args[0], "as_completed")))
        }
        defineNative("wait", 1, 2) { ts, args throws(Unwind) in try ts.vm.waitFutures(ts, args) }
        defineNative("current_thread", 0, 0) { ts, _ in Val(ts.vm.handle(of: ts)) }
        defineNative("switch_interval", 0, 0) { ts, _ in .double(ts.vm.gil.interval) }
        defineNative("set_switch_interval", 1, 1) { ts, args throws(Unwind) in
            let s = try ts.vm.number(ts, args[0], "set_switch_interval")
            // As Python's: any positive interval, inf too (never force a switch);
            // zero, negative and nan are errors.
            if !(s > 0) { throw ts.error("ValueError", "switch interval must be a positive number of seconds") }
            ts.vm.gil.interval = s
            return .nil
        }
        defineNative("gil_stats", 0, 0) { ts, _ in
            let vm = ts.vm
            return vm.value(from: vm.gilStats(ts))
        }
    }

    /// A native function the runtime runs (in pool workers), not a global.
    private func internalNative(_ name: String, _ arity: Int,
                                _ body: @escaping (ThreadState, Args) throws(Unwind) -> Void) -> Val {
        let n = heap.register(NativeObj(name: name, minArgs: arity, maxArgs: arity) { ts, args throws(Unwind) in
            try body(ts, args)
            return .nil
        })
        heap.makePermanent(n)
        return Val(n)
    }

    /// A new synchronisation object, labelled `lock#1`, `queue#2`... for deadlock reports.
    func newWaitable(_ w: WaitableHandle) -> Val {
        heap.register(w)
        w.label = nextLabel(w.typeName)
        return Val(w)
    }

    /// The handle of `ts`, made on first use for the main and host threads.
    func handle(of ts: ThreadState) -> ThreadHandle {
        if let h = ts.handle { return h }
        let h = heap.register(ThreadHandle(name: ts.name, id: ts === mainThread ? 0 : -hostCounter))
        h.state = ts
        ts.handle = h
        return h
    }

    /// `gil_stats()`: switches, drop requests, the switch interval, and per thread
    /// (finished ones too) the seconds it held and waited for the GIL.
    func gilStats(_ ts: ThreadState) -> Value {
        let (switches, drops) = gil.counters
        let now = monotonicSeconds()
        func times(_ held: Double, _ waited: Double) -> Value {
            .map([Value.Pair("held", .double(held)), Value.Pair("waited", .double(waited))])
        }
        var threads = retiredThreads.map { Value.Pair(.string($0.name), times($0.held, $0.waited)) }
        for t in liveThreads {
            let held = t.gilHeld + (t.holdsGIL ? now - t.gilHeldSince : 0)
            threads.append(Value.Pair(.string(t.name), times(held, t.gilWaited)))
        }
        return .map([Value.Pair("switches", .int(switches)), Value.Pair("drop_requests", .int(drops)),
                     Value.Pair("switch_interval", .double(gil.interval)), Value.Pair("threads", .map(threads))])
    }
}
