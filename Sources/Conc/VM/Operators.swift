// The slow paths of arithmetic, comparison and equality: every case the dispatch loop
// does not handle inline, with Python's semantics and Conc's exact errors.

#if canImport(Glibc)
import Glibc
#endif

extension VM {
    /// `addOpen`, `addMore` and `addClose`: a chain `a + b + c ...` whose intermediate
    /// strings grow in place instead of being copied at each step (CPython gets the same
    /// from `s = s + t` when it holds the only reference). Any other operands take the
    /// plain path of `+`.
    func chainAdd(_ ts: ThreadState, _ op: Opcode, _ x: Val, _ y: Val) throws(Unwind) -> Val {
        // `inplaceAdd` shares the dispatch loop's fast paths of `add` and comes here for the rest.
        if op == .inplaceAdd { return try inplaceArith(ts, op, x, y) }
        guard case .object(let a) = x, case .object(let b) = y,
              a._withUnsafeGuaranteedRef({ $0.kind }) == .string, b._withUnsafeGuaranteedRef({ $0.kind }) == .string
        else {
            if op == .addClose, let s = x.asString { s.growable = false }
            return try arith(ts, .add, x, y)
        }
        let s = Unmanaged<StrObj>.fromOpaque(a.toOpaque()), t = Unmanaged<StrObj>.fromOpaque(b.toOpaque())
        if s._withUnsafeGuaranteedRef({ $0.byteCount }) &+ t._withUnsafeGuaranteedRef({ $0.byteCount }) > StrObj.maxByteCount {
            s._withUnsafeGuaranteedRef { $0.growable = false }
            throw concatenationTooLong(ts)
        }
        return heapRef._withUnsafeGuaranteedRef { h in
            s._withUnsafeGuaranteedRef { s in
                t._withUnsafeGuaranteedRef { t in
                    if s.growable {
                        h.noteAllocation(s.append(t, pool: h.bytes))
                        if op == .addClose { s.growable = false }
                        return x
                    }
                    if op == .addClose || t.byteCount == 0 || s.byteCount == 0 {
                        if t.byteCount == 0 { return x }
                        if s.byteCount == 0 { return y }
                        return Val(StrObj.concatenation(s, t, heap: h))
                    }
                    return Val(h.adopt(StrObj.growableConcatenation(s, t, pool: h.bytes)))
                }
            }
        }
    }

    func arith(_ ts: ThreadState, _ op: Opcode, _ x: Val, _ y: Val) throws(Unwind) -> Val {
        if op == .add, case .object(let a) = x, case .object(let b) = y,
           a._withUnsafeGuaranteedRef({ $0.kind }) == .string, b._withUnsafeGuaranteedRef({ $0.kind }) == .string {
            // String concatenation, the common case, without touching reference counts.
            let s = Unmanaged<StrObj>.fromOpaque(a.toOpaque()), t = Unmanaged<StrObj>.fromOpaque(b.toOpaque())
            return try s.borrow { s throws(Unwind) in
                try t.borrow { t throws(Unwind) in
                    if t.byteCount == 0 { return x }
                    if s.byteCount == 0 { return y }
                    if s.byteCount &+ t.byteCount > StrObj.maxByteCount { throw concatenationTooLong(ts) }
                    return heapRef._withUnsafeGuaranteedRef { h in
                        Val(StrObj.concatenation(s, t, heap: h))
                    }
                }
            }
        }
        switch (x, y) {
        case (.int(let i), .int(let j)):
            return try intArith(ts, op, i, j)
        case (.int(let i), .double(let d)):
            return try floatArith(ts, op, Double(i), d, x, y)
        case (.double(let d), .int(let j)):
            if op == .pow { return try floatPow(ts, d, Double(j)) }
            return try floatArith(ts, op, d, Double(j), x, y)
        case (.double(let d), .double(let e)):
            return try floatArith(ts, op, d, e, x, y)
        default:
            break
        }
        if let s = x.asString {
            if op == .add, let t = y.asString {
                if s.byteCount &+ t.byteCount > StrObj.maxByteCount { throw concatenationTooLong(ts) }
                return Val(StrObj.concatenation(s, t, heap: heap))
            }
            if op == .mul, case .int(let n) = y { return try repeatString(ts, s, n) }
        }
        if let l = x.asList {
            if op == .add, let m = y.asList {
                let r = heap.newList(capacity: l.count + m.count)
                r._withUnsafeGuaranteedRef { r in
                    for p in l.words { r.appendToNew(packed: p, heap: heap) }
                    for p in m.words { r.appendToNew(packed: p, heap: heap) }
                }
                return Val(r)
            }
            if op == .mul, case .int(let n) = y { return try repeatList(ts, l, n) }
        }
        if op == .mul, case .int(let n) = x {
            if let s = y.asString { return try repeatString(ts, s, n) }
            if let l = y.asList { return try repeatList(ts, l, n) }
        }
        throw ts.error("TypeError", "unsupported operand type(s) for \(VM.symbol(op)): '\(x.typeName)' and '\(y.typeName)'")
    }

