// The heap: owner of every object, and its mark-and-sweep collector.
//
// The rules that keep the unmanaged values of Val.swift sound:
// 1. Every object is registered here on creation; the table holds its one strong
//    reference (as a retained `Unmanaged`, so that moving it costs no reference
//    counting). Sweeping releases the reference, and Swift frees the object, or
//    keeps it for reuse.
// 2. The collector runs only at a safe point of the dispatch loop, by the thread that
//    holds the GIL. Between safe points, objects live in Swift locals without being
//    rooted: that is fine, since nothing can free them there.
// 3. At a safe point every live value is in a root: a global slot, a register of some
//    thread's stack below its top frame's last register (all of them are marked, and
//    the slots above are cleared, so no stale slot can point at a freed object), a
//    frame's closure, an open upvalue, or one of the interpreter's permanent objects
//    (built-ins, loaded code).
// 4. Code that runs script code from Swift (`VM.callFunction`) puts the arguments in
//    stack registers of the frame it pushes, so they are roots like any other; it holds
//    no other heap object across the call.

#if canImport(Glibc)
import Glibc
#endif

/// The mark phase's state: the mark bits and the worklist (an explicit stack, so deep
/// structures never recurse natively). Raw buffers that the heap owns, not arrays: an
/// array checked that it was uniquely referenced, by a call, on every object pushed.
struct Marker {
    fileprivate var bits = RawStack<UInt64>()
    /// Unmanaged, so that pushing and popping an object touches no reference count.
    fileprivate var work = RawStack<Unmanaged<Obj>>()
    /// Objects below this table index are old and, in a minor collection, taken as
    /// marked without being traced; the bits cover the objects from here on.
    fileprivate var boundary = 0
    /// The objects the bits cover.
    private var covered = 0

    fileprivate init() {}

    fileprivate func deallocate() {
        bits.deallocate()
        work.deallocate()
    }

    /// Clears the marks for the objects from table index `boundary` to `count`,
    /// keeping the buffers: a fresh large buffer per collection would make malloc
    /// consolidate all its small free chunks each time.
    fileprivate mutating func reset(boundary: Int, count: Int) {
        self.boundary = boundary
        covered = count - boundary
        bits.fill((covered + 63) / 64, with: 0)
        work.removeAll()
    }

    @inline(__always)
    mutating func mark(_ v: Val) {
        if case .object(let u) = v { mark(u) }
    }

    mutating func mark(_ o: Obj) { mark(Unmanaged.passUnretained(o)) }

    @inline(__always)
    mutating func mark(_ u: Unmanaged<Obj>) {
        let (index, kind) = u._withUnsafeGuaranteedRef { ($0.heapIndex, $0.kind) }
        let i = Int(truncatingIfNeeded: index) &- boundary
        if i < 0 { return }
        assert(i < covered, "an object outside the heap's table")
        let word = i >> 6, bit = UInt64(1) << UInt64(i & 63)
        if bits[word] & bit != 0 { return }
        bits[word] |= bit
        // Strings and boxes refer to nothing: marked, they are done. Pushed, a list of
        // 150,000 strings made the worklist 1.2 MB long and called an empty `trace`
        // 150,000 times.
        if kind != .string && kind != .box { work.append(u) }
    }

    fileprivate func isMarked(_ index: Int) -> Bool {
        let i = index - boundary
        return i < 0 || bits[i >> 6] & (UInt64(1) << UInt64(i & 63)) != 0
    }

    /// Whether `o` was reached (for pruning weak tables between mark and sweep).
    func isMarked(_ o: Obj) -> Bool { isMarked(Int(truncatingIfNeeded: o.heapIndex)) }
}

final class Heap {
    /// Every object, each held by one retained reference.
    @exclusivity(unchecked) private var objects = RawStack<Unmanaged<Obj>>(capacity: 1024)
    /// The buffers of short strings' bytes.
    let bytes = BytePool()
    /// Bytes allocated since the last collection (an estimate): new objects and the
    /// growth of old ones.
    @exclusivity(unchecked) private(set) var debt = 0
    /// The part of `debt` that new objects took.
    @exclusivity(unchecked) private var newBytes = 0
    /// Collect when `debt` passes this. A small young generation keeps freshly
    /// allocated memory in the core's 2 MB L2 cache (on the strings and closures
    /// benchmarks a 16 MB threshold missed L2 twenty times as often, simulated with
    /// cachegrind, and ran about 20% slower), and lets the spare objects (below) cover
    /// all that one collection frees: at 256 KB, about 2,600 small lists or 3,000
    /// short strings, `[i, i]` cost 277 instructions and `str(i)` 591 when this was
    /// chosen; at 1 MB, with 4,096 spares, 604 and 816, since most dead objects then
    /// went back to malloc. (The README's "How it is built" has the whole object model.)
    static let minimumThreshold = 256 << 10
    /// The old generation may reach this before the first major collection. Every
    /// minor collection promotes the objects alive at that moment, most of which die
    /// soon after; at 4 MB those piled up until a major collection, and strings.conc's
    /// peak grew with its run length (10.8 MB at 100,000 iterations, 11.7 at 200,000).
    /// At 1 MB it stays at 9.5 MB however long it runs, for no more time (measured
    /// with the dynamically linked binary).
    private static let majorFloor = 1 << 20
    /// An estimate of the bytes alive after the last collection: exact after a major
    /// one; after a minor one, the old generation, dead objects included.
    private(set) var liveBytes = 0

