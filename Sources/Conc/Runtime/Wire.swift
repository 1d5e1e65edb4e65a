// The binary form of sendable values: what a child process sends back to its parent,
// and what pipes carry between processes.
//
// Sendable values are nil, bool, int, float, string, list, map (nested, acyclic) and
// error values; anything else raises `TypeError: cannot send <type> to another
// process`. Each value is a tag byte and its payload, little-endian:
//
//   0 nil | 1 false | 2 true | 3 int (8 bytes) | 4 float (8 bytes, IEEE bits)
//   5 string (length, UTF-8 bytes) | 6 list (count, items) | 7 map (count, key value...)
//   8 error (kind, message as strings; trace as a count and strings)
//
// Lengths and counts are LEB128 varints. Containers nest at most `maxDepth` deep (the
// same bound printing has), so neither side recurses without limit; a cycle is
// reported as such.

enum Wire {
    static let maxDepth = 200

    enum Tag: UInt8 {
        case nil_ = 0, false_, true_, int, float, string, list, map, error
    }
}

/// Encodes values; `bytes` is the result.
struct WireWriter {
    private(set) var bytes: [UInt8] = []
    private var inProgress: [ObjectIdentifier] = []

    mutating func write(_ v: Val, _ ts: ThreadState) throws(Unwind) {
        try write(v, ts, depth: 0)
    }

    private mutating func write(_ v: Val, _ ts: ThreadState, depth: Int) throws(Unwind) {
        switch v {
        case .nil, .undefined: bytes.append(Wire.Tag.nil_.rawValue)
        case .bool(let b): bytes.append(b ? Wire.Tag.true_.rawValue : Wire.Tag.false_.rawValue)
        case .int(let i):
            bytes.append(Wire.Tag.int.rawValue)
            fixed(UInt64(bitPattern: Int64(i)))
        case .double(let d):
            bytes.append(Wire.Tag.float.rawValue)
            fixed(d.bitPattern)
        case .object(let u):
            let o = u.takeUnretainedValue()
            switch o.kind {
            case .string:
                bytes.append(Wire.Tag.string.rawValue)
                string(unsafeDowncast(o, to: StrObj.self).bytes)
            case .list, .map:
                if depth >= Wire.maxDepth {
                    throw ts.error("TypeError", "cannot send a \(o.typeName) nested deeper than \(Wire.maxDepth) levels")
                }
                let id = ObjectIdentifier(o)
                if inProgress.contains(id) {
                    throw ts.error("TypeError", "cannot send a \(o.typeName) that contains itself")
                }
                inProgress.append(id)
                defer { inProgress.removeLast() }
                if o.kind == .list {
                    let l = unsafeDowncast(o, to: ListObj.self)
                    bytes.append(Wire.Tag.list.rawValue)
                    varint(l.count)
                    bytes.reserveCapacity(bytes.count + 9 * l.count)
                    for i in 0..<l.count { try write(l[i], ts, depth: depth + 1) }
                } else {
                    let entries = unsafeDowncast(o, to: MapObj.self).entries
                    bytes.append(Wire.Tag.map.rawValue)
                    varint(entries.count)
                    for (k, value) in entries {
                        try write(k, ts, depth: depth + 1)
                        try write(value, ts, depth: depth + 1)
                    }
                }
            case .error:
                let e = unsafeDowncast(o, to: ErrorObj.self)
                bytes.append(Wire.Tag.error.rawValue)
                string(e.errorKind)
                string(e.message)
                varint(e.trace.count)
                for line in e.trace { string(line) }
            default:
                throw ts.error("TypeError", "cannot send \(o.typeName) to another process")
            }
        }
    }

    private mutating func fixed(_ x: UInt64) {
        withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func varint(_ n: Int) {
        var x = UInt(n)
        while x >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: x) | 0x80)
            x >>= 7
        }
        bytes.append(UInt8(x))
    }

    private mutating func string(_ b: UnsafeBufferPointer<UInt8>) {
        varint(b.count)
        bytes.append(contentsOf: b)
    }

    private mutating func string(_ s: String) {
        varint(s.utf8.count)
        bytes.append(contentsOf: s.utf8)
    }
}

/// Decodes what `WireWriter` wrote; nil for anything malformed (never a crash).
struct WireReader {
    private let bytes: [UInt8]
    private var at = 0

    /// Reads `bytes` from offset `from`.
    init(_ bytes: [UInt8], from: Int = 0) {
        self.bytes = bytes
        at = from
    }

    /// The one value in the bytes, or nil if they are not exactly one well-formed value.
    mutating func readAll(_ vm: VM) -> Val? {
        guard let v = read(vm, depth: 0), at == bytes.count else { return nil }
        return v
    }

    private mutating func read(_ vm: VM, depth: Int) -> Val? {
        guard depth <= Wire.maxDepth, let t = byte(), let tag = Wire.Tag(rawValue: t) else { return nil }
        switch tag {
        case .nil_: return .nil
        case .false_: return .bool(false)
        case .true_: return .bool(true)
        case .int: return fixed().map { .int(Int(Int64(bitPattern: $0))) }
        case .float: return fixed().map { .double(Double(bitPattern: $0)) }
        case .string: return stringBytes().map { vm.string($0) }
        case .list:
            guard let n = count() else { return nil }
            var items: [Val] = []
            items.reserveCapacity(n)
            for _ in 0..<n {
                guard let v = read(vm, depth: depth + 1) else { return nil }
                items.append(v)
            }
            return vm.list(items)
        case .map:
            guard let n = count() else { return nil }
            let m = vm.heap.register(MapObj(capacity: n))
            for _ in 0..<n {
                guard let k = read(vm, depth: depth + 1), let h = keyHash(k),
                      let v = read(vm, depth: depth + 1) else { return nil }
                m.set(k, v, hash: h, heap: vm.heap)
            }
            return Val(m)
        case .error:
            guard let kind = stringBytes(), let message = stringBytes(), let n = count() else { return nil }
            let e = ErrorObj(kind: String(decoding: kind, as: UTF8.self), message: String(decoding: message, as: UTF8.self))
            for _ in 0..<n {
                guard let line = stringBytes() else { return nil }
                e.trace.append(String(decoding: line, as: UTF8.self))
            }
            return Val(vm.heap.adopt(e))
        }
    }

    private mutating func byte() -> UInt8? {
        guard at < bytes.count else { return nil }
        at += 1
        return bytes[at - 1]
    }

    private mutating func fixed() -> UInt64? {
        guard bytes.count - at >= 8 else { return nil }
        let x = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
        at += 8
        return UInt64(littleEndian: x)
    }

    /// A varint no larger than the bytes left could hold (so a corrupt count cannot
    /// make the reader reserve or loop without end).
    private mutating func count() -> Int? {
        var x: UInt = 0
        var shift: UInt = 0
        while let b = byte() {
            x |= UInt(b & 0x7F) << shift
            if b & 0x80 == 0 { return x <= UInt(bytes.count - at) ? Int(x) : nil }
            shift += 7
            if shift > 56 { return nil }
        }
        return nil
    }

    private mutating func stringBytes() -> ArraySlice<UInt8>? {
        guard let n = count() else { return nil }
        let s = bytes[at..<at + n]
        guard String(validating: s, as: UTF8.self) != nil else { return nil }
        at += n
        return s
    }
}
