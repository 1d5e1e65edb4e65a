// Syntax errors: messages, exact positions, and the incompleteness flag the REPL uses.

import Testing
@testable import Conc

@Suite(.capturesStderr) struct ErrorTests {
    @Test func contextChecks() {
        #expect(failure("return 1") == "'return' outside function @1:1")
        #expect(failure("x\n  break") == "'break' outside loop @2:3")
        #expect(failure("continue") == "'continue' outside loop @1:1")
        #expect(failure("while a { fn f() { break } }") == "'break' outside loop @1:20")
        #expect(failure("while a { f(fn() { continue }) }") == "'continue' outside loop @1:20")
        #expect(failure("fn f() { spawn thread { x } }\nreturn") == "'return' outside function @2:1")
        #expect(failure("while a { spawn thread { break } }") == "'break' outside loop @1:26")
        #expect((try? tree("fn f() { while a { if b { break } } return }")) != nil)
        #expect((try? tree("for x in y { { continue } }")) != nil)
    }

    @Test func unexpectedTokens() {
        #expect(failure("f(a))") == "unexpected ')' @1:5")
        #expect(failure("()") == "unexpected ')' @1:2")
        #expect(failure("}") == "unexpected '}' @1:1")
        #expect(failure("x = ]") == "unexpected ']' @1:5")
        #expect(failure("else {}") == "unexpected 'else' @1:1")
        #expect(failure("if a {} ; else {}") == "unexpected 'else' @1:11")
        #expect(failure("let 1") == "expected a name after 'let' @1:5")
        #expect(failure("for 1 in x {}") == "expected a name after 'for' @1:5")
        #expect(failure("for x of y {}") == "expected 'in' after the loop variable @1:7")
        #expect(failure("if a b {}") == "expected '{' after the if condition @1:6")
        #expect(failure("while a b") == "expected '{' after the while condition @1:9")
        #expect(failure("if a {} else x") == "expected '{' or 'if' after 'else' @1:14")
        #expect(failure("with a as 1 {}") == "expected a name after 'as' @1:11")
        #expect(failure("a.1") == "expected a name after '.' @1:3")
        #expect(failure("{1 2}") == "expected newline or ';' after statement @1:4")
        #expect(failure("x = {1 2}") == "expected ':' after map key @1:8")
        #expect(failure("x = {1: 2 3}") == "expected ',' or '}' @1:11")
        #expect(failure("f(a b)") == "expected ',' or ')' @1:5")
        #expect(failure("[1 2]") == "expected ',' or ']' @1:4")
        #expect(failure("f(a]") == "expected ')' to close '(' opened at 1:2 @1:4")
        #expect(failure("a[1 2]") == "expected ']' to close '[' opened at 1:2 @1:5")
        #expect(failure("fn f(a 1) {}") == "expected ',' or ')' @1:8")
        #expect(failure("fn f(1) {}") == "expected a parameter name @1:6")
        #expect(failure("fn f() x") == "expected '{' to start the function body @1:8")
        #expect(failure("x = 1 +") == "unexpected end of input @1:8 (incomplete)")
        #expect(failure("x = \"a\" \"b\"") == "expected newline or ';' after statement @1:9")
        #expect(failure("f(1,,2)") == "unexpected ',' @1:5")
    }

    @Test func lexicalErrorsComeInSourceOrder() {
        // A parse error before a lexical error wins; a lexical error before wins too.
        #expect(failure("x = ) \"unterminated") == "unexpected ')' @1:5")
        #expect(failure("x = 1 @ 2 )") == "unexpected character '@' @1:7")
        #expect(failure("x = 1\ny = \"ab\\q\"") == "invalid escape sequence '\\q' @2:8")
        #expect(failure("x = 99999999999999999999") == "integer literal too large @1:5")
    }

    @Test func incompleteInput() {
        #expect(failure("f(1,") == "unexpected end of input @1:5 (incomplete)")
        #expect(failure("f(1") == "expected ')' to close '(' opened at 1:2 @1:4 (incomplete)")
        #expect(failure("x = [1,\n2") == "expected ']' to close '[' opened at 1:5 @2:2 (incomplete)")
        #expect(failure("m = {\"a\":") == "unexpected end of input @1:10 (incomplete)")
        #expect(failure("if x {\n  y\n") == "expected '}' to close block opened at 1:6 @3:1 (incomplete)")
        #expect(failure("fn f(a) {") == "expected '}' to close block opened at 1:9 @1:10 (incomplete)")
        #expect(failure("if x") == "expected '{' after the if condition @1:5 (incomplete)")
        #expect(failure("x = \"abc") == "unterminated string @1:5 (incomplete)")
        #expect(failure("\"") == "unterminated string @1:1 (incomplete)")
        #expect(failure("x = \"a ${b") == "unterminated string @1:5 (incomplete)")
        #expect(failure("/* comment") == "unterminated comment @1:1 (incomplete)")
        #expect(failure("a and") == "unexpected end of input @1:6 (incomplete)")
        #expect(failure("a not") == "expected newline or ';' after statement @1:3")
        #expect(failure("a not in") == "unexpected end of input @1:9 (incomplete)")
        #expect(failure("x =\n") == "unexpected end of input @2:1 (incomplete)")
        #expect(failure("let") == "expected a name after 'let' @1:4 (incomplete)")
        #expect(failure("a.") == "expected a name after '.' @1:3 (incomplete)")
        #expect(failure("try {}\n") == "expected 'catch' or 'finally' after the try block @2:1 (incomplete)")
        #expect(failure("f(fn() {") == "expected '}' to close block opened at 1:8 @1:9 (incomplete)")
    }

    @Test func completeButWrong() {
        // These fail for good: more input cannot fix them.
        #expect(failure("\"abc\n\"") == "unterminated string @1:1")
        #expect(failure("x = \"${a\n}\"") == "unterminated string @1:5")
        #expect(failure("f(a))") == "unexpected ')' @1:5")
        #expect(failure("if x {}") == "no error")
        #expect(failure("return") == "'return' outside function @1:1")
    }
}