    /// Objects `[0, oldCount)` of the table are old: they survived a collection. The
    /// others were made since the last one. Every collection promotes every survivor.
    @exclusivity(unchecked) private var oldCount = 0
    /// Old objects that were given a young object since the last collection (the
    /// write barrier's set; see `remember`).
    @exclusivity(unchecked) private var remembered = RawStack<Unmanaged<Obj>>()
    /// Old handles. Their fields change under the runtime's own locks, without the
    /// barrier, so every minor collection traces them.
    private var oldHandles: [Unmanaged<Obj>] = []
    /// A major collection is due once the old generation passes this: twice what
    /// survived the last major one.
    private var majorThreshold = Heap.majorFloor
    private(set) var minorCollections = 0
    /// Set when a collection is due; the dispatch loop checks it at its safe point.
    @exclusivity(unchecked) var collectionDue = false
    /// Collect at every safe point (`CONC_GC_STRESS=1`), to test that every root is
    /// found: a missed one shows up at once as a wrong value or a crash.
    var stress = getenv("CONC_GC_STRESS") != nil
    /// Objects that stay alive whatever happens (built-ins, loaded code).
    private var permanent: [Obj] = []
    /// The heap limit in bytes (0: none).
    var limit = 0

    /// Whether one object of `bytes` bytes could never fit under the limit. The limit
    /// is otherwise checked after a collection, once the memory is taken; an operation
    /// that builds a single huge object (`"x" * 4294967296`) asks first, so it raises
    /// `MemoryError` instead of making the host allocate gigabytes (found by the fuzzer).
    func exceedsLimit(_ bytes: Int) -> Bool { limit > 0 && bytes > limit }
    private(set) var collections = 0
    /// The mark bits and worklist, kept between collections.
    private var reusableMarker = Marker()

    var objectCount: Int { objects.count }

    /// Dead strings, small lists and small maps that the sweep kept to be reused by the next
    /// allocations. A fresh Swift object costs a malloc and its initialisation, and
    /// freeing it a release, a deinit and a free: together about 370 instructions,
    /// more than the rest of `str(i)` or `[a, b]` (measured with callgrind). A reused
    /// object costs its fields' stores.
    /// Each holds one retained reference, like `objects`.
    @exclusivity(unchecked) private var spareStrings = RawStack<Unmanaged<StrObj>>()
    @exclusivity(unchecked) private var spareLists = RawStack<Unmanaged<ListObj>>()
    @exclusivity(unchecked) private var spareMaps = RawStack<Unmanaged<MapObj>>()
    /// Dead medium strings (see `StrObj.medium`), by their object's size: 32, 48 and
    /// 64 bytes of text. Without them strmethods.conc, whose pieces are mostly of
    /// that length, ran 27% more instructions in malloc and free.
    @exclusivity(unchecked) private var spareMedium32 = RawStack<Unmanaged<StrObj>>()
    @exclusivity(unchecked) private var spareMedium48 = RawStack<Unmanaged<StrObj>>()
    @exclusivity(unchecked) private var spareMedium64 = RawStack<Unmanaged<StrObj>>()
    /// At most this many of each are kept: more than a minor collection frees of
    /// either, and under half a megabyte. Keeping 16,384 (with a 1 MB young
    /// generation) added 4 MB to the peak memory of the string benchmarks (17.4 MB
    /// against 13.0 MB on strings.conc) for no fewer instructions.
    static let spareLimit = 1 << 12

    init() {
        assert(StrObj.measuredBodyOffset() == StrObj.bodyOffset, "StrObj.bodyOffset is not where the compiler put `body`")
    }

