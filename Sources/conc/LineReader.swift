// Reading lines at the REPL's prompt with GNU readline: line editing, history recall,
// Tab completion, and Ctrl-C clearing the line. Only this file and History.swift use
// readline; the Conc library never links it.
//
// Readline runs through its callback interface, always on the main thread: the loop
// below polls standard input and a pipe, feeds readline one character at a time, and
// readline calls back with each finished line. SIGINT stays blocked in every thread
// (see ProcessSignals); while the prompt waits, the signal thread writes a byte to that
// pipe, and the loop drops the line being typed. So no readline function ever runs in
// a signal handler or on another thread, and readline installs no handlers of its own.
//
// The terminal throws away what was typed but not yet read when Ctrl-C comes, so a
// character poll saw may be gone by the time readline reads it. Readline therefore
// reads through `nextKey`, which waits for a key and for the pipe together, and the
// terminal is set (while the prompt waits) to return from a read with nothing rather
// than wait: a Ctrl-C can never leave the prompt stuck in a read.

@preconcurrency import CReadline
#if canImport(Glibc)
import Glibc
#endif
import Conc

/// What waiting at the prompt produced.
enum LineEvent {
    case line(String)
    /// Ctrl-C: the line being typed was dropped.
    case interrupt
    /// Ctrl-D on an empty line (or standard input closed).
    case endOfInput
}

/// What Tab may offer for the text before the cursor.
enum Completions {
    /// Words that finish the identifier at the end of the text.
    case words([String])
    /// File names (after `:load`).
    case fileNames
}

/// The REPL's source of input lines.
@MainActor protocol LineReader {
    /// Shows `prompt` and waits for a line. While it waits, `idle` is called about ten
    /// times a second, and text it returns (what threads printed meanwhile) is shown
    /// above the prompt without disturbing the line being typed.
    func readLine(prompt: String, idle: () -> [ConsoleText]) -> LineEvent
    /// Adds a finished entry (one entry, even if it spans several lines) to the history.
    func remember(_ entry: String)
}

/// GNU readline on the terminal.
@MainActor final class ReadlineReader: LineReader {
    /// The reader the C callbacks report to (readline takes plain C functions).
    fileprivate static var active: ReadlineReader?

    private let complete: (String) -> Completions
    private let history: CommandHistory
    /// The pipe Ctrl-C writes to while the prompt waits.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// Set by the line callback.
    private var delivered: LineEvent?
    /// What the completion under way completes to (see `prepareCompletion`).
    private var prepared: Completions?
    /// Whether a read of the terminal that finds nothing returns at once (then a read
    /// that returns nothing means the terminal dropped what was typed, not the end).
    private var readsReturnEmpty = false
    /// The key `nextKey` gives readline for a Ctrl-C (^C, which the terminal turns into
    /// SIGINT and so never sends).
    fileprivate static let interruptKey: Int32 = 3