    /// `x += y` and `x *= n` past the number fast paths: a list is extended (by any
    /// iterable, as Python's `list.__iadd__`) or repeated in place, so every alias sees
    /// it; anything else gets `x + y` or `x * n`.
    func inplaceArith(_ ts: ThreadState, _ op: Opcode, _ x: Val, _ y: Val) throws(Unwind) -> Val {
        guard let l = x.asList else { return try arith(ts, op == .inplaceAdd ? .add : .mul, x, y) }
        if op == .inplaceAdd {
            var iterable = y.asList != nil || y.asMap != nil || y.asString != nil
            if case .object(let u) = y, u.takeUnretainedValue().kind == .range { iterable = true }
            if !iterable { throw ts.error("TypeError", "'\(y.typeName)' object is not iterable") }
            // A copy first: `xs += xs` appends the list as it was.
            let items = try elements(ts, y, for: "list +=")
            heap.noteAllocation(l.reserve(items.count, pool: heap.bytes))
            for v in items { l.append(v, heap: heap) }
            return x
        }
        guard case .int(let n) = y else {
            throw ts.error("TypeError", "can't multiply sequence by non-int of type '\(y.typeName)'")
        }
        if n <= 0 || l.count == 0 {
            l.removeAll()
            return x
        }
        let (total, o) = l.count.multipliedReportingOverflow(by: n)
        if o || total > 1 << 28 { throw ts.error("MemoryError", "repeated list is too long") }
        let once = Array(l.items)
        heap.noteAllocation(l.reserve(total - once.count, pool: heap.bytes))
        for _ in 1..<n { for v in once { l.append(v, heap: heap) } }
        return x
    }

    static func symbol(_ op: Opcode) -> String {
        switch op {
        case .add, .addInt, .inplaceAdd: return "+"
        case .sub: return "-"
        case .mul, .inplaceMul: return "*"
        case .div: return "/"
        case .floorDiv: return "//"
        case .mod: return "%"
        case .pow: return "**"
        case .bitAnd: return "&"
        case .bitOr: return "|"
        case .bitXor: return "^"
        case .shl: return "<<"
        case .shr: return ">>"
        default: return "?"
        }
    }

