// Conc strings: immutable UTF-8 bytes with a Unicode scalar count and a cached hash.
//
// Swift's `String` compares by canonical equivalence and counts grapheme clusters; Conc
// compares bytes and counts scalars (docs/reference.md section 2), so it keeps its own form.
// The bytes are always valid UTF-8: every constructor takes text that is.

#if canImport(Glibc)
import Glibc
#endif

class StrObj: Obj {
    /// The byte count and the number of Unicode scalars, 32 bits each: the operations
    /// that could make a longer string (`+`, `*`, `join`, `replace`, ...) refuse with a
    /// MemoryError first (see `maxByteCount`).
    @exclusivity(unchecked) private final var length: UInt32
    @exclusivity(unchecked) private final var scalars: UInt32
    @exclusivity(unchecked) private final var cachedHash = 0
    /// Sixteen bytes that are a short string's bytes, or a longer one's buffer address.
    /// A string of at most `inlineCapacity` bytes keeps them here, in the object: no
    /// buffer of its own, so a short string is one 64-byte malloc chunk (the object is
    /// 56 bytes) instead of that and a pool buffer of at least 16. A string of up to
    /// `largestMedium` bytes made at once is a subclass (`StrObj32` ...), whose extra
    /// field follows this one, so that its bytes continue here (see `mediumUnits`). A
    /// longer string keeps its buffer's address in the first eight bytes. Declared as
    /// bytes, so that the bytes read through `storage` are bound to UInt8; the address
    /// is stored and loaded as raw memory (see `bufferAddress`). The last field, so that
    /// a subclass's field continues it.
    @exclusivity(unchecked) private final var body: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                                                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// The longest string kept inside a plain `StrObj`.
    static let inlineCapacity = 16
    /// The longest string kept inside a subclass's object.
    static let largestMedium = 64
    /// The longest string there can be: its byte count must fit `length`.
    static let maxByteCount = Int(UInt32.max)
    /// Where `body` is in the object: after Swift's 16-byte header, `Obj`'s 8 bytes of
    /// fields and the 16 bytes above. Swift lays out a class's stored properties in
    /// declaration order after its superclass's, and the layout of a class in its own
    /// module is fixed at compile time, so this is a constant; `measuredBodyOffset()`
    /// checks it (at every heap's creation in debug builds, and in StrObjLayoutTests).
    /// The address is computed from the object's own (an object never moves) rather than
    /// with `withUnsafeMutablePointer(to: &body)`, whose pointer is only valid inside
    /// its closure.
    static let bodyOffset = 40

    var byteCount: Int { @inline(__always) get { Int(truncatingIfNeeded: length) } }
    /// The number of Unicode scalars.
    var count: Int { @inline(__always) get { Int(truncatingIfNeeded: scalars) } }

    /// Whether the bytes are in the object itself: a plain string's up to
    /// `inlineCapacity`, a medium one's always.
    final var isInline: Bool {
        @inline(__always) get { length <= StrObj.inlineCapacity || flags & StrObj.mediumMask != 0 }
    }

    /// For a medium string (a subclass), the 16-byte units its object holds beyond
    /// `inlineCapacity`: 1, 2 or 3. Zero for a plain `StrObj`. Kept in `flags`, set once
    /// when the object is made.
    final var mediumUnits: Int { @inline(__always) get { Int(flags >> 4) & 3 } }

    /// The `mediumUnits` of a medium string of `byteCount` bytes.
    @inline(__always)
    static func mediumUnits(for byteCount: Int) -> Int { (byteCount &+ 15) >> 4 &- 1 }
    private static let mediumMask: UInt8 = 0x30

    /// The address of `body`.
    private var bodyAddress: UnsafeMutableRawPointer {
        @inline(__always) get { Unmanaged.passUnretained(self).toOpaque() + StrObj.bodyOffset }
    }

    /// A longer string's buffer, which this object owns.
    private var bufferAddress: UnsafeMutablePointer<UInt8> {
        @inline(__always) get { bodyAddress.load(as: UnsafeMutablePointer<UInt8>.self) }
        @inline(__always) set { bodyAddress.storeBytes(of: newValue, as: UnsafeMutablePointer<UInt8>.self) }
    }

    /// The UTF-8 bytes: in the object, or in its buffer (no reference count to touch
    /// when they are read). Valid while this object is alive (between two safe points at
    /// least) and, for a growable string, until it next grows.
    var storage: UnsafeMutablePointer<UInt8> {
        @inline(__always) get {
            let body = bodyAddress
            return isInline ? body.assumingMemoryBound(to: UInt8.self) : body.load(as: UnsafeMutablePointer<UInt8>.self)
        }
    }

