// `conc --timeline FILE.svg`: the trace (Tracer.swift) drawn as a picture, one row per
// thread of each process, time running left to right: green while a thread holds the
// GIL, red while it waits for it, grey while it is blocked, pale while it sleeps or
// idles. The GIL's effect on CPU-bound threads shows as rows that take turns; forked
// processes as rows that are green at the same time.

public enum Timeline {
    private struct Span {
        var name: String
        var start: Double
        var duration: Double
    }

    private struct Row {
        var pid: Int
        var tid: Int
        var label = ""
        var spans: [Span] = []
    }

    /// The SVG for the trace file at `path` (as `--trace` writes it), or nil if it
    /// cannot be read or holds no spans.
    public static func svg(fromTrace path: String) -> String? {
        guard case .success(let bytes) = readWholeFile(path) else { return nil }
        var rows: [Int: Row] = [:]
        var processNames: [Int: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let pid = number(line, "pid").map(Int.init) else { continue }
            let tid = number(line, "tid").map(Int.init) ?? 0
            let key = pid * 1_000_000 + tid
            switch string(line, "\"ph\":") {
            case "M":
                guard let name = string(line, "\"args\":{\"name\":") else { continue }
                if line.contains("\"process_name\"") { processNames[pid] = name } else { rows[key, default: Row(pid: pid, tid: tid)].label = name }
            case "X":
                guard let name = string(line, "\"name\":"), let ts = number(line, "ts"), let dur = number(line, "dur") else { continue }
                rows[key, default: Row(pid: pid, tid: tid)].spans.append(Span(name: name, start: ts, duration: dur))
            default:
                continue
            }
        }
        let drawn = rows.values.filter { !$0.spans.isEmpty }.sorted { ($0.pid, order($0.label)) < ($1.pid, order($1.label)) }
        guard let t0 = drawn.flatMap({ $0.spans.map(\.start) }).min(),
              let t1 = drawn.flatMap({ $0.spans.map { $0.start + $0.duration } }).max() else { return nil }
        return draw(drawn, processNames: processNames, from: t0, to: max(t1, t0 + 1))
    }

    private static func draw(_ rows: [Row], processNames: [Int: String], from t0: Double, to t1: Double) -> String {
        let left = 220.0, width = 1000.0, rowHeight = 22.0, top = 60.0
        let height = top + Double(rows.count) * rowHeight + 30
        func x(_ t: Double) -> Double { left + (t - t0) / (t1 - t0) * width }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(left + width + 20))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>

            """
        // The legend.
        var lx = left
        for (label, colour) in [("running (holds the GIL)", "#43a047"), ("waiting for the GIL", "#e53935"),
                                ("blocked", "#78909c"), ("sleeping or idle", "#cfd8dc")] {
            out += "<rect x=\"\(fmt(lx))\" y=\"10\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            out += "<text x=\"\(fmt(lx + 16))\" y=\"20\">\(escaped(label))</text>\n"
            lx += 200
        }
        // The time axis, in milliseconds from the first span.
        let totalMs = (t1 - t0) / 1000
        let step = niceStep(totalMs / 10)
        var tick = 0.0
        while tick <= totalMs {
            let tx = x(t0 + tick * 1000)
            out += "<line x1=\"\(fmt(tx))\" y1=\"\(fmt(top - 8))\" x2=\"\(fmt(tx))\" y2=\"\(fmt(height - 30))\" stroke=\"#eeeeee\"/>"
            out += "<text x=\"\(fmt(tx))\" y=\"\(fmt(top - 12))\" text-anchor=\"middle\" fill=\"#555555\">\(fmt(tick)) ms</text>\n"
            tick += step
        }
        for (i, row) in rows.enumerated() {
            let y = top + Double(i) * rowHeight
            let process = processNames[row.pid] ?? "pid \(row.pid)"
            out += "<text x=\"8\" y=\"\(fmt(y + 15))\">\(escaped("\(process): \(row.label)"))</text>\n"
            for s in row.spans {
                let w = max(0.5, s.duration / (t1 - t0) * width)
                out += "<rect x=\"\(fmt(x(s.start)))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(w))\" height=\"\(fmt(rowHeight - 6))\" fill=\"\(colour(s.name))\">"
                out += "<title>\(escaped(s.name)): \(fmt(s.duration / 1000)) ms</title></rect>\n"
            }
        }
        return out + "</svg>\n"
    }

    /// Rows of one process: `main` first, then `thread-1`, `thread-2`... by number.
    private static func order(_ label: String) -> Int {
        if label == "main" { return -1 }
        if let n = Int(label.split(separator: "-").last ?? "") { return n }
        return Int.max
    }

    private static func colour(_ name: String) -> String {
        if name == "running" { return "#43a047" }
        if name == "waiting for the GIL" { return "#e53935" }
        if name == "sleep" || name == "idle in a pool" { return "#cfd8dc" }
        return "#78909c"
    }

    /// 1, 2 or 5 times a power of ten, at least `x`.
    private static func niceStep(_ x: Double) -> Double {
        var p = 0.001
        while true {
            for m in [1.0, 2.0, 5.0] where m * p >= x { return m * p }
            p *= 10
        }
    }

    private static func fmt(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    private static func escaped(_ s: String) -> String {
        s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    }

    /// The number after `"key":` in one event line.
    private static func number(_ line: Substring, _ key: String) -> Double? {
        guard let r = line.range(of: "\"\(key)\":") else { return nil }
        let digits = line[r.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" }
        return Double(digits)
    }

    /// The JSON string after `prefix` in one event line.
    private static func string(_ line: Substring, _ prefix: String) -> String? {
        guard let r = line.range(of: prefix + "\"") else { return nil }
        var out = ""
        var escaping = false
        for c in line[r.upperBound...] {
            if escaping {
                out.append(c == "n" ? "\n" : c)
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else if c == "\"" {
                return out
            } else {
                out.append(c)
            }
        }
        return nil
    }
}

private extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

private extension Substring {
    func range(of s: String) -> Range<Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(s) { return i..<index(i, offsetBy: s.count) }
            i = index(after: i)
        }
        return nil
    }

    func contains(_ s: String) -> Bool { range(of: s) != nil }
}
