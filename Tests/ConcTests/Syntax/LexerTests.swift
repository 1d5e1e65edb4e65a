// Lexer tests: tokens, numbers, strings and escapes, comments, positions, UTF-8.

import Testing
@testable import Conc

@Suite(.capturesStderr) struct LexerTests {
    @Test func operatorsAndPunctuation() {
        #expect(tokens("+ - * / // % ** == != < <= > >= & | ^ ~ << >> = += -= *= /= //= %=")
            == "+ - * / // % ** == != < <= > >= & | ^ ~ << >> = += -= *= /= //= %=")
        #expect(tokens("( ) [ ] { } , . : ;") == "( ) [ ] { } , . : ;")
        #expect(tokens("a//b**c") == "name:\"a\" // name:\"b\" ** name:\"c\"")
        #expect(tokens("x//=2") == "name:\"x\" //= int:2")
    }

    @Test func keywordsAndNames() {
        #expect(tokens("let fn return if else while for in break continue true false nil")
            == "let fn return if else while for in break continue true false nil")
        #expect(tokens("and or not try catch finally throw spawn with as")
            == "and or not try catch finally throw spawn with as")
        // `thread` and `process` are names; the parser gives them meaning after `spawn`.
        #expect(tokens("thread process _x9 letter") == "name:\"thread\" name:\"process\" name:\"_x9\" name:\"letter\"")
    }

    @Test func numbers() {
        #expect(tokens("42 1_000_000 0xff 0XFF 0x__1") == "error: invalid number literal @1:24")
        #expect(tokens("0x_1 0X_ff") == "int:1 int:255")
        #expect(tokens("42 1_000_000 0xff 0XFF 0xdead_beef") == "int:42 int:1000000 int:255 int:255 int:3735928559")
        #expect(tokens("3.14 1e9 2.5e-3 1E+2 1_0.5") == "float:3.14 float:1000000000.0 float:0.0025 float:100.0 float:10.5")
        #expect(tokens("9223372036854775807") == "int:9223372036854775807")
        #expect(tokens("0 00 0.5 007.5") == "int:0 int:0 float:0.5 float:7.5")
        #expect(tokens("1e400") == "float:inf")
    }

    @Test func notNumbers() {
        // `.5` is a dot then 5; `5.` is 5 then a dot (so `5.x` is member access).
        #expect(tokens(".5") == ". int:5")
        #expect(tokens("5.") == "int:5 .")
        #expect(tokens("5.x") == "int:5 . name:\"x\"")
    }

    @Test func badNumbers() {
        #expect(tokens("9223372036854775808") == "error: integer literal too large @1:1")
        #expect(tokens("x = 0x8000000000000000") == "error: integer literal too large @1:5")
        #expect(tokens("99999999999999999999999.5") == "float:1e+23")
        #expect(tokens("1__0") == "error: invalid number literal @1:1")
        #expect(tokens("1_") == "error: invalid number literal @1:1")
        #expect(tokens("12abc") == "error: invalid number literal @1:1")
        #expect(tokens("1e") == "error: invalid number literal @1:1")
        #expect(tokens("1e+") == "error: invalid number literal @1:1")
        #expect(tokens("0x") == "error: invalid number literal @1:1")
        #expect(tokens("0xfg") == "error: invalid number literal @1:1")
        #expect(tokens("007") == "error: leading zeros are not allowed in integer literals @1:1")
    }

    @Test func strings() {
        #expect(tokens(#""hello""#) == #"string:"hello""#)
        #expect(tokens(#""a\nb\tc\rd\\e\"f\$g""#) == #"string:"a\nb\tc\rd\\e\"f$g""#)
        #expect(tokens(#""\u{1F600}\u{41}""#) == "string:\"😀A\"")
        #expect(tokens(#""cost: $5 $""#) == #"string:"cost: $5 $""#)
        #expect(tokens(#""\${x}""#) == #"string:"${x}""#)
        #expect(tokens("\"héllo wörld\"") == "string:\"héllo wörld\"")
    }

    @Test func badStrings() {
        #expect(tokens(#"x = "a\qb""#) == #"error: invalid escape sequence '\q' @1:7"#)
        #expect(tokens(#""\u{D800}""#).hasPrefix("error: invalid Unicode escape"))
        #expect(tokens(#""\u{110000}""#).hasPrefix("error: invalid Unicode escape"))
        #expect(tokens(#""\u{}""#).hasPrefix("error: invalid Unicode escape"))
        #expect(tokens(#""\u41""#).hasPrefix("error: invalid Unicode escape"))
        #expect(tokens(#""\u{1234567}""#).hasPrefix("error: invalid Unicode escape"))
        #expect(tokens("\"abc\nx") == "error: unterminated string @1:1")
        #expect(tokens("  \"abc") == "error: unterminated string @1:3")
    }

    @Test func interpolation() {
        #expect(tokens(#""a${x}b""#) == #"stringHead:"a" name:"x" stringTail:"b""#)
        #expect(tokens(#""${x}${y}""#) == #"stringHead:"" name:"x" stringMiddle:"" name:"y" stringTail:"""#)
        #expect(tokens(#""${m["k"]}""#) == #"stringHead:"" name:"m" [ string:"k" ] stringTail:"""#)
        #expect(tokens(#""${ {1: 2} }""#) == #"stringHead:"" { int:1 : int:2 } stringTail:"""#)
        #expect(tokens(#""${"${x}"}""#) == #"stringHead:"" stringHead:"" name:"x" stringTail:"" stringTail:"""#)
        #expect(tokens("\"${x\n}\"") == "error: unterminated string @1:1")
        #expect(tokens("\"${x") == "error: unterminated string @1:1")
    }

    @Test func comments() {
        #expect(tokens("a # comment\nb") == #"name:"a" \n name:"b""#)
        #expect(tokens("a /* x */ b") == #"name:"a" name:"b""#)
        #expect(tokens("a /* x\n y */ b") == #"name:"a" \n name:"b""#)
        #expect(tokens("a /* /* */ b") == #"name:"a" name:"b""#)
        #expect(tokens("a // b") == #"name:"a" // name:"b""#)
        #expect(tokens("a\n  /* open") == "error: unterminated comment @2:3")
    }

    @Test func positionsCountScalars() throws {
        let toks = Lexer.tokenize(Array("\"héllo😀\" x\n  y".utf8)).tokens
        #expect(toks[1].pos == SourcePos(line: 1, col: 10))
        #expect(toks[2].pos == SourcePos(line: 2, col: 3))
        #expect(toks[3].kind == .eof && toks[3].pos == SourcePos(line: 2, col: 4))
    }

    @Test func unexpectedCharacters() {
        #expect(tokens("a @ b") == "error: unexpected character '@' @1:3")
        #expect(tokens("a ! b") == "error: unexpected character '!' @1:3")
        #expect(tokens("é") == "error: unexpected character 'é' @1:1")
        #expect(tokens("a\u{0}") == "error: unexpected character U+0 @1:2")
    }

    @Test func invalidUTF8() {
        // A lone continuation byte, a truncated sequence, an overlong form, a surrogate.
        #expect(failure(bytes: Array("x = 1\n\"ab".utf8) + [0x80, 0x22]) == "invalid UTF-8 in source @2:4")
        #expect(failure(bytes: Array("# é".utf8) + [0xE2, 0x82]) == "invalid UTF-8 in source @1:4")
        #expect(failure(bytes: [0x22, 0xC0, 0xAF, 0x22]) == "invalid UTF-8 in source @1:2")
        #expect(failure(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]) == "invalid UTF-8 in source @1:2")
        #expect(failure(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]) == "invalid UTF-8 in source @1:2")
        #expect(failure(bytes: [0xFF]) == "invalid UTF-8 in source @1:1")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try tree("\u{FEFF}x") == "x")
    }

    @Test func megabyteStringLiteral() throws {
        var source: [UInt8] = [UInt8(ascii: "\"")]
        source.append(contentsOf: repeatElement(UInt8(ascii: "a"), count: 1 << 20))
        source.append(contentsOf: Array("é\\n\"".utf8))
        let clock = ContinuousClock()
        let start = clock.now
        let block = try Parser.parse(source)
        #expect(clock.now - start < .seconds(2))
        guard case .expr(let e) = block.stmts[0].kind, case .stringLiteral(let s) = e.kind else {
            Issue.record("not a string literal")
            return
        }
        #expect(s.utf8.count == (1 << 20) + 3)
    }
}
