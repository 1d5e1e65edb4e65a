// The `conc` binary when standard output refuses what it writes: a full device or a
// pipe whose reader has gone is an error with exit status 1, never silence; and what
// was printed before a fatal signal still comes out.

import Foundation
import Testing

/// Runs `command` with /bin/sh, `$CONC` naming the conc binary; returns the shell's
/// exit status and standard error.
private func shell(_ command: String) throws -> (status: Int32, stderr: String) {
    try CLI.requireBinary()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    var environment = ProcessInfo.processInfo.environment
    environment["CONC"] = CLI.binary.path
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite(.capturesStderr) struct OutputFailureTests {
    @Test func fullDeviceIsAnError() throws {
        let r = try shell("\"$CONC\" -e 'print(1)' > /dev/full")
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot write to standard output: No space left on device"))
    }

    /// The reader is gone before the script prints: the print that fills the buffer
    /// raises BrokenPipeError, which ends the script with status 1.
    @Test func closedPipeIsAnError() throws {
        let r = try shell("{ \"$CONC\" -e 'sleep(0.3); for i in range(1000000) { print(i) }'; echo \"status $?\" >&2; } | true")
        #expect(r.stderr.contains("BrokenPipeError: cannot write to standard output"))
        #expect(r.stderr.contains("status 1"))
    }

    /// Output that fails only at the final flush, or whose error the script caught,
    /// still makes the run fail, with a message.
    @Test func caughtBrokenPipeStillFailsTheRun() throws {
        let r = try shell("""
            { "$CONC" -e 'sleep(0.3); try { print(1) } catch e { }'; echo "status $?" >&2; } | true
            """)
        #expect(r.stderr.contains("conc: error: cannot write to standard output: Broken pipe"))
        #expect(r.stderr.contains("status 1"))
    }

    /// A fatal signal (here an abort sent from outside) still lets out what was printed.
    @Test func fatalSignalFlushesOutputFirst() throws {
        let dir = try CLI.tempDir()
        let out = dir.appendingPathComponent("out").path
        let r = try shell("""
            "$CONC" -e 'print("before the crash"); sleep(30)' > '\(out)' & pid=$!
            sleep 0.5; kill -ABRT $pid; wait $pid; echo "status $?" >&2
            """)
        #expect(r.stderr.contains("status 134"))
        let printed = try String(contentsOfFile: out, encoding: .utf8)
        #expect(printed == "before the crash\n")
    }
}
