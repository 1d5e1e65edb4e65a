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
    func stringArg(_ ts: ThreadState, _ m: MemberRef, _ v: Val) throws(Unwind) -> StrObj {
        guard let s = v.asString else {
            throw ts.error("TypeError", "\(m.name)() argument must be a string, not \(v.typeName)")
        }
        return s
    }

    func stringMethod(_ ts: ThreadState, _ s: StrObj, _ m: MemberRef, _ args: Args) throws(Unwind) -> Val {
        switch m.id {
        case .split:
            if args.count > 1 { try argCount(ts, m, args, 0...1) }
            if args.count == 0 || args[0].isIdentical(to: .nil) { return splitOnWhitespace(s) }
            let sep = try stringArg(ts, m, args[0])
            if sep.byteCount == 0 { throw ts.error("ValueError", "empty separator") }
            return split(s, on: sep)
        case .join:
            if args.count != 1 { try argCount(ts, m, args, 1...1) }
            // A list is read in place; any other iterable (a string, a map's keys, a
            // range) is collected first, as Python's `str.join` does.
            if let l = args[0].asList { return try joined(ts, s.bytes, l.items) }
            var items = try elements(ts, args[0], for: "join")
            return try items.withUnsafeMutableBufferPointer { (b) throws(Unwind) -> Val in try joined(ts, s.bytes, b) }
        case .upper, .lower:
            if args.count != 0 { try argCount(ts, m, args, 0...0) }
            return caseMapped(s, upper: m.id == .upper)
        case .strip:
            if args.count > 1 { try argCount(ts, m, args, 0...1) }
            if args.count == 0 || args[0].isIdentical(to: .nil) { return stripWhitespace(s) }
            return stripped(s, of: try stringArg(ts, m, args[0]))
        case .replace:
            if args.count != 2 { try argCount(ts, m, args, 2...2) }
            let old = try stringArg(ts, m, args[0]), new = try stringArg(ts, m, args[1])
            return replaced(s, old, new)
        case .find:
            if args.count != 1 { try argCount(ts, m, args, 1...1) }
            let needle = try stringArg(ts, m, args[0])
            guard let i = s.find(needle.bytes) else { return .int(-1) }
            return .int(s.isASCII ? i : StrObj.scalarCount(s.storage, i))
        case .starts_with, .ends_with:
            if args.count != 1 { try argCount(ts, m, args, 1...1) }
            let p = try stringArg(ts, m, args[0])
            let n = p.byteCount
            if n > s.byteCount { return .bool(false) }
            if n == 0 { return .bool(true) }
            let at = m.id == .starts_with ? s.storage : s.storage + (s.byteCount - n)
            return .bool(memcmp(at, p.storage, n) == 0)
        default:
            throw noMethod(ts, "string", m)
        }
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

    /// A string of the `n` bytes at `p`, a part of a string that is all ASCII when
    /// `ascii` is set (then its scalar count is `n`).
    @inline(__always)
    func string(_ p: UnsafePointer<UInt8>, _ n: Int, ascii: Bool) -> Val {
        if n <= VM.shortStringLength {
            if n == 0 { return Val(emptyString) }
            return shortString(UnsafeBufferPointer(start: p, count: n))
        }
        let (q, c) = heap.bytes.buffer(for: n)
        q.initialize(from: p, count: n)
        let count = ascii ? n : StrObj.scalarCount(p, n)
        return Val(heap.adopt(StrObj(adopting: q, byteCount: n, sizeClass: c, count: count)))
    }

    /// `s.split()`: the runs of non-whitespace, as Python's `str.split()`.
    func splitOnWhitespace(_ s: StrObj) -> Val {
        let p = s.storage, n = s.byteCount
        // The first pass counts the words, so the list is made at its final size.
        var words = 0
        var inWord = false
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 {
                let space = isASCIISpace(b)
                if !space && !inWord { words += 1 }
                inWord = !space
                i += 1
            } else {
                let w = whitespaceLength(p, i, n)
                if w == 0 && !inWord { words += 1 }
                inWord = w == 0
                i += w == 0 ? utf8Length(b) : w
            }
        }
        let result = ListObj(capacity: words)
        i = 0
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
            result.append(string(p + start, min(i, n) - start, ascii: s.isASCII))
        }
        return Val(heap.adopt(result))
    }

    /// `s.split(sep)`: the pieces between the occurrences of `sep`, empty ones included.
    func split(_ s: StrObj, on sep: StrObj) -> Val {
        let p = s.storage, n = s.byteCount, ascii = s.isASCII
        let needle = sep.bytes, m = sep.byteCount
        var pieces = 1
        var at = 0
        while let i = s.find(needle, from: at) {
            pieces += 1
            at = i + m
        }
        let result = ListObj(capacity: pieces)
        var start = 0
        while pieces > 1, let i = s.find(needle, from: start) {
            result.append(string(p + start, i - start, ascii: ascii))
            start = i + m
            pieces -= 1
        }
        result.append(string(p + start, n - start, ascii: ascii))
        return Val(heap.adopt(result))
    }

    /// `s.strip()`: without the whitespace at either end.
    func stripWhitespace(_ s: StrObj) -> Val {
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
        return lo == 0 && hi == n ? Val(s) : string(p + lo, hi - lo, ascii: s.isASCII)
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

    /// `s.replace(old, new)`: every occurrence of `old` replaced, left to right.
    func replaced(_ s: StrObj, _ old: StrObj, _ new: StrObj) -> Val {
        let src = s.bytes, replacement = new.bytes
        if old.byteCount == 0 {
            // Python inserts the replacement between every scalar and at both ends.
            var out = StringBuilder(capacity: s.byteCount + new.byteCount, pool: heap.bytes)
            out.append(replacement)
            var i = 0
            while i < src.count {
                let l = min(utf8Length(src[i]), src.count - i)
                out.append(src[i..<i + l])
                out.append(replacement)
                i += l
            }
            return string(out)
        }
        let pattern = old.bytes
        guard var i = s.find(pattern) else { return Val(s) }
        var out = StringBuilder(capacity: s.byteCount + max(0, new.byteCount - old.byteCount) * 4, pool: heap.bytes)
        var start = 0
        while true {
            out.append(src[start..<i])
            out.append(replacement)
            start = i + pattern.count
            guard let next = s.find(pattern, from: start) else { break }
            i = next
        }
        out.append(src[start...])
        return string(out)
    }
}