    /// `complete` gets the text before the cursor.
    init(history: CommandHistory, complete: @escaping (String) -> Completions) {
        self.history = history
        self.complete = complete
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 {
            printError("conc: cannot make a pipe: \(String(cString: strerror(errno)))")
            exit(1)
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        (wakeRead, wakeWrite) = (fds[0], fds[1])
        rl_readline_name = UnsafePointer(strdup("conc"))
        // Ctrl-C comes through the pipe; readline must not change signal handling (a
        // SIGWINCH handler would interrupt system calls in every thread: the size is
        // polled instead), nor set LINES and COLUMNS (setenv races with scripts'
        // `env()` in other threads).
        rl_catch_signals = 0
        rl_catch_sigwinch = 0
        rl_change_environment = 0
        // Break words at everything that cannot be part of an identifier, so that the
        // word completed after `xs.` is the method name.
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n\"\\'`@$><=;|&{(}[]),.+-*/%^~!:#"))
        rl_completion_word_break_hook = readlineWordBreaks
        rl_attempted_completion_function = readlineCompletion
        rl_getc_function = readlineGetc
        // `nextKey` answers a Ctrl-C with this key, which must do nothing.
        rl_bind_key(ReadlineReader.interruptKey, readlineNothing)
        ReadlineReader.active = self
    }

    func remember(_ entry: String) {
        history.add(entry)
    }

    func readLine(prompt: String, idle: () -> [ConsoleText]) -> LineEvent {
        delivered = nil
        // A Ctrl-C that came after the last line was accepted but before the entry
        // started running is dropped, not applied to the new line.
        drainWakePipe()
        ProcessSignals.sendInterrupts(to: wakeWrite)
        defer { ProcessSignals.sendInterrupts(to: nil) }
        if let size = terminalSize() { rl_set_screen_size(size.rows, size.columns) }
        rl_callback_handler_install(prompt, readlineLine)
        readsReturnEmpty = letReadsReturnEmpty()
        var lastIdle = monotonicNow()
        while true {
            if let event = delivered { return event }
            guard let ready = waitForKeyOrInterrupt(milliseconds: 100) else {
                rl_callback_handler_remove()
                return .endOfInput
            }
            if ready.interrupt {
                dropLine()
                return .interrupt
            }
            if ready.input != 0 { rl_callback_read_char() }
            if delivered == nil && monotonicNow() - lastIdle >= 0.1 {
                lastIdle = monotonicNow()
                followResize()
                showAbove(idle())
            }
        }
    }

    /// The next key for readline: waits for standard input and for the Ctrl-C pipe, and
    /// answers a Ctrl-C with `interruptKey` (leaving the pipe for `readLine` to see).
    fileprivate func nextKey() -> Int32 {
        while true {
            guard let ready = waitForKeyOrInterrupt(milliseconds: -1) else { return EOF }
            if ready.interrupt { return ReadlineReader.interruptKey }
            if ready.input == 0 { continue }  // a signal
            guard ready.input & Int16(POLLIN) != 0 else { return EOF }
            var byte: UInt8 = 0
            let n = read(0, &byte, 1)
            if n == 1 { return Int32(byte) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            // Nothing: the terminal dropped the characters poll saw (a Ctrl-C came).
            if n == 0 && readsReturnEmpty && ready.input & Int16(POLLHUP) == 0 { continue }
            return EOF
        }
    }

    /// Waits up to `milliseconds` (-1: without limit) for standard input or the Ctrl-C
    /// pipe: what poll saw on standard input (0 after a timeout or a signal), and whether
    /// a Ctrl-C came; nil if poll failed.
    private func waitForKeyOrInterrupt(milliseconds: Int32) -> (input: Int16, interrupt: Bool)? {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        if poll(&fds, 2, milliseconds) < 0 && errno != EINTR { return nil }
        return (fds[0].revents, fds[1].revents != 0)
    }

    /// Sets the terminal, which readline has just prepared, to return from a read that
    /// finds nothing (VMIN 0, VTIME 0); readline restores the settings it found when the
    /// prompt ends. Returns whether it could.
    private func letReadsReturnEmpty() -> Bool {
        var settings = termios()
        guard tcgetattr(0, &settings) == 0 else { return false }
        withUnsafeMutableBytes(of: &settings.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        return tcsetattr(0, TCSANOW, &settings) == 0
    }

    /// The line callback: readline has a finished line (nil at end of input).
    fileprivate func accept(_ line: String?) {
        // Removing the handler keeps readline from printing the next prompt before
        // the entry has run; `readLine` installs it again.
        rl_callback_handler_remove()
        guard let line else {
            fflush(rl_outstream)
            writeOut("\n")
            delivered = .endOfInput
            return
        }
        delivered = .line(line)
    }

    /// Ctrl-C at the prompt: shows `^C` after the text typed so far and drops it.
    private func dropLine() {
        drainWakePipe()
        rl_point = rl_end
        rl_redisplay()
        fflush(rl_outstream)
        writeOut("^C\n")
        rl_callback_sigcleanup()
        rl_replace_line("", 0)
        rl_callback_handler_remove()
    }

    /// Lets readline redraw for a new window size (what its SIGWINCH handler would do).
    private func followResize() {
        guard let size = terminalSize() else { return }
        var rows: Int32 = 0, columns: Int32 = 0
        rl_get_screen_size(&rows, &columns)
        if size.rows != rows || size.columns != columns { rl_resize_terminal() }
    }

    private func drainWakePipe() {
        var byte: UInt8 = 0
        while read(wakeRead, &byte, 1) > 0 {}
    }

    /// Prints `texts` above the prompt and draws the prompt and the line again.
    private func showAbove(_ texts: [ConsoleText]) {
        guard !texts.isEmpty else { return }
        rl_clear_visible_line()
        fflush(rl_outstream)
        for t in texts { writeAll(t.fd, t.text) }
        if let last = texts.last, !last.text.hasSuffix("\n") { writeAll(last.fd, "\n") }
        rl_forced_update_display()
    }

    /// The word-break hook's work, the first step of a completion: decides what the
    /// text before the cursor completes to, and returns whether that is a file name.
    fileprivate func prepareCompletion() -> Bool {
        let result = complete(textBeforeCursor(Int(rl_point)))
        prepared = result
        if case .fileNames = result { return true }
        return false
    }

    /// The completion callback's work: the words that complete the text before the
    /// cursor (`end` bytes of the line), or nil to let readline complete a file name.
    fileprivate func completionWords(end: Int32) -> [String]? {
        let result = prepared ?? complete(textBeforeCursor(Int(end)))
        prepared = nil
        guard case .words(let words) = result else {
            rl_attempted_completion_over = 0
            return nil
        }
        rl_attempted_completion_over = 1
        // `xs.pu` becomes `xs.push`, with no space after it.
        rl_completion_append_character = 0
        return words
    }

    private func textBeforeCursor(_ end: Int) -> String {
        let bytes = UnsafeBufferPointer(start: rl_line_buffer, count: end).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `words` as readline wants matches: a malloc'd, NULL-terminated array of malloc'd
/// strings (readline frees them), the common prefix first unless there is one word.
private func matchArray(_ words: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    guard !words.isEmpty else { return nil }
    let entries = words.count == 1 ? words : [commonPrefix(words)] + words
    let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1))!
    let list = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
    for (i, w) in entries.enumerated() { list[i] = strdup(w) }
    list[entries.count] = nil
    return list
}

/// The terminal's size, if standard output is one.
private func terminalSize() -> (rows: Int32, columns: Int32)? {
    var size = winsize()
    guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return nil }
    return (Int32(size.ws_row), Int32(size.ws_col))
}

