// Tracing (`conc --trace FILE.json`): what every thread of every process did, as spans
// in the Chrome Trace Event format, which Perfetto and chrome://tracing open.
//
// A thread's time is cut at the points where it takes or gives up the GIL: `running`
// while it holds the GIL, `waiting for the GIL` while it queues for it, and `blocked:
// ...` (a lock, a join, a sleep, a pipe...) while it waits with the GIL released. The
// GIL and the wait loop report those points here; nothing runs per instruction.
//
// Processes: the parent truncates the file and writes `[` when tracing starts; each
// process appends its own events in one write when it ends (a child just before it
// exits), so events from forked children land in the same file on tracks of their own
// (their pid). The parent writes last, after every child has been reaped, and closes
// the array. Timestamps are the monotonic clock in microseconds, which all processes
// share.

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

final class Tracer: Sendable {
    // Sendable: the events and thread numbers are behind mutexes; the rest is constant.
    /// The events not yet written, and whether the file is finished.
    private let mutex = Mutex<(lines: [String], closed: Bool)>(([], false))
    let path: String
    let processName: String
    /// Small thread numbers for the trace, by thread state.
    private let threadIDs = Mutex<[ObjectIdentifier: Int]>([:])

    init?(path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        writeAll(fd: fd, Array("[\n".utf8))
        close(fd)
        self.path = path
        processName = "conc"
    }

    /// The tracer of a forked child: the same file, none of the parent's events, and
    /// fresh locks (another thread may have held the parent's at the fork).
    init(forkedFrom parent: Tracer, processName: String) {
        path = parent.path
        self.processName = processName
    }

    private func threadID(_ ts: ThreadState) -> Int {
        let (id, isNew) = threadIDs.withLock { ids -> (Int, Bool) in
            if let id = ids[ObjectIdentifier(ts)] { return (id, false) }
            let id = ids.count + 1
            ids[ObjectIdentifier(ts)] = id
            return (id, true)
        }
        if isNew {
            let line = "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":\(getpid()),\"tid\":\(id),\"args\":{\"name\":\(Tracer.quoted(ts.name))}}"
            mutex.withLock { $0.lines.append(line) }
        }
        return id
    }

    /// A span of `ts`'s time from `start` to `end` (monotonic seconds).
    func span(_ name: String, _ ts: ThreadState, from start: Double, to end: Double) {
        guard end > start else { return }
        let tid = threadID(ts)
        let line = "{\"name\":\(Tracer.quoted(name)),\"ph\":\"X\",\"ts\":\(Tracer.micros(start)),\"dur\":\(Tracer.micros(end - start)),\"pid\":\(getpid()),\"tid\":\(tid)}"
        mutex.withLock { if !$0.closed { $0.lines.append(line) } }
    }

    /// Appends this process's events to the file; `last` (the parent, at the very end)
    /// also closes the JSON array.
    func write(last: Bool) {
        guard var lines = mutex.withLock({ state -> [String]? in
            if state.closed { return nil }
            defer { state = ([], last) }
            return state.lines
        }) else { return }
        lines.insert("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":\(getpid()),\"args\":{\"name\":\(Tracer.quoted(processName))}}", at: 0)
        var text = lines.joined(separator: ",\n")
        text += last ? "\n]\n" : ",\n"
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { return }
        writeAll(fd: fd, Array(text.utf8))
        close(fd)
    }

    private static func micros(_ seconds: Double) -> String {
        String(format3: seconds * 1e6)
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if c.value < 0x20 { out += "\\u00" + String(c.value, radix: 16).leftPadded(2) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}

private extension String {
    /// A number with three decimals (microseconds to the nanosecond).
    init(format3 x: Double) {
        let scaled = (x * 1000).rounded()
        let whole = Int(scaled / 1000)
        let frac = Int(abs(scaled).truncatingRemainder(dividingBy: 1000))
        self = "\(whole).\(String(frac).leftPadded(3))"
    }

    func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}

extension BlockReason {
    /// How a trace names a wait.
    var traceName: String {
        switch self {
        case .lock(let o): return "blocked: \(o.label)"
        case .semaphore(let o): return "blocked: \(o.label)"
        case .event(let o): return "blocked: \(o.label)"
        case .queueGet(let o): return "blocked: get from \(o.label)"
        case .queuePut(let o): return "blocked: put into \(o.label)"
        case .join(let h): return "blocked: join \(h.name)"
        case .future(let f): return "blocked: \(f.label)"
        case .futures(let w): return "blocked: \(w.label)"
        case .poolIdle: return "idle in a pool"
        case .exitJoin: return "blocked: waiting for threads at exit"
        case .sleep: return "sleep"
        }
    }
}
