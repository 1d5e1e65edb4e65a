// Methods of the built-in values: lists, maps and strings.

/// Every member name the runtime knows. The compiler resolves `a.name` to one of these
/// once, so a method call switches on a small integer instead of comparing strings.
enum Member: String, CaseIterable {
    case unknown = ""
    // Lists
    case push, pop, insert, remove, index, reverse, sort
    // Maps
    case get, keys, values, items
    // Strings
    case split, join, upper, lower, strip, replace, find, starts_with, ends_with
    // Errors
    case kind, message, trace, cause
    // Threads and synchronisation
    case name, id, is_alive, acquire, release, locked, set, clear, is_set, wait, put, size, empty
    // Processes and pipes
    case pid, exitcode, terminate, kill, send, recv, close
    // Pools and futures
    case submit, map, shutdown, result, exception, cancel, cancelled, running, done, add_done_callback
    // The `with` statement.
    case enter = "__enter", exit = "__exit"
}

extension VM {
    static func hasMethod(_ kind: ObjKind, _ m: Member) -> Bool {
        switch kind {
        case .list: return [.push, .pop, .insert, .remove, .index, .reverse, .sort].contains(m)
        case .map: return [.get, .keys, .values, .items, .remove].contains(m)
        case .string: return [.split, .join, .upper, .lower, .strip, .replace, .find, .starts_with, .ends_with].contains(m)
        default: return false
        }
    }

    func argCount(_ ts: ThreadState, _ m: MemberRef, _ args: Args, _ range: ClosedRange<Int>) throws(Unwind) {
        if !range.contains(args.count) {
            let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw ts.error("TypeError", "\(m.name)() takes \(expected) argument\(range == 1...1 ? "" : "s") but \(args.count) \(args.count == 1 ? "was" : "were") given")
        }
    }

    func noMethod(_ ts: ThreadState, _ receiver: String, _ m: MemberRef) -> Unwind {
        if m.id == .enter || m.id == .exit {
            return ts.error("TypeError", "'\(receiver)' object does not support the with statement")
        }
        return ts.error("AttributeError", "'\(receiver)' object has no attribute '\(m.name)'")
    }

