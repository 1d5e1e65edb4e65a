// Every sample and every golden script that is not meant to fail to parse does parse:
// the grammar, the parser and the programs people read stay in step.

import Foundation
import Testing
@testable import Conc

@Suite(.capturesStderr) struct CorpusParseTests {
    static var corpus: [String] {
        guard let root = packageRoot() else { return [] }
        var files: [String] = []
        for folder in ["Samples", "Tests/ConcTests/Golden"] {
            let base = root.appendingPathComponent(folder)
            guard let e = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let path as String in e where path.hasSuffix(".conc") {
                files.append(base.appendingPathComponent(path).path)
            }
        }
        return files.sorted()
    }

    @Test func corpusIsNotEmpty() {
        #expect(CorpusParseTests.corpus.count > 150)
        #expect(CorpusParseTests.corpus.contains { $0.hasSuffix("Samples/demo.conc") })
    }

    @Test func everyProgramParses() throws {
        for path in CorpusParseTests.corpus {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            if String(decoding: bytes, as: UTF8.self).contains("# expect syntax error") { continue }
            do {
                _ = try Parser.parse(bytes)
            } catch {
                Issue.record("\(path):\(error.pos.line):\(error.pos.col): \(error.message)")
            }
        }
    }
}