    /// `body`'s offset in the object as the compiler laid it out: what `bodyOffset`
    /// must be.
    static func measuredBodyOffset() -> Int {
        let s = StrObj(words: (0, 0), 0, count: 0)
        let object = UnsafeRawPointer(Unmanaged.passUnretained(s).toOpaque())
        return withUnsafeMutablePointer(to: &s.body) { object.distance(to: UnsafeRawPointer($0)) }
    }

    /// The byte pool class of a longer string's buffer; 0 when it came from malloc.
    /// Kept in the object header's spare byte (see `Obj.byteClass`).
    private(set) var sizeClass: UInt8 {
        @inline(__always) get { byteClass }
        @inline(__always) set { byteClass = newValue }
    }
    /// Set while the string is the intermediate result of a chain `a + b + c`, held only
    /// in a register no script code can read: then, and only then, it may grow in place
    /// (see `append`). Strings are immutable everywhere else.
    var growable: Bool {
        @inline(__always) get { flags & StrObj.growableFlag != 0 }
        @inline(__always) set { flags = newValue ? flags | StrObj.growableFlag : flags & ~StrObj.growableFlag }
    }
    /// Whether `cachedHash` holds the hash.
    private var hashed: Bool {
        @inline(__always) get { flags & StrObj.hashedFlag != 0 }
        @inline(__always) set { flags = newValue ? flags | StrObj.hashedFlag : flags & ~StrObj.hashedFlag }
    }
    private static let growableFlag: UInt8 = 1
    private static let hashedFlag: UInt8 = 2
    /// The size of a growable string's buffer when it came from malloc. A growable
    /// string is never hashed (no script code can see it), so this shares the hash's
    /// field rather than making every string 8 bytes bigger.
    private var mallocCapacity: Int {
        @inline(__always) get { cachedHash }
        @inline(__always) set { cachedHash = newValue }
    }
    /// Whether the buffer holds, after the bytes, the byte offset of every 32nd scalar
    /// (see `byteOffset(ofScalar:)`). Kept there rather than behind a pointer of its
    /// own, which would make every string 8 bytes, and a malloc chunk 16, bigger.
    private var hasCheckpoints: Bool {
        @inline(__always) get { flags & StrObj.checkpointsFlag != 0 }
    }
    private static let checkpointsFlag: UInt8 = 4

    /// A string of `byteCount` bytes (at most `maxByteCount`) and `count` scalars, whose
    /// bytes the caller writes at `storage` next: in the object, or in a buffer from
    /// `pool`. Every argument is a plain value or borrowed, so calling it retains
    /// nothing.
    @inline(__always)
    init(byteCount: Int, count: Int, pool: BytePool) {
        length = UInt32(truncatingIfNeeded: byteCount)
        scalars = UInt32(truncatingIfNeeded: count)
        super.init(kind: .string)
        if byteCount > StrObj.inlineCapacity { takeBuffer(for: byteCount, pool: pool) }
    }

    /// A string of `n` bytes (at most `inlineCapacity`), those that `words` holds
    /// little-endian, and `count` scalars.
    @inline(__always)
    init(words: (UInt64, UInt64), _ n: Int, count: Int) {
        length = UInt32(truncatingIfNeeded: n)
        scalars = UInt32(truncatingIfNeeded: count)
        super.init(kind: .string)
        storeInline(words)
    }

    /// A string that takes ownership of `storage`, a buffer of pool class `sizeClass`
    /// (0: malloc) holding `byteCount` bytes (more than `inlineCapacity`, at most
    /// `maxByteCount`) of valid UTF-8 that are `count` scalars.
    @inline(__always)
    init(adopting storage: UnsafeMutablePointer<UInt8>, byteCount: Int, sizeClass: UInt8, count: Int) {
        length = UInt32(truncatingIfNeeded: byteCount)
        scalars = UInt32(truncatingIfNeeded: count)
        super.init(kind: .string)
        bufferAddress = storage
        self.sizeClass = sizeClass
    }

    /// A medium string of `byteCount` bytes (more than `inlineCapacity`, at most
    /// `largestMedium`) and `count` scalars, whose bytes the caller writes at `storage`
    /// next: an object of the subclass that holds them.
    @inline(__always)
    static func medium(byteCount: Int, count: Int) -> StrObj {
        switch mediumUnits(for: byteCount) {
        case 1: return StrObj32(byteCount: byteCount, count: count, units: 1)
        case 2: return StrObj48(byteCount: byteCount, count: count, units: 2)
        default: return StrObj64(byteCount: byteCount, count: count, units: 3)
        }
    }