    func listMethod(_ ts: ThreadState, _ l: ListObj, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val {
        switch m.id {
        case .push:
            try argCount(ts, m, args, 1...1)
            l.append(args[0], heap: heap)
            return .nil
        case .pop:
            try argCount(ts, m, args, 0...1)
            if l.count == 0 { throw ts.error("IndexError", "pop from empty list") }
            let i = args.count == 0 ? l.count - 1 : try sequenceIndex(ts, args[0], count: l.count, what: "pop")
            return l.remove(at: i)
        case .insert:
            try argCount(ts, m, args, 2...2)
            guard case .int(var i) = args[0] else {
                throw ts.error("TypeError", "list indices must be integers, not \(args[0].typeName)")
            }
            if i < 0 { i = max(0, i &+ l.count) }
            l.insert(args[1], at: min(i, l.count), heap: heap)
            return .nil
        case .remove, .index:
            try argCount(ts, m, args, 1...1)
            for i in 0..<l.count where elementsEqual(l[i], args[0]) {
                if m.id == .index { return .int(i) }
                l.remove(at: i)
                return .nil
            }
            throw ts.error("ValueError", "\(repr(args[0])) is not in list")
        case .reverse:
            try argCount(ts, m, args, 0...0)
            l.reverse()
            return .nil
        case .sort:
            try argCount(ts, m, args, 0...2)
            let (key, reverse) = try sortOptions(ts, args, from: 0, "sort")
            guard let key else {
                l.replace(with: try sortedValues(ts, Array(l.items), reverse: reverse), heap: heap)
                return .nil
            }
            // As in CPython, the list looks empty while the key function runs, and a key
            // function that changes it makes the sort fail (the sorted items stay).
            let items = Array(l.items)
            l.replace(with: [], heap: heap)
            let sorted: [Val]
            do throws(Unwind) {
                sorted = try sortedValues(ts, items, key: key, reverse: reverse)
            } catch {
                l.replace(with: items, heap: heap)
                throw error
            }
            let modified = l.count != 0
            l.replace(with: sorted, heap: heap)
            if modified { throw ts.error("ValueError", "list modified during sort") }
            return .nil
        default:
            throw noMethod(ts, "list", m)
        }
    }

    /// The optional key function (nil: none) and `reverse` flag of `sort` and `sorted`,
    /// from `args[first...]`.
    func sortOptions(_ ts: ThreadState, _ args: Args, from first: Int, _ name: String) throws(Unwind) -> (Val?, Bool) {
        var key: Val?
        if args.count > first, !args[first].isIdentical(to: .nil) { key = args[first] }
        var reverse = false
        if args.count > first + 1 {
            switch args[first + 1] {
            case .bool(let b): reverse = b
            case .int(let i): reverse = i != 0
            default:
                throw ts.error("TypeError", "\(name)() reverse must be a bool, not \(args[first + 1].typeName)")
            }
        }
        return (key, reverse)
    }

    /// A stable sort by `<` (of `key(item)` when there is a key function), as Python's:
    /// `reverse` sorts in descending order and still keeps equal items in their original
    /// order. A TypeError from comparing unlike values, or an error from the key
    /// function, propagates.
    func sortedValues(_ ts: ThreadState, _ items: [Val], key: Val? = nil, reverse: Bool = false) throws(Unwind) -> [Val] {
        var keys = items
        let mark = ts.nativeRoots.count
        defer { ts.nativeRoots.removeLast(ts.nativeRoots.count - mark) }
        if let key {
            // The key function runs script code, where the collector may run: the items
            // and the keys are rooted until the sort is done.
            ts.nativeRoots.append(contentsOf: items)
            keys = []
            keys.reserveCapacity(items.count)
            for v in items {
                let k = try callFunction(ts, key, [v])
                ts.nativeRoots.append(k)
                keys.append(k)
            }
        }
        var failure: Unwind?
        let order = keys.indices.sorted { i, j in
            if failure != nil { return false }
            let (a, b) = reverse ? (keys[j], keys[i]) : (keys[i], keys[j])
            do throws(Unwind) {
                if try lessThan(ts, a, b, orEqual: false) { return true }
                if try lessThan(ts, b, a, orEqual: false) { return false }
            } catch {
                failure = error
                return false
            }
            return i < j
        }
        if let failure { throw failure }
        return order.map { items[$0] }
    }

    /// `separator.join(items)`: every item must be a string.
    func joined(_ ts: ThreadState, _ separator: UnsafeBufferPointer<UInt8>, _ items: UnsafeMutableBufferPointer<Val>) throws(Unwind) -> Val {
        var size = separator.count * max(items.count - 1, 0)
        for i in 0..<items.count {
            if case .object(let u) = items[i], u._withUnsafeGuaranteedRef({ $0.kind }) == .string {
                size += Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.byteCount }
            }
        }
        var out = StringBuilder(capacity: size, pool: heap.bytes)
        for i in 0..<items.count {
            guard case .object(let u) = items[i], u._withUnsafeGuaranteedRef({ $0.kind }) == .string else {
                throw ts.error("TypeError", "sequence item \(i): expected string, \(items[i].typeName) found")
            }
            if i > 0 { out.append(separator) }
            Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { out.append($0.bytes) }
        }
        return string(out)
    }

