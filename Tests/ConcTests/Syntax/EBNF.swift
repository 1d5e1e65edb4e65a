// A tiny reader for the ISO-style EBNF of Grammar/conc.ebnf, used by GrammarTests to
// check that the grammar file tells the truth about the parser.
//
// It understands rules `name = ... ;`, terminals in single or double quotes, `,` for
// sequence, `|` for choice, `[ ]`, `{ }`, `( )`, the exception `a - b`, special
// sequences `? ... ?` and comments `(* ... *)`.

/// One node of a grammar rule's right-hand side.
indirect enum GrammarNode {
    case terminal(String)
    case rule(String)
    case special(String)
    case sequence([GrammarNode])
    case choice([GrammarNode])
    case optional(GrammarNode)
    case repetition(GrammarNode)
    /// `a - b`: the strings of `a` that are not strings of `b`.
    case exception(GrammarNode, GrammarNode)
}

/// A grammar read from EBNF text: its rules in file order.
struct Grammar {
    var rules: [String: GrammarNode] = [:]
    var order: [String] = []

    enum ReadError: Error, CustomStringConvertible {
        case syntax(String, offset: Int)
        var description: String {
            switch self {
            case .syntax(let message, let offset): return "EBNF: \(message) at offset \(offset)"
            }
        }
    }

    /// Reads every rule of `text`.
    init(reading text: String) throws {
        var reader = EBNFReader(tokens: try EBNFReader.tokenize(text))
        while !reader.atEnd {
            let (name, node) = try reader.readRule()
            if rules[name] != nil { throw ReadError.syntax("rule \(name) defined twice", offset: 0) }
            rules[name] = node
            order.append(name)
        }
    }
}

/// A recursive-descent reader over EBNF tokens.
struct EBNFReader {
    enum Token: Equatable {
        case name(String), terminal(String), special(String), symbol(Character)
    }

    var tokens: [(token: Token, offset: Int)]
    var index = 0

    var atEnd: Bool { index >= tokens.count }

    /// Splits EBNF text into names, terminals, special sequences and symbols.
    static func tokenize(_ text: String) throws -> [(token: Token, offset: Int)] {
        let chars = Array(text)
        var result: [(token: Token, offset: Int)] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
            } else if c == "(" && i + 1 < chars.count && chars[i + 1] == "*" {
                guard let end = find("*)", in: chars, from: i + 2) else {
                    throw Grammar.ReadError.syntax("unclosed comment", offset: i)
                }
                i = end + 2
            } else if c == "\"" || c == "'" || c == "?" {
                guard let end = chars[(i + 1)...].firstIndex(of: c) else {
                    throw Grammar.ReadError.syntax("unclosed \(c)", offset: i)
                }
                let body = String(chars[(i + 1)..<end])
                result.append((c == "?" ? .special(body) : .terminal(body), i))
                i = end + 1
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                result.append((.name(String(chars[i..<j])), i))
                i = j
            } else if "=,|[]{}();-".contains(c) {
                result.append((.symbol(c), i))
                i += 1
            } else {
                throw Grammar.ReadError.syntax("unexpected \(c)", offset: i)
            }
        }
        return result
    }

    static func find(_ needle: String, in chars: [Character], from start: Int) -> Int? {
        let n = Array(needle)
        var i = start
        while i + n.count <= chars.count {
            if Array(chars[i..<(i + n.count)]) == n { return i }
            i += 1
        }
        return nil
    }

    func peek() -> Token? { atEnd ? nil : tokens[index].token }

    mutating func expect(_ symbol: Character) throws {
        guard peek() == .symbol(symbol) else { throw failure("expected \(symbol)") }
        index += 1
    }

    func failure(_ message: String) -> Grammar.ReadError {
        .syntax(message, offset: atEnd ? -1 : tokens[index].offset)
    }

    /// rule = name , "=" , choice , ";" ;
    mutating func readRule() throws -> (String, GrammarNode) {
        guard case .name(let name) = peek() else { throw failure("expected a rule name") }
        index += 1
        try expect("=")
        let node = try readChoice()
        try expect(";")
        return (name, node)
    }

    /// choice = sequence , { "|" , sequence } ;
    mutating func readChoice() throws -> GrammarNode {
        var alternatives = [try readSequence()]
        while peek() == .symbol("|") {
            index += 1
            alternatives.append(try readSequence())
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    /// sequence = exception , { "," , exception } ;
    mutating func readSequence() throws -> GrammarNode {
        var items = [try readException()]
        while peek() == .symbol(",") {
            index += 1
            items.append(try readException())
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    /// exception = factor , [ "-" , factor ] ;
    mutating func readException() throws -> GrammarNode {
        let base = try readFactor()
        guard peek() == .symbol("-") else { return base }
        index += 1
        return .exception(base, try readFactor())
    }

    /// factor = terminal | name | special | "[" choice "]" | "{" choice "}" | "(" choice ")" ;
    mutating func readFactor() throws -> GrammarNode {
        guard let token = peek() else { throw failure("unexpected end") }
        index += 1
        switch token {
        case .terminal(let text): return .terminal(text)
        case .name(let name): return .rule(name)
        case .special(let text): return .special(text)
        case .symbol("["):
            let inner = try readChoice()
            try expect("]")
            return .optional(inner)
        case .symbol("{"):
            let inner = try readChoice()
            try expect("}")
            return .repetition(inner)
        case .symbol("("):
            let inner = try readChoice()
            try expect(")")
            return inner
        default:
            index -= 1
            throw failure("unexpected \(token)")
        }
    }
}
