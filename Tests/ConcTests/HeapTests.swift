// The collector: what it keeps, what it frees, and that cycles are no obstacle.

import Testing
@testable import Conc

@Suite(.capturesStderr) struct HeapTests {
    /// An interpreter and the number of heap objects right after a collection.
    private func settled(_ conc: Interpreter) -> Int {
        conc.vm.collect()
        return conc.vm.heap.objectCount
    }

    @Test func unreachableObjectsAreFreed() throws {
        let conc = quietInterpreter()
        let before = settled(conc)
        try conc.run("let keep = [1, 2]\nfor i in range(1000) { let tmp = [i, str(i), {\"k\": i}] }")
        let after = settled(conc)
        // `keep` survives; the 3,000 temporaries do not.
        #expect(after - before < 50)
        #expect(conc["keep"] == [1, 2])
    }

    /// A built-in runs no safe point, so a collection that is due runs before a built-in
    /// method rather than after it (`text.split("\n")` would otherwise make all its
    /// pieces beside the garbage that made the collection due).
    @Test func aDueCollectionRunsBeforeABuiltInMethod() throws {
        let conc = quietInterpreter()
        try conc.run("let s = \"a,b,c\"")
        // No countdown runs out in the few instructions below: only the call collects.
        conc.vm.mainThread.ticks = VM.safePointInterval
        conc.vm.heap.collectionDue = true
        let before = conc.vm.heap.collections
        try conc.run("let parts = s.split(\",\")")
        #expect(conc.vm.heap.collections == before + 1)
        #expect(conc["parts"] == ["a", "b", "c"])
    }

    @Test func reachableThroughContainersAndClosuresSurvives() throws {
        let conc = quietInterpreter()
        try conc.run("""
            let m = {"list": [1, [2, "deep"]], "s": "text"}
            fn make() { let hidden = ["captured"]; return fn() { return hidden[0] } }
            let f = make()
            """)
        conc.vm.collect()
        conc.vm.collect()
        #expect(try conc.evaluate("m[\"list\"][1][1] + m[\"s\"] + f()") == "deeptextcaptured")
    }

    @Test func cyclesAreCollected() throws {
        let conc = quietInterpreter()
        let before = settled(conc)
        try conc.run("""
            for i in range(500) {
                let a = []
                let b = [a]
                a.push(b)
                let m = {}
                m["self"] = m
            }
            """)
        #expect(settled(conc) - before < 50)
    }

    @Test func collectionRunsDuringLongLoopsAndKeepsResults() throws {
        var options = InterpreterOptions()
        options.heapLimit = 32 << 20
        let conc = quietInterpreter(options: options)
        let v = try conc.evaluate("""
            let total = 0
            for i in range(200000) {
                let s = "item ${i}"
                let xs = [s, s + "!"]
                total += len(xs[1])
            }
            total
            """)
        #expect(v.intValue ?? 0 > 0)
        #expect(conc.vm.heap.collections > 0)
    }

    @Test func heapLimitStopsRunawayGrowth() {
        var options = InterpreterOptions()
        options.heapLimit = 16 << 20
        let conc = quietInterpreter(options: options)
        #expect(throws: ConcError.self) {
            try conc.run("let xs = []\nwhile true { xs.push([1, 2, 3]) }")
        }
        do {
            try conc.run("let ys = []\nwhile true { ys.push(1) }")
            Issue.record("expected MemoryError")
        } catch {
            #expect(error.kind == "MemoryError")
        }
    }
}
