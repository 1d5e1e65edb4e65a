// Conc lists: a growable buffer of values, managed by hand.
//
// The buffer holds each value packed into a word (see Packed.swift), so a list takes
// eight bytes an element, as CPython's does. A word is trivially copyable, so the raw
// buffer needs no per-element retain or release, and the dispatch loop reads elements
// without the uniqueness and exclusivity checks a Swift `Array` stored in a class would
// cost.

final class ListObj: Obj {
    @exclusivity(unchecked) private(set) var buf: UnsafeMutablePointer<Packed>
    @exclusivity(unchecked) private(set) var count: Int
    @exclusivity(unchecked) private var capacity: Int
    /// While the list is remembered (see Heap.swift): the lowest index it may hold a
    /// young object at. Elements below it were there, old, at the last collection.
    @exclusivity(unchecked) private var dirtyFrom = Int.max

    /// A list whose buffer comes from malloc.
    init(capacity: Int = 0) {
        // Exactly the room asked for (a literal `[a, b]` never grows), and some room
        // for an empty list, which will.
        self.capacity = ListObj.roomFor(capacity)
        buf = rawAllocate(Packed.self, capacity: self.capacity)
        count = 0
        super.init(kind: .list)
    }

    /// A list whose buffer comes from `pool` when it is small (`byteClass` then says
    /// its class): a small list is then one malloc'd object and a pooled buffer with no
    /// malloc header. Only the heap makes these (`Heap.newList`), since it must give
    /// the buffer back to the pool when the list dies (see `returnBuffer`).
    init(capacity: Int, pool: BytePool) {
        let n = ListObj.roomFor(capacity)
        (buf, self.capacity) = ListObj.buffer(for: n, pool: pool)
        count = 0
        super.init(kind: .list)
        byteClass = BytePool.sizeClass(for: n * MemoryLayout<Packed>.stride)
    }

    /// A list that takes `items`, a buffer from `rawAllocate`, as its own.
    init(adopting items: UnsafeMutableBufferPointer<Packed>) {
        buf = items.baseAddress ?? rawAllocate(Packed.self, capacity: 1)
        count = items.count
        capacity = max(items.count, 1)
        super.init(kind: .list)
    }

    /// A list of `items`; `heap` boxes those that need it.
    convenience init<S: Collection>(_ items: S, heap: Heap) where S.Element == Val {
        self.init(capacity: items.count)
        for v in items {
            (buf + count).initialize(to: Packed(v, heap: heap))
            count += 1
        }
    }

    deinit { if byteClass == 0 { rawFree(buf) } }

    @inline(__always)
    private static func roomFor(_ n: Int) -> Int { n > 0 ? n : 4 }

    /// A buffer for `n` values, from the pool when it fits there, and the values it
    /// holds.
    @inline(__always)
    private static func buffer(for n: Int, pool: BytePool) -> (UnsafeMutablePointer<Packed>, Int) {
        let bytes = n * MemoryLayout<Packed>.stride
        if BytePool.sizeClass(for: bytes) == 0 { return (rawAllocate(Packed.self, capacity: n), n) }
        let (p, c) = pool.buffer(for: bytes)
        let raw = UnsafeMutableRawPointer(p)
        return (raw.bindMemory(to: Packed.self, capacity: n), BytePool.capacity(of: c) / MemoryLayout<Packed>.stride)
    }

    /// Gives a dead list's pooled buffer back to the pool (the sweep calls this before
    /// it releases the list; the list must not be used afterwards).
    func returnBuffer(to pool: BytePool) {
        if byteClass != 0 {
            pool.release(UnsafeMutableRawPointer(buf).assumingMemoryBound(to: UInt8.self), byteClass)
            byteClass = 0
            buf = rawAllocate(Packed.self, capacity: 1)
            capacity = 1
            count = 0
        }
    }

    /// Whether the heap keeps this list for reuse once it is dead: only small ones, so
    /// that no large buffer outlives its list (4,096 spares of up to 8 elements hold at
    /// most 768 KB; with up to 16, strings.conc peaked 1 MB higher).
    var isReusable: Bool { capacity <= 8 }