    func mapMethod(_ ts: ThreadState, _ map: MapObj, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val {
        switch m.id {
        case .get:
            try argCount(ts, m, args, 1...2)
            return map.get(args[0], hash: try hashOrThrow(ts, args[0])) ?? (args.count > 1 ? args[1] : .nil)
        case .keys:
            try argCount(ts, m, args, 0...0)
            return list(map.entries.map(\.key))
        case .values:
            try argCount(ts, m, args, 0...0)
            return list(map.entries.map(\.value))
        case .items:
            try argCount(ts, m, args, 0...0)
            return list(map.entries.map { list([$0.key, $0.value]) })
        case .remove:
            try argCount(ts, m, args, 1...1)
            if let v = map.remove(args[0], hash: try hashOrThrow(ts, args[0])) { return v }
            throw ts.error("KeyError", repr(args[0]))
        default:
            throw noMethod(ts, "map", m)
        }
    }

    func stringArg(_ ts: ThreadState, _ m: MemberRef, _ v: Val) throws(Unwind) -> StrObj {
        guard let s = v.asString else {
            throw ts.error("TypeError", "\(m.name)() argument must be a string, not \(v.typeName)")
        }
        return s
    }

    func stringMethod(_ ts: ThreadState, _ s: StrObj, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val {
        switch m.id {
        case .split:
            try argCount(ts, m, args, 0...1)
            if args.count == 0 || args[0].isIdentical(to: .nil) {
                return list(splitWhitespace(s.bytes).map { string($0) })
            }
            let sep = try stringArg(ts, m, args[0])
            if sep.bytes.isEmpty { throw ts.error("ValueError", "empty separator") }
            // Hoisted: reading `bytes` of a class in a loop costs a retain each time.
            let src = s.bytes, needle = sep.bytes
            let result = heap.register(ListObj())
            var start = 0
            while let i = s.find(needle, from: start) {
                result.appendToNew(string(src[start..<i]))
                start = i + needle.count
            }
            result.appendToNew(string(src[start...]))
            return Val(result)
        case .join:
            try argCount(ts, m, args, 1...1)
            // A list is read in place; any other iterable (a string, a map's keys, a
            // range) is collected first, as Python's `str.join` does.
            if let l = args[0].asList { return try joined(ts, s.bytes, UnsafeMutableBufferPointer(mutating: l.items)) }
            var items = try elements(ts, args[0], for: "join")
            return try items.withUnsafeMutableBufferPointer { (b) throws(Unwind) -> Val in try joined(ts, s.bytes, b) }
        case .upper, .lower:
            try argCount(ts, m, args, 0...0)
            if s.isASCII {
                let n = s.byteCount
                if n == 0 { return Val(emptyString) }
                let (p, c) = heap.bytes.buffer(for: n)
                let (lo, hi): (UInt8, UInt8) = m.id == .upper ? (97, 122) : (65, 90)
                let src = s.bytes
                for i in 0..<n {
                    let b = src[i]
                    p[i] = b >= lo && b <= hi ? b ^ 0x20 : b
                }
                return Val(heap.adopt(StrObj(adopting: p, byteCount: n, sizeClass: c, count: n)))
            }
            return string(m.id == .upper ? s.string.uppercased() : pythonLowercased(s.string))
        case .strip:
            try argCount(ts, m, args, 0...1)
            if args.count == 0 && s.isASCII {
                let b = s.bytes
                var lo = 0, hi = b.count
                while lo < hi && isASCIISpace(b[lo]) { lo += 1 }
                while hi > lo && isASCIISpace(b[hi - 1]) { hi -= 1 }
                return lo == 0 && hi == b.count ? Val(s) : string(b[lo..<hi])
            }
            let scalars = Array(s.string.unicodeScalars)
            let chars: Set<Unicode.Scalar>? = args.count == 1 ? Set(try stringArg(ts, m, args[0]).string.unicodeScalars) : nil
            func strip(_ c: Unicode.Scalar) -> Bool { chars?.contains(c) ?? isPythonSpace(c) }
            var lo = 0, hi = scalars.count
            while lo < hi && strip(scalars[lo]) { lo += 1 }
            while hi > lo && strip(scalars[hi - 1]) { hi -= 1 }
            return string(s.substring(from: lo, to: hi))
        case .replace:
            try argCount(ts, m, args, 2...2)
            let old = try stringArg(ts, m, args[0]), new = try stringArg(ts, m, args[1])
            if old.bytes.isEmpty {
                // Python inserts the replacement between every scalar and at both ends.
                var out = Array(new.bytes)
                var i = 0
                while i < s.bytes.count {
                    let n = s.scalarLength(at: i)
                    out += s.bytes[i..<i + n]
                    out += new.bytes
                    i += n
                }
                return string(out)
            }
            var out = StringBuilder(capacity: s.byteCount, pool: heap.bytes)
            let src = s.bytes, pattern = old.bytes, replacement = new.bytes
            var start = 0
            while let i = s.find(pattern, from: start) {
                out.append(src[start..<i])
                out.append(replacement)
                start = i + pattern.count
            }
            out.append(src[start...])
            return string(out)
        case .find:
            try argCount(ts, m, args, 1...1)
            let needle = try stringArg(ts, m, args[0])
            guard let i = s.find(needle.bytes) else { return .int(-1) }
            return .int(s.scalarIndex(ofByte: i))
        case .starts_with:
            try argCount(ts, m, args, 1...1)
            let p = try stringArg(ts, m, args[0])
            return .bool(s.bytes.starts(with: p.bytes))
        case .ends_with:
            try argCount(ts, m, args, 1...1)
            let p = try stringArg(ts, m, args[0])
            return .bool(s.bytes.reversed().starts(with: p.bytes.reversed()))
        default:
            throw noMethod(ts, "string", m)
        }
    }
}

/// Splits on runs of whitespace, dropping empty pieces, as Python's `str.split()`.
func splitWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
    let s = String(decoding: bytes, as: UTF8.self)
    var parts: [[UInt8]] = []
    var current: [UInt8] = []
    var inWord = false
    for c in s.unicodeScalars {
        if isPythonSpace(c) {
            if inWord { parts.append(current); current = [] }
            inWord = false
        } else {
            current += Array(String(c).utf8)
            inWord = true
        }
    }
    if inWord { parts.append(current) }
    return parts
}

/// Python's `str.isspace` for one scalar: Unicode's White_Space property, which Swift
/// has, plus the four information separators U+001C-U+001F, which Python counts as
/// whitespace (their bidirectional class is a separator) and Swift does not.
@inline(__always)
func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
    (0x1C...0x1F).contains(c.value) || c.properties.isWhitespace
}

