// Runs every sample script (Samples/*.conc, not the benchmarks) in quick mode through
// the built `conc` and checks its shape, never its timings: exit status 0, at least
// one aligned table (three or more consecutive lines that start and end with `|` and
// have their `|` in the same columns), and a last non-empty line that is the
// conclusion ("Conclusion: ..."). Which conclusion a sample draws depends on the
// machine's load, so it is not checked.

import Foundation
import Testing

@Suite(.capturesStderr) struct SamplesTests {
    static let samplesDir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ConcTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Samples")

    static var samples: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: samplesDir.path)) ?? []
        return names.filter { $0.hasSuffix(".conc") }.sorted()
    }

    /// The columns of `|` in a table line, or nil when the line is not one.
    static func bars(_ line: Substring) -> [Int]? {
        guard line.count > 2, line.first == "|", line.last == "|" else { return nil }
        return line.enumerated().compactMap { $0.element == "|" ? $0.offset : nil }
    }

    /// Whether `lines` hold an aligned table: three or more consecutive table lines
    /// with at least two columns and their bars in the same places.
    static func hasAlignedTable(_ lines: [Substring]) -> Bool {
        var run = 0
        var previous: [Int]?
        for line in lines {
            if let b = bars(line), b.count >= 3 {
                run = (b == previous) ? run + 1 : 1
                previous = b
                if run >= 3 { return true }
            } else {
                run = 0
                previous = nil
            }
        }
        return false
    }

    @Test func thereAreSamples() {
        #expect(Self.samples.count >= 13, "found \(Self.samples)")
    }

    @Test(arguments: SamplesTests.samples)
    func runsQuickWithATableAndAConclusion(_ name: String) throws {
        let path = Self.samplesDir.appendingPathComponent(name).path
        let result = try CLI.run([path, "--quick"], timeout: 120)
        #expect(result.status == 0 && !result.signalled, "\(name) exited \(result.status): \(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(Self.hasAlignedTable(lines), "\(name) printed no aligned table:\n\(result.stdout)")
        let last = lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        #expect(last.hasPrefix("Conclusion: ") && last.count > 40, "\(name) does not end with its conclusion: \(last)")
    }

    @Test func everySampleSaysWhatItShowsAndHowToRunIt() throws {
        for name in Self.samples {
            let text = try String(contentsOf: Self.samplesDir.appendingPathComponent(name), encoding: .utf8)
            #expect(text.hasPrefix("# "), "\(name) does not begin with a header comment")
            #expect(text.contains("conc Samples/\(name) --quick"), "\(name)'s header does not say how to run it quickly")
            #expect(text.contains("\"--quick\" in args"), "\(name) does not read --quick")
        }
    }
}
