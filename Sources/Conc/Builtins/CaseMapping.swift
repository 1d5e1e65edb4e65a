// `upper()` and `lower()` on UTF-8 bytes, without a Swift `String` in between.
//
// Python maps each scalar by Unicode's full case mapping (one scalar may become up to
// three: "ß".upper() is "SS"), and `lower()` gives a capital sigma that ends a word its
// final form. ASCII text is mapped eight bytes at a time; other scalars below U+0800
// (Latin, Greek, Cyrillic, Hebrew, Arabic...) through a table built once from Swift's
// Unicode data; the rest by asking Swift for the scalar's mapping, except in the large
// blocks that have no case at all.

#if canImport(Glibc)
import Glibc
#endif

/// The case mapping of every scalar below U+0800, one way (upper or lower): each entry
/// holds the UTF-8 bytes of the mapping in its low 7 bytes and their count in the top
/// byte (no mapping of these scalars is longer than 6 bytes). Built on first use, never
/// freed, never written afterwards.
private func caseTable(upper: Bool) -> UnsafeMutablePointer<UInt64> {
    let entries = UnsafeMutablePointer<UInt64>.allocate(capacity: caseTableSize)
    for v in 0..<caseTableSize {
        var entry = UInt64(v < 0x80 ? 1 : 2) << 56
        if let c = Unicode.Scalar(UInt32(v)) {
            let mapped = pythonCaseMapping(c, upper: upper)
            var bytes: UInt64 = 0, n: UInt64 = 0
            for b in mapped.utf8 where n < 7 {
                bytes |= UInt64(b) << (8 * n)
                n += 1
            }
            entry = bytes | n << 56
        }
        entries[v] = entry
    }
    return entries
}

private let caseTableSize = 0x800
nonisolated(unsafe) private let upperTable = caseTable(upper: true)
nonisolated(unsafe) private let lowerTable = caseTable(upper: false)

/// The full case mapping of `c` as Python 3.11 has it. Python 3.11 has Unicode 14.0's
/// data and Swift a later version's: a mapping from or to a scalar added since 14.0 (as
/// "ƛ".upper(), "Ꟛ" since Unicode 16.0) is not one in Python, where the scalar maps to
/// itself.
private func pythonCaseMapping(_ c: Unicode.Scalar, upper: Bool) -> String {
    let mapped = upper ? c.properties.uppercaseMapping : c.properties.lowercaseMapping
    func inPython(_ x: Unicode.Scalar) -> Bool {
        guard let age = x.properties.age else { return false }
        return age.major < 14 || (age.major == 14 && age.minor == 0)
    }
    if mapped.unicodeScalars.count == 1 && mapped.unicodeScalars.first == c { return mapped }
    if !inPython(c) || !mapped.unicodeScalars.allSatisfy(inPython) { return String(Character(c)) }
    return mapped
}

/// Maps `n` ASCII bytes from `src` to `dst` (which may be the same), eight at a time.
@inline(__always)
func mapASCIICase(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, _ n: Int, upper: Bool) {
    var i = 0
    while i + 8 <= n {
        let w = UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: mapASCIICase(w, upper: upper), as: UInt64.self)
        i += 8
    }
    let lo: UInt8 = upper ? 0x61 : 0x41
    while i < n {
        let b = src[i]
        dst[i] = b &- lo < 26 ? b ^ 0x20 : b
        i += 1
    }
}

/// The eight ASCII bytes of `w` mapped: the letters from "A" ("a" for upper) on lose
/// (gain) their 0x20 bit. For a byte below 0x80, adding (0x80 - lo) sets its top bit
/// when it is >= lo, and adding (0x7F - (lo + 25)) sets it when it is past the last
/// letter; neither sum carries into the next byte.
@inline(__always)
func mapASCIICase(_ w: UInt64, upper: Bool) -> UInt64 {
    let lo: UInt8 = upper ? 0x61 : 0x41
    let geLo = UInt64(0x80 - lo) &* 0x0101_0101_0101_0101
    let gtHi = UInt64(0x7F - (lo + 25)) &* 0x0101_0101_0101_0101
    let letters = (w &+ geLo) & ~(w &+ gtHi) & 0x8080_8080_8080_8080
    return w ^ (letters >> 2)
}

/// Whether scalar `v` lies in a block with no cased letters: CJK ideographs, kana,
/// Hangul syllables. Text in those scripts skips asking Swift scalar by scalar.
@inline(__always)
private func isCaseless(_ v: UInt32) -> Bool {
    (v >= 0x3040 && v <= 0x30FF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x4E00 && v <= 0x9FFF)
        || (v >= 0xAC00 && v <= 0xD7A3)
}

/// Decodes the scalar at `p` (valid UTF-8 of `length` bytes, 2 to 4).
@inline(__always)
func decodeScalar(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
    switch length {
    case 2: return UInt32(p[0] & 0x1F) << 6 | UInt32(p[1] & 0x3F)
    case 3: return UInt32(p[0] & 0x0F) << 12 | UInt32(p[1] & 0x3F) << 6 | UInt32(p[2] & 0x3F)
    default:
        return UInt32(p[0] & 0x07) << 18 | UInt32(p[1] & 0x3F) << 12 | UInt32(p[2] & 0x3F) << 6
            | UInt32(p[3] & 0x3F)
    }
}

/// The byte length of the UTF-8 scalar that starts with `lead`.
@inline(__always)
func utf8Length(_ lead: UInt8) -> Int {
    lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
}

