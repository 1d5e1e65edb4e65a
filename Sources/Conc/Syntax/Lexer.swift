// The lexer: UTF-8 bytes in, an array of tokens out.
//
// It works on raw bytes and builds a Swift `String` only once per name or string
// literal, so it runs in linear time (a 1 MB string literal is one scan). The source is
// validated as UTF-8 up front (`UTF8Check`), so the rest of the lexer can trust every
// multi-byte sequence and count columns by skipping continuation bytes.
//
// Interpolated strings are lexed with a small stack: `"a${` emits a `stringHead` and
// pushes an entry; while the entry is on top, `{` and `}` are counted, and the `}` that
// balances the `${` resumes the string, emitting a `stringMiddle` or `stringTail`. The
// expression between them is ordinary tokens, so it may hold strings and brackets.

/// Lexes a whole source buffer.
struct Lexer {
    /// The source bytes; valid for the lexer's lifetime (see `tokenize`).
    let src: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The current 1-based line and the byte offset where it starts.
    var line = 1
    var lineStart = 0
    /// A cache for column computation: the column of byte `colByte` on the current line.
    /// Positions are asked for in increasing order, so counting from the cache keeps the
    /// total work linear even on a very long line.
    var colByte = 0
    var colValue = 1
    /// Open interpolations, innermost last: how many `{` are open inside the `${ }`
    /// and where the string started (for "unterminated string" errors).
    var interpolations: [(braces: Int, start: SourcePos)] = []
    var output = TokenList()
    var newlineBefore = false