    /// A new string of `byteCount` bytes (at most `StrObj.maxByteCount`) and `count`
    /// scalars, and where the caller writes its bytes, right away (see
    /// `StrObj.init(byteCount:count:pool:)`).
    @inline(__always)
    func newString(byteCount: Int, count: Int) -> (Unmanaged<StrObj>, UnsafeMutablePointer<UInt8>) {
        let s: Unmanaged<StrObj>
        if byteCount > StrObj.inlineCapacity && byteCount <= StrObj.largestMedium {
            s = newMediumString(byteCount: byteCount, count: count)
        } else if let spare = spareStrings.popLast() {
            spare._withUnsafeGuaranteedRef { $0.reuse(byteCount: byteCount, count: count, pool: bytes) }
            s = enter(spare)
        } else {
            s = adopt(StrObj(byteCount: byteCount, count: count, pool: bytes))
        }
        return (s, s._withUnsafeGuaranteedRef { $0.storage })
    }

    /// A new medium string (see `StrObj.medium`): a spare one of its size if there is one.
    /// Out of line, so that `newString(byteCount:count:)` stays small enough to inline.
    @inline(never)
    private func newMediumString(byteCount: Int, count: Int) -> Unmanaged<StrObj> {
        let spare: Unmanaged<StrObj>?
        switch StrObj.mediumUnits(for: byteCount) {
        case 1: spare = spareMedium32.popLast()
        case 2: spare = spareMedium48.popLast()
        default: spare = spareMedium64.popLast()
        }
        guard let spare else { return adopt(StrObj.medium(byteCount: byteCount, count: count)) }
        spare._withUnsafeGuaranteedRef { $0.reuseMedium(byteCount: byteCount, count: count) }
        return enter(spare)
    }

    /// Keeps a dead medium string for `newMediumString`, if there is room; returns
    /// whether it did.
    @inline(__always)
    private func keepMedium(_ s: Unmanaged<StrObj>, units: Int) -> Bool {
        switch units {
        case 1 where spareMedium32.count < Heap.spareLimit: spareMedium32.append(s)
        case 2 where spareMedium48.count < Heap.spareLimit: spareMedium48.append(s)
        case 3 where spareMedium64.count < Heap.spareLimit: spareMedium64.append(s)
        default: return false
        }
        return true
    }

    /// A new string of the `n` bytes (at most `StrObj.inlineCapacity`) that `words`
    /// holds, little-endian, and `count` scalars.
    @inline(__always)
    func newString(words: (UInt64, UInt64), _ n: Int, count: Int) -> Unmanaged<StrObj> {
        if let s = spareStrings.popLast() {
            s._withUnsafeGuaranteedRef { $0.reuse(words: words, n, count: count) }
            return enter(s)
        }
        return adopt(StrObj(words: words, n, count: count))
    }

    /// A new string that takes ownership of `storage`, a buffer from this heap's pool
    /// (see `StrObj.init(adopting:)`); a short string's bytes are copied into the
    /// object and the buffer given back.
    @inline(__always)
    func newString(adopting storage: UnsafeMutablePointer<UInt8>, byteCount: Int, sizeClass: UInt8, count: Int) -> Unmanaged<StrObj> {
        if byteCount <= StrObj.largestMedium || byteCount > StrObj.maxByteCount {
            return newString(notAdopting: storage, byteCount: byteCount, sizeClass: sizeClass, count: count)
        }
        if let s = spareStrings.popLast() {
            s._withUnsafeGuaranteedRef {
                $0.reuse(adopting: storage, byteCount: byteCount, sizeClass: sizeClass, count: count)
            }
            return enter(s)
        }
        return adopt(StrObj(adopting: storage, byteCount: byteCount, sizeClass: sizeClass, count: count))
    }

    /// `newString(adopting:...)` of a buffer the string cannot keep: a short or medium
    /// string's bytes are copied into the object, a string past `StrObj.maxByteCount`
    /// refused; the buffer is given back. Out of line, so that the callers' code stays
    /// small.
    @inline(never)
    private func newString(notAdopting storage: UnsafeMutablePointer<UInt8>, byteCount: Int, sizeClass: UInt8, count: Int) -> Unmanaged<StrObj> {
        defer { bytes.release(storage, sizeClass) }
        if byteCount > StrObj.maxByteCount { return newString(byteCount: refuseLongString(), count: 0).0 }
        if byteCount <= StrObj.inlineCapacity { return newString(words: loadWords(storage, byteCount), byteCount, count: count) }
        let (s, p) = newString(byteCount: byteCount, count: count)
        copyBytes(storage, p, byteCount)
        return s
    }