    /// Makes a dead medium string a new one of `byteCount` bytes (as many 16-byte units
    /// as it had) and `count` scalars, whose bytes the caller writes next.
    @inline(__always)
    func reuseMedium(byteCount: Int, count: Int) {
        length = UInt32(truncatingIfNeeded: byteCount)
        scalars = UInt32(truncatingIfNeeded: count)
        flags &= StrObj.mediumMask
    }

    /// A medium string's object (see `medium`), for the subclasses.
    @inline(__always)
    fileprivate init(byteCount: Int, count: Int, units: UInt8) {
        length = UInt32(truncatingIfNeeded: byteCount)
        scalars = UInt32(truncatingIfNeeded: count)
        super.init(kind: .string)
        flags = units << 4
    }

    /// A copy of any collection of valid UTF-8 bytes.
    convenience init<C: Collection>(bytes: C, pool: BytePool) where C.Element == UInt8 {
        let n = bytes.count
        self.init(byteCount: n, count: 0, pool: pool)
        let p = storage
        let copied = bytes.withContiguousStorageIfAvailable { src -> Bool in
            if let base = src.baseAddress { p.initialize(from: base, count: n) }
            return true
        }
        if copied == nil { _ = UnsafeMutableBufferPointer(start: p, count: n).initialize(from: bytes) }
        scalars = UInt32(truncatingIfNeeded: StrObj.scalarCount(p, n))
    }

    /// Gives a new longer string a buffer for `n` bytes.
    @inline(__always)
    private func takeBuffer(for n: Int, pool: BytePool) {
        let (p, c) = pool.buffer(for: n)
        bufferAddress = p
        sizeClass = c
    }

    /// Stores a short string's bytes, as two words.
    @inline(__always)
    private func storeInline(_ words: (UInt64, UInt64)) {
        let body = bodyAddress
        body.storeBytes(of: words.0, as: UInt64.self)
        body.storeBytes(of: words.1, toByteOffset: 8, as: UInt64.self)
    }

