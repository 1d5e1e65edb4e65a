// Conc strings: immutable UTF-8 bytes with a Unicode scalar count and a cached hash.
//
// Swift's `String` compares by canonical equivalence and counts grapheme clusters; Conc
// compares bytes and counts scalars (LANGUAGE.md section 2), so it keeps its own form.
// The bytes are always valid UTF-8: every constructor takes text that is.

final class StrObj: Obj {
    let bytes: [UInt8]
    /// The number of Unicode scalars.
    let count: Int
    private var cachedHash = 0
    private var hashed = false
    /// Byte offsets of every 32nd scalar, built on the first index into a non-ASCII string.
    private var checkpoints: [Int]?

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var n = 0
        for b in bytes where b & 0xC0 != 0x80 { n += 1 }
        self.count = n
        super.init(kind: .string)
    }

    init(ascii bytes: [UInt8], count: Int) {
        self.bytes = bytes
        self.count = count
        super.init(kind: .string)
    }

    convenience init(_ s: String) {
        self.init(bytes: Array(s.utf8))
    }

    override var typeName: String { "string" }
    override var isTruthy: Bool { !bytes.isEmpty }
    override var byteSize: Int { 64 + bytes.count }

    var isASCII: Bool { count == bytes.count }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// FNV-1a over the bytes, cached.
    var hash: Int {
        if hashed { return cachedHash }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        cachedHash = Int(bitPattern: UInt(h))
        hashed = true
        return cachedHash
    }

    @inline(__always)
    func equals(_ other: StrObj) -> Bool {
        self === other || (count == other.count && bytes == other.bytes)
    }

    /// The byte offset of scalar `i` (0 <= i <= count).
    func byteOffset(ofScalar i: Int) -> Int {
        if isASCII { return i }
        if i == count { return bytes.count }
        if checkpoints == nil {
            var cps: [Int] = []
            cps.reserveCapacity(count / 32 + 1)
            var scalar = 0
            for (off, b) in bytes.enumerated() where b & 0xC0 != 0x80 {
                if scalar & 31 == 0 { cps.append(off) }
                scalar += 1
            }
            checkpoints = cps
        }
        var off = checkpoints![i >> 5]
        var remaining = i & 31
        while remaining > 0 {
            off += 1
            while bytes[off] & 0xC0 == 0x80 { off += 1 }
            remaining -= 1
        }
        return off
    }

    /// The byte length of the scalar starting at `offset`.
    @inline(__always)
    func scalarLength(at offset: Int) -> Int {
        let b = bytes[offset]
        if b < 0x80 { return 1 }
        if b < 0xE0 { return 2 }
        if b < 0xF0 { return 3 }
        return 4
    }

    /// The scalars from `from` to `to` (scalar indices, clamped by the caller).
    func substring(from: Int, to: Int) -> [UInt8] {
        if from >= to { return [] }
        let a = byteOffset(ofScalar: from), b = byteOffset(ofScalar: to)
        return Array(bytes[a..<b])
    }

    /// Lexicographic comparison by bytes, which for UTF-8 is the order of scalars.
    func compare(_ other: StrObj) -> Int {
        let n = min(bytes.count, other.bytes.count)
        for i in 0..<n where bytes[i] != other.bytes[i] {
            return bytes[i] < other.bytes[i] ? -1 : 1
        }
        return bytes.count == other.bytes.count ? 0 : (bytes.count < other.bytes.count ? -1 : 1)
    }

    /// Whether `needle` occurs in the bytes at or after `start`; the byte offset if so.
    func find(_ needle: [UInt8], from start: Int = 0) -> Int? {
        let n = needle.count, h = bytes.count
        if n == 0 { return start <= h ? start : nil }
        if n > h { return nil }
        let first = needle[0]
        var i = start
        while i <= h - n {
            if bytes[i] == first {
                var j = 1
                while j < n && bytes[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }

    /// The scalar index of a byte offset.
    func scalarIndex(ofByte offset: Int) -> Int {
        if isASCII { return offset }
        var n = 0
        for i in 0..<offset where bytes[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }
}