extension VM {
    /// `s.upper()`.
    func upperCased(_ s: StrObj) -> Val { caseMapped(s, upper: true) }

    /// `s.lower()`.
    func lowerCased(_ s: StrObj) -> Val { caseMapped(s, upper: false) }

    /// `s.upper()` or `s.lower()`, inlined into each of the two, so that the ASCII
    /// mapping's masks are constants.
    @inline(__always)
    private func caseMapped(_ s: StrObj, upper: Bool) -> Val {
        let n = s.byteCount, src = s.storage
        if n == 0 { return Val(s) }
        if s.isASCII {
            if n <= VM.shortStringLength {
                // A short result is mapped in registers; it is `s` itself when no
                // letter changed, else one of the shared short strings.
                let w = loadWords(src, n)
                let m0 = mapASCIICase(w.0, upper: upper)
                let m1 = n > 8 ? mapASCIICase(w.1, upper: upper) : 0
                if m0 == w.0 && m1 == w.1 { return Val(s) }
                return shortString(words: (m0, m1), n, ascii: true)
            }
            let (u, p) = heap.newString(byteCount: n, count: n)
            mapASCIICase(src, p, n, upper: upper)
            return Val(u)
        }
        return mapUnicodeCase(s, upper: upper)
    }

    /// The case mapping of a string with non-ASCII scalars. No scalar's mapping is more
    /// than three times as long as the scalar, so the result is written into a buffer of
    /// that bound (on the stack for short strings), then copied at its size.
    @inline(never)
    private func mapUnicodeCase(_ s: StrObj, upper: Bool) -> Val {
        let n = s.byteCount
        var capacity = 3 * n + 8
        if capacity <= 256 {
            let short = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer -> Val? in
                guard let out = buffer.baseAddress else { return nil }
                let size = mapCase(s.storage, n, out, capacity, upper: upper)
                return size < 0 ? nil : string(out, size, ascii: false)
            }
            if let short { return short }
        }
        while true {
            let (out, c) = heap.bytes.buffer(for: capacity)
            defer { heap.bytes.release(out, c) }
            let size = mapCase(s.storage, n, out, capacity, upper: upper)
            if size >= 0 { return string(out, size, ascii: false) }
            capacity *= 2
        }
    }
}

/// Writes the case mapping of the `n` bytes at `src` to `out`; the number of bytes
/// written, or -1 when they would be more than `capacity`.
private func mapCase(_ src: UnsafePointer<UInt8>, _ n: Int, _ out: UnsafeMutablePointer<UInt8>, _ capacity: Int, upper: Bool) -> Int {
    let table = upper ? upperTable : lowerTable
    var i = 0, at = 0
    while i < n {
        // A run of ASCII bytes maps as a block.
        var j = i
        while j < n && src[j] < 0x80 { j += 1 }
        if j > i {
            if at + (j - i) > capacity { return -1 }
            mapASCIICase(src + i, out + at, j - i, upper: upper)
            at += j - i
            i = j
            if i == n { break }
        }
        let length = min(utf8Length(src[i]), n - i)
        let v = decodeScalar(src + i, length)
        if !upper && v == 0x3A3 && isFinalSigma(src, n, i, length) {
            if at + 2 > capacity { return -1 }
            out[at] = 0xCF
            out[at + 1] = 0x82
            at += 2
        } else if Int(v) < caseTableSize {
            let entry = table[Int(v)], size = Int(entry >> 56)
            if at + size > capacity { return -1 }
            var bytes = entry
            for k in 0..<size {
                out[at + k] = UInt8(truncatingIfNeeded: bytes)
                bytes >>= 8
            }
            at += size
        } else if isCaseless(v) {
            if at + length > capacity { return -1 }
            copyBytes(src + i, out + at, length)
            at += length
        } else if let c = Unicode.Scalar(v) {
            var mapped = pythonCaseMapping(c, upper: upper)
            let fits = mapped.withUTF8 { m -> Bool in
                guard let base = m.baseAddress, at + m.count <= capacity else { return m.isEmpty }
                copyBytes(base, out + at, m.count)
                at += m.count
                return true
            }
            if !fits { return -1 }
        }
        i += length
    }
    return at
}

/// Whether the capital sigma at byte `i` (of `length` bytes) ends a word, by Unicode's
/// Final_Sigma context as Python applies it: a cased letter before it and none after
/// it, skipping case-ignorable scalars both ways.
private func isFinalSigma(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ length: Int) -> Bool {
    var j = i
    var before = false
    while j > 0 {
        var start = j - 1
        while start > 0 && p[start] & 0xC0 == 0x80 { start -= 1 }
        let props = scalarAt(p, start, j - start).properties
        j = start
        if props.isCaseIgnorable { continue }
        before = props.isCased
        break
    }
    if !before { return false }
    j = i + length
    while j < n {
        let l = min(utf8Length(p[j]), n - j)
        let props = scalarAt(p, j, l).properties
        j += l
        if props.isCaseIgnorable { continue }
        return !props.isCased
    }
    return true
}

/// The scalar of `length` bytes at byte `i`.
private func scalarAt(_ p: UnsafePointer<UInt8>, _ i: Int, _ length: Int) -> Unicode.Scalar {
    let v = length == 1 ? UInt32(p[i]) : decodeScalar(p + i, length)
    return Unicode.Scalar(v) ?? "\u{FFFD}"
}
