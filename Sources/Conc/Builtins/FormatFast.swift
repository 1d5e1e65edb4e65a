// FormatFast.swift: `format(value, spec)` for the common specs, read from the spec's
// bytes and written straight into the result's bytes.
//
// Handles `[[fill]align][sign][0][width][.precision][type]` with an ASCII fill, for an
// int with type `d` or none, a float (or an int) with type `f` or `F`, a float with no
// type and no precision (repr digits), and a string with type `s` or none. Anything
// else (grouping, `z`, `#`, other types, non-ASCII fills, huge widths, and every spec
// that is an error) returns nil and goes through the general port of CPython's
// formatter in FormatSpec.swift, whose results these equal (NumberTextTests compares
// the two over thousands of specs).

/// A spec in the subset above. Alignment 0 means the value's default.
private struct FastSpec {
    var fill = UInt8(ascii: " ")
    var align: UInt8 = 0
    var sign: UInt8 = 0
    /// The `0` flag: zero fill, and `=` alignment for numbers unless one is given.
    var zeroFlag = false
    var width = 0
    var precision = -1
    var type: UInt8 = 0
}

/// Widths and precisions above this take the general path (which applies the limit).
private let fastWidthLimit = 1000

@inline(__always)
private func isAlignByte(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=") || b == UInt8(ascii: "^")
}

/// Parses `spec` as CPython's `parse_internal_render_format_spec` does, for the subset.
@inline(__always)
private func parseFastSpec(_ spec: UnsafeBufferPointer<UInt8>) -> FastSpec? {
    var parsed = FastSpec()
    let n = spec.count
    var pos = 0
    let fillGiven = n >= 2 && isAlignByte(spec[1])
    if fillGiven {
        guard spec[0] < 0x80 else { return nil }
        parsed.fill = spec[0]
        parsed.align = spec[1]
        pos = 2
    } else if n >= 1 && isAlignByte(spec[0]) {
        parsed.align = spec[0]
        pos = 1
    }
    if pos < n && (spec[pos] == UInt8(ascii: "+") || spec[pos] == UInt8(ascii: "-") || spec[pos] == UInt8(ascii: " ")) {
        parsed.sign = spec[pos]
        pos += 1
    }
    // A `0` after an explicit fill is a width digit; otherwise it is the zero flag.
    if !fillGiven && pos < n && spec[pos] == UInt8(ascii: "0") {
        parsed.zeroFlag = true
        pos += 1
    }
    while pos < n, spec[pos] >= 48 && spec[pos] <= 57 {
        parsed.width = parsed.width * 10 + Int(spec[pos] - 48)
        guard parsed.width <= fastWidthLimit else { return nil }
        pos += 1
    }
    if pos < n && spec[pos] == UInt8(ascii: ".") {
        pos += 1
        guard pos < n, spec[pos] >= 48 && spec[pos] <= 57 else { return nil }
        parsed.precision = 0
        while pos < n, spec[pos] >= 48 && spec[pos] <= 57 {
            parsed.precision = parsed.precision * 10 + Int(spec[pos] - 48)
            guard parsed.precision <= fastWidthLimit else { return nil }
            pos += 1
        }
    }
    if pos == n - 1 {
        parsed.type = spec[pos]
    } else if pos != n {
        return nil
    }
    return parsed
}

