// Indexing, slicing, membership and iteration: Python's rules for lists, strings, maps
// and ranges.

extension VM {
    /// A normalised index into a sequence of `count` elements, or an IndexError.
    func sequenceIndex(_ ts: ThreadState, _ i: Val, count: Int, what: String) throws(Unwind) -> Int {
        guard case .int(var j) = i else {
            throw ts.error("TypeError", "\(what) indices must be integers, not \(i.typeName)")
        }
        if j < 0 { j &+= count }
        guard j >= 0 && j < count else { throw ts.error("IndexError", "\(what) index out of range") }
        return j
    }

    @inline(__always)
    func hashOrThrow(_ ts: ThreadState, _ key: Val) throws(Unwind) -> Int {
        guard let h = keyHash(key) else { throw unhashable(ts, key) }
        return h
    }

    @inline(never)
    func unhashable(_ ts: ThreadState, _ key: Val) -> Unwind {
        ts.error("TypeError", "unhashable type: '\(key.typeName)'")
    }

    func mapSet(_ ts: ThreadState, _ map: MapObj, _ key: Val, _ value: Val) throws(Unwind) {
        let h = try hashOrThrow(ts, key)
        heap.noteAllocation(map.set(key, value, hash: h, heap: heap))
    }

    func getIndex(_ ts: ThreadState, _ x: Val, _ i: Val) throws(Unwind) -> Val {
        guard let o = x.obj else {
            throw ts.error("TypeError", "'\(x.typeName)' object is not subscriptable")
        }
        switch o.kind {
        case .list:
            let l = unsafeDowncast(o, to: ListObj.self)
            return l[try sequenceIndex(ts, i, count: l.count, what: "list")]
        case .string:
            let s = unsafeDowncast(o, to: StrObj.self)
            let j = try sequenceIndex(ts, i, count: s.count, what: "string")
            return string(s.substring(from: j, to: j + 1))
        case .map:
            let m = unsafeDowncast(o, to: MapObj.self)
            if let v = m.get(i, hash: try hashOrThrow(ts, i)) { return v }
            throw ts.error("KeyError", repr(i))
        case .range:
            let r = unsafeDowncast(o, to: RangeObj.self)
            guard case .int(let k) = i else {
                throw ts.error("TypeError", "range object indices must be integers, not \(i.typeName)")
            }
            let n = r.length
            let j = k < 0 ? Int128(k) + n : Int128(k)
            guard j >= 0 && j < n else { throw ts.error("IndexError", "range object index out of range") }
            return .int(r.element(j))
        case .handle:
            return try unsafeDowncast(o, to: HandleObj.self).getItem(self, ts, i)
        default:
            throw ts.error("TypeError", "'\(x.typeName)' object is not subscriptable")
        }
    }

    func setIndex(_ ts: ThreadState, _ x: Val, _ i: Val, _ v: Val) throws(Unwind) {
        if let l = x.asList {
            l.store(v, at: try sequenceIndex(ts, i, count: l.count, what: "list"), heap: heap)
        } else if let m = x.asMap {
            try mapSet(ts, m, i, v)
        } else if case .object(let u) = x, u.takeUnretainedValue().kind == .handle {
            try handleSetIndex(ts, u.takeUnretainedValue(), i, v)
        } else {
            throw ts.error("TypeError", "'\(x.typeName)' object does not support item assignment")
        }
    }