    /// Makes a dead list an empty one with room for `n` elements, keeping its buffer:
    /// what `init(capacity:)` does without an allocation. Returns the bytes the buffer
    /// grew by.
    @inline(__always)
    func reuse(capacity n: Int, pool: BytePool) -> Int {
        count = 0
        return reserve(n, pool: pool)
    }

    override var typeName: String { "list" }
    override var isTruthy: Bool { count != 0 }
    /// The object (64 bytes from malloc), its table slot and its buffer.
    override var byteSize: Int { 80 + capacity * MemoryLayout<Packed>.stride }

    override func trace(_ marker: inout Marker) {
        for i in 0..<count { marker.mark(buf[i]) }
    }

    override func traceRemembered(_ marker: inout Marker) {
        var i = max(dirtyFrom, 0)
        while i < count {
            marker.mark(buf[i])
            i += 1
        }
    }

    override func forgetWrites() { dirtyFrom = Int.max }

    /// The write barrier, after `v` was stored at index `i`.
    @inline(__always)
    func noteStored(_ v: Packed, at i: Int, heap: Heap) {
        if gcState != GCState.young && v.isYoungObject { noteYoung(at: i, heap: heap) }
    }

    @inline(never)
    private func noteYoung(at i: Int, heap: Heap) {
        if gcState == GCState.old {
            heap.remember(self)
            dirtyFrom = i
        } else {
            dirtyFrom = min(dirtyFrom, i)
        }
    }

    /// Elements from index `i` on moved: a remembered list's young ones may now sit
    /// lower than `dirtyFrom`.
    @inline(__always)
    private func noteMoved(from i: Int) {
        if gcState == GCState.remembered { dirtyFrom = min(dirtyFrom, i) }
    }

    @inline(__always)
    subscript(i: Int) -> Val { buf[i].val }

    /// Stores `v` at index `i` (`0 <= i < count`).
    @inline(__always)
    func store(_ v: Val, at i: Int, heap: Heap) {
        let p = Packed(v, heap: heap)
        buf[i] = p
        noteStored(p, at: i, heap: heap)
    }

    /// The elements, unpacked as they are read. Valid until the list next changes.
    var items: ListItems { ListItems(base: buf, count: count) }

    /// The packed elements.
    var words: UnsafeBufferPointer<Packed> { UnsafeBufferPointer(start: buf, count: count) }

    /// Makes room for `n` more elements; returns the bytes the buffer grew by. Inlined
    /// for its test, which is all a list made or reused with room enough does.
    @discardableResult
    @inline(__always)
    func reserve(_ n: Int, pool: BytePool) -> Int {
        let need = count + n
        return need <= capacity ? 0 : grow(to: need, pool: pool)
    }

    /// Grows the buffer to hold at least `need` elements; returns the bytes it grew
    /// by. A pooled buffer moves to a bigger pooled one or to malloc, and goes back to
    /// `pool`.
    @inline(never)
    private func grow(to need: Int, pool: BytePool) -> Int {
        let newCap = max(need, capacity * 2)
        let grown = (newCap - capacity) * MemoryLayout<Packed>.stride
        if byteClass == 0 {
            buf = rawReallocate(buf, capacity: newCap)
            capacity = newCap
        } else {
            let (fresh, room) = ListObj.buffer(for: newCap, pool: pool)
            fresh.moveInitialize(from: buf, count: count)
            pool.release(UnsafeMutableRawPointer(buf).assumingMemoryBound(to: UInt8.self), byteClass)
            buf = fresh
            capacity = room
            byteClass = BytePool.sizeClass(for: newCap * MemoryLayout<Packed>.stride)
        }
        return grown
    }

    /// Appends and tells the heap how much the buffer grew, so a list that only grows
    /// still paces the collector and counts against the heap limit.
    @inline(__always)
    func append(_ v: Val, heap: Heap) {
        if count == capacity { heap.noteAllocation(reserve(1, pool: heap.bytes)) }
        let p = Packed(v, heap: heap)
        (buf + count).initialize(to: p)
        noteStored(p, at: count, heap: heap)
        count += 1
    }

