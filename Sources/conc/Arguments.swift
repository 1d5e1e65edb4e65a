// The command line of `conc`, read by hand: the options, `--help`, `--version` and the
// usage errors (docs/reference.md section 7).
//
// Why not swift-argument-parser: linked into the executable, it and the
// FoundationEssentials it brings cost every run 1.7 MB of resident memory (a script
// printing one line peaked at 9.3 MB with it and 7.6 MB without, CPython 3.11 at 8.0),
// and building its view of the command took more instructions than the rest of
// start-up. Eight options do not need it.
//
// The rules, which are Python's: options come first; the first argument that is not an
// option (or whatever follows `--`) is FILE, and every argument after FILE belongs to
// the script, options and `--` included. An option's value is the next argument,
// whatever it holds, or follows `=` in the same one (`--trace=t.json`, `-e=CODE`).
// With `-e`, FILE and what follows become the script's `args`.

enum Arguments {
    /// What a command line asks for.
    enum Request {
        case run(ScriptRun)
        case help
        case version
        /// A usage error, with its message (without the `conc: ` prefix).
        case usageError(String)
    }

    /// The request `arguments` (without the program name) makes.
    static func parse(_ arguments: ArraySlice<String>) -> Request {
        var run = ScriptRun()
        var rest = arguments[...]
        while let argument = rest.first, argument.utf8.first == UInt8(ascii: "-"), argument != "-" {
            rest.removeFirst()
            if argument == "--" { break }
            let (name, attached) = split(argument)
            guard let option = Option(rawValue: name) else {
                return .usageError("unknown option '\(name)'")
            }
            var value = attached
            if option.valueName != nil && value == nil {
                guard let next = rest.first else {
                    return .usageError("option '\(name)' needs a value (\(option.usage))")
                }
                value = next
                rest.removeFirst()
            } else if option.valueName == nil, attached != nil {
                return .usageError("option '\(name)' takes no value")
            }
            switch option {
            case .help, .shortHelp: return .help
            case .version: return .version
            case .code: run.code = value
            case .check: run.check = true
            case .dis: run.dis = true
            case .gilStats: run.gilStats = true
            case .trace: run.trace = value
            case .timeline: run.timeline = value
            case .switchInterval:
                guard let text = value, let seconds = Double(text) else {
                    return .usageError("option '\(name)' needs a number of seconds, not '\(value ?? "")'")
                }
                run.switchInterval = seconds
            }
        }
        if let file = rest.first {
            run.file = file
            run.arguments = Array(rest.dropFirst())
        }
        return .run(run)
    }

    /// `--name=value` as ("--name", "value"); anything else as (argument, nil).
    private static func split(_ argument: String) -> (String, String?) {
        guard let eq = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
    }

    /// The options, by the name written on the command line.
    private enum Option: String {
        case code = "-e"
        case check = "--check"
        case dis = "--dis"
        case switchInterval = "--switch-interval"
        case gilStats = "--gil-stats"
        case trace = "--trace"
        case timeline = "--timeline"
        case version = "--version"
        case help = "--help"
        case shortHelp = "-h"

        /// The name of the option's value in help texts; nil for a flag.
        var valueName: String? {
            switch self {
            case .code: "CODE"
            case .switchInterval: "S"
            case .trace: "FILE.json"
            case .timeline: "FILE.svg"
            default: nil
            }
        }

        var usage: String { valueName.map { "\(rawValue) \($0)" } ?? rawValue }
    }

    static let usage = """
        usage: conc [-e CODE] [--check] [--dis] [--switch-interval S] [--gil-stats]
                    [--trace FILE.json] [--timeline FILE.svg] [FILE [ARGS...]]
        """

    static let help = """
        Conc: a small concurrent scripting language with a GIL, threads and forked processes.

        \(usage)

        With no FILE on a terminal, starts the REPL (:help lists its commands);
        otherwise, with no FILE, runs standard input as a script.

        arguments:
          FILE                   the script to run
          ARGS                   arguments for the script (its `args`); with -e, FILE
                                 is the first of them

        options:
          -e CODE                run CODE instead of a file
          --check                check the syntax of FILE and exit
          --dis                  print the bytecode of FILE and exit
          --switch-interval S    seconds a thread waits for the GIL before it asks the
                                 holder to let go (default 0.005)
          --gil-stats            print GIL statistics (switches, held and waited time
                                 per thread) on stderr at exit
          --trace FILE.json      write a trace of every thread and child process
                                 (Chrome Trace Event format; open it in Perfetto)
          --timeline FILE.svg    draw the same trace as a timeline, one row per thread
                                 and process
          --version              print the version and exit
          -h, --help             print this help and exit

        Exit status: 0 ok, 1 uncaught error, 2 usage, 130 interrupted.

        """
}

let concVersion = "0.1.0"