    /// `x[lo:hi:step]` for lists and strings, bounds clamped as in Python; a slice of a
    /// range is a range.
    func slice(_ ts: ThreadState, _ x: Val, _ lo: Val, _ hi: Val, _ step: Val) throws(Unwind) -> Val {
        // The common case first: an ASCII string, int or omitted bounds, no step.
        if case .nil = step, case .object(let u) = x, u._withUnsafeGuaranteedRef({ $0.kind }) == .string {
            let s = Unmanaged<StrObj>.fromOpaque(u.toOpaque())
            let (n, ascii) = s._withUnsafeGuaranteedRef { ($0.byteCount, $0.isASCII) }
            if ascii, let a = asciiBound(lo, n, 0), let b = asciiBound(hi, n, n) {
                if b <= a { return Val(emptyString) }
                return s._withUnsafeGuaranteedRef { string($0.bytes[a..<b]) }
            }
        }
        func bound(_ v: Val) throws(Unwind) -> Int? {
            switch v {
            case .nil: return nil
            case .int(let i): return i
            default: throw ts.error("TypeError", "slice indices must be integers or nil, not \(v.typeName)")
            }
        }
        let st = try bound(step) ?? 1
        if st == 0 { throw ts.error("ValueError", "slice step cannot be zero") }
        if case .object(let u) = x, u.takeUnretainedValue().kind == .range {
            return try rangeSlice(ts, unsafeDowncast(u.takeUnretainedValue(), to: RangeObj.self),
                                  try bound(lo), try bound(hi), st)
        }
        let count: Int
        if let l = x.asList { count = l.count } else if let s = x.asString { count = s.count } else {
            throw ts.error("TypeError", "'\(x.typeName)' object is not subscriptable")
        }
        // Python's PySlice_AdjustIndices.
        func adjust(_ b: Int?, _ dflt: Int) -> Int {
            guard var v = b else { return dflt }
            if v < 0 {
                v = v &+ count
                if v < 0 { v = st < 0 ? -1 : 0 }
            } else if v >= count {
                v = st < 0 ? count - 1 : count
            }
            return v
        }
        let start = adjust(try bound(lo), st < 0 ? count - 1 : 0)
        let stop = adjust(try bound(hi), st < 0 ? -1 : count)
        if st == 1 {
            if let l = x.asList {
                let r = heap.newList(capacity: max(stop - start, 0))
                r._withUnsafeGuaranteedRef { r in
                    var i = start
                    while i < stop { r.appendToNew(packed: l.words[i], heap: heap); i += 1 }
                }
                return Val(r)
            }
            return string(x.asString!.substring(from: start, to: max(start, stop)))
        }
        if let s = x.asString, s.isASCII { return stridedASCII(s, from: start, to: stop, by: st) }
        var indices: [Int] = []
        var i = start
        while st > 0 ? i < stop : i > stop {
            indices.append(i)
            // A step beyond the sequence (`xs[1::2**63 - 1]`) ends the slice when it
            // would overflow rather than trap.
            let (next, overflow) = i.addingReportingOverflow(st)
            if overflow { break }
            i = next
        }
        if let l = x.asList {
            let r = ListObj(capacity: indices.count)
            for i in indices { r.appendToNew(packed: l.words[i], heap: heap) }
            return Val(heap.adopt(r))
        }
        let s = x.asString!
        var out: [UInt8] = []
        for i in indices { out += s.substring(from: i, to: i + 1) }
        return string(out)
    }

    /// `r[lo:hi:step]`: the range of the selected elements, as Python computes it
    /// (`range(10)[2:5]` is `range(2, 5)`). The arithmetic is done in `Int128`; a result
    /// whose start, stop or step does not fit in an int raises OverflowError.
    private func rangeSlice(_ ts: ThreadState, _ r: RangeObj, _ lo: Int?, _ hi: Int?, _ st: Int) throws(Unwind) -> Val {
        let n = r.length
        let by = Int128(st)
        // Python's PySlice_AdjustIndices over the range's length.
        func adjust(_ b: Int?, _ dflt: Int128) -> Int128 {
            guard let b else { return dflt }
            var v = Int128(b)
            if v < 0 {
                v += n
                if v < 0 { v = by < 0 ? -1 : 0 }
            } else if v >= n {
                v = by < 0 ? n - 1 : n
            }
            return v
        }
        let first = adjust(lo, by < 0 ? n - 1 : 0)
        let last = adjust(hi, by < 0 ? -1 : n)
        let start = Int128(r.start), step = Int128(r.step)
        if let newStart = Int(exactly: start + first * step), let newStop = Int(exactly: start + last * step),
           let newStep = Int(exactly: step * by) {
            return Val(heap.adopt(RangeObj(start: newStart, stop: newStop, step: newStep)))
        }
        // Python's own start, stop or step would pass the int range (it has big ints),
        // but the elements are the range's own: the same elements as a range that fits.
        let selected = by > 0 ? (first < last ? (last - first - 1) / by + 1 : 0)
                              : (first > last ? (first - last - 1) / -by + 1 : 0)
        let equivalent: RangeObj
        if selected == 0 {
            equivalent = RangeObj(start: 0, stop: 0, step: 1)
        } else if selected == 1 {
            let e = r.element(first)
            equivalent = e < Int.max ? RangeObj(start: e, stop: e + 1, step: 1) : RangeObj(start: e, stop: e - 1, step: -1)
        } else {
            let e = r.element(first), last = r.element(first + (selected - 1) * by)
            guard let newStep = Int(exactly: step * by) else {
                throw ts.error("OverflowError", "range slice too large to represent")
            }
            let (stop, o) = last.addingReportingOverflow(newStep > 0 ? 1 : -1)
            if o { throw ts.error("OverflowError", "range slice too large to represent") }
            equivalent = RangeObj(start: e, stop: stop, step: newStep)
        }
        return Val(heap.adopt(equivalent))
    }

