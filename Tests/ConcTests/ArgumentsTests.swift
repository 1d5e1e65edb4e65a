// The command line of `conc` (Sources/conc/Arguments.swift): spellings that mean the same
// (`-e CODE` and `-e=CODE`, FILE and `-- FILE`) give indistinguishable runs; help, version
// and usage errors say what they should and exit with the right status.

import Foundation
import Testing

@Suite(.capturesStderr) struct ArgumentsTests {
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

    @Test func standardInputAsADash() throws {
        try expectSame(["-", "a"], ["--", "-", "a"], stdin: "print(\"from stdin\", args)\n")
        let r = try CLI.run(["-", "a", "b"], stdin: "print(args)\n")
        #expect(r.status == 0)
        #expect(r.stdout == "[\"a\", \"b\"]\n")
    }

    @Test func optionValuesMayBeAttached() throws {
        try expectSame(["--switch-interval", "0.02", "-e", "print(switch_interval())"],
                       ["--switch-interval=0.02", "-e=print(switch_interval())"])
    }

    @Test func anOptionValueIsTheNextArgumentWhateverItHolds() throws {
        // As with python3 -c: "-x" is code (here a name error), not an option.
        let r = try CLI.run(["-e", "-x"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("NameError"))
    }

    // MARK: usage errors, help and version

    @Test func aMissingValueIsAUsageError() throws {
        for arguments in [["-e"], ["--check", "-e"], ["--trace"], ["--switch-interval"]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stdout == "")
            #expect(r.stderr.hasPrefix("conc: option '\(arguments.last ?? "")' needs a value"), "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("usage: conc "))
        }
    }

    @Test func unknownOptionsAreUsageErrors() throws {
        for arguments in [["--frob"], ["-e", "print(1)", "--frob"], ["--check", "--frob"], ["-x", "file.conc"], ["--frob=1"]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stdout == "")
            #expect(r.stderr.hasPrefix("conc: unknown option '"), "\(arguments): \(r.stderr)")
            #expect(r.stderr.hasSuffix("See 'conc --help' for more.\n"))
        }
    }

    @Test func badValuesAreUsageErrors() throws {
        let flag = try CLI.run(["--check=yes", "x.conc"])
        #expect(flag.status == 2)
        #expect(flag.stderr.hasPrefix("conc: option '--check' takes no value"))
        let number = try CLI.run(["--switch-interval", "soon", "-e", "print(1)"])
        #expect(number.status == 2)
        #expect(number.stdout == "")
        #expect(number.stderr.hasPrefix("conc: option '--switch-interval' needs a number of seconds, not 'soon'"))
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
        for arguments in [["--help"], ["-h"], ["-e", "print(1)", "--help"], ["--check", "-h", "x.conc"]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 0, "\(arguments)")
            #expect(r.stdout.hasPrefix("Conc: a small concurrent scripting language"))
            #expect(r.stdout.contains("usage: conc [-e CODE]"))
            #expect(r.stderr == "")
        }
        let v = try CLI.run(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout == "conc 0.1.0\n")
    }
}
