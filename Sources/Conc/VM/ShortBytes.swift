// Loads, copies and byte searches for the short runs of bytes strings are mostly made
// of, done a word at a time.
//
// Each touches only the bytes it is given: a run of 1 to 8 bytes is read as at most two
// overlapping loads, never past its end. The compiler turns byte-by-byte copy loops into
// calls to memcpy, which cost more than the copy for runs this short.

#if canImport(Glibc)
import Glibc
#endif

/// The `k` bytes at `p` (0 <= k <= 8) as a little-endian word, zero above them.
@inline(__always)
func loadWord(_ p: UnsafePointer<UInt8>, _ k: Int) -> UInt64 {
    let raw = UnsafeRawPointer(p)
    if k >= 4 {
        if k == 8 { return raw.loadUnaligned(as: UInt64.self) }
        let lo = UInt64(raw.loadUnaligned(as: UInt32.self))
        let hi = UInt64(raw.loadUnaligned(fromByteOffset: k &- 4, as: UInt32.self))
        return lo | hi << UInt64(truncatingIfNeeded: (k &- 4) &* 8)
    }
    if k == 0 { return 0 }
    // 1 to 3 bytes: the first, the middle and the last (some of them the same byte).
    let mid = k >> 1, last = k &- 1
    return UInt64(p[0]) | UInt64(p[mid]) << UInt64(truncatingIfNeeded: mid &* 8)
        | UInt64(p[last]) << UInt64(truncatingIfNeeded: last &* 8)
}

/// The `n` bytes at `p` (0 <= n <= 16) as two little-endian words, zero above them.
@inline(__always)
func loadWords(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64) {
    if n <= 8 { return (loadWord(p, n), 0) }
    return (UnsafeRawPointer(p).loadUnaligned(as: UInt64.self), loadWord(p + 8, n &- 8))
}

/// Copies `n` bytes; runs of up to 16 bytes, the usual case for words and separators,
/// as two overlapping pairs of loads and stores instead of a call to memcpy.
@inline(__always)
func copyBytes(_ from: UnsafePointer<UInt8>, _ to: UnsafeMutablePointer<UInt8>, _ n: Int) {
    let src = UnsafeRawPointer(from), dst = UnsafeMutableRawPointer(to)
    if n >= 8 {
        if n > 16 {
            to.update(from: from, count: n)
            return
        }
        let a = src.loadUnaligned(as: UInt64.self), b = src.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        dst.storeBytes(of: a, as: UInt64.self)
        dst.storeBytes(of: b, toByteOffset: n &- 8, as: UInt64.self)
    } else if n >= 4 {
        let a = src.loadUnaligned(as: UInt32.self), b = src.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
        dst.storeBytes(of: a, as: UInt32.self)
        dst.storeBytes(of: b, toByteOffset: n &- 4, as: UInt32.self)
    } else if n > 0 {
        let mid = n >> 1, last = n &- 1
        let (x, y, z) = (from[0], from[mid], from[last])
        to[0] = x
        to[mid] = y
        to[last] = z
    }
}

/// The offset of the first byte `b` in `p[from..<n]`, or `n` when there is none. A
/// short range is searched eight bytes at a time, a byte of `word ^ pattern` being zero
/// where the word holds `b`, then its last few bytes one at a time; a long one with
/// memchr, whose vector loop wins once the call costs less than the bytes.
@inline(__always)
func firstIndex(of b: UInt8, _ p: UnsafePointer<UInt8>, from: Int, _ n: Int) -> Int {
    if n &- from >= 64 { return firstIndexInLongRange(of: b, p, from: from, n) }
    let pattern = UInt64(b) &* 0x0101_0101_0101_0101
    var i = from
    while i &+ 8 <= n {
        let x = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) ^ pattern
        // The lowest byte flagged is exactly the first zero byte of `x`: a borrow only
        // flags bytes above a zero one.
        let zero = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
        if zero != 0 { return i &+ zero.trailingZeroBitCount &>> 3 }
        i &+= 8
    }
    while i < n && p[i] != b { i &+= 1 }
    return i
}

/// `firstIndex` with memchr.
@inline(never)
private func firstIndexInLongRange(of b: UInt8, _ p: UnsafePointer<UInt8>, from: Int, _ n: Int) -> Int {
    guard let hit = memchr(p + from, Int32(b), n &- from) else { return n }
    return p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
}
