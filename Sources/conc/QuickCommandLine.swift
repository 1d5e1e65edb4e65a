// The command lines nearly every run uses, read by hand: `conc`, `conc FILE ARGS...`,
// `conc -e CODE [ARGS...]` and `conc --check FILE [ARGS...]`. Building ArgumentParser's
// view of the command reflects over every option, which costs more than the rest of
// start-up together; these forms skip it. Anything else (another option, `--`, `--help`,
// a mistake) returns nil and goes to ConcCommand, so its parsing, help and error texts
// stay the only ones. Each form accepted here means what ArgumentParser makes of it:
// the first argument not starting with `-` is FILE, and every argument after it is
// passed to the script as it is, options and `--` included (but for one request that
// ArgumentParser finds anywhere, `--generate-completion-script`).

enum QuickCommandLine {
    /// The run `arguments` (without the program name) asks for, or nil when only
    /// ArgumentParser may decide.
    static func parse(_ arguments: ArraySlice<String>) -> ScriptRun? {
        // ArgumentParser looks for a completion-script request among all the arguments,
        // the script's too: such a command line is its alone.
        for argument in arguments where argument.utf8.starts(with: completionRequest) {
            return nil
        }
        var run = ScriptRun()
        var rest = arguments
        guard let first = rest.first else { return run }
        if first == "-e" || first == "--check" {
            rest.removeFirst()
            guard let operand = rest.first, isPlain(operand) else { return nil }
            if first == "-e" {
                // The code itself; a FILE may follow (it becomes `args[0]`).
                run.code = operand
                rest.removeFirst()
                guard let next = rest.first else { return run }
                guard isPlain(next) else { return nil }
            } else {
                run.check = true
            }
        } else if !isPlain(first) {
            return nil
        }
        // `rest` starts with FILE: what follows is the script's, untouched.
        run.file = rest.removeFirst()
        run.arguments = Array(rest)
        return run
    }

    /// ArgumentParser's `--generate-completion-script[=SHELL]`.
    private static let completionRequest = "--generate-completion-script".utf8

    /// Whether ArgumentParser takes `argument` for a value rather than an option: it
    /// does not start with `-`. (An empty argument is a value too, but rare enough to
    /// leave to ArgumentParser.)
    private static func isPlain(_ argument: String) -> Bool {
        guard let c = argument.utf8.first else { return false }
        return c != UInt8(ascii: "-")
    }
}
