// The common command lines (`conc`, `conc FILE ARGS`, `conc -e CODE ARGS`,
// `conc --check FILE`) skip ArgumentParser (Sources/conc/QuickCommandLine.swift); every
// other one goes through it. Each test here runs one spelling that takes the quick path
// and one that means the same to ArgumentParser but only it accepts (`-e=CODE`, a `--`
// before FILE), and expects the same status, output and diagnostics; the rest check
// that what the quick path must not take still gets ArgumentParser's answer.

import Foundation
import Testing

@Suite(.capturesStderr) struct QuickCommandLineTests {
    /// Runs `quick` and `parsed` and expects the two runs to be indistinguishable.
    private func expectSame(_ quick: [String], _ parsed: [String], stdin: String? = nil,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let a = try CLI.run(quick, stdin: stdin)
        let b = try CLI.run(parsed, stdin: stdin)
        #expect(a.status == b.status, "status of \(quick) vs \(parsed)", sourceLocation: sourceLocation)
        #expect(a.signalled == b.signalled, sourceLocation: sourceLocation)
        #expect(a.stdout == b.stdout, "stdout of \(quick) vs \(parsed)", sourceLocation: sourceLocation)
        #expect(a.stderr == b.stderr, "stderr of \(quick) vs \(parsed)", sourceLocation: sourceLocation)
    }

    // MARK: both paths agree

    @Test func codeWithArguments() throws {
        try expectSame(["-e", "print(args)", "a", "b"], ["-e=print(args)", "a", "b"])
        try expectSame(["-e", "print(args)"], ["-e=print(args)"])
        try expectSame(["-e", "print(args)", "é", "two words"], ["-e=print(args)", "é", "two words"])
    }

    @Test func codeArgumentsAfterTheFirstAreTheScripts() throws {
        // After the first argument, options and `--` are the script's.
        try expectSame(["-e", "print(args)", "a", "--gil-stats", "--", "-e", "x", "--help"],
                       ["-e=print(args)", "a", "--gil-stats", "--", "-e", "x", "--help"])
        try expectSame(["-e", "print(args)", "a", "-b"], ["-e", "print(args)", "--", "a", "-b"])
    }

    @Test func codeErrorsAndExitStatuses() throws {
        try expectSame(["-e", "print(1)\nlet x = nope"], ["-e=print(1)\nlet x = nope"])
        try expectSame(["-e", "let = 1"], ["-e=let = 1"])
        try expectSame(["-e", "exit(7)"], ["-e=exit(7)"])
        try expectSame(["-e", ""], ["-e="])
    }

    @Test func fileWithArguments() throws {
        let path = try CLI.script("print(args)\nprint(len(args))\n")
        try expectSame([path, "one", "two words", "--flag", "-x", "--", "--check", "-e"],
                       ["--", path, "one", "two words", "--flag", "-x", "--", "--check", "-e"])
        try expectSame([path], ["--", path])
        try expectSame([path, "--help", "--version", "-h"], ["--", path, "--help", "--version", "-h"])
    }

    @Test func fileErrors() throws {
        let bad = try CLI.script("print(\"ran\")\nfn f( {\n")
        try expectSame([bad], ["--", bad])
        let failing = try CLI.script("print(\"before\")\nlet x = 1 / 0\n")
        try expectSame([failing], ["--", failing])
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("conc-missing-\(UUID()).conc").path
        try expectSame([missing], ["--", missing])
        try expectSame([missing, "a"], ["--", missing, "a"])
    }

    @Test func check() throws {
        let good = try CLI.script("print(\"ran\")\nlet x = 1 / 0\n")
        try expectSame(["--check", good], ["--check", "--", good])
        try expectSame(["--check", good, "a", "--dis"], ["--check", "--", good, "a", "--dis"])
        let bad = try CLI.script("print(\"fine\")\nfn f( {\n}\n")
        try expectSame(["--check", bad], ["--check", "--", bad])
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("conc-missing-\(UUID()).conc").path
        try expectSame(["--check", missing], ["--check", "--", missing])
    }

    @Test func standardInput() throws {
        try expectSame([], ["--"], stdin: "print(\"from stdin\", args)\nlet x = nope\n")
    }

    // MARK: what only ArgumentParser answers

    @Test func eWithoutCodeIsAUsageError() throws {
        for arguments in [["-e"], ["-e", "-x"], ["-e", "--"], ["--check", "-e"]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stdout == "")
            #expect(r.stderr.hasPrefix("Error: Missing value for '-e <e>'"), "\(arguments): \(r.stderr)")
        }
    }

    @Test func unknownOptionsAreUsageErrors() throws {
        for arguments in [["--frob"], ["-e", "print(1)", "--frob"], ["--check", "--frob"], ["-x", "file.conc"]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stdout == "")
            #expect(r.stderr.hasPrefix("Error: Unknown option '"), "\(arguments): \(r.stderr)")
        }
    }

    @Test func otherOptionsStillWork() throws {
        let path = try CLI.script("print(args)\n")
        let r = try CLI.run(["--gil-stats", path, "a"])
        #expect(r.status == 0)
        #expect(r.stdout == "[\"a\"]\n")
        #expect(r.stderr.hasPrefix("GIL: "))
        let d = try CLI.run(["--dis", path])
        #expect(d.status == 0)
        #expect(d.stdout.contains("function <main>"))
        let last = try CLI.run(["-e", "print(1)", "-e", "print(2)"])
        #expect(last.stdout == "2\n")
        let empty = try CLI.run(["-e", "print(args)", "", "a"])
        #expect(empty.stdout == "[\"\", \"a\"]\n")
    }

    @Test func helpAndVersion() throws {
        for arguments in [["--help"], ["-h"], ["--version"], ["-e", "print(1)", "--help"]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 0, "\(arguments)")
            #expect(!r.stdout.isEmpty)
        }
    }

    @Test func aCompletionScriptRequestAnywhereIsArgumentParsers() throws {
        // ArgumentParser looks for it among all the arguments, even a script's.
        let path = try CLI.script("print(args)\n")
        let r = try CLI.run([path, "--generate-completion-script", "bash"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("#!/bin/bash"))
    }
}