extension VM {
    /// `format(value, spec)` when both are in the fast subset, else nil.
    func formatFast(_ value: Val, _ specObj: StrObj) -> Val? {
        guard let spec = parseFastSpec(specObj.bytes) else { return nil }
        var value = value
        if case .int(let i) = value, spec.type == UInt8(ascii: "f") || spec.type == UInt8(ascii: "F") {
            value = .double(Double(i))  // as Python, which formats float(i)
        }
        switch value {
        case .int(let i):
            guard spec.type == 0 || spec.type == UInt8(ascii: "d"), spec.precision < 0 else { return nil }
            return formatNumber(negative: i < 0, spec: spec, bodyCapacity: maxDecimalLength) { p in
                writeDecimal(unsigned: i.magnitude, to: p)
            }
        case .double(let d):
            guard d.isFinite else { return nil }
            // 'F' differs from 'f' only in spelling inf and nan, which are not handled here.
            if spec.type == UInt8(ascii: "f") || spec.type == UInt8(ascii: "F") {
                let precision = spec.precision < 0 ? 6 : spec.precision
                guard fixedFastPathCovers(d.magnitude, precision: precision) else { return nil }
                return formatNumber(negative: d.sign == .minus, spec: spec, bodyCapacity: maxFixedLength) { p in
                    writeFixed(d.magnitude, precision: precision, to: p) ?? 0  // covered: never nil
                }
            }
            guard spec.type == 0, spec.precision < 0 else { return nil }
            return formatNumber(negative: d.sign == .minus, spec: spec, bodyCapacity: maxFloatReprLength) { p in
                writeFloatRepr(d.magnitude, to: p)
            }
        default:
            guard let s = value.asString else { return nil }
            return formatString(s, value, spec)
        }
    }

    /// Lays out `<pad><sign><pad for '='><digits><pad>`, the digits written by `body`.
    @inline(__always)
    private func formatNumber(
        negative: Bool, spec: FastSpec, bodyCapacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int
    ) -> Val? {
        var align = spec.align
        var fill = spec.fill
        if spec.zeroFlag {
            fill = UInt8(ascii: "0")
            if align == 0 { align = UInt8(ascii: "=") }
        }
        if align == 0 { align = UInt8(ascii: ">") }
        let signByte: UInt8 = negative ? UInt8(ascii: "-")
            : spec.sign == UInt8(ascii: "+") || spec.sign == UInt8(ascii: " ") ? spec.sign : 0
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { scratch -> Val? in
            guard let digitsAt = scratch.baseAddress, bodyCapacity <= 64 else { return nil }
            let digits = body(digitsAt)
            let length = digits + (signByte == 0 ? 0 : 1)
            let padding = max(spec.width - length, 0)
            var left = 0, inside = 0, right = 0
            switch align {
            case UInt8(ascii: "<"): right = padding
            case UInt8(ascii: "^"):
                left = padding / 2
                right = padding - left
            case UInt8(ascii: "="): inside = padding
            default: left = padding
            }
            return makeString(capacity: length + padding) { p in
                var n = 0
                writeRepeated(fill, count: left, to: p)
                n += left
                if signByte != 0 {
                    p[n] = signByte
                    n += 1
                }
                writeRepeated(fill, count: inside, to: p + n)
                n += inside
                (p + n).update(from: digitsAt, count: digits)
                n += digits
                writeRepeated(fill, count: right, to: p + n)
                return n + right
            }
        }
    }

    /// CPython's `format_string_internal` for the subset: precision truncates, width pads
    /// (both in scalars).
    private func formatString(_ s: StrObj, _ value: Val, _ spec: FastSpec) -> Val? {
        guard spec.type == 0 || spec.type == UInt8(ascii: "s"), spec.sign == 0,
              spec.align != UInt8(ascii: "=") else { return nil }
        var byteCount = s.byteCount
        var scalars = s.count
        if spec.precision >= 0 && scalars > spec.precision {
            byteCount = s.byteOffset(ofScalar: spec.precision)
            scalars = spec.precision
        }
        let fill = spec.zeroFlag ? UInt8(ascii: "0") : spec.fill
        let padding = max(spec.width - scalars, 0)
        if padding == 0 && byteCount == s.byteCount { return value }
        let left = spec.align == UInt8(ascii: ">") ? padding : spec.align == UInt8(ascii: "^") ? padding / 2 : 0
        let source = s.storage
        return makeString(capacity: padding + byteCount) { p in
            writeRepeated(fill, count: left, to: p)
            (p + left).update(from: source, count: byteCount)
            writeRepeated(fill, count: padding - left, to: p + left + byteCount)
            return padding + byteCount
        }
    }
}
