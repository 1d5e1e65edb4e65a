// The nesting limit: deep input gives "too deeply nested", never a native stack
// overflow, even in a debug build on a thread with a 1 MB stack.

import Foundation
import Testing
@testable import Conc

/// The small stack: 1 MB. Under the sanitizer scripts (which set `CONC_SANITIZER`) 8 MB,
/// because the sanitizers put redzones around every frame's locals and so several times
/// the stack for the same nesting; what these tests check is that the parser's depth limit
/// stops deep input, not the sanitizer's frame layout.
let smallStackSize = ProcessInfo.processInfo.environment["CONC_SANITIZER"] == nil ? 1 << 20 : 8 << 20

/// Runs `body` on a new thread with a small stack (`smallStackSize`) and waits for it.
func onSmallStack(_ body: @escaping @Sendable () -> String) -> String {
    final class Box: @unchecked Sendable {
        var value = ""
        let done = DispatchSemaphore(value: 0)
    }
    let box = Box()
    let thread = Thread {
        box.value = body()
        box.done.signal()
    }
    thread.stackSize = smallStackSize
    thread.start()
    box.done.wait()
    return box.value
}

/// Nested source of `depth` levels for each shape the parser recurses through.
let shapes: [(name: String, make: @Sendable (Int) -> String)] = [
    ("parens", { String(repeating: "(", count: $0) + "1" + String(repeating: ")", count: $0) }),
    ("lists", { String(repeating: "[", count: $0) + "1" + String(repeating: "]", count: $0) }),
    ("maps", { "x = " + String(repeating: "{1: ", count: $0) + "1" + String(repeating: "}", count: $0) }),
    ("calls", { String(repeating: "f(", count: $0) + "1" + String(repeating: ")", count: $0) }),
    ("indexes", { String(repeating: "a[", count: $0) + "1" + String(repeating: "]", count: $0) }),
    ("slices", { String(repeating: "a[1:", count: $0) + "1" + String(repeating: "]", count: $0) }),
    ("blocks", { String(repeating: "{", count: $0) + "x" + String(repeating: "}", count: $0) }),
    ("ifs", { String(repeating: "if a {", count: $0) + "x" + String(repeating: "}", count: $0) }),
    ("whiles", { String(repeating: "while a {", count: $0) + "break" + String(repeating: "}", count: $0) }),
    ("trys", { String(repeating: "try {", count: $0) + "x" + String(repeating: "} finally {}", count: $0) }),
    ("lambdas", { String(repeating: "fn(){", count: $0) + "x" + String(repeating: "}", count: $0) }),
    ("unary", { String(repeating: "-", count: $0) + "1" }),
    ("nots", { String(repeating: "not ", count: $0) + "1" }),
    ("powers", { String(repeating: "2 ** ", count: $0) + "1" }),
    ("interpolations", { String(repeating: "\"${", count: $0) + "1" + String(repeating: "}\"", count: $0) }),
    ("spawns", { String(repeating: "spawn thread {", count: $0) + "x" + String(repeating: "}", count: $0) }),
]

@Suite(.capturesStderr) struct DepthTests {
    @Test(arguments: 0..<shapes.count)
    func limitOnSmallStack(shape: Int) {
        let (name, make) = shapes[shape]
        let result = onSmallStack {
            let ok = failure(make(Parser.maxDepth))
            let tooDeep = failure(make(Parser.maxDepth + 1))
            let huge = failure(make(10_000))
            return [ok.hasPrefix("no error") ? "ok" : ok, tooDeep, huge].joined(separator: " | ")
        }
        let parts = result.components(separatedBy: " | ")
        #expect(parts[0] == "ok", "\(name)")
        #expect(parts[1].hasPrefix("too deeply nested @"), "\(name)")
        #expect(parts[2].hasPrefix("too deeply nested @"), "\(name)")
        #expect(!parts[1].contains("incomplete"), "\(name)")
    }

    @Test func positionOfTheError() {
        #expect(failure(String(repeating: "(", count: 10_000)) == "too deeply nested @1:201")
        #expect(failure(String(repeating: "[", count: 300)) == "too deeply nested @1:201")
    }

    @Test func mixedCallsAndFunctionsOnSmallStack() {
        // `f(fn() {` costs two levels: one for the call, one for the body.
        let make: @Sendable (Int) -> String = {
            String(repeating: "f(fn() {", count: $0) + "x" + String(repeating: "})", count: $0)
        }
        let result = onSmallStack {
            failure(make(Parser.maxDepth / 2)) + " | " + failure(make(Parser.maxDepth / 2 + 1))
        }
        #expect(result.hasPrefix("no error"))
        #expect(result.contains("| too deeply nested"))
    }

    @Test func longFlatInputIsFine() throws {
        // Length without nesting costs no stack: a long operator chain, a long list.
        let sum = (0..<Parser.maxOperatorChain + 1).map(String.init).joined(separator: " + ")
        #expect(try Parser.parse(Array(sum.utf8)).stmts.count == 1)
        let tooLong = (0..<Parser.maxOperatorChain + 2).map(String.init).joined(separator: " + ")
        #expect(throws: SyntaxError.self) { try Parser.parse(Array(tooLong.utf8)) }
        let list = "[" + (0..<20_000).map(String.init).joined(separator: ", ") + "]"
        #expect(try Parser.parse(Array(list.utf8)).stmts.count == 1)
        let program = (0..<5_000).map { "let x\($0) = \($0)" }.joined(separator: "\n")
        #expect(try Parser.parse(Array(program.utf8)).stmts.count == 5_000)
    }
}
