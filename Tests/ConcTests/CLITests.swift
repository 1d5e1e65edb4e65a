// Runs the built `conc` executable as a subprocess: modes, arguments, standard input,
// exit statuses and diagnostics.

import Foundation
import Testing

/// What one run of `conc` did.
struct CLIResult {
    var status: Int32
    /// True when the process ended by a signal (`status` is then the signal number).
    var signalled: Bool
    var stdout: String
    var stderr: String
}

enum CLI {
    /// The `conc` executable built with this test bundle: `$CONC_BINARY` when set, else
    /// the `conc` beside the running test executable (so a run with its own scratch path,
    /// such as the sanitizer scripts' `.build-asan`, tests its own sanitized binary), else
    /// `<package root>/.build/debug/conc`.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["CONC_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("conc")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // ConcTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent(".build/debug/conc")
    }()

    static func requireBinary() throws {
        try #require(FileManager.default.isExecutableFile(atPath: binary.path),
                     "the conc executable is missing at \(binary.path): build it with `swift build` (swift test builds all products)")
    }

    /// A fresh temporary directory for one test.
    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes `text` to `name` in a fresh directory and returns its path.
    static func script(_ text: String, name: String = "script.conc") throws -> String {
        let url = try tempDir().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Runs conc with `arguments`, feeding `stdin` (empty input when nil), killing it
    /// after `timeout` seconds. `whileRunning` is called with the process once started.
    static func run(_ arguments: [String], stdin: String? = nil, timeout: Double = 120,
                    environment: [String: String] = [:],
                    whileRunning: ((Process, URL) throws -> Void)? = nil) throws -> CLIResult {
        try requireBinary()
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("stdout")
        let errURL = dir.appendingPathComponent("stderr")
        let inURL = dir.appendingPathComponent("stdin")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        try Data((stdin ?? "").utf8).write(to: inURL)

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = dir
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        let inHandle = try FileHandle(forReadingFrom: inURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
            try? inHandle.close()
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        try process.run()

        if let whileRunning {
            do { try whileRunning(process, outURL) } catch {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw error
            }
        }
        // Wait, but never forever: a hung conc is killed and reported.
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("conc \(arguments.map { $0.prefix(40) }) ran longer than \(timeout) s and was killed")
        }
        process.waitUntilExit()

        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        // Tests check stderr themselves; the running test also keeps it, to show it
        // beside any failure.
        if !err.isEmpty { StderrCapture.current?.append("conc \(arguments.map { $0.prefix(40) }):\n\(err)") }
        return CLIResult(status: process.terminationStatus,
                         signalled: process.terminationReason == .uncaughtSignal,
                         stdout: out, stderr: err)
    }
}