    /// Counts the bytes that start a scalar (all but UTF-8 continuation bytes).
    static func scalarCount(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var continuation = 0
        var i = 0
        // Eight bytes at a time: a continuation byte has bit 7 set and bit 6 clear.
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            continuation &+= (w & ~(w << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
            i += 8
        }
        while i < n {
            if p[i] & 0xC0 == 0x80 { continuation &+= 1 }
            i += 1
        }
        return n - continuation
    }

    /// `scalarCount` of the `n` bytes (at most 16) that `words` holds, little-endian and
    /// zero above them.
    @inline(__always)
    static func scalarCount(words: (UInt64, UInt64), _ n: Int) -> Int {
        let m: UInt64 = 0x8080_8080_8080_8080
        let continuation = (words.0 & ~(words.0 << 1) & m).nonzeroBitCount &+ (words.1 & ~(words.1 << 1) & m).nonzeroBitCount
        return n &- continuation
    }

    /// The concatenation of two strings, whose byte counts add up to at most
    /// `maxByteCount` (the caller checks).
    @inline(__always)
    static func concatenation(_ a: StrObj, _ b: StrObj, heap: Heap) -> Unmanaged<StrObj> {
        let m = a.byteCount, n = m &+ b.byteCount
        let (s, p) = heap.newString(byteCount: n, count: a.count &+ b.count)
        copyBytes(a.storage, p, m)
        copyBytes(b.storage, p + m, b.byteCount)
        return s
    }

    /// A growable string of `a` then `b` (at most `maxByteCount` bytes together), with
    /// room for more: in the object while it is short, else in a buffer of twice its
    /// length.
    static func growableConcatenation(_ a: StrObj, _ b: StrObj, pool: BytePool) -> StrObj {
        let m = a.byteCount, n = m &+ b.byteCount
        let s = StrObj(words: (0, 0), 0, count: a.count &+ b.count)
        if n > StrObj.inlineCapacity {
            s.takeBuffer(for: 2 &* n, pool: pool)
            s.mallocCapacity = 2 &* n
        }
        s.length = UInt32(truncatingIfNeeded: n)
        let p = s.storage
        copyBytes(a.storage, p, m)
        copyBytes(b.storage, p + m, b.byteCount)
        s.growable = true
        return s
    }

    /// Appends `t` to this growable string in place (the caller checks that the result
    /// has at most `maxByteCount` bytes); returns the bytes its buffer grew by.
    func append(_ t: StrObj, pool: BytePool) -> Int {
        let old = byteCount, n = old &+ t.byteCount
        let capacity = isInline ? StrObj.inlineCapacity
            : sizeClass == 0 ? mallocCapacity : BytePool.capacity(of: sizeClass)
        var grown = 0
        var p = storage
        if n > capacity {
            let (q, c) = pool.buffer(for: 2 &* n)
            q.initialize(from: p, count: old)
            if !isInline { pool.release(p, sizeClass) }
            bufferAddress = q
            sizeClass = c
            mallocCapacity = 2 &* n
            grown = 2 &* n &- capacity
            p = q
        }
        copyBytes(t.storage, p + old, t.byteCount)
        length = UInt32(truncatingIfNeeded: n)
        scalars &+= t.scalars
        return grown
    }

    /// Gives back what this dead string owns (a buffer, to `pool` or to malloc), so
    /// that the heap can keep the object for `reuse` instead of freeing it. A retired
    /// string is empty, so inline, and owns nothing.
    func retire(to pool: BytePool) {
        if !isInline { pool.release(bufferAddress, sizeClass) }
        length = 0
        scalars = 0
    }

    /// Makes a retired string a new one of `byteCount` bytes and `count` scalars: what
    /// `init(byteCount:count:pool:)` does without an allocation.
    @inline(__always)
    func reuse(byteCount: Int, count: Int, pool: BytePool) {
        length = UInt32(truncatingIfNeeded: byteCount)
        scalars = UInt32(truncatingIfNeeded: count)
        flags = 0
        if byteCount > StrObj.inlineCapacity { takeBuffer(for: byteCount, pool: pool) }
    }

    /// Makes a retired string the short one `init(words:_:count:)` makes.
    @inline(__always)
    func reuse(words: (UInt64, UInt64), _ n: Int, count: Int) {
        length = UInt32(truncatingIfNeeded: n)
        scalars = UInt32(truncatingIfNeeded: count)
        flags = 0
        storeInline(words)
    }

    /// Makes a retired string the longer one `init(adopting:...)` makes.
    @inline(__always)
    func reuse(adopting storage: UnsafeMutablePointer<UInt8>, byteCount: Int, sizeClass: UInt8, count: Int) {
        length = UInt32(truncatingIfNeeded: byteCount)
        scalars = UInt32(truncatingIfNeeded: count)
        flags = 0
        bufferAddress = storage
        self.sizeClass = sizeClass
    }

    /// Pooled bytes go back to the pool when the collector sweeps the string (see
    /// `returnBytes`); bytes from malloc go back here.
    deinit {
        if !isInline && sizeClass == 0 { rawFree(bufferAddress) }
    }

    /// Gives the bytes of this dead string back to its heap's pool.
    @inline(__always)
    func returnBytes(to pool: BytePool) {
        if !isInline && sizeClass != 0 { pool.release(bufferAddress, sizeClass) }
    }

    /// The bytes; valid while this object is alive (between two safe points at least).
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: byteCount) }

    final override var typeName: String { "string" }
    final override var isTruthy: Bool { byteCount != 0 }
    /// The object (56 bytes, a 64-byte malloc chunk), its table slot and, unless they
    /// are inline, its bytes.
    final override var byteSize: Int { isInline ? 72 &+ mediumUnits &* 16 : 72 &+ byteCount }

    var isASCII: Bool { count == byteCount }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// FNV-1a over the bytes, cached.
    var hash: Int {
        if hashed { return cachedHash }
        cachedHash = StrObj.hash(of: bytes)
        hashed = true
        return cachedHash
    }

    /// The hash of a string with these bytes: eight bytes at a time, each word mixed in
    /// with a multiply and a rotation, then MurmurHash3's finaliser so that the low
    /// bits, which pick a map's slot, depend on every byte. Byte-at-a-time FNV-1a cost
    /// about twice as many instructions on the short keys scripts use.
    @inline(__always)
    static func hash(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(truncatingIfNeeded: n)
        guard let p = bytes.baseAddress else { return Int(bitPattern: UInt(h)) }
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i &+ 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = StrObj.mixWord(h, w)
            i &+= 8
        }
        if i < n { h = StrObj.mixWord(h, loadWord(p + i, n &- i)) }
        return finish(h)
    }

    /// `hash(of:)` of the `n` bytes (at most 16) that `words` holds, little-endian and
    /// zero above them.
    @inline(__always)
    static func hash(words: (UInt64, UInt64), _ n: Int) -> Int {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(truncatingIfNeeded: n)
        if n > 0 { h = StrObj.mixWord(h, words.0) }
        if n > 8 { h = StrObj.mixWord(h, words.1) }
        return finish(h)
    }

    /// The last step of `hash(of:)`: MurmurHash3's finaliser.
    @inline(__always)
    private static func finish(_ hash: UInt64) -> Int {
        var h = hash
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return Int(bitPattern: UInt(h))
    }

    /// One step of `hash(of:)`.
    @inline(__always)
    private static func mixWord(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let x = (h ^ w) &* 0x87c3_7b91_1142_53d5
        return (x << 31) | (x >> 33)
    }

    /// Records a hash already computed over these bytes.
    func presetHash(_ h: Int) {
        cachedHash = h
        hashed = true
    }

    @inline(__always)
    func equals(_ other: StrObj) -> Bool {
        if self === other { return true }
        let n = byteCount
        guard n == other.byteCount else { return false }
        if n <= StrObj.inlineCapacity { return StrObj.sameInline(bodyAddress, other.bodyAddress, n) }
        // Most unequal strings differ in their first byte: no call for those.
        guard storage[0] == other.storage[0] else { return false }
        return memcmp(storage, other.storage, n) == 0
    }

    /// Whether two short strings' first `n` bytes (at most `inlineCapacity`) are the
    /// same, compared as two words each instead of by a call to memcmp (a map lookup by
    /// an equal, not identical, key spent about 30 instructions there). The bytes past
    /// `n` are not kept zero, so they are masked off.
    @inline(__always)
    private static func sameInline(_ p: UnsafeMutableRawPointer, _ q: UnsafeMutableRawPointer, _ n: Int) -> Bool {
        if n == 0 { return true }
        // Most unequal strings differ in their first byte (`ch == "a"` in a loop).
        if p.load(as: UInt8.self) != q.load(as: UInt8.self) { return false }
        let x0 = p.load(as: UInt64.self) ^ q.load(as: UInt64.self)
        if n <= 8 { return x0 & (UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- n &* 8)) == 0 }
        if x0 != 0 { return false }
        let x1 = p.load(fromByteOffset: 8, as: UInt64.self) ^ q.load(fromByteOffset: 8, as: UInt64.self)
        return x1 & (UInt64.max &>> UInt64(truncatingIfNeeded: 128 &- n &* 8)) == 0
    }

    /// The byte offset of scalar `i` (0 <= i <= count).
    func byteOffset(ofScalar i: Int) -> Int {
        if isASCII { return i }
        if i == count { return bytes.count }
        var off = 0
        var remaining = i
        // A string in a pooled buffer (at most 128 bytes) is scanned from the start; a
        // growable one (never indexed by a script, which cannot see it) keeps its buffer
        // as it is.
        if !isInline && sizeClass == 0 && count > 32 && !growable {
            if !hasCheckpoints { buildCheckpoints() }
            off = UnsafeRawPointer(storage + StrObj.checkpointsOffset(byteCount))
                .load(fromByteOffset: (i >> 5) &* 8, as: Int.self)
            remaining = i & 31
        }
        while remaining > 0 {
            off += 1
            while bytes[off] & 0xC0 == 0x80 { off += 1 }
            remaining -= 1
        }
        return off
    }

    /// Where the checkpoints start in a buffer of `byteCount` bytes: the next multiple
    /// of 8.
    @inline(__always)
    private static func checkpointsOffset(_ byteCount: Int) -> Int { (byteCount &+ 7) & ~7 }

    /// Grows the (malloc'd) buffer to hold the checkpoints after the bytes and fills
    /// them in. Strings are immutable, so they stay right for the string's life.
    private func buildCheckpoints() {
        let at = StrObj.checkpointsOffset(byteCount)
        bufferAddress = rawReallocate(bufferAddress, capacity: at &+ (count / 32 &+ 1) &* 8)
        let raw = UnsafeMutableRawPointer(bufferAddress)
        var scalar = 0
        for off in 0..<byteCount where storage[off] & 0xC0 != 0x80 {
            if scalar & 31 == 0 { raw.storeBytes(of: off, toByteOffset: at &+ (scalar >> 5) &* 8, as: Int.self) }
            scalar &+= 1
        }
        flags |= StrObj.checkpointsFlag
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
    func substring(from: Int, to: Int) -> Slice<UnsafeBufferPointer<UInt8>> {
        if from >= to { return bytes[0..<0] }
        let a = byteOffset(ofScalar: from), b = byteOffset(ofScalar: to)
        return bytes[a..<b]
    }

    /// Lexicographic comparison by bytes, which for UTF-8 is the order of scalars.
    func compare(_ other: StrObj) -> Int {
        let c = memcmp(storage, other.storage, min(byteCount, other.byteCount))
        if c != 0 { return c < 0 ? -1 : 1 }
        return byteCount == other.byteCount ? 0 : (byteCount < other.byteCount ? -1 : 1)
    }

    /// Whether `needle` occurs in the bytes at or after `start`; the byte offset if so.
    func find(_ needle: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        let n = needle.count, h = bytes.count
        if n == 0 { return start <= h ? start : nil }
        if n > h { return nil }
        guard let nb = needle.baseAddress else { return nil }
        let first = Int32(nb[0]), last = h - n
        var i = start
        // memchr finds each candidate first byte; memcmp checks the rest.
        while i <= last {
            guard let hit = memchr(storage + i, first, last - i + 1) else { return nil }
            i = storage.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if n == 1 || memcmp(storage + i + 1, nb + 1, n - 1) == 0 { return i }
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

// Medium strings: the bytes of a string of 17 to 64 bytes continue from `body` into the
// subclass's field, so that the string is one malloc chunk (80, 96 or 112 bytes) rather
// than a 64-byte object and a pool buffer of 32 to 64 (textparse.conc's 300,000 lines of
// about 28 bytes took 96 bytes each that way, 80 now; CPython's take 80). Only strings
// made at once are medium; a growable one (see `growable`) and a reused one are plain.
// The subclasses add nothing but room: every method is `StrObj`'s.

final class StrObj32: StrObj {
    private var more: (UInt64, UInt64) = (0, 0)
}

final class StrObj48: StrObj {
    private var more: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
}

final class StrObj64: StrObj {
    private var more: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
}

/// Builds a string's bytes in one growing buffer, then hands the buffer to a `StrObj`
/// without copying (a short or medium string copies the bytes into its object and gives
/// the buffer back).
struct StringBuilder {
    private unowned(unsafe) let pool: BytePool
    private var storage: UnsafeMutablePointer<UInt8>
    private var sizeClass: UInt8
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 32, pool: BytePool) {
        self.pool = pool
        (storage, sizeClass) = pool.buffer(for: capacity)
        self.capacity = sizeClass == 0 ? capacity : BytePool.capacity(of: sizeClass)
    }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(n) }
    }

    @inline(never)
    private mutating func grow(_ n: Int) {
        let newCapacity = max(capacity * 2, count + n)
        if sizeClass == 0 {
            storage = rawReallocate(storage, capacity: newCapacity)
            capacity = newCapacity
            return
        }
        let (p, c) = pool.buffer(for: newCapacity)
        p.initialize(from: storage, count: count)
        pool.release(storage, sizeClass)
        (storage, sizeClass) = (p, c)
        capacity = c == 0 ? newCapacity : BytePool.capacity(of: c)
    }
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (storage + count).initialize(from: base, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        append(UnsafeBufferPointer(rebasing: bytes))
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    /// Appends an int's decimal digits without building a Swift string.
    mutating func append(int value: Int) {
        reserve(20)
        var v = value.magnitude
        if value < 0 { storage[count] = UInt8(ascii: "-"); count += 1 }
        var digits = 1
        var probe = v
        while probe >= 10 { probe /= 10; digits += 1 }
        var at = count + digits - 1
        repeat {
            storage[at] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
            at -= 1
        } while v > 0
        count += digits
    }

    /// Reserves `n` bytes and appends the ones `body` writes there (it returns how many,
    /// at most `n`), so that text can be produced in place.
    @inline(__always)
    mutating func append(reserving n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(n)
        count += body(storage + count)
    }

    /// The bytes built so far.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: storage, count: count))
    }

    /// Frees the buffer of a builder that is not finished.
    func discard() { pool.release(storage, sizeClass) }

    /// The finished string, made by `heap` (which may reuse a dead one); the builder
    /// must not be used afterwards.
    @inline(__always)
    func finish(in heap: Heap) -> Unmanaged<StrObj> {
        heap.newString(adopting: storage, byteCount: count, sizeClass: sizeClass,
                       count: StrObj.scalarCount(storage, count))
    }
}
