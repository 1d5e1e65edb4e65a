// The grammar-aware mutator: changes a program at the level of tokens and lines (taken
// from the seed scripts) rather than bytes, and swaps numbers for boundary values, so
// most of its outputs still parse and reach the compiler and the VM.

#if canImport(Glibc)
import Glibc
#endif

/// A small deterministic generator (SplitMix64), seeded by libFuzzer for each mutation.
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<n` (`n` > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
}

/// What kind of token a piece of source is, as far as mutation cares.
enum TokenKind {
    case name, number, string, symbol
}

struct Token {
    var range: Range<Int>
    var kind: TokenKind
}

/// Splits source into tokens: names, numbers, string literals (to the closing quote on
/// the same line) and single symbol characters. Whitespace and comments are skipped.
/// It need not agree with the real lexer: it only chooses where to cut.
func tokenize(_ s: [UInt8]) -> [Token] {
    var out: [Token] = []
    var i = 0
    func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || (b >= 0x30 && b <= 0x39)
    }
    while i < s.count {
        let b = s[i]
        if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
            i += 1
        } else if b == UInt8(ascii: "#") {
            while i < s.count && s[i] != 0x0A { i += 1 }
        } else if b >= 0x30 && b <= 0x39 {
            let start = i
            while i < s.count && (isNameByte(s[i]) || s[i] == UInt8(ascii: ".")) { i += 1 }
            out.append(Token(range: start..<i, kind: .number))
        } else if isNameByte(b) {
            let start = i
            while i < s.count && isNameByte(s[i]) { i += 1 }
            out.append(Token(range: start..<i, kind: .name))
        } else if b == UInt8(ascii: "\"") {
            let start = i
            i += 1
            while i < s.count && s[i] != UInt8(ascii: "\"") && s[i] != 0x0A {
                if s[i] == UInt8(ascii: "\\") { i += 1 }
                i += 1
            }
            i = min(i + 1, s.count)
            out.append(Token(range: start..<i, kind: .string))
        } else {
            out.append(Token(range: i..<(i + 1), kind: .symbol))
            i += 1
        }
    }
    return out
}

/// Lines and tokens of the seed scripts, the material mutations insert.
struct Material: Sendable {
    var lines: [[UInt8]] = []
    var names: [[UInt8]] = []
    var numbers: [[UInt8]] = []
    var strings: [[UInt8]] = []
    var symbols: [[UInt8]] = []

    /// Reads every `.conc` file under `dir` (recursively), skipping `process/`.
    init(seedDirectory dir: String) {
        var seenLines = Set<[UInt8]>()
        var seenTokens = Set<[UInt8]>()
        for file in concFiles(under: dir) {
            guard let bytes = readWholeFile(file) else { continue }
            for line in bytes.split(separator: 0x0A) {
                let l = Array(line)
                if l.allSatisfy({ $0 == 0x20 }) || seenLines.contains(l) { continue }
                seenLines.insert(l)
                lines.append(l)
            }
            for t in tokenize(bytes) {
                let text = Array(bytes[t.range])
                if seenTokens.contains(text) { continue }
                seenTokens.insert(text)
                switch t.kind {
                case .name: names.append(text)
                case .number: numbers.append(text)
                case .string: strings.append(text)
                case .symbol: symbols.append(text)
                }
            }
        }
        // Multi-character operators the one-character tokenizer splits.
        for op in ["//", "**", "==", "!=", "<=", ">=", "<<", ">>", "+=", "-=", "*=", "/=", "//=", "%=", "${"] {
            symbols.append(Array(op.utf8))
        }
    }

    var isEmpty: Bool { lines.isEmpty }
}

/// Values at the edges of what numbers, strings and containers can hold.
let boundaryValues: [String] = [
    "9223372036854775807", "(-9223372036854775807 - 1)", "-9223372036854775807", "0", "-1", "1", "2",
    "31", "32", "63", "64", "-63", "-64", "65536", "4294967296", "9007199254740993", "100000000",
    "1e308", "-1e308", "1.7976931348623157e308", "5e-324", "-0.0", "0.0", "1e19", "-1e19",
    "9.3e18", "float(\"nan\")", "float(\"inf\")", "-float(\"inf\")",
    "(\"x\" * 100000)", "([0] * 10000)", "\"\"", "[]", "{}", "nil", "true", "false",
    "\"\\u{10FFFF}\"", "\"e\\u{301}\"", "\"\\u{E9}\"", "\"${1}\"",
]

/// Statement wrappers: the text before and after a run of lines.
let wrappers: [(String, String)] = [
    ("for _fz in range(3) {\n", "\n}\n"),
    ("try {\n", "\n} catch _fze {\n}\n"),
    ("try {\n", "\n} finally {\n}\n"),
    ("fn _fzf() {\n", "\n}\n_fzf()\n"),
    ("(spawn thread (fn() {\n", "\n})()).join()\n"),
    ("let _fzt = spawn thread (fn() {\n", "\n})()\n"),
    ("with Lock() {\n", "\n}\n"),
    ("if true {\n", "\n} else {\n}\n"),
    ("while true {\n", "\nbreak\n}\n"),
]

/// Applies one to three random grammar-level mutations to `input`; `fallback` is
/// libFuzzer's own byte mutator, used now and then so the result can still leave the
/// grammar.
func grammarMutate(_ input: [UInt8], maxSize: Int, seed: UInt32, material: Material,
                   fallback: ([UInt8]) -> [UInt8]) -> [UInt8] {
    var rng = SplitMix(state: UInt64(seed) &* 0x2545_F491_4F6C_DD1D)
    var s = input
    let rounds = 1 + rng.below(3)
    for _ in 0..<rounds {
        if rng.below(10) == 0 {
            s = fallback(s)
        } else {
            s = mutateOnce(s, &rng, material)
        }
    }
    if s.count > maxSize { s = Array(s.prefix(maxSize)) }
    return s
}

private func mutateOnce(_ s: [UInt8], _ rng: inout SplitMix, _ m: Material) -> [UInt8] {
    let tokens = tokenize(s)
    var lines = s.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
    func replace(_ r: Range<Int>, with text: [UInt8]) -> [UInt8] {
        Array(s[..<r.lowerBound]) + text + Array(s[r.upperBound...])
    }
    func poolFor(_ kind: TokenKind) -> [[UInt8]] {
        switch kind {
        case .name: return m.names
        case .number: return m.numbers
        case .string: return m.strings
        case .symbol: return m.symbols
        }
    }
    switch rng.below(11) {
    case 0, 1:
        // A number (or, when there is none, any token) becomes a boundary value.
        let numbers = tokens.filter { $0.kind == .number }
        guard let t = numbers.isEmpty ? tokens.randomElement(using: &rng) : rng.pick(numbers) else { break }
        return replace(t.range, with: Array(rng.pick(boundaryValues).utf8))
    case 2:
        // A token becomes another of its kind from the seeds.
        guard !tokens.isEmpty else { break }
        let t = rng.pick(tokens)
        let pool = poolFor(t.kind)
        guard !pool.isEmpty else { break }
        return replace(t.range, with: rng.pick(pool))
    case 3:
        // A token from the seeds is inserted before a token.
        guard !tokens.isEmpty else { break }
        let t = rng.pick(tokens)
        let pool = poolFor([TokenKind.name, .number, .string, .symbol, .symbol][rng.below(5)])
        guard !pool.isEmpty else { break }
        return replace(t.range.lowerBound..<t.range.lowerBound, with: rng.pick(pool) + [0x20])
    case 4:
        // A token is deleted.
        guard !tokens.isEmpty else { break }
        return replace(rng.pick(tokens).range, with: [])
    case 5, 6:
        // A line from the seeds is inserted.
        guard !m.lines.isEmpty else { break }
        lines.insert(rng.pick(m.lines), at: rng.below(lines.count + 1))
        return Array(lines.joined(separator: [0x0A]))
    case 7:
        // A line is deleted or duplicated.
        guard !lines.isEmpty else { break }
        let i = rng.below(lines.count)
        if rng.below(2) == 0 { lines.remove(at: i) } else { lines.insert(lines[i], at: i) }
        return Array(lines.joined(separator: [0x0A]))
    case 8:
        // Two lines change places.
        guard lines.count > 1 else { break }
        let i = rng.below(lines.count), j = rng.below(lines.count)
        lines.swapAt(i, j)
        return Array(lines.joined(separator: [0x0A]))
    case 9:
        // A run of lines goes inside a loop, a try, a function, a thread...
        guard !lines.isEmpty else { break }
        let i = rng.below(lines.count)
        let j = min(lines.count, i + 1 + rng.below(4))
        let (before, after) = rng.pick(wrappers)
        let body = Array(lines[i..<j].joined(separator: [0x0A]))
        lines.replaceSubrange(i..<j, with: [Array(before.utf8) + body + Array(after.utf8)])
        return Array(lines.joined(separator: [0x0A]))
    default:
        // A name or number becomes a boundary expression, wrapped so it stays one term.
        let terms = tokens.filter { $0.kind == .name || $0.kind == .number || $0.kind == .string }
        guard !terms.isEmpty else { break }
        let t = rng.pick(terms)
        return replace(t.range, with: Array("(\(rng.pick(boundaryValues)))".utf8))
    }
    // Nothing to work on (an empty input): start from a seed line.
    return m.lines.isEmpty ? s : rng.pick(m.lines)
}

/// Splices two inputs at line boundaries: the head of one, the tail of the other.
func grammarCrossOver(_ a: [UInt8], _ b: [UInt8], maxSize: Int, seed: UInt32) -> [UInt8] {
    var rng = SplitMix(state: UInt64(seed) &* 0x9E37_79B9)
    let la = a.split(separator: 0x0A, omittingEmptySubsequences: false)
    let lb = b.split(separator: 0x0A, omittingEmptySubsequences: false)
    let head = la.prefix(rng.below(la.count + 1))
    let tail = lb.suffix(rng.below(lb.count + 1))
    let out = Array((Array(head) + Array(tail)).joined(separator: [0x0A]))
    return Array(out.prefix(maxSize))
}

extension SplitMix: RandomNumberGenerator {}

/// Every `.conc` file under `dir`, outside any `process` directory (those scripts fork).
func concFiles(under dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var out: [String] = []
    while let entry = readdir(d) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name == "." || name == ".." || name == "process" { continue }
        let path = dir + "/" + name
        if entry.pointee.d_type == UInt8(DT_DIR) {
            out += concFiles(under: path)
        } else if name.hasSuffix(".conc") {
            out.append(path)
        }
    }
    return out.sorted()
}

/// The bytes of a file, or nil if it cannot be read.
func readWholeFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { return nil }
        if n == 0 { return out }
        out += buf[0..<n]
    }
}
