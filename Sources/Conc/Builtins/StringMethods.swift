// The methods of strings, working on the UTF-8 bytes directly.
//
// Each method scans the bytes once and makes its result strings straight from byte
// ranges, with their scalar count when it is known (an ASCII string's is its length).
// Results of at most `VM.shortStringLength` bytes come from the shared short strings, so
// splitting text made of the same words again and again allocates little.

#if canImport(Glibc)
import Glibc
#endif

/// The ASCII bytes Python's `str.isspace` accepts, as bits of a 64-bit mask: \t \n \v
/// \f \r, the information separators U+001C-U+001F and the space.
private let asciiSpaceMask: UInt64 = 0x1_F000_3E00

/// Whether the ASCII byte `b` is whitespace.
@inline(__always)
func isASCIISpace(_ b: UInt8) -> Bool {
    b < 64 && (asciiSpaceMask >> UInt64(b)) & 1 != 0
}

/// The byte length of the whitespace scalar at `p[i]` (of `n` bytes), or 0 when the
/// scalar there is not whitespace. Besides the ASCII ones, Python's whitespace is
/// U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000
/// (all of `str.isspace` in Python 3.11; Unicode's White_Space property is the same set
/// plus the four information separators, which are ASCII).
@inline(__always)
func whitespaceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
    let b = p[i]
    if b < 0x80 { return isASCIISpace(b) ? 1 : 0 }
    return b >= 0xC2 && b <= 0xE3 ? nonASCIIWhitespaceLength(p, i, n) : 0
}

@inline(__always)
private func nonASCIIWhitespaceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
    switch p[i] {
    case 0xC2:
        return i + 1 < n && (p[i + 1] == 0x85 || p[i + 1] == 0xA0) ? 2 : 0
    case 0xE1:
        return i + 2 < n && p[i + 1] == 0x9A && p[i + 2] == 0x80 ? 3 : 0
    case 0xE2:
        guard i + 2 < n else { return 0 }
        let (b1, b2) = (p[i + 1], p[i + 2])
        if b1 == 0x80 { return b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF ? 3 : 0 }
        return b1 == 0x81 && b2 == 0x9F ? 3 : 0
    case 0xE3:
        return i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0x80 ? 3 : 0
    default:
        return 0
    }
}

/// The start of the scalar that ends just before byte `end`.
@inline(__always)
private func scalarStart(before end: Int, _ p: UnsafePointer<UInt8>) -> Int {
    var i = end - 1
    while i > 0 && p[i] & 0xC0 == 0x80 { i -= 1 }
    return i
}

extension VM {
    /// A string argument of method `id`, not retained: callers read it through
    /// `_withUnsafeGuaranteedRef`.
    @inline(__always)
    func stringArgument(_ ts: ThreadState, _ id: Member, _ v: Val) throws(Unwind) -> Unmanaged<StrObj> {
        if case .object(let u) = v, u._withUnsafeGuaranteedRef({ $0.kind }) == .string {
            return Unmanaged<StrObj>.fromOpaque(u.toOpaque())
        }
        throw notAString(ts, id, v)
    }

    @inline(never)
    private func notAString(_ ts: ThreadState, _ id: Member, _ v: Val) -> Unwind {
        ts.error("TypeError", "\(id.rawValue)() argument must be a string, not \(v.typeName)")
    }

    /// The error of string method `id` called with `args`, which `range` does not allow.
    @inline(never)
    private func argCountError(_ ts: ThreadState, _ id: Member, _ args: Args, _ range: ClosedRange<Int>) -> Unwind {
        argCountError(ts, id.rawValue, args.count, range)
    }

