// A growable buffer of trivially copyable elements, for the heap's own tables.
//
// The heap appends to its object table on every allocation and pops its spare objects
// as often. A Swift `Array` stored in a class checks on each of those that its buffer
// is uniquely referenced and may have to grow, about forty instructions together
// (measured with callgrind on `[i, i]` in a loop); this buffer, owned by one object
// and never copied, checks only its capacity.

struct RawStack<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 1)
        base = rawAllocate(Element.self, capacity: self.capacity)
    }

    /// Frees the buffer; the stack must not be used afterwards. (A struct has no
    /// deinit: the owner calls this from its own.)
    func deallocate() { rawFree(base) }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }

    @inline(__always)
    mutating func append(_ e: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: e)
        count &+= 1
    }

    @inline(never)
    private mutating func grow() {
        capacity *= 2
        base = rawReallocate(base, capacity: capacity)
    }

    @inline(__always)
    mutating func popLast() -> Element? {
        if count == 0 { return nil }
        count &-= 1
        return base[count]
    }

    /// Makes the stack `n` copies of `e`.
    mutating func fill(_ n: Int, with e: Element) {
        if n > capacity {
            capacity = max(n, capacity * 2)
            rawFree(base)
            base = rawAllocate(Element.self, capacity: capacity)
        }
        base.initialize(repeating: e, count: n)
        count = n
    }

    /// Forgets the elements from index `n` on (they need no deinitialisation).
    mutating func truncate(to n: Int) { count = min(count, max(n, 0)) }

    mutating func removeAll() { count = 0 }

    func swapAt(_ i: Int, _ j: Int) {
        let t = base[i]
        base[i] = base[j]
        base[j] = t
    }

    /// The elements, valid until the next append.
    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}
