// Runs the examples of the documentation in docs/ with the built `conc`, so that what
// the docs show stays what Conc does. A fenced block marked `conc` is a script; when a
// block marked `text` follows it (blank lines between), that is what the script prints:
// standard output then standard error, or standard output alone for a block marked
// `conc stdout`. A `conc` block with no `text` block after it must run without error.

import Foundation
import Testing

/// One runnable example of a documentation file.
struct DocsExample: CustomTestStringConvertible {
    var file: String
    var line: Int
    var code: String
    var expected: String?
    var stdoutOnly: Bool

    var testDescription: String { "\(file):\(line)" }

    /// The examples of the markdown text `text`, read from `file` (for messages).
    static func parse(_ text: String, file: String) -> [DocsExample] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var examples: [DocsExample] = []
        var i = 0
        while i < lines.count {
            let fence = lines[i].trimmingCharacters(in: .whitespaces)
            guard fence == "```conc" || fence == "```conc stdout" else {
                i += 1
                continue
            }
            guard let end = closingFence(lines, after: i) else { break }
            var example = DocsExample(file: file, line: i + 1, code: lines[(i + 1)..<end].joined(separator: "\n") + "\n",
                                      expected: nil, stdoutOnly: fence == "```conc stdout")
            var next = end + 1
            while next < lines.count && lines[next].trimmingCharacters(in: .whitespaces).isEmpty { next += 1 }
            if next < lines.count, lines[next].trimmingCharacters(in: .whitespaces) == "```text",
               let outEnd = closingFence(lines, after: next) {
                let body = lines[(next + 1)..<outEnd]
                example.expected = body.isEmpty ? "" : body.joined(separator: "\n") + "\n"
            }
            examples.append(example)
            i = end + 1
        }
        return examples
    }

    private static func closingFence(_ lines: [String], after start: Int) -> Int? {
        var j = start + 1
        while j < lines.count {
            if lines[j].trimmingCharacters(in: .whitespaces) == "```" { return j }
            j += 1
        }
        return nil
    }

    /// Every example of every markdown file in docs/.
    static let all: [DocsExample] = {
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // ConcTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("docs")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? [])
            .filter { $0.hasSuffix(".md") }.sorted()
        return names.flatMap { name in
            let text = (try? String(contentsOf: docs.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return parse(text, file: "docs/" + name)
        }
    }()
}

@Suite(.capturesStderr) struct DocsExampleTests {
    @Test func theDocsHaveExamples() {
        #expect(DocsExample.all.count >= 30)
    }

    @Test(arguments: DocsExample.all)
    func exampleRunsAsShown(_ example: DocsExample) throws {
        // The docs call the script example.conc; it runs from a temporary directory.
        let path = try CLI.script(example.code, name: "example.conc")
        let r = try CLI.run([path], timeout: 60)
        let output = (example.stdoutOnly ? r.stdout : r.stdout + r.stderr)
            .replacingOccurrences(of: path, with: "example.conc")
        if let expected = example.expected {
            #expect(output == expected, "\(example.file):\(example.line)")
        } else {
            #expect(r.status == 0 && !r.signalled, "\(example.file):\(example.line) failed:\n\(output)")
        }
    }
}