    /// A new string with a copy of `bytes` (at most `StrObj.maxByteCount`), which must
    /// be valid UTF-8 (and ASCII when `ascii` says so: then the scalars need no counting).
    @inline(__always)
    func newString(copying bytes: UnsafeBufferPointer<UInt8>, ascii: Bool = false) -> Unmanaged<StrObj> {
        let n = bytes.count
        guard let base = bytes.baseAddress, n <= StrObj.maxByteCount else {
            return newString(byteCount: n == 0 ? 0 : refuseLongString(), count: 0).0
        }
        let (s, p) = newString(byteCount: n, count: ascii ? n : StrObj.scalarCount(base, n))
        copyBytes(base, p, n)
        return s
    }

    /// Set when a string longer than `StrObj.maxByteCount` was asked for: the safe point
    /// then stops the script with a MemoryError. The operations a script can make such a
    /// string with (`+`, `*`, `join`, `replace`, interpolation) refuse it themselves,
    /// with a MemoryError it can catch; this catches the rest (a file of 4 GiB read
    /// whole), which get an empty string in its place until then.
    @exclusivity(unchecked) var refusedLongString = false

    /// Records a refused string (see `refusedLongString`); returns its stand-in's length, 0.
    @inline(never)
    func refuseLongString() -> Int {
        refusedLongString = true
        collectionDue = true
        return 0
    }

    /// A new empty list with room for `capacity` elements.
    @inline(__always)
    func newList(capacity: Int) -> Unmanaged<ListObj> {
        if let l = spareLists.popLast() {
            _ = l._withUnsafeGuaranteedRef { $0.reuse(capacity: capacity, pool: bytes) }
            return enter(l)
        }
        return adopt(ListObj(capacity: capacity, pool: bytes))
    }

    /// A new empty map with room for `capacity` entries.
    @inline(__always)
    func newMap(capacity: Int) -> Unmanaged<MapObj> {
        if let m = spareMaps.popLast() {
            m._withUnsafeGuaranteedRef { $0.reuse(capacity: capacity) }
            return enter(m)
        }
        return adopt(MapObj(capacity: capacity))
    }

    /// Registers a new object; every allocation goes through here.
    @discardableResult
    func register<T: Obj>(_ o: T) -> T {
        o.heapIndex = Int32(truncatingIfNeeded: objects.count)
        objects.append(Unmanaged<Obj>.passRetained(o))
        newBytes &+= o.byteSize
        noteAllocation(o.byteSize)
        return o
    }

    /// Registers a new object and takes over the caller's reference to it, so no
    /// reference count changes hands (the hot allocation paths use this).
    @inline(__always)
    func adopt<T: Obj>(_ o: consuming T) -> Unmanaged<T> {
        enter(Unmanaged.passRetained(consume o))
    }

    /// Puts an object, with the one reference the table will own, in the table.
    @inline(__always)
    private func enter<T: Obj>(_ u: Unmanaged<T>) -> Unmanaged<T> {
        let size = u._withUnsafeGuaranteedRef { obj in
            obj.heapIndex = Int32(truncatingIfNeeded: objects.count)
            obj.gcState = GCState.young
            return obj.byteSize
        }
        objects.append(Unmanaged<Obj>.fromOpaque(u.toOpaque()))
        newBytes &+= size
        noteAllocation(size)
        return u
    }

    /// Records memory an object grew by after it was registered.
    @inline(__always)
    func noteAllocation(_ bytes: Int) {
        debt &+= bytes
        if debt > Heap.minimumThreshold { collectionDue = true }
    }

    /// The write barrier's slow path: an old object `o` was just given a young one,
    /// which a minor collection, tracing no old object, would otherwise miss. Callers
    /// check `o.gcState == GCState.old` first (see `ListObj.store` and friends).
    @inline(never)
    func remember(_ o: Obj) {
        o.gcState = GCState.remembered
        remembered.append(Unmanaged.passUnretained(o))
    }

    func makePermanent(_ o: Obj) { permanent.append(o) }


    /// Whether the collection due now should be a major one.
    var majorDue: Bool {
        stress ? collections % 16 == 0 : liveBytes > majorThreshold
    }

