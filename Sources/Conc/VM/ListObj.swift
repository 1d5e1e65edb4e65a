// Conc lists: a growable buffer of values, managed by hand.
//
// `Val` is trivially copyable, so a raw buffer needs no per-element retain or release,
// and the dispatch loop reads elements without the uniqueness and exclusivity checks a
// Swift `Array` stored in a class would cost.

final class ListObj: Obj {
    @exclusivity(unchecked) private(set) var buf: UnsafeMutablePointer<Val>
    @exclusivity(unchecked) private(set) var count: Int
    @exclusivity(unchecked) private var capacity: Int

    init(capacity: Int = 0) {
        // Exactly the room asked for (a literal `[a, b]` never grows), and some room
        // for an empty list, which will.
        self.capacity = capacity > 0 ? capacity : 4
        buf = rawAllocate(Val.self, capacity: self.capacity)
        count = 0
        super.init(kind: .list)
    }

    convenience init<S: Collection>(_ items: S) where S.Element == Val {
        self.init(capacity: items.count)
        for v in items { append(v) }
    }

    deinit { rawFree(buf) }

    /// Whether the heap keeps this list for reuse once it is dead: only small ones, so
    /// that no large buffer outlives its list.
    var isReusable: Bool { capacity <= 16 }

    /// Makes a dead list an empty one with room for `n` elements, keeping its buffer:
    /// what `init(capacity:)` does without an allocation. Returns the bytes the buffer
    /// grew by.
    @inline(__always)
    func reuse(capacity n: Int) -> Int {
        count = 0
        return reserve(n)
    }

    override var typeName: String { "list" }
    override var isTruthy: Bool { count != 0 }
    override var byteSize: Int { 48 + capacity * MemoryLayout<Val>.stride }

    override func trace(_ marker: inout Marker) {
        for i in 0..<count { marker.mark(buf[i]) }
    }

    @inline(__always)
    subscript(i: Int) -> Val {
        get { buf[i] }
        set { buf[i] = newValue }
    }

    var items: UnsafeMutableBufferPointer<Val> { UnsafeMutableBufferPointer(start: buf, count: count) }

    /// Makes room for `n` more elements; returns the bytes the buffer grew by.
    @discardableResult
    func reserve(_ n: Int) -> Int {
        let need = count + n
        if need <= capacity { return 0 }
        let newCap = max(need, capacity * 2)
        buf = rawReallocate(buf, capacity: newCap)
        let grown = (newCap - capacity) * MemoryLayout<Val>.stride
        capacity = newCap
        return grown
    }

    /// Appends and tells the heap how much the buffer grew, so a list that only grows
    /// still paces the collector and counts against the heap limit.
    @inline(__always)
    func append(_ v: Val, heap: Heap) {
        if count == capacity { heap.noteAllocation(reserve(1)) }
        (buf + count).initialize(to: v)
        count += 1
    }

    @inline(__always)
    func append(_ v: Val) {
        if count == capacity { reserve(1) }
        (buf + count).initialize(to: v)
        count += 1
    }

    func insert(_ v: Val, at i: Int) {
        reserve(1)
        (buf + i + 1).moveInitialize(from: buf + i, count: count - i)
        (buf + i).initialize(to: v)
        count += 1
    }

    @discardableResult
    func remove(at i: Int) -> Val {
        let v = buf[i]
        (buf + i).moveInitialize(from: buf + i + 1, count: count - i - 1)
        count -= 1
        return v
    }

    func reverse() {
        var i = 0, j = count - 1
        while i < j {
            swap(&buf[i], &buf[j])
            i += 1
            j -= 1
        }
    }

    /// Replaces the contents (used by `sort`).
    func replace(with items: [Val]) {
        count = 0
        reserve(items.count)
        for v in items { append(v) }
    }
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
