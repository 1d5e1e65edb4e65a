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
        if !range.contains(args.count) { throw argCountError(ts, m.name, args.count, range) }
    }

    /// The error of method `name` called with `count` arguments, which `range` does
    /// not allow; out of line, so that no method inlines its message.
    @inline(never)
    func argCountError(_ ts: ThreadState, _ name: String, _ count: Int, _ range: ClosedRange<Int>) -> Unwind {
        let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
        return ts.error("TypeError", "\(name)() takes \(expected) argument\(range == 1...1 ? "" : "s") but \(count) \(count == 1 ? "was" : "were") given")
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
            try sortList(ts, l, key: key, reverse: reverse)
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

    func mapMethod(_ ts: ThreadState, _ map: MapObj, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val {
        switch m.id {
        case .get:
            if args.count != 1 && args.count != 2 { try argCount(ts, m, args, 1...2) }
            return map.get(args[0], hash: try hashOrThrow(ts, args[0])) ?? (args.count > 1 ? args[1] : .nil)
        case .keys:
            try argCount(ts, m, args, 0...0)
            return Val(map.column(values: false, heap: heap))
        case .values:
            try argCount(ts, m, args, 0...0)
            return Val(map.column(values: true, heap: heap))
        case .items:
            try argCount(ts, m, args, 0...0)
            return Val(map.itemList(heap: heap))
        case .remove:
            try argCount(ts, m, args, 1...1)
            if let v = map.remove(args[0], hash: try hashOrThrow(ts, args[0])) { return v }
            throw ts.error("KeyError", repr(args[0]))
        default:
            throw noMethod(ts, "map", m)
        }
    }
}
