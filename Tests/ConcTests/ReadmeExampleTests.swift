// The README's embedding example, compiled and run as written: the code between the
// markers below is the Swift block (after its `import Conc`) of README.md and of
// docs/reference.md section 9, and a test checks that the texts are the same, so they
// cannot drift apart. This file imports Conc without @testable, so the example uses only
// the public API.

import Conc
import Foundation
import Testing

@Suite struct ReadmeExampleTests {
    @Test func theEmbeddingExampleRuns() throws {
        // README example begins
        var options = InterpreterOptions()
        options.instructionBudget = 100_000_000     // a runaway script raises BudgetExceeded
        let conc = Interpreter(options: options)
        conc.output = { text in print("script:", text, terminator: "") }   // default: stdout

        try conc.run("""
            fn fib(n) { if n < 2 { return n } return fib(n - 1) + fib(n - 2) }
            print("loaded")
            """)
        let v: Value = try conc.evaluate("fib(20)")                      // .int(6765)
        let r = try conc.call("fib", [10])                               // .int(55)

        conc.define("shout", arity: 1...1) { args in                     // a host function
            .string((args[0].stringValue ?? "").uppercased() + "!")
        }
        conc["greeting"] = "hello"                                       // write a global
        let s = try conc.evaluate("shout(greeting)")                     // .string("HELLO!")

        do {
            try conc.run("let xs = [1, 2]\nprint(xs[5])", file: "host.conc")
        } catch {
            print(error.kind, error.line, error.message)   // IndexError 2 list index out of range
        }
        // README example ends
        #expect(v == .int(6765))
        #expect(r == .int(55))
        #expect(s == .string("HELLO!"))
        #expect(conc["xs"] == [1, 2])
        #expect(throws: ConcError.self) { try conc.run("print(xs[5])") }
    }

    @Test func theReadmeShowsThisExample() throws {
        let here = URL(fileURLWithPath: #filePath)
        let source = try String(contentsOf: here, encoding: .utf8)
        let root = here
            .deletingLastPathComponent()  // ConcTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root

        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let begin = try #require(lines.firstIndex { $0.hasSuffix("// README example begins") })
        let end = try #require(lines.firstIndex { $0.hasSuffix("// README example ends") })
        let indent = lines[begin].prefix { $0 == " " }.count
        let body = lines[(begin + 1)..<end].map { $0.count > indent ? String($0.dropFirst(indent)) : "" }
        let example = "```swift\nimport Conc\n\n" + body.joined(separator: "\n") + "\n```"
        for doc in ["README.md", "docs/reference.md"] {
            let text = try String(contentsOf: root.appendingPathComponent(doc), encoding: .utf8)
            #expect(text.contains(example), "\(doc) should show the embedding example of ReadmeExampleTests.swift:\n\(example)")
        }
    }
}