/// The ASCII bytes `isPythonSpace` accepts: \t \n \v \f \r, U+001C-U+001F and space.
@inline(__always)
func isASCIISpace(_ b: UInt8) -> Bool {
    b == 32 || (b >= 9 && b <= 13) || (b >= 0x1C && b <= 0x1F)
}

/// `lower()` as Python's: Unicode's full lowercase mapping of each scalar, except that a
/// capital sigma ending a word becomes the final form ς (Unicode's Final_Sigma context:
/// a cased letter before it and none after it, skipping case-ignorable scalars), which
/// Swift's `lowercased()` leaves out.
func pythonLowercased(_ s: String) -> String {
    let scalars = Array(s.unicodeScalars)
    var out = String.UnicodeScalarView()
    for (i, c) in scalars.enumerated() {
        if c.value == 0x3A3 && isFinalSigma(scalars, i) {
            out.append("\u{3C2}")
        } else {
            out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
        }
    }
    return String(out)
}

private func isFinalSigma(_ scalars: [Unicode.Scalar], _ i: Int) -> Bool {
    func casedAt(_ range: some Sequence<Int>) -> Bool {
        for j in range {
            let p = scalars[j].properties
            if p.isCaseIgnorable { continue }
            return p.isCased
        }
        return false
    }
    return casedAt((0..<i).reversed()) && !casedAt(i + 1..<scalars.count)
}
