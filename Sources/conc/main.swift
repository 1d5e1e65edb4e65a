// The `conc` command: runs a script file, `-e CODE`, or standard input.

#if canImport(Glibc)
import Glibc
#endif

// A parent may have started us with signals blocked (threads of test runners and
// thread pools often block them, and the mask is inherited): unblock them all, so
// SIGTERM and SIGINT work as the user expects.
var noSignals = sigset_t()
sigemptyset(&noSignals)
sigprocmask(SIG_SETMASK, &noSignals, nil)
// As Python does, ignore SIGPIPE: a write to a closed pipe then fails with EPIPE, which
// `print` raises as BrokenPipeError and the exit status reports, instead of the
// signal killing the process silently.
signal(SIGPIPE, SIG_IGN)

switch Arguments.parse(CommandLine.arguments.dropFirst()) {
case .run(let run):
    run.run()
case .help:
    print(Arguments.help, terminator: "")
case .version:
    print("conc \(concVersion)")
case .usageError(let message):
    printError("conc: \(message)\n\(Arguments.usage)\nSee 'conc --help' for more.")
    exit(2)
}
