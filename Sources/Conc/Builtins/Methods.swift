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

    func mapMethod(_ ts: ThreadState, _ map: MapObj, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val {
        switch m.id {
        case .get:
            if args.count != 1 && args.count != 2 { try argCount(ts, m, args, 1...2) }
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
}
