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
/// byte (no mapping of these scalars is longer than 6 bytes).
final class CaseTable: @unchecked Sendable {
    static let size = 0x800
    let entries: UnsafeMutablePointer<UInt64>

    init(upper: Bool) {
        entries = UnsafeMutablePointer<UInt64>.allocate(capacity: CaseTable.size)
        for v in 0..<CaseTable.size {
            var entry = UInt64(v < 0x80 ? 1 : 2) << 56
            if let c = Unicode.Scalar(UInt32(v)) {
                let mapped = upper ? c.properties.uppercaseMapping : c.properties.lowercaseMapping
                var bytes: UInt64 = 0, n: UInt64 = 0
                for b in mapped.utf8 where n < 7 {
                    bytes |= UInt64(b) << (8 * n)
                    n += 1
                }
                entry = bytes | n << 56
            }
            entries[v] = entry
        }
    }

    static let upper = CaseTable(upper: true)
    static let lower = CaseTable(upper: false)
}

/// Maps `n` ASCII bytes from `src` to `dst` (which may be the same), eight at a time:
/// `lo` is the first letter to change ("A" for lower, "a" for upper).
@inline(__always)
func mapASCIICase(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, _ n: Int, upper: Bool) {
    let lo: UInt8 = upper ? 0x61 : 0x41
    // For a byte below 0x80, adding (0x80 - lo) sets its top bit when it is >= lo, and
    // adding (0x7F - (lo + 25)) sets it when it is past the last letter; neither sum
    // carries into the next byte.
    let geLo = UInt64(0x80 - lo) &* 0x0101_0101_0101_0101
    let gtHi = UInt64(0x7F - (lo + 25)) &* 0x0101_0101_0101_0101
    var i = 0
    while i + 8 <= n {
        let w = UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self)
        let letters = (w &+ geLo) & ~(w &+ gtHi) & 0x8080_8080_8080_8080
        UnsafeMutableRawPointer(dst + i).storeBytes(of: w ^ (letters >> 2), as: UInt64.self)
        i += 8
    }
    while i < n {
        let b = src[i]
        dst[i] = b &- lo < 26 ? b ^ 0x20 : b
        i += 1
    }
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
    /// `s.upper()` or `s.lower()`.
    func caseMapped(_ s: StrObj, upper: Bool) -> Val {
        let n = s.byteCount, src = s.storage
        if n == 0 { return Val(s) }
        if s.isASCII {
            if n <= VM.shortStringLength {
                // Short results come from the shared short strings: map into the stack.
                var words: (UInt64, UInt64) = (0, 0)
                let short = withUnsafeMutableBytes(of: &words) { raw -> Val? in
                    guard let base = raw.baseAddress else { return nil }
                    let dst = base.assumingMemoryBound(to: UInt8.self)
                    mapASCIICase(src, dst, n, upper: upper)
                    return shortString(UnsafeBufferPointer(start: dst, count: n))
                }
                if let short { return short }
            }
            let (p, c) = heap.bytes.buffer(for: n)
            mapASCIICase(src, p, n, upper: upper)
            return Val(heap.adopt(StrObj(adopting: p, byteCount: n, sizeClass: c, count: n)))
        }
        return mapUnicodeCase(s, upper: upper)
    }

    /// The case mapping of a string with non-ASCII scalars.
    @inline(never)
    private func mapUnicodeCase(_ s: StrObj, upper: Bool) -> Val {
        let n = s.byteCount, src = s.storage
        let table = (upper ? CaseTable.upper : CaseTable.lower).entries
        var out = StringBuilder(capacity: n + n / 2 + 8, pool: heap.bytes)
        var i = 0
        while i < n {
            // A run of ASCII bytes maps as a block.
            var j = i
            while j < n && src[j] < 0x80 { j += 1 }
            if j > i {
                out.appendMapped(src + i, j - i, upper: upper)
                i = j
                if i == n { break }
            }
            let length = min(utf8Length(src[i]), n - i)
            let v = decodeScalar(src + i, length)
            if !upper && v == 0x3A3 && isFinalSigma(src, n, i, length) {
                out.append(byte: 0xCF)
                out.append(byte: 0x82)
            } else if Int(v) < CaseTable.size {
                let entry = table[Int(v)]
                out.append(packed: entry & 0x00FF_FFFF_FFFF_FFFF, count: Int(entry >> 56))
            } else if isCaseless(v) {
                out.append(UnsafeBufferPointer(start: src + i, count: length))
            } else if let c = Unicode.Scalar(v) {
                var mapped = upper ? c.properties.uppercaseMapping : c.properties.lowercaseMapping
                mapped.withUTF8 { out.append($0) }
            }
            i += length
        }
        return string(out)
    }
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
