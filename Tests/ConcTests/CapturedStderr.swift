// Keeps what the tests' scripts write to standard error out of the test log: every suite
// carries the `.capturesStderr` trait, which gives each test a collector; interpreters made
// with `quietInterpreter` report the errors that end their threads into it, and `CLI.run`
// adds the stderr of the `conc` processes it runs. The collected text is attached to an
// issue only when the test records one, so a passing test prints nothing of it.

import Synchronization
import Testing
import Conc

/// What one test's scripts wrote to standard error.
final class StderrCapture: Sendable {
    /// The running test's collector (set by the `.capturesStderr` trait).
    @TaskLocal static var current: StderrCapture?

    private let text = Mutex("")
    func append(_ s: String) { text.withLock { $0 += s } }
    var value: String { text.withLock { $0 } }
}

/// An interpreter whose thread-ending errors go to the running test's collector rather
/// than to the test log. Outside a test carrying `.capturesStderr` they go to standard
/// error as usual, so a suite missing the trait shows up in the log instead of losing
/// what a failure would need.
func quietInterpreter(options: InterpreterOptions = InterpreterOptions()) -> Interpreter {
    let conc = Interpreter(options: options)
    if let capture = StderrCapture.current {
        conc.errorOutput = { capture.append($0) }
    }
    return conc
}

/// Gives each test a fresh `StderrCapture` and appends its text to every issue the test
/// records.
struct CapturesStderrTrait: SuiteTrait, TestTrait, TestScoping {
    /// Applied to every test of a suite, so each test case gets its own collector.
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        // A suite's own scope holds no scripts; its tests get their collectors below.
        if test.isSuite {
            try await function()
            return
        }
        let capture = StderrCapture()
        let attach = IssueHandlingTrait.compactMapIssues { issue in
            var text = capture.value
            while text.hasSuffix("\n") { text.removeLast() }
            guard !text.isEmpty else { return issue }
            var issue = issue
            issue.comments.append(Comment(rawValue: "standard error of the test's scripts:\n\(text)"))
            return issue
        }
        try await attach.provideScope(for: test, testCase: testCase) {
            try await StderrCapture.$current.withValue(capture) {
                try await function()
            }
        }
    }
}

extension Trait where Self == CapturesStderrTrait {
    /// Captures what the test's scripts write to standard error; see `CapturesStderrTrait`.
    static var capturesStderr: Self { CapturesStderrTrait() }
}