@Suite(.capturesStderr) struct CLITests {
    @Test func deepRecursionTraceCountsTheRepeats() throws {
        let r = try CLI.run(["-e", "fn f(n) { return f(n + 1) }\nf(0)"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("RecursionError"))
        #expect(r.stderr.contains("\n  <string>:1 in f\n  <string>:1 in f\n  <string>:1 in f\n  [previous line repeated "))
        #expect(r.stderr.split(separator: "\n").count < 20)
    }

    @Test func ctrlCInterruptsTheMainThreadWhileItJoinsABusyThread() throws {
        let path = try CLI.script("print(\"started\")\nlet t = spawn thread { while true {} }\nt.join()")
        let r = try CLI.run([path], timeout: 60) { process, out in
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, ((try? String(contentsOf: out, encoding: .utf8)) ?? "").isEmpty { usleep(5_000) }
            usleep(50_000)
            kill(process.processIdentifier, SIGINT)
        }
        #expect(r.status == 130)
        #expect(!r.signalled)
        #expect(r.stdout == "started\n")
        #expect(r.stderr.contains("Interrupt: interrupted"))
    }

    @Test func programWaitsForItsThreadsAtExit() throws {
        let path = try CLI.script("spawn thread { sleep(0.1)\n print(\"thread done\") }\nprint(\"main done\")")
        let r = try CLI.run([path])
        #expect(r.status == 0)
        #expect(r.stdout == "main done\nthread done\n")
    }

    @Test func anErrorEndingAThreadIsReportedWithItsName() throws {
        let path = try CLI.script("fn f() { throw error(\"ValueError\", \"bad input\") }\nspawn thread f()\nsleep(0.05)\nprint(\"main goes on\")")
        let r = try CLI.run([path])
        #expect(r.status == 0)
        #expect(r.stdout == "main goes on\n")
        #expect(r.stderr.hasPrefix("in thread-1: "))
        #expect(r.stderr.contains("ValueError: bad input"))
    }

    @Test func exitInAThreadEndsTheProgram() throws {
        let path = try CLI.script("spawn thread { exit(7) }\nwhile true { sleep(0.01) }")
        let r = try CLI.run([path], timeout: 30)
        #expect(r.status == 7)
        #expect(!r.signalled)
    }

    @Test func gilStatsPrintsATableAtExit() throws {
        let path = try CLI.script("fn spin() { let x = 0\n for i in range(200000) { x += 1 } }\nlet t = spawn thread spin()\nspin()\nt.join()")
        let r = try CLI.run(["--gil-stats", "--switch-interval", "0.001", path])
        #expect(r.status == 0)
        #expect(r.stderr.hasPrefix("GIL: "))
        #expect(r.stderr.contains("switch interval 0.001 s"))
        #expect(r.stderr.contains("thread-1"))
        #expect(r.stderr.contains("main"))
    }

    @Test func switchIntervalMustBePositive() throws {
        let r = try CLI.run(["--switch-interval", "0", "-e", "print(1)"])
        #expect(r.status == 2)
        let ok = try CLI.run(["--switch-interval", "0.02", "-e", "print(switch_interval())"])
        #expect(ok.stdout == "0.02\n")
    }

    @Test func binaryExists() throws {
        try CLI.requireBinary()
    }

    // MARK: modes

    @Test func runsAFileWithItsArguments() throws {
        let path = try CLI.script("print(args)\nprint(len(args))")
        let r = try CLI.run([path, "one", "two words", "--flag", "-x"])
        #expect(r.status == 0)
        #expect(!r.signalled)
        #expect(r.stdout == "[\"one\", \"two words\", \"--flag\", \"-x\"]\n4\n")
        #expect(r.stderr == "")
    }

    @Test func runsAFileWithNoArguments() throws {
        let path = try CLI.script("print(args, type(args))")
        let r = try CLI.run([path])
        #expect(r.status == 0)
        #expect(r.stdout == "[] list\n")
    }

    @Test func runsCodeGivenWithE() throws {
        let r = try CLI.run(["-e", "let x = 20\nprint(x + 22)\nwrite(\"end\")"])
        #expect(r.status == 0)
        #expect(r.stdout == "42\nend")
        #expect(r.stderr == "")
    }

    @Test func codeGivenWithESeesArguments() throws {
        let r = try CLI.run(["-e", "print(args)", "p", "q"])
        #expect(r.status == 0)
        #expect(r.stdout == "[\"p\", \"q\"]\n")
    }

    @Test func checkAcceptsGoodCodeWithoutRunningIt() throws {
        let path = try CLI.script("print(\"ran\")\nlet x = 1 / 0\n")
        let r = try CLI.run(["--check", path])
        #expect(r.status == 0)
        #expect(r.stdout == "")
        #expect(r.stderr == "")
    }

    @Test func checkReportsASyntaxError() throws {
        let path = try CLI.script("print(\"fine\")\nfn f( {\n}\n")
        let r = try CLI.run(["--check", path])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("\(path):2:7: error: SyntaxError: "))
        #expect(r.stderr.contains("\n    fn f( {\n          ^"))
    }

