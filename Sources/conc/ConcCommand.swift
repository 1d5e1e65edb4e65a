// The full command line of `conc`, parsed by ArgumentParser: every option, `--help`,
// `--version` and the usage errors. The common command lines take a quicker road
// (QuickCommandLine.swift); both end in ScriptRun.swift.

import ArgumentParser

struct ConcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conc",
        abstract: "Conc: a small concurrent scripting language with a GIL, threads and forked processes.",
        discussion: """
            With no FILE on a terminal, starts the REPL (:help lists its commands);
            otherwise, with no FILE, runs standard input as a script.
            Exit status: 0 ok, 1 uncaught error, 2 usage, 130 interrupted.
            """,
        version: concVersion
    )

    @Option(name: .short, help: "Run CODE instead of a file.")
    var e: String?

    @Flag(help: "Check the syntax of FILE and exit.")
    var check = false

    @Flag(help: "Print the bytecode of FILE and exit.")
    var dis = false

    @Option(name: .long, help: ArgumentHelp("Seconds a thread waits for the GIL before it asks the holder to let go (default 0.005).", valueName: "S"))
    var switchInterval: Double?

    @Flag(name: .long, help: "Print GIL statistics (switches, held and waited time per thread) on stderr at exit.")
    var gilStats = false

    @Option(name: .long, help: ArgumentHelp("Write a trace of every thread and child process (Chrome Trace Event format; open it in Perfetto) to FILE.", valueName: "FILE.json"))
    var trace: String?

    @Option(name: .long, help: ArgumentHelp("Draw the same trace as a timeline, one row per thread and process, to FILE.", valueName: "FILE.svg"))
    var timeline: String?

    @Argument(help: "The script to run.")
    var file: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the script (its `args`).")
    var arguments: [String] = []

    func run() throws {
        ScriptRun(code: e, check: check, dis: dis, switchInterval: switchInterval,
                  gilStats: gilStats, trace: trace, timeline: timeline, file: file,
                  arguments: arguments).run()
    }
}

let concVersion = "0.1.0"