/// The longest string every word starts with.
private func commonPrefix(_ words: [String]) -> String {
    var prefix = Array(words[0].utf8)
    for w in words.dropFirst() {
        let bytes = Array(w.utf8)
        var n = 0
        while n < min(prefix.count, bytes.count) && prefix[n] == bytes[n] { n += 1 }
        prefix.removeLast(prefix.count - n)
    }
    return String(decoding: prefix, as: UTF8.self)
}

// Readline calls these plain C functions on the main thread, from inside
// `rl_callback_read_char`, which only `ReadlineReader.readLine` calls.

private let readlineLine: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { raw in
    let line = raw.map { String(cString: $0) }
    free(raw)
    MainActor.assumeIsolated { ReadlineReader.active?.accept(line) }
}

private let readlineGetc: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
    MainActor.assumeIsolated { ReadlineReader.active?.nextKey() ?? EOF }
}

private let readlineNothing: @convention(c) (Int32, Int32) -> Int32 = { _, _ in 0 }

private let readlineWordBreaks: @convention(c) () -> UnsafeMutablePointer<CChar>? = {
    let fileName = MainActor.assumeIsolated { ReadlineReader.active?.prepareCompletion() ?? false }
    // A file name is one word, up to the blank before it (nil: the usual breaks).
    guard fileName else { return nil }
    let blanks: StaticString = " \t\n"
    return UnsafeMutablePointer(mutating: UnsafeRawPointer(blanks.utf8Start).assumingMemoryBound(to: CChar.self))
}

private let readlineCompletion: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { _, _, end in
    matchArray(MainActor.assumeIsolated { ReadlineReader.active?.completionWords(end: end) } ?? [])
}
