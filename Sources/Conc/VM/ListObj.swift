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
        self.capacity = max(capacity, 4)
        buf = rawAllocate(Val.self, capacity: self.capacity)
        count = 0
        super.init(kind: .list)
    }

    convenience init<S: Collection>(_ items: S) where S.Element == Val {
        self.init(capacity: items.count)
        for v in items { append(v) }
    }

    deinit { rawFree(buf) }

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
final class RangeObj: Obj {
    let start: Int, stop: Int, step: Int

    init(start: Int, stop: Int, step: Int) {
        self.start = start
        self.stop = stop
        self.step = step
        super.init(kind: .range)
    }

    override var typeName: String { "range" }
    override var isTruthy: Bool { count > 0 }

    var count: Int {
        if step > 0 {
            return start >= stop ? 0 : Int((UInt(bitPattern: stop &- start) &- 1) / UInt(step)) + 1
        }
        return start <= stop ? 0 : Int((UInt(bitPattern: start &- stop) &- 1) / UInt(bitPattern: 0 &- step)) + 1
    }
}
