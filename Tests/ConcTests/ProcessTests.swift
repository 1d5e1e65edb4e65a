// `spawn process`, pipes and shared memory. Everything that forks runs in the built
// `conc` binary, never inside the test runner (whose other threads could hold a lock at
// the moment of a fork): the golden scripts under Golden/process/, and checks that no
// descriptor, zombie or orphan is left behind.

import Foundation
import Testing
@testable import Conc

@Suite(.capturesStderr) struct ProcessTests {
    @Test func thereAreProcessGoldenScripts() {
        #expect(GoldenFiles.processes.count >= 20)
    }

    @Test(arguments: GoldenFiles.processes)
    func golden(_ path: String) throws {
        try check(path, environment: [:])
    }

    /// The same scripts with a collection at every safe point, in parents and children.
    @Test(arguments: GoldenFiles.processes)
    func goldenUnderCollectorStress(_ path: String) throws {
        try check(path, environment: ["CONC_GC_STRESS": "1"])
    }

    private func check(_ path: String, environment: [String: String]) throws {
        let url = GoldenFiles.root.appendingPathComponent(path)
        let expected = GoldenExpectation(source: try String(contentsOf: url, encoding: .utf8))
        let r = try CLI.run([url.path], timeout: 120, environment: environment)
        var actual = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if actual.last == "" { actual.removeLast() }
        #expect(actual == expected.lines, "output differs; stderr: \(r.stderr)")
        #expect(!r.signalled, "conc died of signal \(r.status)")
        if let kind = expected.errorKind {
            #expect(r.status == 1 && r.stderr.contains("error: \(kind)"), "expected \(kind), got: \(r.stderr)")
        } else {
            #expect(r.status == 0, "exit status \(r.status); stderr: \(r.stderr)")
        }
    }

    /// The README's tour runs and prints what its comments say.
    @Test func theReadmeTourRuns() throws {
        let readme = try String(contentsOf: GoldenFiles.root.deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let tour = try #require(readme.range(of: "## A tour\n\n```\n"))
        let end = try #require(readme.range(of: "```", range: tour.upperBound..<readme.endIndex))
        let r = try CLI.run(["-e", String(readme[tour.upperBound..<end.lowerBound])])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            [1, 2, 3, 10] 4 10 [2, 3]
            ada is 36
            alan is 41
            2
            ZeroDivisionError division by zero
            done
            3.14 3 2 0.5
            499500 499500
            one thread at a time
            [45, 4950]
            {"from": "child"}

            """)
    }

    /// `--trace` writes valid Chrome-trace JSON with spans for every thread of the
    /// parent and of its children; `--timeline` draws them.
    @Test func traceAndTimeline() throws {
        let dir = try CLI.tempDir()
        let trace = dir.appendingPathComponent("t.json").path
        let svg = dir.appendingPathComponent("t.svg").path
        let r = try CLI.run(["--trace", trace, "--timeline", svg, "-e", """
            fn spin(n) { let x = 0
              for i in range(n) { x += i }
              return x }
            let t = spawn thread spin(100000)
            let p = spawn process spin(100000)
            spin(100000)
            sleep(0.01)
            print(t.join() == p.join())
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "true\n")
        let data = try Data(contentsOf: URL(fileURLWithPath: trace))
        let events = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let names = Set(events.compactMap { $0["name"] as? String })
        #expect(names.isSuperset(of: ["running", "sleep", "process_name", "thread_name"]))
        let pids = Set(events.compactMap { $0["pid"] as? Int })
        #expect(pids.count == 2, "the parent and the child each have a track")
        let threadNames = Set(events.filter { ($0["name"] as? String) == "thread_name" }
            .compactMap { ($0["args"] as? [String: Any])?["name"] as? String })
        #expect(threadNames.isSuperset(of: ["main", "thread-1"]))
        for e in events where (e["ph"] as? String) == "X" {
            #expect((e["dur"] as? Double ?? -1) >= 0 && e["ts"] is Double)
        }
        let picture = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(picture.hasPrefix("<svg"))
        #expect(picture.contains("conc: main") && picture.contains("conc: thread-1") && picture.contains("process-1: main"))
        // Only a timeline: the trace goes to a temporary file that is removed.
        let alone = dir.appendingPathComponent("alone.svg").path
        let r2 = try CLI.run(["--timeline", alone, "-e", "sleep(0.01)"])
        #expect(r2.status == 0)
        #expect(FileManager.default.fileExists(atPath: alone))
        let bad = try CLI.run(["--trace", "/nonexistent/dir/t.json", "-e", "1"])
        #expect(bad.status == 2 && bad.stderr.contains("cannot write"))
    }

    // MARK: The embedding option

    @Test func embeddedInterpretersRefuseToForkByDefault() throws {
        let conc = quietInterpreter()
        #expect(conc.options.allowProcesses == false)
        let v = try conc.evaluate("""
            let m = ""
            try { spawn process { return 1 } } catch e { m = e.kind + ": " + e.message }
            m
            """)
        #expect(v == .string("OSError: spawn process is not allowed here (the interpreter's allowProcesses option is off)"))
        let pool = try conc.evaluate("""
            let m = ""
            try { ProcessPool(2) } catch e { m = e.kind + ": " + e.message }
            m
            """)
        #expect(pool == .string("OSError: a process pool is not allowed here (the interpreter's allowProcesses option is off)"))
    }

    // MARK: Leaks

