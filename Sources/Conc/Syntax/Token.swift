// Tokens: what the lexer hands to the parser.
//
// The lexer turns the whole source into one array of tokens before parsing starts.
// Line breaks are not tokens: each token instead records whether a line break came
// before it, because whether a newline ends a statement depends on where the parser
// is (inside brackets it does not), which only the parser knows.

/// The kind of a token. Keywords and operators each have their own case, so the parser
/// can switch on the kind alone.
enum TokenKind: UInt8, Sendable {
    // Literals and names. Their values are reached through `Token.payload`.
    case name, int, float
    /// A whole string literal without interpolation: `"text"`.
    case string
    /// The text of a string up to its first interpolation: `"text${`.
    case stringHead
    /// The text between two interpolations: `}text${`.
    case stringMiddle
    /// The text after the last interpolation: `}text"`.
    case stringTail

    // Keywords (`thread` and `process` are names; the parser checks them after `spawn`).
    case `let`, fn, `return`, `if`, `else`, `while`, `for`, `in`, `break`, `continue`
    case `true`, `false`, `nil`, and, or, not, `try`, `catch`, finally, `throw`, spawn
    case with, `as`

    // Operators.
    case plus, minus, star, slash, slashSlash, percent, starStar
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case amp, pipe, caret, tilde, lessLess, greaterGreater
    case equal, plusEqual, minusEqual, starEqual, slashEqual, slashSlashEqual, percentEqual

    // Punctuation.
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, dot, colon, semicolon

    /// The end of the input.
    case eof
    /// Where the lexer failed; the parser reports the lexer's error when it reaches it,
    /// so that an earlier parse error still wins.
    case error
}

/// One token: its kind, where it starts, whether a line break precedes it, and its
/// value. A token is plain data (no references), so copying one costs no reference
/// counting; the text of names and string pieces lives in the lexer's text table.
struct Token: Sendable {
    var kind: TokenKind
    /// True when at least one line break (possibly inside a comment) separates this token
    /// from the previous one.
    var newlineBefore: Bool
    var pos: SourcePos
    /// For `.int`, the value; for `.float`, the bit pattern of the value; for names and
    /// string pieces, the index of their text in `TokenList.texts`; otherwise 0.
    var payload: Int

    /// The value of a `.float` token.
    var floatValue: Double { Double(bitPattern: UInt64(bitPattern: Int64(payload))) }
}

/// The lexer's output: the tokens and the texts of names and string pieces.
struct TokenList: Sendable {
    var tokens: [Token] = []
    var texts: [String] = []
    /// The lexical error, if any; `tokens` then ends with an `.error` token where it
    /// occurred instead of `.eof`.
    var error: SyntaxError?

    /// The text of a name or string piece token.
    func text(_ token: Token) -> String { texts[token.payload] }
}

extension TokenKind {
    /// How the kind reads in an error message: `')'`, `'else'`, `name`, `end of input`.
    var display: String {
        switch self {
        case .name: return "name"
        case .int, .float: return "number"
        case .string, .stringHead: return "string"
        case .stringMiddle, .stringTail: return "'}'"
        case .eof: return "end of input"
        case .error: return "invalid token"
        default: return "'\(spelling)'"
        }
    }

    /// The source spelling of a keyword, operator or punctuation token.
    var spelling: String {
        switch self {
        case .let: return "let"
        case .fn: return "fn"
        case .return: return "return"
        case .if: return "if"
        case .else: return "else"
        case .while: return "while"
        case .for: return "for"
        case .in: return "in"
        case .break: return "break"
        case .continue: return "continue"
        case .true: return "true"
        case .false: return "false"
        case .nil: return "nil"
        case .and: return "and"
        case .or: return "or"
        case .not: return "not"
        case .try: return "try"
        case .catch: return "catch"
        case .finally: return "finally"
        case .throw: return "throw"
        case .spawn: return "spawn"
        case .with: return "with"
        case .as: return "as"
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .slashSlash: return "//"
        case .percent: return "%"
        case .starStar: return "**"
        case .equalEqual: return "=="
        case .bangEqual: return "!="
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .amp: return "&"
        case .pipe: return "|"
        case .caret: return "^"
        case .tilde: return "~"
        case .lessLess: return "<<"
        case .greaterGreater: return ">>"
        case .equal: return "="
        case .plusEqual: return "+="
        case .minusEqual: return "-="
        case .starEqual: return "*="
        case .slashEqual: return "/="
        case .slashSlashEqual: return "//="
        case .percentEqual: return "%="
        case .leftParen: return "("
        case .rightParen: return ")"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .leftBrace: return "{"
        case .rightBrace: return "}"
        case .comma: return ","
        case .dot: return "."
        case .colon: return ":"
        case .semicolon: return ";"
        case .name, .int, .float, .string, .stringHead, .stringMiddle, .stringTail, .eof, .error:
            return ""
        }
    }

    /// The keyword spelled by the bytes of an identifier, if it is one.
    static func keyword(in word: UnsafeBufferPointer<UInt8>) -> TokenKind? {
        // Compare against the keywords of the same length and first letter only.
        guard let first = word.first else { return nil }
        for candidate in keywordsByInitial[Int(first & 0x1F)] where candidate.bytes.count == word.count {
            var equal = true
            for i in 0..<word.count where candidate.bytes[i] != word[i] {
                equal = false
                break
            }
            if equal { return candidate.kind }
        }
        return nil
    }

    /// Every keyword with its spelling in bytes.
    static let keywords: [(bytes: [UInt8], kind: TokenKind)] = [
        TokenKind.let, .fn, .return, .if, .else, .while, .for, .in, .break, .continue, .true,
        .false, .nil, .and, .or, .not, .try, .catch, .finally, .throw, .spawn, .with, .as,
    ].map { (bytes: Array($0.spelling.utf8), kind: $0) }

    /// The keywords grouped by the low five bits of their first letter.
    static let keywordsByInitial: [[(bytes: [UInt8], kind: TokenKind)]] = {
        var table = Array(repeating: [(bytes: [UInt8], kind: TokenKind)](), count: 32)
        for keyword in keywords { table[Int(keyword.bytes[0] & 0x1F)].append(keyword) }
        return table
    }()
}
