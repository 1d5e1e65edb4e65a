// Whether an interactive entry is complete, so the REPL knows whether to run it or to
// read another line. As in Lua's REPL, the parser decides: an entry is incomplete only
// when parsing it fails because the input ended too early.

extension Interpreter {
    /// Whether `source` is a whole entry for an interactive prompt. False only when the
    /// input ends too early: an open bracket, block or `/* */` comment, a binary
    /// operator or `=` with nothing after it, an `if` without its body. An entry with a
    /// syntax error that more lines could not repair (`let = 1`, or an unterminated
    /// string, since a string cannot span lines) is complete: running it reports the
    /// error at once.
    public static func isComplete(_ source: String) -> Bool {
        // The line break the user typed ends the last line: a string still open there
        // is an error, not a reason to wait.
        do {
            _ = try Parser.parse(Array(source.utf8) + [UInt8(ascii: "\n")])
            return true
        } catch {
            return !error.isIncomplete
        }
    }
}