    init(_ source: UnsafeBufferPointer<UInt8>) {
        src = source
        // A UTF-8 byte order mark is not part of the program.
        if src.count >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
            index = 3
            lineStart = 3
            colByte = 3
        }
    }

    /// Lexes `source`. On a lexical error, the tokens before it are returned followed by
    /// an `.error` token at the error's position, together with the error itself.
    static func tokenize(_ source: [UInt8]) -> TokenList {
        // Lexing reads the bytes through a buffer pointer: slicing it for names and
        // strings then costs no reference counting.
        source.withUnsafeBufferPointer { buffer -> TokenList in
            var lexer = Lexer(buffer)
            if let bad = UTF8Check.firstInvalidByte(in: buffer) {
                let pos = lexer.position(ofInvalidByte: bad)
                let error = SyntaxError("invalid UTF-8 in source", at: pos)
                let errorToken = Token(kind: .error, newlineBefore: false, pos: pos, payload: 0)
                return TokenList(tokens: [errorToken], texts: [], error: error)
            }
            lexer.output.tokens.reserveCapacity(buffer.count / 4 + 16)
            do throws(SyntaxError) {
                try lexer.run()
            } catch {
                lexer.output.tokens.append(Token(kind: .error, newlineBefore: lexer.newlineBefore,
                                                 pos: error.pos, payload: 0))
                lexer.output.error = error
            }
            return lexer.output
        }
    }

    /// The position of byte offset `offset` on the current line.
    mutating func position(of offset: Int) -> SourcePos {
        if colByte < lineStart || colByte > offset {
            colByte = lineStart
            colValue = 1
        }
        var i = colByte
        var col = colValue
        while i < offset {
            // Count every byte that starts a scalar: columns are Unicode scalars.
            if src[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        colByte = offset
        colValue = col
        return SourcePos(line: Int32(clamping: line), col: Int32(clamping: col))
    }

    /// The position of an invalid byte, found by scanning lines from the start (only
    /// used once, for the error).
    mutating func position(ofInvalidByte offset: Int) -> SourcePos {
        var i = index
        while i < offset {
            if src[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return position(of: offset)
    }

    /// Appends a token that starts at byte `start`.
    mutating func emit(_ kind: TokenKind, at start: Int, payload: Int = 0) {
        output.tokens.append(Token(kind: kind, newlineBefore: newlineBefore,
                                   pos: position(of: start), payload: payload))
        newlineBefore = false
    }

    /// Appends a name or string-piece token with its text.
    mutating func emit(_ kind: TokenKind, at start: Int, text: String) {
        emit(kind, at: start, payload: output.texts.count)
        output.texts.append(text)
    }

    /// The byte at `offset`, or 0 past the end (0 is never valid in a token).
    @inline(__always)
    func byte(_ offset: Int) -> UInt8 {
        offset < src.count ? src[offset] : 0
    }

    /// Lexes tokens until the end of the input.
    mutating func run() throws(SyntaxError) {
        while true {
            try skipTrivia()
            guard index < src.count else { break }
            try lexToken()
        }
        if let open = interpolations.last {
            throw SyntaxError("unterminated string", at: open.start, incomplete: true)
        }
        emit(.eof, at: src.count)
    }

    /// Skips spaces, line breaks and comments, noting line breaks in `newlineBefore`.
    mutating func skipTrivia() throws(SyntaxError) {
        while index < src.count {
            switch src[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
                index += 1
            case UInt8(ascii: "\n"):
                try newline()
            case UInt8(ascii: "#"):
                while index < src.count && src[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where byte(index + 1) == UInt8(ascii: "*"):
                try skipBlockComment()
            default:
                return
            }
        }
    }

    /// Consumes a line break. Inside an interpolation it ends the string too early,
    /// since a string cannot span lines.
    mutating func newline() throws(SyntaxError) {
        if let open = interpolations.last {
            throw SyntaxError("unterminated string", at: open.start)
        }
        index += 1
        line += 1
        lineStart = index
        newlineBefore = true
    }

    /// Skips a `/* ... */` comment (they do not nest).
    mutating func skipBlockComment() throws(SyntaxError) {
        let start = position(of: index)
        index += 2
        while index < src.count {
            if src[index] == UInt8(ascii: "*") && byte(index + 1) == UInt8(ascii: "/") {
                index += 2
                return
            }
            if src[index] == UInt8(ascii: "\n") {
                try newline()
            } else {
                index += 1
            }
        }
        throw SyntaxError("unterminated comment", at: start, incomplete: true)
    }

    /// Lexes one token starting at `index` (not trivia, not the end).
    mutating func lexToken() throws(SyntaxError) {
        let start = index
        let c = src[index]
        if isIdentStart(c) {
            lexName()
            return
        }
        if isDigit(c) {
            try lexNumber()
            return
        }
        index += 1
        let next = byte(index)
        let kind: TokenKind
        switch c {
        case UInt8(ascii: "\""):
            try lexString(from: start, opening: true)
            return
        case UInt8(ascii: "("): kind = .leftParen
        case UInt8(ascii: ")"): kind = .rightParen
        case UInt8(ascii: "["): kind = .leftBracket
        case UInt8(ascii: "]"): kind = .rightBracket
        case UInt8(ascii: "{"):
            if !interpolations.isEmpty { interpolations[interpolations.count - 1].braces += 1 }
            kind = .leftBrace
        case UInt8(ascii: "}"):
            if let open = interpolations.last {
                if open.braces == 0 {
                    // This `}` closes `${`: the string goes on.
                    try lexString(from: start, opening: false)
                    return
                }
                interpolations[interpolations.count - 1].braces -= 1
            }
            kind = .rightBrace
        case UInt8(ascii: ","): kind = .comma
        case UInt8(ascii: "."): kind = .dot
        case UInt8(ascii: ":"): kind = .colon
        case UInt8(ascii: ";"): kind = .semicolon
        case UInt8(ascii: "~"): kind = .tilde
        case UInt8(ascii: "^"): kind = .caret
        case UInt8(ascii: "&"): kind = .amp
        case UInt8(ascii: "|"): kind = .pipe
        case UInt8(ascii: "+"): kind = take("=", .plusEqual, else: .plus)
        case UInt8(ascii: "-"): kind = take("=", .minusEqual, else: .minus)
        case UInt8(ascii: "%"): kind = take("=", .percentEqual, else: .percent)
        case UInt8(ascii: "="): kind = take("=", .equalEqual, else: .equal)
        case UInt8(ascii: "*"):
            kind = next == UInt8(ascii: "*") ? take("*", .starStar, else: .star)
                                              : take("=", .starEqual, else: .star)
        case UInt8(ascii: "/"):
            if next == UInt8(ascii: "/") {
                index += 1
                kind = take("=", .slashSlashEqual, else: .slashSlash)
            } else {
                kind = take("=", .slashEqual, else: .slash)
            }
        case UInt8(ascii: "<"):
            kind = next == UInt8(ascii: "<") ? take("<", .lessLess, else: .less)
                                              : take("=", .lessEqual, else: .less)
        case UInt8(ascii: ">"):
            kind = next == UInt8(ascii: ">") ? take(">", .greaterGreater, else: .greater)
                                              : take("=", .greaterEqual, else: .greater)
        case UInt8(ascii: "!") where next == UInt8(ascii: "="):
            index += 1
            kind = .bangEqual
        default:
            index = start
            throw SyntaxError("unexpected character \(describeCharacter(at: start))",
                              at: position(of: start))
        }
        emit(kind, at: start)
    }

    /// Consumes `expected` if it is the next byte and returns `then`, else `other`.
    mutating func take(_ expected: Unicode.Scalar, _ then: TokenKind,
                       else other: TokenKind) -> TokenKind {
        if byte(index) == UInt8(expected.value) {
            index += 1
            return then
        }
        return other
    }

    /// Lexes a name or keyword.
    mutating func lexName() {
        let start = index
        while index < src.count && isIdentContinue(src[index]) { index += 1 }
        // Keywords are 2 to 8 lowercase letters: most names skip the lookup.
        let length = index - start
        if length >= 2 && length <= 8 && src[start] >= UInt8(ascii: "a") {
            if let keyword = TokenKind.keyword(in: UnsafeBufferPointer(rebasing: src[start..<index])) {
                emit(keyword, at: start)
                return
            }
        }
        emit(.name, at: start, text: stringValue(start..<index))
    }

    /// Describes the (valid UTF-8) character at `offset` for an error message.
    func describeCharacter(at offset: Int) -> String {
        let length = UTF8Check.sequenceLength(lead: src[offset])
        let end = min(offset + max(length, 1), src.count)
        let text = String(decoding: src[offset..<end], as: UTF8.self)
        guard let scalar = text.unicodeScalars.first else { return "" }
        if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace {
            return "U+" + String(scalar.value, radix: 16, uppercase: true)
        }
        return "'\(text)'"
    }
}

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

@inline(__always) func isIdentStart(_ c: UInt8) -> Bool {
    (c | 0x20) &- UInt8(ascii: "a") < 26 || c == UInt8(ascii: "_")
}

@inline(__always) func isIdentContinue(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }

@inline(__always) func hexValue(_ c: UInt8) -> Int? {
    if isDigit(c) { return Int(c - UInt8(ascii: "0")) }
    let lower = c | 0x20
    if lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") {
        return Int(lower - UInt8(ascii: "a")) + 10
    }
    return nil
}