    private func intArith(_ ts: ThreadState, _ op: Opcode, _ i: Int, _ j: Int) throws(Unwind) -> Val {
        func overflow() -> Unwind { ts.error("OverflowError", "integer overflow in \(VM.symbol(op))") }
        switch op {
        case .add, .addInt:
            let (r, o) = i.addingReportingOverflow(j)
            if o { throw overflow() }
            return .int(r)
        case .sub:
            let (r, o) = i.subtractingReportingOverflow(j)
            if o { throw overflow() }
            return .int(r)
        case .mul:
            let (r, o) = i.multipliedReportingOverflow(by: j)
            if o { throw overflow() }
            return .int(r)
        case .div:
            if j == 0 { throw ts.error("ZeroDivisionError", "division by zero") }
            return .double(trueDivide(i, j))
        case .floorDiv:
            if j == 0 { throw ts.error("ZeroDivisionError", "integer division or modulo by zero") }
            if i == Int.min && j == -1 { throw overflow() }
            var q = i / j
            if (i % j != 0) && ((i < 0) != (j < 0)) { q -= 1 }
            return .int(q)
        case .mod:
            if j == 0 { throw ts.error("ZeroDivisionError", "integer division or modulo by zero") }
            if j == -1 { return .int(0) }
            var r = i % j
            if r != 0 && ((r < 0) != (j < 0)) { r += j }
            return .int(r)
        case .pow:
            if j < 0 {
                if i == 0 { throw ts.error("ZeroDivisionError", "0.0 cannot be raised to a negative power") }
                return .double(Glibc.pow(Double(i), Double(j)))
            }
            var result = 1, b = i, e = j
            while e > 0 {
                if e & 1 == 1 {
                    let (r, o) = result.multipliedReportingOverflow(by: b)
                    if o { throw overflow() }
                    result = r
                }
                e >>= 1
                if e > 0 {
                    let (sq, o) = b.multipliedReportingOverflow(by: b)
                    if o { throw overflow() }
                    b = sq
                }
            }
            return .int(result)
        case .bitAnd: return .int(i & j)
        case .bitOr: return .int(i | j)
        case .bitXor: return .int(i ^ j)
        case .shl:
            if j < 0 { throw ts.error("ValueError", "negative shift count") }
            if i == 0 { return .int(0) }
            if j >= 64 { throw overflow() }
            let r = i << j
            if r >> j != i { throw overflow() }
            return .int(r)
        case .shr:
            if j < 0 { throw ts.error("ValueError", "negative shift count") }
            return .int(j >= 64 ? (i < 0 ? -1 : 0) : i >> j)
        default:
            throw ts.error("TypeError", "bad operator")
        }
    }

    private func floatArith(_ ts: ThreadState, _ op: Opcode, _ a: Double, _ b: Double, _ x: Val, _ y: Val) throws(Unwind) -> Val {
        switch op {
        case .add, .addInt: return .double(a + b)
        case .sub: return .double(a - b)
        case .mul: return .double(a * b)
        case .div:
            if b == 0 { throw ts.error("ZeroDivisionError", "float division by zero") }
            return .double(a / b)
        case .floorDiv, .mod:
            if b == 0 { throw ts.error("ZeroDivisionError", op == .mod ? "float modulo" : "float floor division by zero") }
            let (q, r) = pythonDivmod(a, b)
            return .double(op == .mod ? r : q)
        case .pow:
            return try floatPow(ts, a, b)
        default:
            throw ts.error("TypeError", "unsupported operand type(s) for \(VM.symbol(op)): '\(x.typeName)' and '\(y.typeName)'")
        }
    }

    private func floatPow(_ ts: ThreadState, _ a: Double, _ b: Double) throws(Unwind) -> Val {
        // C's pow gives the IEEE answers Python gives for infinities (`0.0 ** -inf` and
        // `(-inf) ** 0.5` are inf); only finite cases are errors.
        if a == 0 && b < 0 && b.isFinite { throw ts.error("ZeroDivisionError", "0.0 cannot be raised to a negative power") }
        if a < 0 && a.isFinite && b.isFinite && b != b.rounded() {
            throw ts.error("ValueError", "negative number cannot be raised to a fractional power")
        }
        return .double(Glibc.pow(a, b))
    }

