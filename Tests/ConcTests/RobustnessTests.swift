// No input may crash the host: mutated golden scripts, random bytes and pathological
// sources all end in a value or a ConcError.

import Foundation
import Testing
@testable import Conc

// `SplitMix64`, the seeded generator, lives beside the grammar tests.

@Suite(.capturesStderr) struct RobustnessTests {
    /// Runs `source` with tight limits; any outcome but a crash is fine.
    private func survive(_ source: [UInt8]) {
        var options = InterpreterOptions()
        options.instructionBudget = 200_000
        options.heapLimit = 64 << 20
        options.allowFiles = false
        let conc = quietInterpreter(options: options)
        conc.output = { _ in }
        try? conc.run(bytes: source, file: "fuzz.conc")
    }

    @Test func mutatedGoldenScriptsNeverCrash() throws {
        var rng = SplitMix64(state: 42)
        let files = GoldenFiles.all
        let fragments: [[UInt8]] = ["(", ")", "{", "}", "[", "]", "\"", "${", "fn", "let", "=", "+", "**",
                                    "//", "\n", ";", "try", "catch", "finally", "for", "in", "while", "break",
                                    "return", ".", ",", ":", "-9223372036854775807 - 1", "1e308", "nil",
                                    "\u{0}", "\u{FFFF}", "/*", "#"].map { Array($0.utf8) }
        for round in 0..<600 {
            let path = files[round % files.count]
            var bytes = try [UInt8](Data(contentsOf: GoldenFiles.root.appendingPathComponent(path)))
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(contentsOf: fragments.randomElement(using: &rng)!, at: at)
                default: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            survive(bytes)
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(state: 7)
        for _ in 0..<300 {
            let n = Int.random(in: 0..<200, using: &rng)
            survive((0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }

    /// Sources built to stress one limit each, named so test output stays short.
    static let pathological: [String: String] = [
        "10,000 open parens": String(repeating: "(", count: 10_000),
        "10,000 nested lists": String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
        "10,000 open braces": String(repeating: "{", count: 10_000),
        "10,000 unary minuses": String(repeating: "-", count: 10_000) + "1",
        "10,000 nots": String(repeating: "not ", count: 10_000) + "true",
        "50,000-term sum": "let x = " + String(repeating: "1 + ", count: 50_000) + "1",
        "20,000-term or": "let x = " + String(repeating: "x or ", count: 20_000) + "1",
        "1 MB string literal": "\"" + String(repeating: "a", count: 1 << 20) + "\"",
        "lone quote": "\"",
        "open interpolation": "\"${",
        "open comment": "/*",
        "unbounded recursion": "fn f() { return f() } f()",
        "list containing itself": "let xs = []; xs.push(xs); print(xs); print(xs == xs)",
        "map containing itself": "let m = {}; m[1] = m; print(m)",
        "3,000-deep nested list printed": "let b = []; for i in range(3000) { b = [b] }; print(len(str(b)))",
    ]

    @Test(arguments: pathological.keys.sorted())
    func pathologicalSourcesNeverCrash(_ name: String) {
        survive(Array(RobustnessTests.pathological[name]!.utf8))
    }

    @Test func invalidUTF8IsASyntaxError() {
        let conc = quietInterpreter()
        #expect {
            try conc.run(bytes: Array("print(\"".utf8) + [0xFF, 0xFE] + Array("\")".utf8), file: "bad.conc")
        } throws: { error in
            (error as? ConcError)?.isSyntaxError == true
        }
    }
}
