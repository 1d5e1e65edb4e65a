// Reading lines of input: GNU readline on a terminal, plain reads otherwise. The REPL
// uses this; the Conc library itself never links readline.

@preconcurrency import CReadline
#if canImport(Glibc)
import Glibc
#endif

/// A source of input lines for the REPL.
protocol LineReader {
    /// The next line without its newline, or nil at end of input.
    mutating func readLine(prompt: String) -> String?
}

/// GNU readline: line editing and history.
struct ReadlineReader: LineReader {
    mutating func readLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.isEmpty { add_history(raw) }
        return line
    }
}

/// Plain standard input, for pipes: no prompts, no echo.
struct PlainReader: LineReader {
    mutating func readLine(prompt: String) -> String? {
        Swift.readLine(strippingNewline: true)
    }
}
