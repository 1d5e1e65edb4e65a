// Grammar honesty: reads Grammar/conc.ebnf, generates random programs from its
// syntactic rules (seeded, so every run is the same) and checks that the parser accepts
// every one. A rule the parser does not follow shows up here as a rejected program.

import Foundation
import Testing
@testable import Conc

/// A small seeded random generator (SplitMix64), so the programs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates random sentences of a grammar's syntactic part.
struct ProgramGenerator {
    let rules: [String: GrammarNode]
    /// The lexical rules the syntax refers to, generated here from samples.
    static let lexicalRules: Set<String> = ["identifier", "integer_literal", "float_literal",
                                            "string_literal", "newline"]
    var rng: SplitMix64
    /// Rule expansions deeper than this take the cheapest way out.
    let budget: Int
    /// Past this many tokens, every choice takes the cheapest way out.
    let tokenLimit: Int
    var produced = 0
    var minCost: [String: Int] = [:]
    var names = 0
    // Context rules the EBNF states in words (see its header comment).
    var inFunction = false
    var inLoop = false
    var inInterpolation = false

    init(rules: [String: GrammarNode], seed: UInt64, budget: Int, tokenLimit: Int) {
        self.rules = rules
        self.rng = SplitMix64(state: seed)
        self.budget = budget
        self.tokenLimit = tokenLimit
        computeMinCosts()
    }

    /// The fewest tokens each rule can produce, by fixed-point iteration.
    mutating func computeMinCosts() {
        var changed = true
        while changed {
            changed = false
            for (name, node) in rules {
                let cost = self.cost(node)
                if cost < minCost[name, default: Int.max] {
                    minCost[name] = cost
                    changed = true
                }
            }
        }
    }

    func cost(_ node: GrammarNode) -> Int {
        switch node {
        case .terminal: return 1
        case .special: return Int.max / 4
        case .rule(let name):
            return Self.lexicalRules.contains(name) ? 1 : minCost[name, default: Int.max / 4]
        case .sequence(let items): return min(items.reduce(0) { $0 + cost($1) }, Int.max / 4)
        case .choice(let alternatives): return alternatives.map(cost).min() ?? Int.max / 4
        case .optional, .repetition: return 0
        case .exception(let base, _): return cost(base)
        }
    }

    /// Whether an alternative is allowed in the current context.
    func allowed(_ node: GrammarNode) -> Bool {
        guard case .rule(let name) = node else { return true }
        switch name {
        case "return_statement": return inFunction
        case "break_statement", "continue_statement": return inLoop
        default: return true
        }
    }

    /// The first terminal of a node (for exceptions such as `expression - brace_first`).
    func firstTerminal(_ node: GrammarNode) -> String? {
        switch node {
        case .terminal(let t): return t
        case .rule(let name): return rules[name].flatMap(firstTerminal)
        case .sequence(let items): return items.first.flatMap(firstTerminal)
        default: return nil
        }
    }

    /// Appends a random sentence of `node` to `out`.
    mutating func generate(_ node: GrammarNode, depth: Int, into out: inout [String]) {
        let cheap = depth > budget || produced > tokenLimit
        switch node {
        case .terminal(let t):
            produced += 1
            out.append(t)
        case .special(let text):
            Issue.record("cannot generate special sequence ? \(text) ?")
        case .rule(let name):
            expand(name, depth: depth, into: &out)
        case .sequence(let items):
            for item in items { generate(item, depth: depth, into: &out) }
        case .choice(let alternatives):
            let candidates = alternatives.filter(allowed)
            let pick: GrammarNode
            if cheap {
                pick = candidates.min { cost($0) < cost($1) } ?? candidates[0]
            } else {
                pick = candidates.randomElement(using: &rng) ?? alternatives[0]
            }
            generate(pick, depth: depth, into: &out)
        case .optional(let inner):
            if !cheap && Bool.random(using: &rng) { generate(inner, depth: depth, into: &out) }
        case .repetition(let inner):
            let count = cheap ? 0 : Int.random(in: 0...(depth < budget / 2 ? 3 : 1), using: &rng)
            for _ in 0..<count { generate(inner, depth: depth, into: &out) }
        case .exception(let base, let excluded):
            let banned = firstTerminal(excluded)
            for attempt in 0..<20 {
                // The last attempt takes the cheapest expansion (a name).
                var candidate: [String] = []
                generate(base, depth: attempt < 19 ? depth : budget + 1, into: &candidate)
                if candidate.first != banned {
                    out.append(contentsOf: candidate)
                    return
                }
            }
            Issue.record("could not satisfy an exception")
        }
    }

    /// Expands a rule, applying the context rules and generating lexical tokens.
    mutating func expand(_ name: String, depth: Int, into out: inout [String]) {
        if Self.lexicalRules.contains(name) {
            produced += 1
            out.append(lexical(name, depth: depth))
            return
        }
        guard let node = rules[name] else {
            Issue.record("rule \(name) is used but not defined")
            return
        }
        let saved = (inFunction, inLoop)
        if name == "function_body" { (inFunction, inLoop) = (true, false) }
        if name == "loop_body" { inLoop = true }
        generate(node, depth: depth + 1, into: &out)
        (inFunction, inLoop) = saved
    }