    @Test func disPrintsTheBytecodeWithoutRunningIt() throws {
        let path = try CLI.script("fn inc(x) { return x + 1 }\nprint(\"ran\")\n")
        let r = try CLI.run(["--dis", path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("function <main>"))
        #expect(r.stdout.contains("function inc"))
        #expect(r.stdout.contains("addInt"))
        #expect(!r.stdout.contains("ran\n"))
        #expect(r.stderr == "")
    }

    @Test func disOfBadCodeIsASyntaxError() throws {
        let path = try CLI.script("let = 1\n")
        let r = try CLI.run(["--dis", path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: SyntaxError"))
    }

    @Test func versionPrintsAVersion() throws {
        let r = try CLI.run(["--version"])
        #expect(r.status == 0)
        let text = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.range(of: #"[0-9]+\.[0-9]+"#, options: .regularExpression) != nil)
    }

    @Test func helpDescribesTheOptions() throws {
        let r = try CLI.run(["--help"])
        #expect(r.status == 0)
        for option in ["-e", "--check", "--dis", "--version"] {
            #expect(r.stdout.contains(option), "help should mention \(option)")
        }
    }

    @Test func inputReadsLineByLineFromAPipe() throws {
        // One read may bring several lines; each input() takes one, \r\n ends a line as
        // \n does, and the end of input is nil.
        let path = try CLI.script("print([input(), input(), input(), input()])\n")
        let r = try CLI.run([path], stdin: "one\r\ntwo\nthree")
        #expect(r.status == 0)
        #expect(r.stdout == "[\"one\", \"two\", \"three\", nil]\n")
    }

    @Test func readsTheScriptFromStandardInput() throws {
        let r = try CLI.run([], stdin: "let n = 3\nfor i in range(n) { print(i) }\n")
        #expect(r.status == 0)
        #expect(r.stdout == "0\n1\n2\n")
        #expect(r.stderr == "")
    }

    @Test func standardInputErrorsNameStdin() throws {
        let r = try CLI.run([], stdin: "print(1)\nlet x = nope\n")
        #expect(r.status == 1)
        #expect(r.stdout == "1\n")
        #expect(r.stderr.hasPrefix("<stdin>:2:9: error: NameError: "))
    }

    // MARK: exit statuses and diagnostics

    @Test func runtimeErrorExitsOneWithAFullDiagnostic() throws {
        let path = try CLI.script("fn f(x) {\n  return x / 0\n}\nprint(\"before\")\nf(1)\n")
        let r = try CLI.run([path])
        #expect(r.status == 1)
        #expect(!r.signalled)
        #expect(r.stdout == "before\n")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count >= 6, "stderr: \(r.stderr)")
        #expect(lines[0].hasPrefix("\(path):2:10: error: ZeroDivisionError: "))
        #expect(lines[1] == "      return x / 0")
        #expect(lines[2] == "             ^")
        #expect(lines[3].hasPrefix("trace"))
        #expect(lines[4].trimmingCharacters(in: .whitespaces) == "\(path):5 in <main>")
        #expect(lines[5].trimmingCharacters(in: .whitespaces) == "\(path):2 in f")
    }

    @Test func uncaughtThrowOfAnErrorValueUsesItsKind() throws {
        let r = try CLI.run(["-e", "throw error(\"ValueError\", \"bad input\")"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("<string>:1:1: error: ValueError: bad input"))
    }

    @Test func syntaxErrorExitsOneAndRunsNothing() throws {
        let path = try CLI.script("print(\"should not print\")\nlet x = (1 +\n")
        let r = try CLI.run([path])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.contains("\(path):"))
        #expect(r.stderr.contains("error: SyntaxError: "))
    }

    @Test func unknownOptionIsAUsageError() throws {
        let r = try CLI.run(["--no-such-option"])
        #expect(r.status == 2)
        #expect(r.stdout == "")
        #expect(!r.stderr.isEmpty)
    }

    @Test func missingFileIsAUsageError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("conc-missing-\(UUID()).conc").path
        let r = try CLI.run([missing])
        #expect(r.status == 2)
        #expect(r.stdout == "")
        #expect(r.stderr.contains(missing))
    }

    @Test func exitCodeComesFromExit() throws {
        let r = try CLI.run(["-e", "print(\"a\")\nexit(7)\nprint(\"b\")"])
        #expect(r.status == 7)
        #expect(!r.signalled)
        #expect(r.stdout == "a\n")
        #expect(r.stderr == "")
    }

    @Test func exitFromInsideAFunctionAndTryEndsTheProgram() throws {
        let path = try CLI.script("""
            fn leave() { try { exit(3) } catch e { print("caught") } finally { print("finally") } }
            leave()
            print("after")
            """)
        let r = try CLI.run([path])
        #expect(r.status == 3)
        #expect(r.stdout == "")
    }

    @Test func exitZeroIsSuccess() throws {
        let r = try CLI.run(["-e", "print(\"x\")\nexit(0)\nthrow error(\"ValueError\", \"never\")"])
        #expect(r.status == 0)
        #expect(r.stdout == "x\n")
        #expect(r.stderr == "")
    }

    @Test func outputIsFlushedBeforeTheErrorMessage() throws {
        let path = try CLI.script("""
            for i in range(2000) { print("line", i) }
            write("partial")
            let boom = [][3]
            """)
        let r = try CLI.run([path])
        #expect(r.status == 1)
        let expected = (0..<2000).map { "line \($0)\n" }.joined() + "partial"
        #expect(r.stdout == expected)
        #expect(r.stderr.contains("IndexError"))
    }

    @Test func outputIsFlushedBeforeExit() throws {
        let r = try CLI.run(["-e", "for i in range(500) { print(i) }\nexit(5)"])
        #expect(r.status == 5)
        #expect(r.stdout == (0..<500).map { "\($0)\n" }.joined())
    }

    // MARK: robustness

    @Test func invalidUTF8FileIsASyntaxError() throws {
        let dir = try CLI.tempDir()
        let url = dir.appendingPathComponent("bad.conc")
        try Data(Array("print(1)\nprint(\"".utf8) + [0xFF, 0xFE] + Array("\")\n".utf8)).write(to: url)
        let r = try CLI.run([url.path])
        #expect(r.status == 1)
        #expect(!r.signalled)
        #expect(r.stdout == "")
        #expect(r.stderr.contains("\(url.path):2:"))
        #expect(r.stderr.contains("SyntaxError"))
    }

    @Test func deeplyNestedSourceIsASyntaxErrorNotACrash() throws {
        let path = try CLI.script(String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000))
        let r = try CLI.run([path])
        #expect(r.status == 1)
        #expect(!r.signalled)
        #expect(r.stderr.contains("SyntaxError"))
    }

    /// Long flat chains. `and`/`or` chains of any length compile in a loop; postfix
    /// chains longer than `Parser.maxPostfixChain` and operator chains longer than
    /// `Parser.maxOperatorChain` are a clean syntax error, never a crash.
    enum Chain: String, CaseIterable, Sendable {
        case and, or, calls, indices, methods, plus, longCalls, longPlus

        var program: (source: String, output: String?) {
            let n = 2_000
            switch self {
            case .and:
                return ("let x = " + Array(repeating: "true", count: n).joined(separator: " and ") + "\nprint(x)", "true\n")
            case .or:
                return ("let x = " + Array(repeating: "false", count: n).joined(separator: " or ") + "\nprint(x)", "false\n")
            case .calls:
                return ("let f = fn() { return f }\nprint(type(f" + String(repeating: "()", count: 400) + "))", "function\n")
            case .indices:
                return ("let l = [0]\nl[0] = l\nprint(len(l" + String(repeating: "[0]", count: 400) + "))", "1\n")
            case .methods:
                return ("let s = \"a\"" + String(repeating: ".upper()", count: 200) + "\nprint(s)", "A\n")
            case .plus:
                return ("let x = " + Array(repeating: "1", count: 10_000).joined(separator: "+") + "\nprint(x)", "10000\n")
            case .longCalls:
                return ("let f = fn() { return f }\nprint(type(f" + String(repeating: "()", count: n) + "))", nil)
            case .longPlus:
                return ("let x = " + Array(repeating: "1", count: 100_000).joined(separator: "+") + "\nprint(x)", nil)
            }
        }
    }

    @Test(arguments: Chain.allCases)
    func longChainsRunOrFailCleanly(_ chain: Chain) throws {
        let (source, expected) = chain.program
        let r = try CLI.run([try CLI.script(source)])
        #expect(!r.signalled, "conc died by signal \(r.status)")
        if let expected {
            #expect(r.status == 0)
            #expect(r.stdout == expected)
        } else {
            #expect(r.status == 1)
            #expect(r.stderr.contains("SyntaxError: expression too long"))
        }
    }
}
