// `str` and `repr`: how values print. Floats as Python's repr, strings raw at top level
// and double-quoted inside containers, a container that contains itself as `[...]`.

#if canImport(Glibc)
import Glibc
#endif

extension VM {
    /// `print` and `write`: buffers `bytes`, and raises a write to standard output
    /// that failed since the last call (BrokenPipeError when the reader has gone,
    /// OSError otherwise), so a script printing into a closed pipe stops as in Python.
    func writeOutput(_ ts: ThreadState, _ bytes: [UInt8]) throws(Unwind) {
        output.write(bytes)
        guard let e = output.pendingError else { return }
        output.pendingError = nil
        let reason = String(cString: strerror(e))
        if e == EPIPE { throw ts.error("BrokenPipeError", "cannot write to standard output: \(reason)") }
        throw ts.error("OSError", "cannot write to standard output: \(reason)")
    }

    /// Appends `str(v)` to `out`.
    func appendStr(_ ts: ThreadState, _ v: Val, to out: inout [UInt8]) throws(Unwind) {
        switch v {
        case .int(let i):
            appendWritten(to: &out, capacity: maxDecimalLength) { writeDecimal(i, to: $0) }
            return
        case .double(let d):
            appendWritten(to: &out, capacity: maxFloatReprLength) { writeFloatRepr(d, to: $0) }
            return
        default:
            break
        }
        if let s = v.asString {
            out += s.bytes
            return
        }
        var printer = Printer()
        printer.write(v, quoted: false)
        if printer.tooDeep { throw ts.error("RecursionError", "maximum recursion depth exceeded while getting the str of an object") }
        out += printer.out
    }

    /// The concatenation of `str` of `count` values (string interpolation).
    func concat(_ ts: ThreadState, _ values: UnsafeMutablePointer<Val>, count: Int) throws(Unwind) -> Val {
        // Size the buffer for the common case (strings and ints) so it never grows.
        var size = 0
        var plain = true  // only strings, ints and floats
        var ascii = true  // and every string ASCII, so the scalars need no counting
        var exact = 0  // the exact size and scalar count, when there are no floats
        var scalars = 0
        var floats = false
        for i in 0..<count {
            switch values[i] {
            case .object(let u) where u._withUnsafeGuaranteedRef({ $0.kind }) == .string:
                Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef {
                    size &+= $0.byteCount
                    exact &+= $0.byteCount
                    scalars &+= $0.count
                    if !$0.isASCII { ascii = false }
                }
            case .int(let v):
                size &+= maxDecimalLength
                let digits = decimalDigitCount(v.magnitude) &+ (v < 0 ? 1 : 0)
                exact &+= digits
                scalars &+= digits
            case .double:
                size &+= maxFloatReprLength
                floats = true
            default:
                size += 16
                plain = false
            }
        }
        // Strings and ints only, and longer than a shared short string: written
        // straight into the new string's buffer. A short result is shared with an equal
        // one made since the last collection (below): records keep many equal short
        // strings (`"g${n % 500}"`), and sharing them halved records.conc's growth.
        if exact > StrObj.maxByteCount { throw ts.error("MemoryError", "interpolated string is too long") }
        if plain && !floats && exact > VM.shortStringLength {
            return heapRef._withUnsafeGuaranteedRef { heap in
                let (s, p) = heap.newString(byteCount: exact, count: scalars)
                var n = 0
                for i in 0..<count {
                    switch values[i] {
                    case .int(let v): n &+= writeDecimal(v, to: p + n)
                    case .object(let u):
                        Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef {
                            let m = $0.byteCount, src = $0.storage
                            // The literal parts are a few bytes: a loop beats a call to memcpy.
                            if m <= 16 {
                                for k in 0..<m { p[n &+ k] = src[k] }
                            } else {
                                (p + n).initialize(from: src, count: m)
                            }
                            n &+= m
                        }
                    default: break
                    }
                }
                return Val(s)
            }
        }
        // A short result is written on the stack and becomes a (shared) short string.
        if plain && size <= 64 {
            return makeString(capacity: size, ascii: ascii) { p in
                var n = 0
                for i in 0..<count {
                    switch values[i] {
                    case .int(let v): n += writeDecimal(v, to: p + n)
                    case .double(let d): n += writeFloatRepr(d, to: p + n)
                    case .object(let u):
                        Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef {
                            (p + n).update(from: $0.storage, count: $0.byteCount)
                            n += $0.byteCount
                        }
                    default: break
                    }
                }
                return n
            }
        }
        var out = StringBuilder(capacity: size, pool: heap.bytes)
        for i in 0..<count {
            if case .object(let u) = values[i], u._withUnsafeGuaranteedRef({ $0.kind }) == .string {
                Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { out.append($0.bytes) }
            } else if case .int(let n) = values[i] {
                out.append(reserving: maxDecimalLength) { writeDecimal(n, to: $0) }
            } else if case .double(let d) = values[i] {
                out.append(reserving: maxFloatReprLength) { writeFloatRepr(d, to: $0) }
            } else {
                // str() of a value may raise (a user's method): the buffer goes back then.
                do throws(Unwind) {
                    out.append(try str(ts, values[i]))
                } catch {
                    out.discard()
                    throw error
                }
            }
        }
        if out.count > StrObj.maxByteCount {
            out.discard()
            throw ts.error("MemoryError", "interpolated string is too long")
        }
        return string(out)
    }

