// Buffers for the bytes of short strings, recycled by size class.
//
// Every string owns a buffer of bytes beside its object. Made with malloc, that is two
// allocations per string and, after each collection, two frees per dead string, which
// together cost string-heavy code about a fifth of its instructions. Buffers of up to
// 128 bytes come from here instead: eight classes 16 bytes apart, each a free list
// threaded through the free buffers themselves and fed from 64 KB slabs, so taking or
// giving back a buffer is a handful of instructions. The collector gives a dead
// string's buffer back when it sweeps. Slabs return to the system when the
// interpreter goes away, not before.
//
// One pool per heap, used only by the thread that holds the GIL.

#if canImport(Glibc)
import Glibc
#endif

final class BytePool {
    /// The largest buffer the pool serves; longer strings use malloc.
    static let largest = 128
    private static let slabSize = 64 << 10

    /// The free list of each class (index 1...8; 0 is unused).
    private let heads: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private var slabs: [UnsafeMutableRawPointer] = []

    init() {
        heads = .allocate(capacity: 9)
        heads.initialize(repeating: nil, count: 9)
    }

    deinit {
        for s in slabs { free(s) }
        heads.deallocate()
    }

    /// The class that serves `n` bytes: 1...8, or 0 for malloc.
    @inline(__always)
    static func sizeClass(for n: Int) -> UInt8 {
        n <= largest ? UInt8(truncatingIfNeeded: (max(n, 1) &+ 15) >> 4) : 0
    }

    /// The bytes a buffer of class `c` holds.
    @inline(__always)
    static func capacity(of c: UInt8) -> Int { Int(c) << 4 }

    /// A buffer for at least `n` bytes and its class (0: from malloc, to be freed there).
    @inline(__always)
    func buffer(for n: Int) -> (UnsafeMutablePointer<UInt8>, UInt8) {
        let c = BytePool.sizeClass(for: n)
        if c == 0 { return (rawAllocate(UInt8.self, capacity: n), 0) }
        let raw: UnsafeMutableRawPointer
        if let p = heads[Int(c)] {
            heads[Int(c)] = p.load(as: UnsafeMutableRawPointer?.self)
            raw = p
        } else {
            raw = carve(BytePool.capacity(of: c))
        }
        return (raw.bindMemory(to: UInt8.self, capacity: BytePool.capacity(of: c)), c)
    }

    /// Gives back a buffer that `buffer(for:)` returned with class `c`.
    @inline(__always)
    func release(_ p: UnsafeMutablePointer<UInt8>, _ c: UInt8) {
        if c == 0 { rawFree(p); return }
        let raw = UnsafeMutableRawPointer(p)
        raw.storeBytes(of: heads[Int(c)], as: UnsafeMutableRawPointer?.self)
        heads[Int(c)] = raw
    }

    private func carve(_ size: Int) -> UnsafeMutableRawPointer {
        if remaining < size {
            guard let slab = malloc(BytePool.slabSize) else { fatalError("out of memory allocating a string slab") }
            slabs.append(slab)
            cursor = slab
            remaining = BytePool.slabSize
        }
        let p = cursor!
        cursor = p + size
        remaining -= size
        return p
    }
}