    /// `i / j` for ints, rounded once from the exact quotient as Python does. Below 2**53
    /// both operands are exact doubles and one IEEE division rounds once; above it,
    /// `Double(i)` would already round, so the quotient of the magnitudes is taken in
    /// 128 bits with at least 63 significant bits, and a sticky bit for any remainder
    /// makes its one conversion to a double round as the exact quotient would.
    private func trueDivide(_ i: Int, _ j: Int) -> Double {
        let exact = 1 << 53
        if i.magnitude <= UInt(exact) && j.magnitude <= UInt(exact) { return Double(i) / Double(j) }
        let n = UInt128(i.magnitude), d = UInt128(j.magnitude)
        if n == 0 { return (i < 0) != (j < 0) ? -0.0 : 0.0 }
        let shift = n.leadingZeroBitCount - 1
        let (q, r) = (n << shift).quotientAndRemainder(dividingBy: d)
        let magnitude = Double(q | (r == 0 ? 0 : 1)) * Double(sign: .plus, exponent: -shift, significand: 1)
        return (i < 0) != (j < 0) ? -magnitude : magnitude
    }

    /// The MemoryError of a concatenation longer than a string can be.
    @inline(never)
    private func concatenationTooLong(_ ts: ThreadState) -> Unwind {
        ts.error("MemoryError", "concatenated string is too long")
    }

    private func repeatString(_ ts: ThreadState, _ s: StrObj, _ n: Int) throws(Unwind) -> Val {
        if n <= 0 || s.bytes.isEmpty { return string([]) }
        let (total, o) = s.bytes.count.multipliedReportingOverflow(by: n)
        // As Python: a size past the largest int is an OverflowError, one merely too
        // large to allocate a MemoryError.
        if o { throw ts.error("OverflowError", "repeated string is too long") }
        if total > StrObj.maxByteCount || heap.exceedsLimit(total) {
            throw ts.error("MemoryError", "repeated string is too long")
        }
        var out: [UInt8] = []
        out.reserveCapacity(total)
        for _ in 0..<n { out.append(contentsOf: s.bytes) }
        return string(out)
    }

    private func repeatList(_ ts: ThreadState, _ l: ListObj, _ n: Int) throws(Unwind) -> Val {
        if n <= 0 || l.count == 0 { return list([]) }
        let (total, o) = l.count.multipliedReportingOverflow(by: n)
        if o || total > 1 << 28 || heap.exceedsLimit(total * MemoryLayout<Packed>.stride) {
            throw ts.error("MemoryError", "repeated list is too long")
        }
        let r = ListObj(capacity: total)
        for _ in 0..<n { for p in l.words { r.appendToNew(packed: p, heap: heap) } }
        return Val(heap.adopt(r))
    }

    func negate(_ ts: ThreadState, _ x: Val) throws(Unwind) -> Val {
        switch x {
        case .int(let i):
            if i == Int.min { throw ts.error("OverflowError", "integer overflow in unary -") }
            return .int(-i)
        case .double(let d):
            return .double(-d)
        default:
            throw ts.error("TypeError", "bad operand type for unary -: '\(x.typeName)'")
        }
    }

    /// `a < b` (or `a <= b`): numbers with numbers, strings with strings.
    func lessThan(_ ts: ThreadState, _ x: Val, _ y: Val, orEqual: Bool) throws(Unwind) -> Bool {
        switch (x, y) {
        case (.int(let i), .int(let j)): return orEqual ? i <= j : i < j
        case (.double(let d), .double(let e)): return orEqual ? d <= e : d < e
        case (.int(let i), .double(let e)): return compareIntDouble(i, e, orEqual: orEqual)
        case (.double(let d), .int(let j)):
            // d < j  <=>  not (j <= d), except when d is nan (every comparison is false).
            if d.isNaN { return false }
            return !compareIntDouble(j, d, orEqual: !orEqual)
        default:
            if let s = x.asString, let t = y.asString {
                let c = s.compare(t)
                return orEqual ? c <= 0 : c < 0
            }
            if let l = x.asList, let m = y.asList { return try listLessThan(ts, l, m, orEqual: orEqual, depth: 0) }
            throw ts.error("TypeError", "'\(orEqual ? "<=" : "<")' not supported between instances of '\(x.typeName)' and '\(y.typeName)'")
        }
    }

