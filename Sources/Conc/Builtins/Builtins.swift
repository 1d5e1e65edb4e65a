// The built-in functions of docs/reference.md section 5 (those that are not about threads and
// processes): output, conversions, numbers, sequences, time, the host system.

#if canImport(Glibc)
import Glibc
#endif

extension VM {
    /// `len` of a string, list or map (nil for anything else), for the built-in and
    /// the dispatch loop's shortcut for it.
    @inline(__always)
    static func inlineLength(_ u: Unmanaged<Obj>) -> Int? {
        switch u._withUnsafeGuaranteedRef({ $0.kind }) {
        case .string: return Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.count }
        case .list: return Unmanaged<ListObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.count }
        case .map: return Unmanaged<MapObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.count }
        default: return nil
        }
    }

    func installBuiltins() {
        installCoreBuiltins()
        installNumberBuiltins()
        installSystemBuiltins()
        installConcurrencyBuiltins()
    }

    private func installCoreBuiltins() {
        defineNative("print", 0, -1) { ts, args throws(Unwind) in
            let vm = ts.vm
            var out: [UInt8] = []
            for i in 0..<args.count {
                if i > 0 { out.append(UInt8(ascii: " ")) }
                try vm.appendStr(ts, args[i], to: &out)
            }
            out.append(UInt8(ascii: "\n"))
            try vm.writeOutput(ts, out)
            return .nil
        }
        defineNative("write", 1, 1) { ts, args throws(Unwind) in
            try ts.vm.writeOutput(ts, try ts.vm.str(ts, args[0]))
            return .nil
        }
        defineNative("str", 0, 1) { ts, args throws(Unwind) in
            if args.count == 0 { return ts.vm.string([]) }
            switch args[0] {
            case .int(let i): return ts.withVM { $0.decimalString(i) }
            case .double(let d):
                return ts.withVM { $0.makeString(capacity: maxFloatReprLength, ascii: true) { writeFloatRepr(d, to: $0) } }
            default: break
            }
            if args[0].asString != nil { return args[0] }
            return ts.vm.string(try ts.vm.str(ts, args[0]))
        }
        defineNative("type", 1, 1) { ts, args in ts.vm.string(args[0].typeName) }
        defineNative("bool", 0, 1) { _, args in .bool(args.count == 1 && args[0].isTruthy) }
        defineNative("len", 1, 1) { ts, args throws(Unwind) in
            let v = args[0]
            if case .object(let u) = v, let n = VM.inlineLength(u) { return .int(n) }
            if let o = v.obj {
                switch o.kind {
                case .range:
                    guard let n = unsafeDowncast(o, to: RangeObj.self).count else {
                        throw ts.error("OverflowError", "range has more than 9223372036854775807 elements")
                    }
                    return .int(n)
                case .handle:
                    if let n = unsafeDowncast(o, to: HandleObj.self).length { return .int(n) }
                default: break
                }
            }
            throw ts.error("TypeError", "object of type '\(v.typeName)' has no len()")
        }
        defineNative("range", 1, 3) { ts, args throws(Unwind) in
            let (start, stop, step) = try ts.vm.rangeBounds(ts, args)
            return Val(ts.vm.heap.adopt(RangeObj(start: start, stop: stop, step: step)))
        }
        if case .object(let u)? = global("range") { rangeFunction = u }
        if case .object(let u)? = global("len") { lenFunction = u }
        defineNative("error", 1, 2) { ts, args throws(Unwind) in
            let vm = ts.vm
            guard let kind = args[0].asString else {
                throw ts.error("TypeError", "error() kind must be a string, not \(args[0].typeName)")
            }
            let message = args.count > 1 ? String(decoding: try vm.str(ts, args[1]), as: UTF8.self) : ""
            return Val(vm.heap.adopt(ErrorObj(kind: kind.string, message: message)))
        }
        defineNative("sorted", 1, 3) { ts, args throws(Unwind) in
            let vm = ts.vm
            let (key, reverse) = try vm.sortOptions(ts, args, from: 1, "sorted")
            // A list is sorted from its own buffer when no key function runs, rather
            // than from a copy: sorting.conc's 200,000 ints took 3.2 MB more for that.
            if key == nil, let l = args[0].asList { return try vm.sortedList(ts, l.items, key: nil, reverse: reverse) }
            let items = try vm.elements(ts, args[0], for: "sorted")
            return try items.withUnsafeBufferPointer { items throws(Unwind) in
                try vm.sortedList(ts, items, key: key, reverse: reverse)
            }
        }
        defineNative("min", 1, -1) { ts, args throws(Unwind) in try ts.vm.extreme(ts, args, max: false) }
        defineNative("max", 1, -1) { ts, args throws(Unwind) in try ts.vm.extreme(ts, args, max: true) }
        defineNative("sum", 1, 1) { ts, args throws(Unwind) in
            // Ints add exactly in 128 bits (a list cannot hold the 2**64 elements that
            // could overflow it), so only a total that does not fit is an OverflowError,
            // as with Python's big ints: sum([MAX, 1, -1]) is MAX. From the first
            // element that is not an int on, `+` adds as usual.
            var exact: Int128 = 0
            var total: Val?
            for v in try ts.vm.elements(ts, args[0], for: "sum") {
                if let t = total {
                    total = try ts.vm.arith(ts, .add, t, v)
                } else if case .int(let i) = v {
                    exact += Int128(i)
                } else {
                    let t = Int(exactly: exact).map { Val.int($0) } ?? .double(Double(exact))
                    total = try ts.vm.arith(ts, .add, t, v)
                }
            }
            if let total { return total }
            guard let n = Int(exactly: exact) else { throw ts.error("OverflowError", "integer overflow in sum") }
            return .int(n)
        }
        defineNative("format", 1, 2) { ts, args throws(Unwind) in
            let vm = ts.vm
            if args.count > 1, let specObj = args[1].asString, let v = vm.formatFast(args[0], specObj) { return v }
            let spec = args.count > 1 ? try vm.stringArgument(ts, args[1], "format") : ""
            let value: FormatValue
            switch args[0] {
            case .int(let i): value = .int(i)
            case .double(let d): value = .double(d)
            case .bool(let b): value = .bool(b)
            default:
                if let s = args[0].asString {
                    value = .string(s.string)
                } else {
                    value = .other(String(decoding: try vm.str(ts, args[0]), as: UTF8.self), typeName: args[0].typeName)
                }
            }
            switch pythonFormat(value, spec) {
            case .success(let s): return vm.string(s)
            case .failure(let e): throw ts.error(e.kind, e.message)
            }
        }
    }

    /// The start, stop and step of `range(args)`, with range's errors.
    func rangeBounds(_ ts: ThreadState, _ args: Args) throws(Unwind) -> (Int, Int, Int) {
        var ints = (0, 0, 1)
        for i in 0..<args.count {
            guard case .int(let n) = args[i] else {
                throw ts.error("TypeError", "range() arguments must be ints, not \(args[i].typeName)")
            }
            switch (args.count, i) {
            case (1, _): ints.1 = n
            case (_, 0): ints.0 = n
            case (_, 1): ints.1 = n
            default: ints.2 = n
            }
        }
        if ints.2 == 0 { throw ts.error("ValueError", "range() step must not be zero") }
        return ints
    }

    /// The elements of an iterable built-in value, for `sorted`, `sum`, `min` and `max`.
    func elements(_ ts: ThreadState, _ v: Val, for name: String) throws(Unwind) -> [Val] {
        if let l = v.asList { return Array(l.items) }
        if let m = v.asMap { return m.entries.map(\.key) }
        if let s = v.asString {
            var out: [Val] = []
            var i = 0
            while i < s.bytes.count {
                let n = s.scalarLength(at: i)
                out.append(string(s.bytes[i..<i + n]))
                i += n
            }
            return out
        }
        if case .object(let u) = v, u.takeUnretainedValue().kind == .range {
            let r = unsafeDowncast(u.takeUnretainedValue(), to: RangeObj.self)
            guard let n = r.count, n <= 1 << 28 else { throw ts.error("MemoryError", "range too large") }
            return (0..<n).map { .int(r.element(Int128($0))) }
        }
        throw ts.error("TypeError", "\(name)() argument must be iterable, not \(v.typeName)")
    }

    func extreme(_ ts: ThreadState, _ args: Args, max: Bool) throws(Unwind) -> Val {
        let name = max ? "max" : "min"
        let items = args.count == 1 ? try elements(ts, args[0], for: name)
            : Array(UnsafeBufferPointer(start: args.base, count: args.count))
        guard var best = items.first else { throw ts.error("ValueError", "\(name)() arg is an empty sequence") }
        for v in items.dropFirst() {
            if max ? try lessThan(ts, best, v, orEqual: false) : try lessThan(ts, v, best, orEqual: false) {
                best = v
            }
        }
        return best
    }

    func stringArgument(_ ts: ThreadState, _ v: Val, _ function: String) throws(Unwind) -> String {
        guard let s = v.asString else {
            throw ts.error("TypeError", "\(function)() argument must be a string, not \(v.typeName)")
        }
        return s.string
    }

    func number(_ ts: ThreadState, _ v: Val, _ function: String) throws(Unwind) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw ts.error("TypeError", "\(function)() argument must be a number, not \(v.typeName)")
        }
    }

    /// A float rounded to an int, with Python's errors for nan and infinity.
    func integral(_ ts: ThreadState, _ d: Double) throws(Unwind) -> Val {
        if d.isNaN { throw ts.error("ValueError", "cannot convert float NaN to integer") }
        guard let i = doubleToIntExact(d) else {
            throw ts.error("OverflowError", d.isInfinite ? "cannot convert float infinity to integer" : "float too large to convert to int")
        }
        return .int(i)
    }

    private func installNumberBuiltins() {
        defineNative("int", 0, 1) { ts, args throws(Unwind) in
            if args.count == 0 { return .int(0) }
            switch args[0] {
            case .int: return args[0]
            case .double(let d): return try ts.vm.integral(ts, d)
            case .bool(let b): return .int(b ? 1 : 0)
            default:
                guard let s = args[0].asString else {
                    throw ts.error("TypeError", "int() argument must be a string or a number, not '\(args[0].typeName)'")
                }
                if let i = parseIntFast(s.bytes) { return .int(i) }
                switch parseIntLiteral(s.string) {
                case .some(.some(let i)): return .int(i)
                case .some(.none): throw ts.error("OverflowError", "int too large: \(ts.vm.repr(args[0]))")
                case .none: throw ts.error("ValueError", "invalid literal for int() with base 10: \(ts.vm.repr(args[0]))")
                }
            }
        }
        defineNative("float", 0, 1) { ts, args throws(Unwind) in
            if args.count == 0 { return .double(0) }
            switch args[0] {
            case .int(let i): return .double(Double(i))
            case .double: return args[0]
            case .bool(let b): return .double(b ? 1 : 0)
            default:
                guard let s = args[0].asString else {
                    throw ts.error("TypeError", "float() argument must be a string or a number, not '\(args[0].typeName)'")
                }
                if let d = parseFloatFast(s.bytes) { return .double(d) }
                guard let d = parseFloatLiteral(s.string) else {
                    throw ts.error("ValueError", "could not convert string to float: \(ts.vm.repr(args[0]))")
                }
                return .double(d)
            }
        }
        defineNative("abs", 1, 1) { ts, args throws(Unwind) in
            switch args[0] {
            case .int(let i):
                if i == Int.min { throw ts.error("OverflowError", "integer overflow in abs") }
                return .int(Swift.abs(i))
            case .double(let d): return .double(Swift.abs(d))
            default: throw ts.error("TypeError", "bad operand type for abs(): '\(args[0].typeName)'")
            }
        }
        defineNative("round", 1, 2) { ts, args throws(Unwind) in
            var digits: Int?
            if args.count == 2, !args[1].isIdentical(to: .nil) {
                guard case .int(let n) = args[1] else {
                    throw ts.error("TypeError", "round() digits must be an int, not \(args[1].typeName)")
                }
                digits = n
            }
            switch args[0] {
            case .int(let i):
                guard let n = digits, n < 0 else { return .int(i) }
                guard let r = roundInt(i, digits: n) else { throw ts.error("OverflowError", "integer overflow in round") }
                return .int(r)
            case .double(let d):
                if let n = digits {
                    // Rounding a finite value up past the largest float overflows, as in Python.
                    let r = pythonRound(d, digits: n)
                    if d.isFinite && !r.isFinite { throw ts.error("OverflowError", "rounded value too large to represent") }
                    return .double(r)
                }
                if d.isNaN { throw ts.error("ValueError", "cannot convert float NaN to integer") }
                guard let i = pythonRoundToInt(d) else {
                    throw ts.error("OverflowError", d.isInfinite ? "cannot convert float infinity to integer" : "float too large to convert to int")
                }
                return .int(i)
            default:
                throw ts.error("TypeError", "type \(args[0].typeName) doesn't define round()")
            }
        }
        defineNative("sqrt", 1, 1) { ts, args throws(Unwind) in
            let d = try ts.vm.number(ts, args[0], "sqrt")
            if d < 0 { throw ts.error("ValueError", "math domain error") }
            return .double(d.squareRoot())
        }
        defineNative("floor", 1, 1) { ts, args throws(Unwind) in
            if case .int = args[0] { return args[0] }
            return try ts.vm.integral(ts, try ts.vm.number(ts, args[0], "floor").rounded(.down))
        }
        defineNative("ceil", 1, 1) { ts, args throws(Unwind) in
            if case .int = args[0] { return args[0] }
            return try ts.vm.integral(ts, try ts.vm.number(ts, args[0], "ceil").rounded(.up))
        }
    }
}