    /// A slice bound clamped into `0...count` (step 1), or nil when it is not an int or nil.
    @inline(__always)
    private func asciiBound(_ v: Val, _ count: Int, _ omitted: Int) -> Int? {
        switch v {
        case .nil: return omitted
        case .int(let i): return i < 0 ? max(i &+ count, 0) : min(i, count)
        default: return nil
        }
    }

    /// `item in container`.
    func contains(_ ts: ThreadState, _ container: Val, _ item: Val) throws(Unwind) -> Bool {
        guard case .object(let u) = container else {
            throw ts.error("TypeError", "argument of type '\(container.typeName)' is not iterable")
        }
        if u._withUnsafeGuaranteedRef({ $0.kind }) == .map, let h = keyHash(item) {
            return Unmanaged<MapObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.get(item, hash: h) } != nil
        }
        let o = u.takeUnretainedValue()
        switch o.kind {
        case .list:
            for v in unsafeDowncast(o, to: ListObj.self).items where elementsEqual(v, item) { return true }
            return false
        case .map:
            guard let h = keyHash(item) else { throw ts.error("TypeError", "unhashable type: '\(item.typeName)'") }
            return unsafeDowncast(o, to: MapObj.self).get(item, hash: h) != nil
        case .string:
            guard let needle = item.asString else {
                throw ts.error("TypeError", "'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return unsafeDowncast(o, to: StrObj.self).find(needle.bytes) != nil
        case .range:
            // As in Python, a float equal to an element is in the range (2.0 in range(5)).
            switch item {
            case .int(let i): return unsafeDowncast(o, to: RangeObj.self).contains(i)
            case .double(let d):
                guard d == d.rounded(.towardZero), let i = doubleToIntExact(d) else { return false }
                return unsafeDowncast(o, to: RangeObj.self).contains(i)
            default: return false
            }
        default:
            throw ts.error("TypeError", "argument of type '\(container.typeName)' is not iterable")
        }
    }

    // MARK: Iteration
    //
    // A `for` loop keeps its state in four registers: the source (nil for a range), a
    // cursor, a stop and a step, all ints. The dispatch loop steps ranges itself.

    func iterPrep(_ ts: ThreadState, _ r: UnsafeMutablePointer<Val>) throws(Unwind) {
        let source = r[0]
        r[1] = .int(0)
        r[2] = .int(0)
        r[3] = .int(1)
        guard let o = source.obj else {
            throw ts.error("TypeError", "'\(source.typeName)' object is not iterable")
        }
        switch o.kind {
        case .range:
            let rg = unsafeDowncast(o, to: RangeObj.self)
            r[0] = .nil
            r[1] = .int(rg.start)
            r[2] = .int(rg.stop)
            r[3] = .int(rg.step)
        case .map:
            // Iterate over a snapshot of the keys, so changing the map inside the loop
            // cannot disturb the iteration.
            r[0] = Val(unsafeDowncast(o, to: MapObj.self).column(values: false, heap: heap))
        case .list, .string:
            break
        case .handle:
            r[0] = try handleIterator(ts, o)
        default:
            throw ts.error("TypeError", "'\(source.typeName)' object is not iterable")
        }
    }

    /// Stores the next item in r[4]; false when the iteration is over.
    func iterNext(_ ts: ThreadState, _ r: UnsafeMutablePointer<Val>) throws(Unwind) -> Bool {
        guard case .object(let u) = r[0], case .int(let cursor) = r[1] else { return false }
        switch u._withUnsafeGuaranteedRef({ $0.kind }) {
        case .list:
            return Unmanaged<ListObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { l in
                guard cursor < l.count else { return false }
                r[4] = l[cursor]
                r[1] = .int(cursor + 1)
                return true
            }
        case .string:
            return Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { s in
                guard cursor < s.byteCount else { return false }
                let b = s.storage[cursor]
                if b < 0x80 {
                    r[4] = asciiStrings[Int(b)]
                    r[1] = .int(cursor + 1)
                    return true
                }
                let n = s.scalarLength(at: cursor)
                r[4] = string(s.bytes[cursor..<cursor + n])
                r[1] = .int(cursor + n)
                return true
            }
        default:
            return try handleIterNext(u.takeUnretainedValue(), r)
        }
    }
}
