// Runs every golden script under Golden/: each `.conc` file states its expected output in
// `# expect: TEXT` comments, and optionally how it ends: `# expect error: KIND` (an
// uncaught runtime error of that kind) or `# expect syntax error: LINE:COL`.

import Foundation
import Synchronization
import Testing
@testable import Conc

/// What a golden script expects.
struct GoldenExpectation {
    var lines: [String] = []
    var errorKind: String?
    var syntaxError: (line: Int, column: Int)?

    init(source: String) {
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let r = line.range(of: "# expect") else { continue }
            let rest = line[r.upperBound...]
            if rest.hasPrefix(": ") {
                var text = String(rest.dropFirst(2))
                while text.hasSuffix(" ") { text.removeLast() }
                lines.append(text)
            } else if rest.hasPrefix(":") {
                lines.append("")
            } else if rest.hasPrefix(" error: ") {
                errorKind = rest.dropFirst(8).trimmingCharacters(in: .whitespaces)
            } else if rest.hasPrefix(" syntax error: ") {
                let parts = rest.dropFirst(15).trimmingCharacters(in: .whitespaces).split(separator: ":")
                if parts.count == 2, let l = Int(parts[0]), let c = Int(parts[1]) { syntaxError = (l, c) }
            }
        }
    }
}

/// Collects what a script prints.
final class OutputCollector: Sendable {
    private let text = Mutex("")
    func append(_ s: String) { text.withLock { $0 += s } }
    var value: String { text.withLock { $0 } }
}

enum GoldenFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Every script except those that fork (under `process/`), which run through the
    /// `conc` binary instead (ProcessTests.swift): forking inside the parallel test
    /// runner could copy a lock another test thread holds.
    static var all: [String] {
        everything.filter { !$0.hasPrefix("process/") }
    }

    static var processes: [String] {
        everything.filter { $0.hasPrefix("process/") }
    }

    private static var everything: [String] {
        guard let e = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".conc") }.sorted()
    }
}

@Suite(.capturesStderr) struct GoldenTests {
    @Test func thereAreManyGoldenScripts() {
        #expect(GoldenFiles.all.count >= 150)
    }

    @Test(arguments: GoldenFiles.all)
    func golden(_ path: String) throws {
        try check(path, collectorStress: false)
    }

    /// The same scripts with a collection at every safe point: a root the collector
    /// misses shows up as a wrong output or a crash.
    @Test(arguments: GoldenFiles.all)
    func goldenUnderCollectorStress(_ path: String) throws {
        try check(path, collectorStress: true)
    }

    private func check(_ path: String, collectorStress: Bool) throws {
        let url = GoldenFiles.root.appendingPathComponent(path)
        let bytes = try [UInt8](Data(contentsOf: url))
        let expected = GoldenExpectation(source: String(decoding: bytes, as: UTF8.self))
        var options = InterpreterOptions()
        options.instructionBudget = 500_000_000
        let conc = quietInterpreter(options: options)
        conc.vm.heap.stress = collectorStress
        let out = OutputCollector()
        conc.output = { out.append($0) }
        var failure: ConcError?
        do {
            try conc.run(bytes: bytes, file: path)
        } catch {
            failure = error
        }
        // As a program does, wait for the threads (unless the script called exit()).
        if failure?.exitCode == nil, let code = conc.waitForThreads(), code != 0 {
            failure = ConcError(kind: "Exit", message: "exit(\(code))", exitCode: code)
        }
        if failure?.exitCode == 0 { failure = nil }
        var actual = out.value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if actual.last == "" { actual.removeLast() }
        if let (line, column) = expected.syntaxError {
            #expect(failure?.isSyntaxError == true, "expected a syntax error, got \(String(describing: failure))")
            #expect(failure?.line == line && failure?.column == column,
                    "expected syntax error at \(line):\(column), got \(String(describing: failure))")
            #expect(actual.isEmpty)
            return
        }
        #expect(actual == expected.lines, "output differs")
        if let kind = expected.errorKind {
            #expect(failure?.kind == kind, "expected \(kind), got \(String(describing: failure))")
        } else {
            #expect(failure == nil, "unexpected error: \(String(describing: failure))")
        }
    }
}
