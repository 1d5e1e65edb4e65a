// The heap: owner of every object, and its mark-and-sweep collector.
//
// The rules that keep the unmanaged values of Val.swift sound:
// 1. Every object is registered here on creation; the table holds its one strong
//    reference. Sweeping removes the reference, and Swift frees the object.
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
/// structures never recurse natively).
struct Marker {
    fileprivate var bits: [UInt64]
    fileprivate var work: [Obj] = []

    fileprivate init() { bits = [] }

    /// Clears the marks for `count` objects, keeping the buffers: a fresh large buffer
    /// per collection would make malloc consolidate all its small free chunks each time.
    fileprivate mutating func reset(count: Int) {
        bits.removeAll(keepingCapacity: true)
        bits.append(contentsOf: repeatElement(0, count: (count + 63) / 64))
        work.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func mark(_ v: Val) {
        if case .object(let u) = v { mark(u.takeUnretainedValue()) }
    }

    mutating func mark(_ o: Obj) {
        let i = o.heapIndex
        let word = i >> 6, bit = UInt64(1) << UInt64(i & 63)
        if bits[word] & bit != 0 { return }
        bits[word] |= bit
        work.append(o)
    }

    fileprivate func isMarked(_ i: Int) -> Bool {
        bits[i >> 6] & (UInt64(1) << UInt64(i & 63)) != 0
    }

    /// Whether `o` was reached (for pruning weak tables between mark and sweep).
    func isMarked(_ o: Obj) -> Bool { isMarked(o.heapIndex) }
}

final class Heap {
    @exclusivity(unchecked) private var objects: [Obj] = []
    /// The buffers of short strings' bytes.
    let bytes = BytePool()
    /// Bytes allocated since the last collection (an estimate).
    @exclusivity(unchecked) private(set) var debt = 0
    /// Collect when `debt` passes this: the larger of 1 MB and what survived the last
    /// collection. A small young heap costs a few percent more instructions than a
    /// large one but keeps freshly allocated memory in the core's 2 MB L2 cache: on
    /// the strings and closures benchmarks a 16 MB threshold missed L2 twenty times
    /// as often (simulated with cachegrind) and ran about 20% slower.
    private var threshold = Heap.minimumThreshold
    static let minimumThreshold = 1 << 20
    /// Bytes that survived the last collection.
    private(set) var liveBytes = 0
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

    /// Registers a new object; every allocation goes through here.
    @discardableResult
    func register<T: Obj>(_ o: T) -> T {
        o.heapIndex = objects.count
        objects.append(o)
        noteAllocation(o.byteSize)
        return o
    }

    /// Registers a new object and takes over the caller's reference to it, so no
    /// reference count changes hands (the hot allocation paths use this).
    @inline(__always)
    func adopt<T: Obj>(_ o: consuming T) -> Unmanaged<T> {
        let u = Unmanaged.passUnretained(o)
        let size = u._withUnsafeGuaranteedRef { obj in
            obj.heapIndex = objects.count
            return obj.byteSize
        }
        objects.append(consume o)
        noteAllocation(size)
        return u
    }

    /// Records memory an object grew by after it was registered.
    @inline(__always)
    func noteAllocation(_ bytes: Int) {
        debt &+= bytes
        if debt > threshold { collectionDue = true }
    }

    func makePermanent(_ o: Obj) { permanent.append(o) }


    /// Marks from the given roots, lets `pruneWeak` forget what is about to die, then
    /// frees everything unmarked.
    func collect(markRoots: (inout Marker) -> Void, pruneWeak: (borrowing Marker) -> Void) {
        var marker = reusableMarker
        reusableMarker = Marker()
        defer { reusableMarker = marker }
        marker.reset(count: objects.count)
        for o in permanent { marker.mark(o) }
        markRoots(&marker)
        while let o = marker.work.popLast() {
            o.trace(&marker)
        }
        pruneWeak(marker)
        // Sweep: move the last object into each hole, so the table stays dense. Only the
        // moved object's index is written.
        var i = 0
        var live = 0
        var end = objects.count
        while i < end {
            if marker.isMarked(i) {
                live &+= objects[i].byteSize
                i += 1
                continue
            }
            end -= 1
            // Find the last marked object to move into slot i.
            while end > i && !marker.isMarked(end) { end -= 1 }
            if end > i {
                objects.swapAt(i, end)
                objects[i].heapIndex = i
                live &+= objects[i].byteSize
                i += 1
            }
        }
        // Everything from `end` on is dead.
        for k in end..<objects.count where objects[k].kind == .string {
            unsafeDowncast(objects[k], to: StrObj.self).returnBytes(to: bytes)
        }
        objects.removeSubrange(end..<objects.count)
        liveBytes = live
        debt = 0
        threshold = max(Heap.minimumThreshold, live)
        collectionDue = false
        collections += 1
    }

    /// Frees every object (the interpreter is going away).
    func releaseAll() {
        permanent.removeAll()
        objects.removeAll()
    }
}
