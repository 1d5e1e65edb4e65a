// The base of every heap object, and the kind tag the VM switches on.

/// What a heap object is, so the VM can switch on one byte instead of casting.
enum ObjKind: UInt8 {
    case string, list, map, range, closure, native, boundMethod, proto, upvalue, error
    /// Runtime handles (threads, processes, locks, ...): see `HandleObj`.
    case handle
    /// A number a list or a map cannot pack into a word: see `BoxObj`.
    case box
}

/// A heap object. Exactly one strong reference to it exists: the heap's table. Objects
/// refer to each other through `Unmanaged` or `unowned(unsafe)` references and report
/// them in `trace`, so the collector can find everything reachable.
/// Heap objects are plain mutable data, read and written only by the thread that holds
/// its interpreter's GIL (see `Val`'s `Sendable` conformance).
class Obj {
    final let kind: ObjKind
    /// The object's generation (see Heap.swift): `GCState.young`, `.old`, or
    /// `.remembered` (old, and in the heap's remembered set).
    @exclusivity(unchecked) final var gcState: UInt8 = GCState.young
    /// Two bytes for the subclass, which would otherwise be padding: strings and lists
    /// keep their buffer's `BytePool` class and their flags here.
    @exclusivity(unchecked) final var byteClass: UInt8 = 0
    @exclusivity(unchecked) final var flags: UInt8 = 0
    /// This object's slot in the heap's table; the mark bits live beside the table, not
    /// in the object, so a collection in a forked child writes no object's page.
    /// 32 bits, so that the fields above and this one share the 8 bytes after Swift's
    /// object header: a table of 2**31 objects would take more than 128 GiB, far
    /// beyond what the allocator gives before that.
    @exclusivity(unchecked) final var heapIndex: Int32 = -1

    init(kind: ObjKind) {
        self.kind = kind
    }

    /// The name `type(v)` returns.
    var typeName: String { "object" }

    /// Python-style truthiness; containers override it.
    var isTruthy: Bool { true }

    /// An estimate of the memory this object holds, for the collector's pacing and the
    /// heap limit.
    var byteSize: Int { 48 }

    /// Reports every value this object refers to.
    func trace(_ marker: inout Marker) {}

    /// Reports the values a remembered object may have been given since the last
    /// collection: all of them, unless the object keeps track of where it was written
    /// (a long list that only grows should not be traced whole at every collection).
    func traceRemembered(_ marker: inout Marker) { trace(&marker) }

    /// The object left the remembered set: it may forget where it was written.
    func forgetWrites() {}
}

extension Obj {
    @inline(__always)
    var unmanaged: Unmanaged<Obj> { Unmanaged.passUnretained(self) }
}

extension Unmanaged {
    /// `_withUnsafeGuaranteedRef` for a body with a typed error: the object is used
    /// without a retain and a release, so the caller must keep it alive otherwise.
    @inline(__always)
    func borrow<R, E: Error>(_ body: (Instance) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = _withUnsafeGuaranteedRef { o in Result { () throws(E) -> R in try body(o) } }
        return try result.get()
    }
}

/// The values of `Obj.gcState`.
enum GCState {
    static let young: UInt8 = 0
    static let old: UInt8 = 1
    static let remembered: UInt8 = 2
}

extension Val {
    /// Whether this is a young object: what an old object that is given it must tell
    /// the heap (see `Heap.remember`).
    @inline(__always)
    var isYoungObject: Bool {
        if case .object(let u) = self { return u._withUnsafeGuaranteedRef { $0.gcState } == GCState.young }
        return false
    }
}