    /// Lists compare as Python's: at the first index where the elements differ, by those
    /// elements (with the same operator); if one list is a prefix of the other, by length.
    /// Nesting deeper than `maxEqualityDepth` raises RecursionError, as `==` does.
    private func listLessThan(_ ts: ThreadState, _ l: ListObj, _ m: ListObj, orEqual: Bool, depth: Int) throws(Unwind) -> Bool {
        if depth >= maxEqualityDepth {
            throw ts.error("RecursionError", "maximum recursion depth exceeded in comparison")
        }
        // No script code runs while comparing, so neither list can change under the loop.
        for i in 0..<min(l.count, m.count) {
            let a = l[i], b = m[i]
            if try equal(ts, a, b) { continue }
            if let p = a.asList, let q = b.asList { return try listLessThan(ts, p, q, orEqual: orEqual, depth: depth + 1) }
            return try lessThan(ts, a, b, orEqual: orEqual)
        }
        return orEqual ? l.count <= m.count : l.count < m.count
    }

    /// `i < d` (or `<=`) exactly, even where `Double(i)` would round.
    private func compareIntDouble(_ i: Int, _ d: Double, orEqual: Bool) -> Bool {
        if d.isNaN { return false }
        // Past ±2^63 every int is below (above) d; inside, `Int(f)` cannot trap.
        if d >= 9_223_372_036_854_775_808.0 { return true }
        if d < -9_223_372_036_854_775_808.0 { return false }
        let f = d.rounded(.down)
        let fi = Int(f)
        if f == d { return orEqual ? i <= fi : i < fi }
        return i <= fi
    }

    /// Whether the condition of a compare-and-branch with an immediate or constant
    /// right operand holds (the slow path, for anything but two ints).
    func branchCondition(_ ts: ThreadState, _ op: Opcode, _ x: Val, _ y: Val) throws(Unwind) -> Bool {
        switch op {
        case .jumpIfNotLtInt, .jumpIfNotLtConst: return try lessThan(ts, x, y, orEqual: false)
        case .jumpIfNotLeInt, .jumpIfNotLeConst: return try lessThan(ts, x, y, orEqual: true)
        case .jumpIfNotGtInt, .jumpIfNotGtConst: return try lessThan(ts, y, x, orEqual: false)
        case .jumpIfNotGeInt, .jumpIfNotGeConst: return try lessThan(ts, y, x, orEqual: true)
        case .jumpIfNotEqInt: return try equal(ts, x, y)
        default: return !(try equal(ts, x, y))
        }
    }
}

/// Python's float divmod: the quotient floored, the remainder with the divisor's sign.
func pythonDivmod(_ a: Double, _ b: Double) -> (Double, Double) {
    var mod = fmod(a, b)
    var div = (a - mod) / b
    if mod != 0 {
        if (b < 0) != (mod < 0) {
            mod += b
            div -= 1
        }
    } else {
        mod = copysign(0, b)
    }
    var floorDiv: Double
    if div != 0 {
        floorDiv = div.rounded(.down)
        if div - floorDiv > 0.5 { floorDiv += 1 }
    } else {
        floorDiv = copysign(0, a / b)
    }
    return (floorDiv, mod)
}

/// `==`: structural for numbers, strings, lists and maps; identity for the rest.
/// Containers nested deeper than `maxEqualityDepth` compare as unequal and set
/// `tooDeep`; `VM.equal` turns that into a RecursionError.
func valuesEqual(_ x: Val, _ y: Val) -> Bool {
    var tooDeep = false
    return valuesEqual(x, y, depth: 0, tooDeep: &tooDeep)
}

let maxEqualityDepth = 1000

/// Equality of two elements of containers (`in`, `index`, `remove`, list and map `==`).
/// Python compares elements by identity first, so a list holding a nan contains that
/// nan and equals itself. Floats have no identity in Conc, so a float counts as
/// identical to a float with the same bits: the nan a list holds is found again.
func elementsEqual(_ x: Val, _ y: Val) -> Bool {
    var tooDeep = false
    return elementsEqual(x, y, depth: 0, tooDeep: &tooDeep)
}