    /// Marks from the given roots, lets `pruneWeak` forget what is about to die, then
    /// frees everything unmarked. A minor collection (`major` false) marks and sweeps
    /// only the young generation: old objects count as reached, and the remembered
    /// set and the old handles stand in for the old generation's references to young
    /// objects. A major one marks and sweeps everything.
    func collect(major: Bool, markRoots: (inout Marker) -> Void, pruneWeak: (borrowing Marker) -> Void) {
        // A copy that shares the buffers (the copy left behind is stale until the end).
        var marker = reusableMarker
        defer { reusableMarker = marker }
        let boundary = major ? 0 : oldCount
        marker.reset(boundary: boundary, count: objects.count)
        for o in permanent { marker.mark(o) }
        markRoots(&marker)
        if !major {
            for u in remembered.elements { u._withUnsafeGuaranteedRef { $0.traceRemembered(&marker) } }
            for u in oldHandles { u._withUnsafeGuaranteedRef { $0.trace(&marker) } }
        }
        // Each object reached is traced, promoted, and its bytes counted here, while
        // its memory is at hand, rather than in the sweep, which would touch every
        // live object again. In a minor collection these are the young survivors.
        var live = 0
        while let u = marker.work.popLast() {
            live &+= u._withUnsafeGuaranteedRef { o in
                o.trace(&marker)
                if o.gcState == GCState.young {
                    o.gcState = GCState.old
                    if o.kind == .handle { oldHandles.append(u) }
                }
                return o.byteSize
            }
        }
        for u in remembered.elements {
            u._withUnsafeGuaranteedRef { o in
                o.gcState = GCState.old
                o.forgetWrites()
            }
        }
        remembered.removeAll()
        if major { oldHandles.removeAll { !marker.isMarked($0.takeUnretainedValue()) } }
        pruneWeak(marker)
        // Sweep: move the last object into each hole, so the table stays dense. Only the
        // moved object's index is written.
        var i = boundary
        var end = objects.count
        while i < end {
            if marker.isMarked(i) {
                i += 1
                continue
            }
            end -= 1
            // Find the last marked object to move into slot i.
            while end > i && !marker.isMarked(end) { end -= 1 }
            if end > i {
                objects.swapAt(i, end)
                objects[i]._withUnsafeGuaranteedRef { $0.heapIndex = Int32(truncatingIfNeeded: i) }
                i += 1
            }
        }
        // Everything from `end` on is dead: small strings, lists and maps are kept for reuse,
        // the rest released (a string's pooled bytes go back to the pool first).
        for k in end..<objects.count {
            let u = objects[k]
            switch u._withUnsafeGuaranteedRef({ $0.kind }) {
            case .string:
                let s = Unmanaged<StrObj>.fromOpaque(u.toOpaque())
                let units = s._withUnsafeGuaranteedRef { $0.mediumUnits }
                if units != 0 {
                    if keepMedium(s, units: units) { continue }
                } else if spareStrings.count < Heap.spareLimit {
                    s._withUnsafeGuaranteedRef { $0.retire(to: bytes) }
                    spareStrings.append(s)
                    continue
                }
                s._withUnsafeGuaranteedRef { $0.returnBytes(to: bytes) }
            case .list:
                let l = Unmanaged<ListObj>.fromOpaque(u.toOpaque())
                if spareLists.count < Heap.spareLimit && l._withUnsafeGuaranteedRef({ $0.isReusable }) {
                    spareLists.append(l)
                    continue
                }
                l._withUnsafeGuaranteedRef { $0.returnBuffer(to: bytes) }
            case .map:
                let m = Unmanaged<MapObj>.fromOpaque(u.toOpaque())
                if spareMaps.count < Heap.spareLimit && m._withUnsafeGuaranteedRef({ $0.isReusable }) {
                    spareMaps.append(m)
                    continue
                }
            default:
                break
            }
            u.release()
        }
        objects.truncate(to: end)
        oldCount = objects.count
        if major {
            liveBytes = live
            majorThreshold = max(Heap.majorFloor, 2 * live)
        } else {
            // The old generation grew by what was promoted and by what old objects
            // grew by (the debt that new objects did not take).
            liveBytes &+= live &+ max(0, debt &- newBytes)
            minorCollections += 1
        }
        debt = 0
        newBytes = 0
        collectionDue = false
        collections += 1
    }

    deinit {
        releaseAll()
        objects.deallocate()
        remembered.deallocate()
        spareStrings.deallocate()
        spareLists.deallocate()
        spareMaps.deallocate()
        reusableMarker.deallocate()
        spareMedium32.deallocate()
        spareMedium48.deallocate()
        spareMedium64.deallocate()
    }

    /// Frees every object (the interpreter is going away).
    func releaseAll() {
        permanent.removeAll()
        for s in spareStrings.elements { s.release() }
        for l in spareLists.elements { l.release() }
        for m in spareMaps.elements { m.release() }
        for spares in [spareMedium32, spareMedium48, spareMedium64] { for s in spares.elements { s.release() } }
        for o in objects.elements { o.release() }
        spareStrings.removeAll()
        spareLists.removeAll()
        spareMedium32.removeAll()
        spareMedium48.removeAll()
        spareMedium64.removeAll()
        spareMaps.removeAll()
        objects.removeAll()
    }
}