    func str(_ ts: ThreadState, _ v: Val) throws(Unwind) -> [UInt8] {
        var out: [UInt8] = []
        try appendStr(ts, v, to: &out)
        return out
    }

    /// The quoted form, as inside a container (used for KeyError messages).
    func repr(_ v: Val) -> String {
        var printer = Printer()
        printer.write(v, quoted: true)
        return String(decoding: printer.out, as: UTF8.self)
    }
}

/// Writes values as text, tracking the containers being printed to spot cycles.
struct Printer {
    var out: [UInt8] = []
    var inProgress: [ObjectIdentifier] = []
    var tooDeep = false

    mutating func write(_ s: String) { out += s.utf8 }

    mutating func write(_ v: Val, quoted: Bool) {
        switch v {
        case .nil, .undefined: write("nil")
        case .bool(let b): write(b ? "true" : "false")
        case .int(let i): appendWritten(to: &out, capacity: maxDecimalLength) { writeDecimal(i, to: $0) }
        case .double(let d): appendWritten(to: &out, capacity: maxFloatReprLength) { writeFloatRepr(d, to: $0) }
        case .object(let u): writeObject(u.takeUnretainedValue(), quoted: quoted)
        }
    }

    private mutating func writeObject(_ o: Obj, quoted: Bool) {
        switch o.kind {
        case .string:
            let s = unsafeDowncast(o, to: StrObj.self)
            if quoted { writeQuoted(s.bytes) } else { out += s.bytes }
        case .list, .map:
            let id = ObjectIdentifier(o)
            if inProgress.contains(id) {
                write(o.kind == .list ? "[...]" : "{...}")
                return
            }
            if inProgress.count >= 500 {
                tooDeep = true
                return
            }
            inProgress.append(id)
            if o.kind == .list {
                out.append(UInt8(ascii: "["))
                for (i, x) in unsafeDowncast(o, to: ListObj.self).items.enumerated() {
                    if i > 0 { write(", ") }
                    write(x, quoted: true)
                }
                out.append(UInt8(ascii: "]"))
            } else {
                out.append(UInt8(ascii: "{"))
                for (i, e) in unsafeDowncast(o, to: MapObj.self).entries.enumerated() {
                    if i > 0 { write(", ") }
                    write(e.key, quoted: true)
                    write(": ")
                    write(e.value, quoted: true)
                }
                out.append(UInt8(ascii: "}"))
            }
            inProgress.removeLast()
        case .range:
            let r = unsafeDowncast(o, to: RangeObj.self)
            write(r.step == 1 ? "range(\(r.start), \(r.stop))" : "range(\(r.start), \(r.stop), \(r.step))")
        case .closure:
            write("<fn \(unsafeDowncast(o, to: Closure.self).proto.name)>")
        case .native:
            write("<fn \(unsafeDowncast(o, to: NativeObj.self).name)>")
        case .boundMethod:
            write("<fn \(unsafeDowncast(o, to: BoundMethod.self).member.name)>")
        case .error:
            let e = unsafeDowncast(o, to: ErrorObj.self)
            write(e.message.isEmpty ? e.errorKind : "\(e.errorKind): \(e.message)")
        case .handle:
            write(unsafeDowncast(o, to: HandleObj.self).description)
        case .box:
            write(unsafeDowncast(o, to: BoxObj.self).value, quoted: quoted)
        case .proto, .upvalue:
            write("<\(o.typeName)>")
        }
    }

    /// A string in double quotes with `"`, `\` and control characters escaped.
    private mutating func writeQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): write("\\\"")
            case UInt8(ascii: "\\"): write("\\\\")
            case UInt8(ascii: "\n"): write("\\n")
            case UInt8(ascii: "\t"): write("\\t")
            case UInt8(ascii: "\r"): write("\\r")
            case 0..<0x20, 0x7F:
                let hex = String(b, radix: 16)
                write("\\u{\(hex)}")
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
