// Runs the built `conc` binary on a pseudo-terminal, as a person at a terminal would:
// keystrokes go to the terminal's master side, and what conc draws comes back from it.
//
// The child is started with posix_spawn (never fork: other test threads may hold locks)
// in a new session whose first opened terminal, the pseudo-terminal, becomes its
// controlling terminal, so that a typed ^C makes the kernel send SIGINT as it does for
// a real terminal.

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

enum PseudoTerminalError: Error {
    case cannotOpen
}

/// One conc process on a pseudo-terminal of 24 rows and 80 columns with TERM=dumb.
final class PseudoTerminal {
    private let master: Int32
    private let pid: pid_t
    /// Everything conc has written so far.
    private(set) var received: [UInt8] = []
    /// Where the next `expect` starts looking.
    private var searchFrom = 0
    private var exitStatus: Int32?

    /// Starts `conc ARGS` with HOME and CONC_HISTORY in `home`.
    init(_ arguments: [String] = [], home: URL, history: URL) throws {
        try CLI.requireBinary()
        // posix_openpt, unlockpt and ptsname are declared only for X/Open, so do what
        // glibc does: open the multiplexer, unlock the new terminal, ask its number.
        // (The ioctl numbers are Linux's, from asm-generic/ioctls.h.)
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        try #require(master >= 0, "/dev/ptmx: \(String(cString: strerror(errno)))")
        var unlock: Int32 = 0, number: Int32 = 0
        guard ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            close(master)
            throw PseudoTerminalError.cannotOpen
        }
        let name = "/dev/pts/\(number)"
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, the terminal becomes the controlling one.
        posix_spawn_file_actions_addopen(&actions, 0, name, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 2.26) is declared only under _GNU_SOURCE.
        let setsid: Int32 = 0x80
        posix_spawnattr_setflags(&attributes, Int16(setsid | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGPIPE, SIGTERM, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "dumb"
        environment["HOME"] = home.path
        environment["CONC_HISTORY"] = history.path
        environment["INPUTRC"] = "/dev/null"
        let argv = ([CLI.binary.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, CLI.binary.path, &actions, &attributes, argv, envp)
        if spawned != 0 { close(master) }
        try #require(spawned == 0, "posix_spawn: \(String(cString: strerror(spawned)))")
        pid = child
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types `keys` (`\r` is Enter, `\u{3}` Ctrl-C, `\u{4}` Ctrl-D, `\t` Tab).
    func type(_ keys: String) {
        let bytes = Array(keys.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Waits until `text` appears in what conc writes after the previous match, with
    /// terminal control sequences left out. Records an issue and returns false if it
    /// does not appear within `timeout` seconds.
    @discardableResult
    func expect(_ text: String, timeout: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let visible = PseudoTerminal.withoutControlSequences(received[searchFrom...])
            if let range = visible.range(of: text) {
                // Move past the match in `received`, counting what was left out.
                searchFrom = PseudoTerminal.offset(in: received, from: searchFrom, visibleLength: visible[..<range.upperBound].utf8.count)
                return true
            }
            if Date() >= deadline || !readMore(until: deadline) {
                Issue.record("expected \(text.debugDescription) on the terminal; after the last match it shows \(visible.debugDescription)",
                             sourceLocation: sourceLocation)
                return false
            }
        }
    }

    /// Types `keys`, then expects `text`.
    @discardableResult
    func enter(_ keys: String, expect text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        type(keys)
        return expect(text, sourceLocation: sourceLocation)
    }

    /// Waits for conc to exit and returns its exit status (nil if killed by a signal or
    /// still running after `timeout` seconds, when it is killed).
    func waitForExit(timeout: Double = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() >= deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                exitStatus = -1
                return nil
            }
            // Keep reading, so that conc never blocks on a full terminal.
            _ = readMore(until: Date().addingTimeInterval(0.02))
        }
        _ = readMore(until: Date())
        exitStatus = status
        return status & 0x7f == 0 ? (status >> 8) & 0xff : nil
    }

    /// The screen as a terminal would show it: the lines of text after carriage
    /// returns, backspaces and line erasures have done their work.
    var screen: [String] {
        var lines: [[Character]] = [[]]
        var row = 0, column = 0
        func put(_ c: Character) {
            while lines[row].count < column { lines[row].append(" ") }
            if column < lines[row].count { lines[row][column] = c } else { lines[row].append(c) }
            column += 1
        }
        var scalars = String(decoding: received, as: UTF8.self).unicodeScalars[...]
        while let c = scalars.popFirst() {
            switch c {
            case "\r": column = 0
            case "\n":
                row += 1
                if row == lines.count { lines.append([]) }
            case "\u{8}": column = max(0, column - 1)
            case "\u{1b}":
                guard scalars.first == "[" else { _ = scalars.popFirst(); continue }
                scalars.removeFirst()
                var parameter = ""
                while let p = scalars.first, !(p.value >= 0x40 && p.value <= 0x7e) { parameter.unicodeScalars.append(scalars.removeFirst()) }
                let n = Int(parameter) ?? 1
                switch scalars.popFirst() {
                case "K": if column < lines[row].count { lines[row].removeLast(lines[row].count - column) }
                case "C": column += n
                case "D": column = max(0, column - n)
                default: break
                }
            case _ where c.value < 0x20: break
            default: put(Character(c))
            }
        }
        return lines.map { String($0) }
    }

    /// Reads what conc has written, waiting until `deadline` for something to come.
    /// Returns false when the terminal is closed (conc has exited).
    private func readMore(until deadline: Date) -> Bool {
        var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let wait = max(0, Int32(deadline.timeIntervalSinceNow * 1000))
        guard poll(&p, 1, min(wait, 100)) > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if n <= 0 { return false }
        received += buffer[0..<n]
        return true
    }

    /// `bytes` as text without terminal control sequences (ESC [ ... final byte).
    private static func withoutControlSequences(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: stripped(bytes).map(\.byte), as: UTF8.self)
    }

    /// The bytes that are not part of a control sequence, with their offsets.
    private static func stripped(_ bytes: ArraySlice<UInt8>) -> [(byte: UInt8, offset: Int)] {
        var out: [(byte: UInt8, offset: Int)] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 0x1b && i + 1 < bytes.endIndex && bytes[i + 1] == UInt8(ascii: "[") {
                i += 2
                while i < bytes.endIndex && !(bytes[i] >= 0x40 && bytes[i] <= 0x7e) { i += 1 }
                i += 1
                continue
            }
            out.append((bytes[i], i))
            i += 1
        }
        return out
    }

    /// The offset in `bytes` just after the first `visibleLength` visible bytes from `start`.
    private static func offset(in bytes: [UInt8], from start: Int, visibleLength: Int) -> Int {
        let kept = stripped(bytes[start...])
        return visibleLength == 0 ? start : kept[visibleLength - 1].offset + 1
    }
}
