// The REPL's persistent history: readline's history list, kept in ~/.conc_history (or
// $CONC_HISTORY), appended to after every entry so a session that dies keeps its
// history, and trimmed to the last `limit` entries when the next session starts.
//
// An entry that spans several lines stays one entry: the file is written with
// readline's timestamps (`#1795330947` lines before each entry, as bash's `lithist`
// history does), and read back with `history_multiline_entries`, which joins the
// lines between two timestamps. (A line inside an entry that itself starts with `#`
// and a digit would split it when read back.)

@preconcurrency import CReadline
#if canImport(Glibc)
import Glibc
#endif

/// Readline's history list and the file behind it.
@MainActor final class CommandHistory {
    /// How many entries the file keeps.
    static let limit: Int32 = 1000

    /// The file, or nil when there is none (no home directory).
    let path: String?
    private var last: String?

    /// Loads `path` (if it exists) into readline's history list.
    init(path: String?) {
        self.path = path
        history_write_timestamps = 1
        history_comment_char = CChar(UInt8(ascii: "#"))
        history_multiline_entries = 1
        using_history()
        guard let path else { return }
        if read_history(path) == 0 && history_length > CommandHistory.limit {
            stifle_history(CommandHistory.limit)
            write_history(path)
        }
        stifle_history(CommandHistory.limit)
        if history_length > 0, let entry = history_get(history_base + history_length - 1) {
            last = String(cString: entry.pointee.line)
        }
    }

    /// The file the environment names: $CONC_HISTORY, else ~/.conc_history.
    static func defaultPath() -> String? {
        if let p = getenv("CONC_HISTORY"), p.pointee != 0 { return String(cString: p) }
        guard let home = getenv("HOME"), home.pointee != 0 else { return nil }
        return String(cString: home) + "/.conc_history"
    }

    /// Adds `entry` to the list and the file, unless it repeats the previous entry.
    func add(_ entry: String) {
        guard entry != last else { return }
        last = entry
        add_history(entry)
        guard let path else { return }
        // append_history needs the file to exist.
        if access(path, F_OK) != 0 {
            write_history(path)
        } else {
            append_history(1, path)
        }
    }
}
