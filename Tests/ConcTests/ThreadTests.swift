// Threads under stress and from the host: exact counts with a lock, lost updates
// without one, many short threads leaving no OS thread or descriptor behind, one
// interpreter driven from several Swift threads, and host functions that do or do not
// release the GIL.

import Foundation
import Synchronization
import Testing
import Conc

private final class Sink: Sendable {
    private let text = Mutex("")
    func append(_ s: String) { text.withLock { $0 += s } }
    var value: String { text.withLock { $0 } }
}

/// The number of OS threads and of open descriptors in this process.
private func osThreadCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1
}

private func openDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// Waits up to two seconds for `count()` to come back to at most `limit`.
private func settles(_ count: () -> Int, to limit: Int) -> Bool {
    for _ in 0..<200 {
        if count() <= limit { return true }
        usleep(10_000)
    }
    return false
}

@Suite(.serialized, .capturesStderr) struct ThreadStressTests {
    @Test func sixtyFourThreadsWithALockCountExactly() throws {
        let conc = quietInterpreter()
        let v = try conc.evaluate("""
            let lock = Lock()
            let counter = 0
            fn work() { for i in range(2000) { with lock { counter += 1 } } }
            let ts = []
            for i in range(64) { ts.push(spawn thread work()) }
            for t in ts { t.join() }
            counter
            """)
        #expect(v == 128_000)
    }

    @Test func unlockedIncrementsLoseUpdates() throws {
        // The GIL can switch threads between the load and the store of `counter += 1`.
        // Losing none in five tries of 4 x 200,000 would mean switches never land there.
        var lost = false
        for _ in 0..<5 where !lost {
            var options = InterpreterOptions()
            options.switchInterval = 0.0005
            let conc = quietInterpreter(options: options)
            let v = try conc.evaluate("""
                let counter = 0
                fn work() { for i in range(200000) { counter += 1 } }
                let ts = []
                for i in range(4) { ts.push(spawn thread work()) }
                for t in ts { t.join() }
                counter
                """)
            let n = try #require(v.intValue)
            #expect(n <= 800_000)
            lost = n < 800_000
        }
        #expect(lost)
    }

    @Test func aThousandShortThreadsLeaveNothingBehind() throws {
        let threadsBefore = osThreadCount()
        let fdsBefore = openDescriptorCount()
        let conc = quietInterpreter()
        let v = try conc.evaluate("""
            let total = 0
            for round in range(10) {
                let ts = []
                for i in range(100) { ts.push(spawn thread fn() { return i }()) }
                for t in ts { total += t.join() }
            }
            total
            """)
        #expect(v == .int(10 * 4950))
        #expect(settles(osThreadCount, to: threadsBefore), "OS threads: \(threadsBefore) before, \(osThreadCount()) after")
        #expect(openDescriptorCount() <= fdsBefore)
    }

    @Test func oneInterpreterServesSeveralSwiftThreads() throws {
        let conc = quietInterpreter()
        try conc.run("""
            let lock = Lock()
            let hits = 0
            fn hit(n) { for i in range(n) { with lock { hits += 1 } } return n }
            """)
        let errors = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 {
                do { _ = try conc.call("hit", [20]) } catch { errors.withLock { $0 += 1 } }
            }
        }
        #expect(errors.withLock { $0 } == 0)
        #expect(conc["hits"] == .int(8 * 50 * 20))
    }

    @Test func scriptThreadsRunWhileAHostFunctionReleasesTheGIL() throws {
        // A counting thread runs while the main thread is in a host function: with
        // `releasesGIL` it keeps counting; without, it stalls until the call returns
        // (the seeds' "greedy" C function).
        func progress(releasing: Bool) throws -> Int {
            let conc = quietInterpreter()
            conc.define("host_wait", releasesGIL: releasing) { _ in
                usleep(200_000)
                return .nil
            }
            let v = try conc.evaluate("""
                let ticks = 0
                let stop = false
                let t = spawn thread { while not stop { ticks += 1 } }
                while ticks == 0 { sleep(0.001) }
                let before = ticks
                host_wait()
                let during = ticks - before
                stop = true
                t.join()
                during
                """)
            return try #require(v.intValue)
        }
        let greedy = try progress(releasing: false)
        let polite = try progress(releasing: true)
        #expect(polite > 10_000, "a thread counted only \(polite) while the host function slept without the GIL")
        #expect(greedy * 20 < polite, "greedy \(greedy) vs polite \(polite)")
    }

    @Test func threadErrorsGoToTheErrorOutput() throws {
        let conc = quietInterpreter()
        let errors = Sink()
        conc.errorOutput = { errors.append($0) }
        let v = try conc.evaluate("""
            let t = spawn thread fn() { throw error("ValueError", "no good") }()
            let kind = nil
            try { t.join() } catch e { kind = e.kind }
            kind
            """)
        #expect(v == "ValueError")
        #expect(errors.value.hasPrefix("in thread-1: "))
        #expect(errors.value.contains("ValueError: no good"))
    }

    @Test func waitForThreadsReturnsAThreadsExitStatus() throws {
        let conc = quietInterpreter()
        try conc.run("spawn thread { sleep(0.02)\n exit(4) }")
        #expect(conc.waitForThreads() == 4)
    }

    @Test func theInstructionBudgetBindsSpawnedThreads() throws {
        var options = InterpreterOptions()
        options.instructionBudget = 100_000
        let conc = quietInterpreter(options: options)
        let v = try conc.evaluate("""
            let t = spawn thread { while true {} }
            let kind = nil
            try { t.join() } catch e { kind = e.kind }
            kind
            """)
        #expect(v == "BudgetExceeded")
    }

    @Test func threadsCanBeForbidden() throws {
        var options = InterpreterOptions()
        options.allowThreads = false
        let conc = quietInterpreter(options: options)
        #expect(throws: ConcError.self) { try conc.run("spawn thread print(1)") }
    }

    @Test func aThreadWaitingForWhatOnlyTheHostCanDoSurvivesBetweenCalls() throws {
        // The host is between calls (as the REPL is at its prompt): it may still put,
        // set or release, so these waits are not deadlocks.
        let conc = quietInterpreter()
        try conc.run("""
            let q = Queue()
            let e = Event()
            let l = Lock()
            l.acquire()
            let got = []
            let a = spawn thread { got.push(q.get()) }
            let b = spawn thread { e.wait()
                got.push("set") }
            let c = spawn thread { with l { got.push("locked") } }
            """)
        usleep(100_000)
        try conc.run("q.put(5)\ne.set()\nl.release()\na.join()\nb.join()\nc.join()")
        let names = try conc.evaluate("let names = []\nfor x in got { names.push(str(x)) }\nnames.sort()\nnames")
        #expect(names == ["5", "locked", "set"])
    }

    @Test func aCycleOfThreadsIsADeadlockEvenBetweenCalls() throws {
        // Nothing the host can do ends two threads waiting for each other's locks.
        let conc = quietInterpreter()
        try conc.run("""
            let a = Lock()
            let b = Lock()
            let kinds = []
            fn take(first, second) {
                try { with first { sleep(0.05)
                    with second { } } } catch err { kinds.push(err.kind) }
            }
            let t1 = spawn thread take(a, b)
            let t2 = spawn thread take(b, a)
            """)
        usleep(300_000)
        try conc.run("t1.join()\nt2.join()")
        #expect(try conc.evaluate("kinds") == ["DeadlockError", "DeadlockError"])
    }
}