    /// A random token for a lexical rule.
    mutating func lexical(_ name: String, depth: Int) -> String {
        switch name {
        case "identifier":
            // Fresh names, so that parameter names are always distinct.
            names += 1
            return ["v", "count_", "_t", "X"].randomElement(using: &rng)! + String(names)
        case "integer_literal":
            return ["0", "42", "1_000_000", "0xff", "0XdEaD_bEeF", "9223372036854775807"]
                .randomElement(using: &rng)!
        case "float_literal":
            return ["3.14", "1e9", "2.5e-3", "0.5", "1_0.0_1", "7E+2"].randomElement(using: &rng)!
        case "newline":
            // A string cannot span lines, so inside an interpolation `;` separates.
            return inInterpolation ? ";" : ["\n", "\n\n", "  # comment\n", "/* a\n b */"]
                .randomElement(using: &rng)!
        default:
            let plain = [#""""#, #""hello""#, #""a\n\t\"q\"\\""#, #""$5 and $""#,
                         #""\u{1F600} é""#, #""\${not interpolated}""#]
            guard depth < budget, Int.random(in: 0..<3, using: &rng) == 0,
                  let expression = rules["expression"] else {
                return plain.randomElement(using: &rng)!
            }
            let saved = inInterpolation
            inInterpolation = true
            var inner: [String] = []
            generate(expression, depth: depth + 1, into: &inner)
            inInterpolation = saved
            return "\"x = ${ " + inner.joined(separator: " ") + " }!\""
        }
    }
}

/// The source line of `pos`, cut to 80 scalars either side of the column, with a
/// caret line under the column.
func excerpt(_ source: String, around pos: SourcePos) -> String {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    guard Int(pos.line) - 1 < lines.count else { return "" }
    let line = Array(lines[Int(pos.line) - 1].unicodeScalars)
    let col = Int(pos.col) - 1
    let lo = max(0, col - 80)
    let hi = min(line.count, col + 80)
    var text = ""
    text.unicodeScalars.append(contentsOf: line[lo..<hi])
    return text + "\n" + String(repeating: " ", count: col - lo) + "^"
}

/// The package root: the nearest directory above this file holding Package.swift.
func packageRoot(from file: String = #filePath) -> URL? {
    var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
    while dir.path != "/" {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            return dir
        }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}

@Suite(.capturesStderr) struct GrammarTests {
    static let marker = "(* ===== Lexical grammar ===== *)"

    /// The grammar file's syntactic and lexical parts, read.
    func readGrammar() throws -> (syntax: Grammar, lexical: Grammar) {
        let root = try #require(packageRoot())
        let text = try String(contentsOf: root.appendingPathComponent("Grammar/conc.ebnf"),
                              encoding: .utf8)
        let parts = text.components(separatedBy: Self.marker)
        try #require(parts.count == 2, "the EBNF needs exactly one lexical-grammar marker")
        return (try Grammar(reading: parts[0]), try Grammar(reading: parts[1]))
    }

    @Test func grammarIsComplete() throws {
        let (syntax, lexical) = try readGrammar()
        #expect(syntax.order.first == "program")
        // Every rule the syntax refers to is defined in one of the two parts, and every
        // lexical rule the generator fakes is defined in the lexical part.
        var referenced = Set<String>()
        func collect(_ node: GrammarNode) {
            switch node {
            case .rule(let name): referenced.insert(name)
            case .sequence(let items), .choice(let items): items.forEach(collect)
            case .optional(let inner), .repetition(let inner): collect(inner)
            case .exception(let a, let b): collect(a); collect(b)
            case .terminal, .special: break
            }
        }
        syntax.rules.values.forEach(collect)
        for name in referenced {
            #expect(syntax.rules[name] != nil || lexical.rules[name] != nil, "undefined rule \(name)")
        }
        for name in ProgramGenerator.lexicalRules {
            #expect(lexical.rules[name] != nil, "lexical rule \(name) missing")
        }
    }

    @Test func parserAcceptsGeneratedPrograms() throws {
        let (syntax, _) = try readGrammar()
        let program = try #require(syntax.rules["program"])
        var rejected = 0
        var totalTokens = 0
        for seed in 0..<500 {
            var generator = ProgramGenerator(rules: syntax.rules, seed: UInt64(seed),
                                             budget: 30 + seed % 20, tokenLimit: 150 + seed % 300)
            var tokens: [String] = []
            generator.generate(program, depth: 0, into: &tokens)
            totalTokens += tokens.count
            let source = tokens.joined(separator: " ")
            do {
                _ = try Parser.parse(Array(source.utf8))
            } catch {
                rejected += 1
                if rejected <= 5 {
                    let context = excerpt(source, around: error.pos)
                    Issue.record("seed \(seed): \(error.message) at \(error.pos.line):\(error.pos.col)\n\(context)")
                }
            }
        }
        #expect(rejected == 0)
        // The programs must not be trivially small.
        #expect(totalTokens > 500 * 20)
    }
}