    /// Fills a list just made with room for at least `n` elements (it is young, so
    /// needs no write barrier): the items of a literal `[a, b]`.
    @inline(__always)
    func fillNew(from items: UnsafePointer<Val>, count n: Int, heap: Heap) {
        for i in 0..<n { (buf + i).initialize(to: Packed(items[i], heap: heap)) }
        count = n
    }

    /// Appends to a list made since the last safe point, which is young, so needs no
    /// write barrier; like `append`, tells the heap how much the buffer grew.
    @inline(__always)
    func appendToNew(_ v: Val, heap: Heap) {
        if count == capacity { heap.noteAllocation(reserve(1, pool: heap.bytes)) }
        (buf + count).initialize(to: Packed(v, heap: heap))
        count += 1
    }

    /// `appendToNew` of a word from another list of the same heap.
    @inline(__always)
    func appendToNew(packed p: Packed, heap: Heap) {
        if count == capacity { heap.noteAllocation(reserve(1, pool: heap.bytes)) }
        (buf + count).initialize(to: p)
        count += 1
    }

    func insert(_ v: Val, at i: Int, heap: Heap) {
        heap.noteAllocation(reserve(1, pool: heap.bytes))
        let p = Packed(v, heap: heap)
        (buf + i + 1).moveInitialize(from: buf + i, count: count - i)
        (buf + i).initialize(to: p)
        count += 1
        noteStored(p, at: i, heap: heap)
    }

    @discardableResult
    func remove(at i: Int) -> Val {
        let v = buf[i].val
        (buf + i).moveInitialize(from: buf + i + 1, count: count - i - 1)
        count -= 1
        noteMoved(from: i)
        return v
    }

    func reverse() {
        noteMoved(from: 0)
        var i = 0, j = count - 1
        while i < j {
            swap(&buf[i], &buf[j])
            i += 1
            j -= 1
        }
    }

    func removeAll() { count = 0 }

    /// Replaces the contents with words of this heap (used by `sort`).
    func replace(with items: UnsafeBufferPointer<Packed>, heap: Heap) {
        count = 0
        heap.noteAllocation(reserve(items.count, pool: heap.bytes))
        if let base = items.baseAddress { buf.update(from: base, count: items.count) }
        count = items.count
        noteMoved(from: 0)
        if gcState == GCState.old { for i in 0..<count { noteStored(buf[i], at: i, heap: heap) } }
    }
}

/// A list's elements, unpacked as they are read.
struct ListItems: RandomAccessCollection {
    let base: UnsafeMutablePointer<Packed>
    let count: Int
    var startIndex: Int { 0 }
    var endIndex: Int { count }
    subscript(i: Int) -> Val { @inline(__always) get { base[i].val } }
}

/// A lazy `range(start, stop, step)`, as in Python 3.
///
/// A range may hold more elements than `Int.max` (`range(-2**63, 2**63 - 1)` holds
/// 2**64 - 1), so its length and the arithmetic on its elements are done in `Int128`,
/// where none of them can overflow.
final class RangeObj: Obj {
    let start: Int, stop: Int, step: Int

    init(start: Int, stop: Int, step: Int) {
        self.start = start
        self.stop = stop
        self.step = step
        super.init(kind: .range)
    }

    override var typeName: String { "range" }
    override var isTruthy: Bool { step > 0 ? start < stop : start > stop }

    /// The number of elements, exactly.
    var length: Int128 {
        let (lo, hi, by) = step > 0 ? (Int128(start), Int128(stop), Int128(step))
                                    : (Int128(stop), Int128(start), -Int128(step))
        return lo >= hi ? 0 : (hi - lo - 1) / by + 1
    }

    /// The number of elements, or nil when it exceeds `Int.max` (`len` then raises
    /// OverflowError, as Python's does beyond `sys.maxsize`).
    var count: Int? { Int(exactly: length) }

    /// The element at `i`, for `0 <= i < length`: it lies between start and stop, so it fits.
    func element(_ i: Int128) -> Int { Int(truncatingIfNeeded: Int128(start) + i * Int128(step)) }

    /// Whether `x` is an element, exact at the ends of the int range.
    func contains(_ x: Int) -> Bool {
        if step > 0 ? (x < start || x >= stop) : (x > start || x <= stop) { return false }
        return (Int128(x) - Int128(start)) % Int128(step) == 0
    }
}
