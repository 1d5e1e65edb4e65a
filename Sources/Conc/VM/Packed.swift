// A value as a list or a map keeps it: eight bytes, where `Val` takes sixteen.
//
// Registers, arguments and the built-ins work with `Val`, whose payload and case sit
// side by side; a container would spend half its memory on the case byte and its
// padding (a list of a million ints: 16 MB, where CPython's pointers take 8). So a
// container packs each value into one word on the way in and unpacks it on the way
// out, as Ruby's VALUE and CPython's tagged pointers do:
//
//     ...............................1   an int of 63 bits: the word is i << 1 | 1
//     ..............................10   a float whose exponent is within 2**±255,
//                                        its bits less 3 << 60, rotated left by 3 (a
//                                        variant of Ruby's flonum)
//     .............................100   a box: the address of a `BoxObj` + 4
//     .............................000   an object's address (16-byte aligned), or
//                                        below 64 one of nil, undefined, false, true,
//                                        0.0 and -0.0
//
// The few values that fit none of these (ints beyond ±2**62, floats beyond 2**±255,
// infinities, nans, subnormals) are boxed: the container holds a `BoxObj`, an object of
// the heap like any other, and unpacking reads the value back out of it, so no script
// can tell a boxed value from any other. Packing such a value allocates; everything
// else is a few shifts and tests each way.

/// A `Val` in eight bytes (see the top of this file).
struct Packed {
    let bits: UInt64

    @inline(__always)
    private init(bits: UInt64) { self.bits = bits }

    static let `nil` = Packed(bits: 0)
    static let undefined = Packed(bits: 8)
    private static let falseBits: UInt64 = 16
    private static let trueBits: UInt64 = 24
    private static let zeroBits: UInt64 = 32
    private static let negativeZeroBits: UInt64 = 40
    /// Every word from here on with its low two bits clear is an address.
    private static let firstAddress: UInt64 = 64
    private static let boxTag: UInt64 = 4
    /// What a float's bits are offset by before they are rotated (see `inline`).
    private static let flonumBias: UInt64 = 3 << 60

    /// `v` packed, or nil when it must be boxed.
    @inline(__always)
    static func inline(_ v: Val) -> Packed? {
        switch v {
        case .int(let i):
            let shifted = i &<< 1
            return shifted >> 1 == i ? Packed(bits: UInt64(bitPattern: Int64(shifted)) | 1) : nil
        case .object(let u):
            return Packed(bits: UInt64(UInt(bitPattern: u.toOpaque())))
        case .double(let d):
            // The exponent's top three bits (60-62) are 011 or 100 exactly when, less
            // 3 << 60, bits 61 and 62 are clear, whatever the sign: then the rotation
            // brings two zero bits down to the bottom, where the tag goes. One test
            // each way, and unpacking is a rotation and an add (Ruby's flonum checks
            // the bits and rebuilds the two it drops, three operations more).
            let b = d.bitPattern &- Packed.flonumBias
            if b & (3 << 61) == 0 { return Packed(bits: (b << 3 | b >> 61) | 2) }
            if d.bitPattern == 0 { return Packed(bits: zeroBits) }
            if d.bitPattern == 0x8000_0000_0000_0000 { return Packed(bits: negativeZeroBits) }
            return nil
        case .nil: return .nil
        case .bool(let b): return Packed(bits: b ? trueBits : falseBits)
        case .undefined: return .undefined
        }
    }

    /// `v` packed, boxed by `heap` when it must be.
    @inline(__always)
    init(_ v: Val, heap: Heap) {
        if let p = Packed.inline(v) { self = p } else { self = Packed.box(v, heap: heap) }
    }

    @inline(never)
    private static func box(_ v: Val, heap: Heap) -> Packed {
        let box = heap.adopt(BoxObj(v))
        return Packed(bits: UInt64(UInt(bitPattern: box.toOpaque())) | boxTag)
    }

    /// The value.
    var val: Val {
        @inline(__always) get {
            if bits & 1 != 0 { return .int(Int(truncatingIfNeeded: Int64(bitPattern: bits) >> 1)) }
            if bits & 2 != 0 {
                let b = bits ^ 2
                return .double(Double(bitPattern: (b >> 3 | b << 61) &+ Packed.flonumBias))
            }
            if bits >= Packed.firstAddress {
                if bits & Packed.boxTag == 0 { return .object(Unmanaged.fromOpaque(address)) }
                return unboxed
            }
            return constant
        }
    }

    /// The object this word points at (a box included), if any.
    @inline(__always)
    var object: Unmanaged<Obj>? {
        bits & 3 == 0 && bits >= Packed.firstAddress ? Unmanaged.fromOpaque(address) : nil
    }

    /// The address in an object's or a box's word.
    private var address: UnsafeRawPointer {
        @inline(__always) get { UnsafeRawPointer(bitPattern: UInt(bits & ~Packed.boxTag)).unsafelyUnwrapped }
    }

    @inline(never)
    private var unboxed: Val {
        Unmanaged<BoxObj>.fromOpaque(address)._withUnsafeGuaranteedRef { $0.value }
    }

    private var constant: Val {
        switch bits {
        case Packed.falseBits: return .bool(false)
        case Packed.trueBits: return .bool(true)
        case Packed.zeroBits: return .double(0)
        case Packed.negativeZeroBits: return .double(-0.0)
        case Packed.undefined.bits: return .undefined
        default: return .nil
        }
    }

    /// Whether this points at a young object: what an old container that is given it
    /// must tell the heap (see `Heap.remember`).
    @inline(__always)
    var isYoungObject: Bool {
        if let u = object { return u._withUnsafeGuaranteedRef { $0.gcState } == GCState.young }
        return false
    }
}

/// A number a container cannot pack (see the top of this file). Never a script's value:
/// unpacking a container's word reads the value out of its box.
final class BoxObj: Obj {
    let value: Val

    init(_ value: Val) {
        self.value = value
        super.init(kind: .box)
    }

    override var typeName: String { value.typeName }
    /// The object (48 bytes from malloc) and its table slot.
    override var byteSize: Int { 56 }
}

extension Marker {
    @inline(__always)
    mutating func mark(_ p: Packed) {
        if let u = p.object { mark(u) }
    }
}