@inline(__always)
func elementsEqual(_ x: Val, _ y: Val, depth: Int, tooDeep: inout Bool) -> Bool {
    if case .double(let d) = x, case .double(let e) = y, d.bitPattern == e.bitPattern { return true }
    return valuesEqual(x, y, depth: depth, tooDeep: &tooDeep)
}

func valuesEqual(_ x: Val, _ y: Val, depth: Int, tooDeep: inout Bool) -> Bool {
    switch (x, y) {
    case (.int(let i), .int(let j)): return i == j
    case (.double(let d), .double(let e)): return d == e
    case (.int, .double), (.double, .int): return keysEqual(x, y)
    case (.bool(let a), .bool(let b)): return a == b
    case (.nil, .nil): return true
    case (.object(let a), .object(let b)):
        if a.toOpaque() == b.toOpaque() { return true }
        let kind = a._withUnsafeGuaranteedRef { $0.kind }
        guard kind == b._withUnsafeGuaranteedRef({ $0.kind }) else { return false }
        if kind == .string { return stringsEqual(a, b) }
        if depth >= maxEqualityDepth {
            tooDeep = true
            return false
        }
        let oa = a.takeUnretainedValue(), ob = b.takeUnretainedValue()
        switch kind {
        case .list:
            let l = unsafeDowncast(oa, to: ListObj.self), m = unsafeDowncast(ob, to: ListObj.self)
            guard l.count == m.count else { return false }
            for i in 0..<l.count where !elementsEqual(l[i], m[i], depth: depth + 1, tooDeep: &tooDeep) { return false }
            return true
        case .map:
            let l = unsafeDowncast(oa, to: MapObj.self), m = unsafeDowncast(ob, to: MapObj.self)
            guard l.count == m.count else { return false }
            for (key, v) in l.entries {
                guard let h = keyHash(key), let w = m.get(key, hash: h),
                      elementsEqual(v, w, depth: depth + 1, tooDeep: &tooDeep) else {
                    return false
                }
            }
            return true
        case .range:
            let r = unsafeDowncast(oa, to: RangeObj.self), s = unsafeDowncast(ob, to: RangeObj.self)
            // As Python's: ranges are equal when they hold the same elements.
            let n = r.length
            guard n == s.length else { return false }
            return n == 0 || (r.start == s.start && (n == 1 || r.step == s.step))
        default:
            return false
        }
    default:
        return false
    }
}

extension VM {
    /// `x == y` as scripts see it: like `valuesEqual`, but containers nested too deeply
    /// to compare raise RecursionError (as Python does) instead of comparing unequal.
    @inline(__always)
    func equal(_ ts: ThreadState, _ x: Val, _ y: Val) throws(Unwind) -> Bool {
        // The common cases inline: ints, the same object, two strings.
        switch (x, y) {
        case (.int(let i), .int(let j)): return i == j
        case (.object(let a), .object(let b)):
            if a.toOpaque() == b.toOpaque() { return true }
            if a._withUnsafeGuaranteedRef({ $0.kind }) == .string && b._withUnsafeGuaranteedRef({ $0.kind }) == .string {
                return stringsEqual(a, b)
            }
        default:
            break
        }
        var tooDeep = false
        let result = valuesEqual(x, y, depth: 0, tooDeep: &tooDeep)
        if tooDeep { throw ts.error("RecursionError", "maximum recursion depth exceeded in comparison") }
        return result
    }
}

/// Byte equality of two string objects, without touching their reference counts.
@inline(__always)
func stringsEqual(_ a: Unmanaged<Obj>, _ b: Unmanaged<Obj>) -> Bool {
    Unmanaged<StrObj>.fromOpaque(a.toOpaque())._withUnsafeGuaranteedRef { x in
        Unmanaged<StrObj>.fromOpaque(b.toOpaque())._withUnsafeGuaranteedRef { y in x.equals(y) }
    }
}
