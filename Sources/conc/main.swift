// The `conc` command: runs a script file, `-e CODE`, or standard input.

import ArgumentParser

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
