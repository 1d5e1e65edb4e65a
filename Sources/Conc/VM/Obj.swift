// The base of every heap object, and the kind tag the VM switches on.

/// What a heap object is, so the VM can switch on one byte instead of casting.
enum ObjKind: UInt8 {
    case string, list, map, range, closure, native, boundMethod, proto, upvalue, error
    /// Runtime handles (threads, processes, locks, ...): see `HandleObj`.
    case handle
}

/// A heap object. Exactly one strong reference to it exists: the heap's table. Objects
/// refer to each other through `Unmanaged` or `unowned(unsafe)` references and report
/// them in `trace`, so the collector can find everything reachable.
/// Heap objects are plain mutable data, read and written only by the thread that holds
/// its interpreter's GIL (see `Val`'s `Sendable` conformance).
class Obj {
    final let kind: ObjKind
    /// This object's slot in the heap's table; the mark bits live beside the table, not
    /// in the object, so a collection in a forked child writes no object's page.
    final var heapIndex: Int = -1

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
}

extension Obj {
    @inline(__always)
    var unmanaged: Unmanaged<Obj> { Unmanaged.passUnretained(self) }
}
