// The `--gil-stats` table printed at exit.

import Conc

/// A table of GIL statistics, one row per thread.
func gilTable(_ stats: Value) -> String {
    guard case .map(let pairs) = stats else { return "" }
    func field(_ name: String) -> Value? { pairs.first { $0.key == .string(name) }?.value }
    var out = "GIL: \(field("switches")?.intValue ?? 0) switches, \(field("drop_requests")?.intValue ?? 0) drop requests, switch interval \(field("switch_interval")?.doubleValue ?? 0) s\n"
    out += pad("thread", 14) + pad("held s", 12, right: true) + pad("waited s", 12, right: true) + "\n"
    if case .map(let threads)? = field("threads") {
        for t in threads {
            guard case .map(let times) = t.value else { continue }
            let held = times.first { $0.key == "held" }?.value.doubleValue ?? 0
            let waited = times.first { $0.key == "waited" }?.value.doubleValue ?? 0
            out += pad(t.key.stringValue ?? "?", 14) + pad(seconds(held), 12, right: true) + pad(seconds(waited), 12, right: true) + "\n"
        }
    }
    return out
}

private func seconds(_ s: Double) -> String {
    let ms = (s * 1000).rounded() / 1000
    var text = String(ms)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < 3 { text += String(repeating: "0", count: 3 - decimals) }
    }
    return text
}

private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return right ? fill + s : s + fill
}
