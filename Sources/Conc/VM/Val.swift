// The VM's value: 16 bytes, trivially copyable.
//
// Why not a value that holds a strong class reference? Measured on these machines
// (docs/implementation-notes.md), an enum whose object case is a strong reference makes the
// dispatch loop pay a retain and a release on nearly every register copy, and runs at
// about CPython's speed at best; the same enum with an `Unmanaged` payload is trivially
// copyable and runs the loop about twice as fast. The price is that the VM owns object
// lifetimes itself: every heap object is kept alive by exactly one strong reference held
// by the `Heap`, and a stop-the-world mark-and-sweep collector (run only by the thread
// that holds the GIL, at a safe point of the dispatch loop) drops the ones nothing
// reaches. See Heap.swift for the rules that keep this sound.

/// A Conc value inside the VM.
enum Val {
    case `nil`
    case bool(Bool)
    case int(Int)
    case double(Double)
    case object(Unmanaged<Obj>)
    /// Not a Conc value: marks an unassigned global slot. Never visible to scripts.
    case undefined

    @inline(__always)
    init(_ obj: Obj) { self = .object(Unmanaged.passUnretained(obj)) }

    @inline(__always)
    init<T: Obj>(_ u: Unmanaged<T>) { self = .object(Unmanaged<Obj>.fromOpaque(u.toOpaque())) }

    /// The heap object, if this is one.
    @inline(__always)
    var obj: Obj? {
        if case .object(let u) = self { return u.takeUnretainedValue() }
        return nil
    }

    /// Python-style truthiness: `nil false 0 0.0 "" [] {}` are false.
    @inline(__always)
    var isTruthy: Bool {
        switch self {
        case .nil, .undefined: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .object(let u): return u._withUnsafeGuaranteedRef { $0.isTruthy }
        }
    }

    /// The name `type(v)` returns.
    var typeName: String {
        switch self {
        case .nil, .undefined: return "nil"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .object(let u): return u.takeUnretainedValue().typeName
        }
    }

    @inline(__always)
    var asString: StrObj? {
        if case .object(let u) = self, u.takeUnretainedValue().kind == .string {
            return unsafeDowncast(u.takeUnretainedValue(), to: StrObj.self)
        }
        return nil
    }

    @inline(__always)
    var asList: ListObj? {
        if case .object(let u) = self, u.takeUnretainedValue().kind == .list {
            return unsafeDowncast(u.takeUnretainedValue(), to: ListObj.self)
        }
        return nil
    }

    @inline(__always)
    var asMap: MapObj? {
        if case .object(let u) = self, u.takeUnretainedValue().kind == .map {
            return unsafeDowncast(u.takeUnretainedValue(), to: MapObj.self)
        }
        return nil
    }

    @inline(__always)
    var asError: ErrorObj? {
        if case .object(let u) = self, u.takeUnretainedValue().kind == .error {
            return unsafeDowncast(u.takeUnretainedValue(), to: ErrorObj.self)
        }
        return nil
    }

    /// True for the same object, or equal immediates of the same case (no numeric
    /// coercion): what `==` means for handles and functions.
    @inline(__always)
    func isIdentical(to other: Val) -> Bool {
        switch (self, other) {
        case (.nil, .nil), (.undefined, .undefined): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.object(let a), .object(let b)): return a.toOpaque() == b.toOpaque()
        default: return false
        }
    }
}

/// Values travel between OS threads (a thread's result, an error unwinding out of a
/// `join`), and they point at heap objects that have no locks of their own. That is sound
/// because every read or write of a heap object happens on the thread that holds the
/// interpreter's GIL, and handing the GIL over is a synchronising operation. This is the
/// one place that relies on the GIL for `Sendable`.
extension Val: @unchecked Sendable {}
