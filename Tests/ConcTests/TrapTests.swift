// Scripts that used to trap (and so kill the embedding host) run through an embedded
// `Interpreter`: each gives a catchable error or the right value, and the interpreter
// (and the host) goes on working afterwards.

import Testing
import Conc

@Suite(.capturesStderr) struct TrapTests {
    /// Runs `source`, which must fail with a runtime error of `kind`, then checks that
    /// the same interpreter still evaluates code.
    private func expectError(_ kind: String, _ source: String) {
        let conc = quietInterpreter()
        do {
            try conc.run(source)
            Issue.record("expected \(kind) from: \(source)")
        } catch {
            #expect(error.kind == kind, "\(source): \(error)")
        }
        #expect((try? conc.evaluate("1 + 1")) == .int(2))
    }

    @Test func lenOfRangeBeyondIntMaxIsOverflowError() {
        expectError("OverflowError", "len(range(-9223372036854775807 - 1, 0))")
    }

    @Test func sliceWithHugeStepTakesOneElement() throws {
        let conc = quietInterpreter()
        #expect(try conc.evaluate("[0, 1, 2, 3][1::9223372036854775807]") == [1])
        #expect(try conc.evaluate("\"abcd\"[1::9223372036854775807]") == "b")
    }

    /// `p.join(1e16)` for a process waits on the child's pipe with a deadline too far
    /// off to express in milliseconds. Forking inside the parallel test runner is unsafe
    /// (the child may copy a lock another test thread holds), so this waits the same way on a `Pipe` fed by a thread; the
    /// process itself is pinned by Golden/process/join_huge_timeout.conc.
    @Test func hugeTimeoutOnADescriptorWaits() throws {
        let conc = quietInterpreter()
        try conc.run("""
            let p = Pipe()
            let t = spawn thread { sleep(0.1); p[1].send("sent") }
            let got = p[0].recv(1e16)
            t.join(1e16)
            """)
        #expect(conc["got"] == "sent")
    }

    @Test func hugeSwitchIntervalIsAccepted() throws {
        let conc = quietInterpreter()
        try conc.run("set_switch_interval(1e10)")
        #expect(try conc.evaluate("switch_interval()") == .double(1e10))
        try conc.run("set_switch_interval(0.005)")
    }

    @Test func semaphoreReleaseOverflowIsOverflowError() {
        expectError("OverflowError", "Semaphore(9223372036854775807).release()")
    }

    @Test func sliceOfARangeIsARange() throws {
        let conc = quietInterpreter()
        #expect(try conc.evaluate("str(range(10)[2:5])") == "range(2, 5)")
        #expect(try conc.evaluate("str(range(10)[::2])") == "range(0, 10, 2)")
        #expect(try conc.evaluate("-1 in range(9223372036854775807, -9223372036854775807 - 1, -1)") == true)
    }

    /// A failed write to standard output cannot be provoked in-process; a host's own
    /// output sink never fails, so `outputFailure` stays nil.
    @Test func outputFailureIsNilWithASink() throws {
        let conc = quietInterpreter()
        conc.output = { _ in }
        try conc.run("print(1)")
        conc.flushOutput()
        #expect(conc.outputFailure == nil)
    }
}