    /// Runs `script` in conc; each time it prints a line starting with `?`, answers on
    /// its standard input with the number of descriptors it has open and the number of
    /// its child processes (zombies included).
    private func inspect(_ script: String) throws -> (stdout: String, status: Int32) {
        try CLI.requireBinary()
        let path = try CLI.script(script)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = [path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        // Standard error goes to a file, kept for a failure message, never to the test log.
        let errURL = try CLI.tempDir().appendingPathComponent("stderr")
        try Data().write(to: errURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? errHandle.close()
            try? FileManager.default.removeItem(at: errURL.deletingLastPathComponent())
        }
        process.standardError = errHandle
        try process.run()
        let pid = process.processIdentifier
        var transcript = ""
        var pending = Data()
        let reader = output.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...nl)
                transcript += line + "\n"
                if line.hasPrefix("?") {
                    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
                    let answer = "\(fds) \(childCount(of: pid))\n"
                    input.fileHandleForWriting.write(Data(answer.utf8))
                }
            }
        }
        process.waitUntilExit()
        if let err = try? String(contentsOf: errURL, encoding: .utf8), !err.isEmpty {
            StderrCapture.current?.append(err)
        }
        return (transcript, process.terminationStatus)
    }

    /// Whether `pid` is a process that has not ended (a zombie has ended).
    private func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    private func childCount(of pid: Int32) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { name in
            guard Int32(name) != nil, let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid
        }.count
    }

    @Test func spawningLeavesNoDescriptorsAndNoZombies() throws {
        let r = try inspect("""
            fn square(x) { return x * x }
            fn answer() { print("?")
              let parts = input().split(" ")
              return [int(parts[0]), int(parts[1])] }
            # The first fork makes the lifeline pipe every later child inherits; it stays.
            (spawn process { return 0 }).join()
            let before = answer()
            for i in range(200) { (spawn process { return i }).join() }
            let ps = []
            for i in range(16) { ps.push(spawn process { sleep(0.05)
              return i * i }) }
            let total = 0
            for p in ps { total += p.join() }
            let ends = Pipe()
            let q = spawn process { ends[1].send("hi") }
            q.join()
            print(ends[0].recv(), total)
            ends[0].close()
            ends[1].close()
            with ProcessPool(2) as pool { print(pool.map(square, [1, 2, 3])) }
            let after = answer()
            print("descriptors", after[0] - before[0], "children", after[1])
            """)
        #expect(r.status == 0)
        #expect(r.stdout.contains("hi 1240\n[1, 4, 9]\n"))
        #expect(r.stdout.contains("descriptors 0 children 0\n"), "\(r.stdout)")
    }

    @Test func unjoinedChildrenAreWaitedForAtExit() throws {
        let r = try CLI.run(["-e", """
            spawn process { sleep(0.3)
              print("child done") }
            print("parent done")
            """])
        #expect(r.status == 0)
        #expect(r.stdout == "parent done\nchild done\n")
    }

    @Test func exitKillsTheChildrenInsteadOfWaiting() throws {
        let start = Date()
        let r = try CLI.run(["-e", """
            let p = spawn process { sleep(30) }
            print(p.is_alive())
            exit(4)
            """])
        #expect(r.status == 4)
        #expect(r.stdout == "true\n")
        #expect(Date().timeIntervalSince(start) < 20)
    }

    @Test func childrenDieWithTheirParentEvenFromAThread() throws {
        // The parent forks from a thread that then ends, and is killed with SIGKILL: the
        // child must notice through its lifeline and die too.
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("conc-orphan-\(UUID().uuidString)")
        let r = try CLI.run(["-e", """
            let t = spawn thread { let p = spawn process { sleep(3)
                write_file("\(marker.path)", "the orphan lived") }
              print(p.pid) }
            t.join()
            sleep(30)
            """], timeout: 60) { process, out in
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, ((try? String(contentsOf: out, encoding: .utf8)) ?? "").isEmpty { usleep(10_000) }
            kill(process.processIdentifier, SIGKILL)
        }
        #expect(r.signalled)
        let childPid = Int32(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(childPid > 0)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && isRunning(childPid) { usleep(10_000) }
        #expect(!isRunning(childPid), "the child outlived its parent")
        sleep(4)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func theParentLivesOnWhenAChildCrashes() throws {
        // Conc cannot crash itself on purpose, so the test delivers the crashes: a
        // segmentation fault and an abort, as a bug in native code would.
        let r = try CLI.run(["-e", """
            let a = spawn process { sleep(60) }
            let b = spawn process { sleep(60) }
            print(a.pid, b.pid)
            for p in [a, b] {
              try { p.join() } catch e { print(e.kind + ": " + e.message, p.exitcode) }
            }
            print("the parent lives on")
            """], timeout: 90) { process, out in
            let deadline = Date().addingTimeInterval(30)
            var pids: [Int32] = []
            while Date() < deadline && pids.count < 2 {
                let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
                if text.hasSuffix("\n") { pids = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) } }
                usleep(10_000)
            }
            try #require(pids.count == 2)
            kill(pids[0], SIGSEGV)
            kill(pids[1], SIGABRT)
        }
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").dropFirst()
        #expect(Array(lines) == [
            "ProcessError: process-1 was killed by signal 11 (SIGSEGV) -11",
            "ProcessError: process-2 was killed by signal 6 (SIGABRT) -6",
            "the parent lives on",
        ])
    }

    @Test func ctrlCStopsTheParentAndItsChildren() throws {
        let r = try CLI.run(["-e", """
            let p = spawn process { while true {} }
            print(p.pid)
            p.join()
            """], timeout: 60) { process, out in
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, ((try? String(contentsOf: out, encoding: .utf8)) ?? "").isEmpty { usleep(10_000) }
            kill(process.processIdentifier, SIGINT)
        }
        #expect(r.status == 130)
        #expect(r.stderr.contains("Interrupt"))
        let childPid = Int32(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(childPid > 0 && !isRunning(childPid), "the child outlived the interrupted parent")
    }
}
