// The `conc` command: runs a script file, `-e CODE`, or standard input.

import ArgumentParser
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

// The common command lines run without ArgumentParser (QuickCommandLine.swift); the
// rest, help and usage errors included, go through it.
if let run = QuickCommandLine.parse(CommandLine.arguments.dropFirst()) {
    run.run()
}
do {
    var command = try ConcCommand.parseAsRoot()
    try command.run()
} catch {
    // Usage errors exit with 2, as LANGUAGE.md section 7 asks (ArgumentParser's own
    // choice would be 64); help and version requests still exit 0.
    let code = ConcCommand.exitCode(for: error)
    if code == .validationFailure {
        printError(ConcCommand.fullMessage(for: error))
        ConcCommand.exit(withError: ExitCode(2))
    }
    ConcCommand.exit(withError: error)
}