    /// `s.id(args)`. It takes the member's id, not its `MemberRef`, so that the
    /// dispatch loop calls it without copying (and retaining) the name; a known
    /// member's name is its id's raw value. The callers handle `Member.unknown`.
    func stringMethod(_ ts: ThreadState, _ s: StrObj, _ id: Member, _ args: Args) throws(Unwind) -> Val {
        switch id {
        case .split:
            if args.count > 1 { throw argCountError(ts, id, args, 0...1) }
            if args.count == 0 || args[0].isIdentical(to: .nil) { return splitOnWhitespace(s) }
            let sep = try stringArgument(ts, id, args[0])
            if sep._withUnsafeGuaranteedRef({ $0.byteCount }) == 0 { throw ts.error("ValueError", "empty separator") }
            return sep._withUnsafeGuaranteedRef { split(s, on: $0) }
        case .join:
            if args.count != 1 { throw argCountError(ts, id, args, 1...1) }
            // A list is read in place; any other iterable (a string, a map's keys, a
            // range) is collected first, as Python's `str.join` does.
            if case .object(let u) = args[0], u._withUnsafeGuaranteedRef({ $0.kind }) == .list {
                let items = Unmanaged<ListObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.items }
                return try joined(ts, s, items)
            }
            let items = try elements(ts, args[0], for: "join")
            return try items.withUnsafeBufferPointer { (b) throws(Unwind) -> Val in try joined(ts, s, b) }
        case .upper:
            if args.count != 0 { throw argCountError(ts, id, args, 0...0) }
            return upperCased(s)
        case .lower:
            if args.count != 0 { throw argCountError(ts, id, args, 0...0) }
            return lowerCased(s)
        case .strip:
            if args.count > 1 { throw argCountError(ts, id, args, 0...1) }
            if args.count == 0 || args[0].isIdentical(to: .nil) { return stripWhitespace(s) }
            return try stringArgument(ts, id, args[0])._withUnsafeGuaranteedRef { stripped(s, of: $0) }
        case .replace:
            if args.count != 2 { throw argCountError(ts, id, args, 2...2) }
            let old = try stringArgument(ts, id, args[0]), new = try stringArgument(ts, id, args[1])
            let result = old._withUnsafeGuaranteedRef { o in new._withUnsafeGuaranteedRef { replaced(s, o, $0) } }
            guard let result else { throw ts.error("MemoryError", "replaced string is too long") }
            return result
        case .find:
            if args.count != 1 { throw argCountError(ts, id, args, 1...1) }
            let i = try stringArgument(ts, id, args[0])._withUnsafeGuaranteedRef { s.find($0.bytes) }
            guard let i else { return .int(-1) }
            return .int(s.isASCII ? i : StrObj.scalarCount(s.storage, i))
        case .starts_with, .ends_with:
            if args.count != 1 { throw argCountError(ts, id, args, 1...1) }
            let (q, n) = try stringArgument(ts, id, args[0])._withUnsafeGuaranteedRef { ($0.storage, $0.byteCount) }
            if n > s.byteCount { return .bool(false) }
            let at = id == .starts_with ? s.storage : s.storage + (s.byteCount - n)
            var i = 0
            while i < n && at[i] == q[i] { i += 1 }
            return .bool(i == n)
        default:
            throw noStringMethod(ts, id)
        }
    }

    @inline(never)
    private func noStringMethod(_ ts: ThreadState, _ id: Member) -> Unwind {
        noMethod(ts, "string", MemberRef(id))
    }

    /// `separator.join(items)`: every item must be a string. The first pass checks the
    /// items and sums their sizes, so the result is made at its final size.
    func joined<C: RandomAccessCollection<Val>>(_ ts: ThreadState, _ separator: StrObj, _ items: C) throws(Unwind) -> Val
        where C.Index == Int {
        let k = items.count
        if k == 0 { return Val(emptyString) }
        let sep = separator.storage, sepBytes = separator.byteCount
        var size = sepBytes &* (k - 1), count = separator.count &* (k - 1)
        for i in 0..<k {
            guard case .object(let u) = items[i], u._withUnsafeGuaranteedRef({ $0.kind }) == .string else {
                throw ts.error("TypeError", "sequence item \(i): expected string, \(items[i].typeName) found")
            }
            let (b, c) = Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { ($0.byteCount, $0.count) }
            size &+= b
            count &+= c
        }
        if k == 1, case .object(let u) = items[0] { return Val(u) }
        if size < 0 || size > StrObj.maxByteCount || heap.exceedsLimit(size) { throw ts.error("MemoryError", "joined string is too long") }
        return makeString(size: size, count: count) { out in
            var at = 0
            for i in 0..<k {
                if i > 0 {
                    copyBytes(sep, out + at, sepBytes)
                    at += sepBytes
                }
                if case .object(let u) = items[i] {
                    let (p, n) = Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { ($0.storage, $0.byteCount) }
                    copyBytes(p, out + at, n)
                    at += n
                }
            }
        }
    }

    /// A new string of `size` bytes and `count` scalars, which `fill` writes: results of
    /// at most `shortStringLength` bytes are written into two words on the stack and
    /// come from the short strings.
    @inline(__always)
    func makeString(size: Int, count: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Void) -> Val {
        if size <= VM.shortStringLength {
            if size == 0 { return Val(emptyString) }
            var words: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &words) { raw in
                if let base = raw.baseAddress { fill(base.assumingMemoryBound(to: UInt8.self)) }
            }
            return shortString(words: words, size, ascii: count == size)
        }
        // Written straight into the new string: into its object up to
        // `StrObj.largestMedium` bytes, into its buffer beyond.
        let (u, p) = heap.newString(byteCount: size, count: count)
        fill(p)
        return Val(u)
    }

    /// A string of the `n` bytes at `p`, a part of a string that is all ASCII when
    /// `ascii` is set (then its scalar count is `n`). A one-character ASCII piece, the
    /// commonest, is picked from `asciiStrings` inline; the rest is one call.
    @inline(__always)
    func string(_ p: UnsafePointer<UInt8>, _ n: Int, ascii: Bool) -> Val {
        if n == 1 && p[0] < 0x80 { return asciiStrings[Int(p[0])] }
        return longerString(p, n, ascii: ascii)
    }

    /// `string(p, n, ascii:)` of any piece but a one-character ASCII one. A short one is
    /// looked up here; an empty or long one is made by a further call, so that this
    /// function needs no stack frame of its own.
    @inline(never)
    private func longerString(_ p: UnsafePointer<UInt8>, _ n: Int, ascii: Bool) -> Val {
        if n > 0 && n <= VM.shortStringLength { return shortString(words: loadWords(p, n), n, ascii: ascii) }
        return emptyOrLongString(p, n, ascii: ascii)
    }

    @inline(never)
    private func emptyOrLongString(_ p: UnsafePointer<UInt8>, _ n: Int, ascii: Bool) -> Val {
        if n == 0 { return Val(emptyString) }
        return Val(heap.newString(copying: UnsafeBufferPointer(start: p, count: n), ascii: ascii))
    }

    /// `s[start:stop:step]` of an ASCII string, with the bounds already adjusted as
    /// Python's `PySlice_AdjustIndices` does and a step other than 0 and 1: the bytes are
    /// picked straight into the result.
    func stridedASCII(_ s: StrObj, from start: Int, to stop: Int, by step: Int) -> Val {
        // Bounds lie in -1...count, so their difference fits; the step's magnitude is
        // taken unsigned, since -Int.min does not fit an Int.
        let span = step > 0 ? stop - start : start - stop
        if span <= 0 { return Val(emptyString) }
        let k = Int((UInt(span) - 1) / step.magnitude + 1)
        let p = s.storage
        return makeString(size: k, count: k) { out in
            var i = start
            for j in 0..<k {
                out[j] = p[i]
                i &+= step
            }
        }
    }

    /// The list a split of `n` bytes fills: as CPython does, it starts with room for a
    /// few pieces and grows as needed, since counting them first would cost a second
    /// pass over the bytes. Up to 8 pieces fit a pooled buffer. The list is young until
    /// the next safe point, so the pieces go in without the write barrier.
    @inline(__always)
    private func splitList(_ n: Int) -> Unmanaged<ListObj> {
        heap.newList(capacity: min(n / 2 + 1, 8))
    }

    /// `s.split()`: the runs of non-whitespace, as Python's `str.split()`.
    func splitOnWhitespace(_ s: StrObj) -> Val {
        let p = s.storage, n = s.byteCount
        let result = splitList(n)
        let heap = self.heap
        result._withUnsafeGuaranteedRef { list in
            var i = 0
            if s.isASCII {
                while true {
                    while i < n && isASCIISpace(p[i]) { i &+= 1 }
                    if i == n { break }
                    let start = i
                    while i < n && !isASCIISpace(p[i]) { i &+= 1 }
                    list.appendToNew(string(p + start, i &- start, ascii: true), heap: heap)
                }
                return
            }
            while i < n {
                while i < n {
                    let w = whitespaceLength(p, i, n)
                    if w == 0 { break }
                    i += w
                }
                if i == n { break }
                let start = i
                while i < n {
                    let b = p[i]
                    if b < 0x80 {
                        if isASCIISpace(b) { break }
                        i += 1
                    } else {
                        if whitespaceLength(p, i, n) != 0 { break }
                        i += utf8Length(b)
                    }
                }
                list.appendToNew(string(p + start, min(i, n) - start, ascii: false), heap: heap)
            }
        }
        return Val(result)
    }

    /// `s.split(sep)`: the pieces between the occurrences of `sep`, empty ones included.
    /// A one-byte separator is looked for eight bytes at a time; a longer one with
    /// `find`.
    func split(_ s: StrObj, on sep: StrObj) -> Val {
        let p = s.storage, n = s.byteCount, ascii = s.isASCII
        let m = sep.byteCount
        let result = splitList(n)
        let heap = self.heap
        result._withUnsafeGuaranteedRef { list in
            var start = 0
            if m == 1 {
                let b = sep.storage[0]
                while true {
                    let i = firstIndex(of: b, p, from: start, n)
                    list.appendToNew(string(p + start, i &- start, ascii: ascii), heap: heap)
                    if i == n { break }
                    start = i &+ 1
                }
                return
            }
            while let i = s.find(sep.bytes, from: start) {
                list.appendToNew(string(p + start, i - start, ascii: ascii), heap: heap)
                start = i + m
            }
            list.appendToNew(string(p + start, n - start, ascii: ascii), heap: heap)
        }
        return Val(result)
    }

    /// `s.strip()`: without the whitespace at either end. An ASCII string is stripped
    /// here, in a function small enough to need no saved registers; any other in
    /// `stripUnicodeWhitespace`.
    func stripWhitespace(_ s: StrObj) -> Val {
        if !s.isASCII { return stripUnicodeWhitespace(s) }
        let p = s.storage, n = s.byteCount
        var lo = 0, hi = n
        while lo < hi && isASCIISpace(p[lo]) { lo &+= 1 }
        while hi > lo && isASCIISpace(p[hi &- 1]) { hi &-= 1 }
        return lo == 0 && hi == n ? Val(s) : string(p + lo, hi &- lo, ascii: true)
    }

    @inline(never)
    private func stripUnicodeWhitespace(_ s: StrObj) -> Val {
        let p = s.storage, n = s.byteCount
        var lo = 0, hi = n
        while lo < hi {
            let w = whitespaceLength(p, lo, n)
            if w == 0 { break }
            lo += w
        }
        while hi > lo {
            let start = p[hi - 1] < 0x80 ? hi - 1 : scalarStart(before: hi, p)
            if whitespaceLength(p, start, n) == 0 { break }
            hi = start
        }
        return lo == 0 && hi == n ? Val(s) : string(p + lo, hi - lo, ascii: false)
    }

    /// `s.strip(chars)`: without the scalars of `chars` at either end.
    func stripped(_ s: StrObj, of chars: StrObj) -> Val {
        let p = s.storage, n = s.byteCount
        var lo = 0, hi = n
        if chars.isASCII {
            // The set as a 128-bit mask; no non-ASCII scalar of `s` is in it.
            var mask: (UInt64, UInt64) = (0, 0)
            for b in chars.bytes {
                if b < 64 { mask.0 |= 1 << UInt64(b) } else { mask.1 |= 1 << UInt64(b - 64) }
            }
            func strips(_ b: UInt8) -> Bool {
                b < 64 ? (mask.0 >> UInt64(b)) & 1 != 0 : b < 128 && (mask.1 >> UInt64(b - 64)) & 1 != 0
            }
            while lo < hi && strips(p[lo]) { lo += 1 }
            while hi > lo && strips(p[hi - 1]) { hi -= 1 }
        } else {
            // A scalar is in `chars` when its bytes occur there: in valid UTF-8 a whole
            // scalar's bytes can only match at a scalar boundary.
            let set = chars.storage, size = chars.byteCount
            func strips(_ start: Int, _ length: Int) -> Bool {
                var j = 0
                while j + length <= size {
                    if set[j] == p[start] && memcmp(set + j, p + start, length) == 0 { return true }
                    j += 1
                }
                return false
            }
            while lo < hi {
                let l = min(utf8Length(p[lo]), hi - lo)
                if !strips(lo, l) { break }
                lo += l
            }
            while hi > lo {
                let start = scalarStart(before: hi, p)
                if !strips(start, hi - start) { break }
                hi = start
            }
        }
        return lo == 0 && hi == n ? Val(s) : string(p + lo, hi - lo, ascii: s.isASCII)
    }

    /// `s.replace(old, new)`: every occurrence of `old` replaced, left to right. The
    /// first pass counts the occurrences, so the result is made at its final size, and
    /// remembers where the first few are, so the second searches again only past them;
    /// nil when the result would be too large to make.
    func replaced(_ s: StrObj, _ old: StrObj, _ new: StrObj) -> Val? {
        let m = old.byteCount
        if m == 0 { return insertedBetweenScalars(s, new) }
        let src = s.storage, n = s.byteCount, rep = new.storage, r = new.byteCount
        let remembered = 16
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: remembered) { buffer -> Val? in
            guard let places = buffer.baseAddress else { return nil }
            var hits = 0, at = 0
            while let i = s.find(old.bytes, from: at) {
                if hits < remembered { places[hits] = i }
                hits += 1
                at = i + m
            }
            if hits == 0 { return Val(s) }
            guard let size = replacedSize(n, hits, r - m) else { return nil }
            return makeString(size: size, count: s.count &+ hits &* (new.count - old.count)) { out in
                var at = 0, start = 0, k = 0
                while true {
                    let i: Int
                    if k < min(hits, remembered) {
                        i = places[k]
                        k += 1
                    } else if hits > remembered, let j = s.find(old.bytes, from: start) {
                        i = j
                    } else {
                        break
                    }
                    copyBytes(src + start, out + at, i - start)
                    at += i - start
                    copyBytes(rep, out + at, r)
                    at += r
                    start = i + m
                }
                copyBytes(src + start, out + at, n - start)
            }
        }
    }

    /// `s.replace("", new)`: as Python, `new` between every two scalars and at both
    /// ends, s.count + 1 times.
    private func insertedBetweenScalars(_ s: StrObj, _ new: StrObj) -> Val? {
        let src = s.storage, n = s.byteCount, rep = new.storage, r = new.byteCount
        let hits = s.count + 1
        guard let size = replacedSize(n, hits, r) else { return nil }
        return makeString(size: size, count: s.count &+ hits &* new.count) { out in
            copyBytes(rep, out, r)
            var at = r, start = 0
            while start < n {
                let l = min(utf8Length(src[start]), n - start)
                copyBytes(src + start, out + at, l)
                copyBytes(rep, out + at + l, r)
                at += l + r
                start += l
            }
        }
    }

    /// The size of `n` bytes with `hits` replacements that each add `growth` bytes, or
    /// nil when that is too large to make.
    private func replacedSize(_ n: Int, _ hits: Int, _ growth: Int) -> Int? {
        let (grow, o1) = hits.multipliedReportingOverflow(by: growth)
        let (size, o2) = n.addingReportingOverflow(grow)
        return o1 || o2 || size > StrObj.maxByteCount || heap.exceedsLimit(size) ? nil : size
    }
}
