// NumberText.swift: numbers to text and text to numbers on raw bytes, the fast paths
// of `str`, `int`, `float`, `format` and interpolation.
//
// Every writer here puts ASCII into a caller's buffer of a stated size and returns the
// number of bytes written; no array is built, and a Swift `String` only for the digits
// of a float that needs 16 or 17 of them (Swift's `description`, a small string kept
// inline). Every parser takes the bytes of a Conc string and returns nil whenever the
// input is anything but the plain common form, so that the exact general code in
// Numbers.swift decides (and raises for) everything else. The results are those of the
// general code: Tests/ConcTests/NumberTextTests.swift compares the two on many random
// values, and the golden scripts under Tests/ConcTests/Golden/conversion and format
// pin the edge cases against Python's output.

/// Bytes `writeDecimal` may write: a sign and 19 digits.
let maxDecimalLength = 20

/// Bytes `writeFloatRepr` may write: `-0.000` plus 17 digits, or `-d.dddddddddddddddde-308`.
let maxFloatReprLength = 24

/// Writes the decimal digits of `value` (with a `-` when negative) at `p`.
@inline(__always)
func writeDecimal(_ value: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
    if value < 0 {
        p[0] = UInt8(ascii: "-")
        return 1 + writeDecimal(unsigned: value.magnitude, to: p + 1)
    }
    return writeDecimal(unsigned: UInt(value), to: p)
}

/// The number of decimal digits of `v` (1 for zero): a tree of comparisons, two or
/// three for the numbers scripts print most.
@inline(__always)
func decimalDigitCount(_ v: UInt) -> Int {
    if v < 100_000 {
        if v < 100 { return v < 10 ? 1 : 2 }
        return v < 1_000 ? 3 : v < 10_000 ? 4 : 5
    }
    if v < 10_000_000_000 {
        if v < 10_000_000 { return v < 1_000_000 ? 6 : 7 }
        return v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10
    }
    var count = 11
    var bound: UInt = 100_000_000_000
    // 10^19 still fits in 64 bits; the loop stops before the bound could overflow.
    while count < 20 && v >= bound {
        count += 1
        bound = bound &* 10
    }
    return count
}

/// Writes the decimal digits of `v` at `p`, two at a time from the right.
@inline(__always)
func writeDecimal(unsigned v: UInt, to p: UnsafeMutablePointer<UInt8>) -> Int {
    let count = decimalDigitCount(v)
    writeDigits(v, count: count, to: p)
    return count
}

/// Writes the lowest `count` decimal digits of `v` at `p` (leading zeros if `v` is short).
@inline(__always)
func writeDigits(_ v: UInt, count: Int, to p: UnsafeMutablePointer<UInt8>) {
    let pairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """
    let table = pairs.utf8Start
    var v = v
    var at = count
    while at >= 2 {
        let pair = Int(v % 100) &* 2
        v /= 100
        at -= 2
        p[at] = table[pair]
        p[at + 1] = table[pair + 1]
    }
    if at == 1 { p[0] = UInt8(truncatingIfNeeded: v % 10) &+ 48 }
}

/// Writes `count` copies of `byte` at `p`.
@inline(__always)
func writeRepeated(_ byte: UInt8, count: Int, to p: UnsafeMutablePointer<UInt8>) {
    if count > 0 { p.update(repeating: byte, count: count) }
}

/// The shortest round-trip digits of a finite, non-zero, positive double as an integer
/// and the position of the decimal point: `value == 0.DIGITS × 10^point`, the digits
/// without trailing zeros (at most 17 of them).
///
/// Swift's `description` produces shortest round-trip digits choosing the nearest
/// candidate, as dtoa's mode 0 does (see `FloatDecimalDigits.shortest`); its text is at
/// most 24 bytes, so it is a small string kept inline, and only its layout is read here.
@inline(__always)
func shortestDigits(_ magnitude: Double) -> (digits: UInt, count: Int, point: Int) {
    if let short = shortDigits(magnitude) { return short }
    var text = magnitude.description
    return text.withUTF8 { bytes -> (digits: UInt, count: Int, point: Int) in
        var digits: UInt = 0
        var point = 0
        var seenDot = false
        var index = 0
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: ".") {
                seenDot = true
            } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                break
            } else if b >= 48 && b <= 57 {
                if digits == 0 && b == 48 {
                    // A leading zero: before the point it counts and is stripped; after
                    // it, it moves the point left.
                    if seenDot { point -= 1 }
                } else {
                    // At most 18 digits (17 plus a trailing ".0"), below 2^63.
                    digits = digits &* 10 &+ UInt(b - 48)
                    if !seenDot { point += 1 }
                }
            }
        }
        var exponent = 0
        var negative = false
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: "-") { negative = true } else if b >= 48 && b <= 57 {
                exponent = exponent &* 10 &+ Int(b - 48)
            }
        }
        point += negative ? -exponent : exponent
        while digits != 0 && digits % 10 == 0 { digits /= 10 }
        return (digits, decimalDigitCount(digits), point)
    }
}

/// `shortestDigits` for the common doubles from 1e-4 to below 1e15 whose shortest form
/// has at most 15 significant digits, without Swift's digit search; nil for the others.
///
/// Fifteen-digit decimals are more than a double's rounding interval apart, so at most
/// one of them reads back as a given double. Hence when `v` correctly rounded to 15
/// digits reads back as `v`, it is the shortest form padded with zeros (and the nearest,
/// as repr wants). Both steps are exact: `v × 10^q` is computed in 128 bits and rounded
/// half to even, and the read-back divides two exact doubles (the digits are below 2^53,
/// `10^q` at most 10^22), one correctly rounded operation.
@inline(__always)
private func shortDigits(_ v: Double) -> (digits: UInt, count: Int, point: Int)? {
    guard v >= 1e-4, v < 1e15 else { return nil }
    let bits = v.bitPattern
    let mantissa = UInt128((bits & ((1 << 52) - 1)) | (1 << 52))
    let shift = 1075 - Int((bits >> 52) & 0x7FF)  // v == mantissa / 2^shift, 3...66 here
    // q = 14 - floor(log10(v)), estimated here and corrected below from the digits.
    var q = 14
    var bound = 1.0
    if v >= 1 {
        while v >= bound * 10 {
            bound *= 10
            q -= 1
        }
    } else {
        while v < bound {
            bound /= 10
            q += 1
        }
    }
    let low: UInt64 = 100_000_000_000_000, high: UInt64 = 1_000_000_000_000_000
    var digits: UInt64 = 0
    for _ in 0..<3 {
        guard q >= 0, q <= 22 else { return nil }
        var power: UInt128 = 1
        for _ in 0..<q { power &*= 10 }
        let product = mantissa &* power  // below 2^53 × 10^22 < 2^127
        var n = product >> UInt128(shift)
        let rest = product & ((UInt128(1) << UInt128(shift)) - 1)
        let half = UInt128(1) << UInt128(shift - 1)
        if rest > half || (rest == half && n & 1 == 1) { n &+= 1 }
        if n > UInt128(high) {
            q -= 1
        } else if n < UInt128(low) {
            q += 1
        } else {
            digits = UInt64(truncatingIfNeeded: n)
            break
        }
    }
    guard digits != 0 else { return nil }
    if digits == high {
        digits = low
        q -= 1
        guard q >= 0 else { return nil }
    }
    var power = 1.0
    for _ in 0..<q { power *= 10 }
    guard Double(digits) / power == v else { return nil }
    // At most 14 trailing zeros: strip 8, 4, 2 and 1 of them.
    if digits % 100_000_000 == 0 { digits /= 100_000_000 }
    if digits % 10_000 == 0 { digits /= 10_000 }
    if digits % 100 == 0 { digits /= 100 }
    if digits % 10 == 0 { digits /= 10 }
    return (UInt(digits), decimalDigitCount(UInt(digits)), 15 - q)
}

/// Writes Python's `repr(d)` (also its `str`) at `p`, at most `maxFloatReprLength` bytes:
/// shortest round-trip digits, exponent notation below 1e-4 and from 1e16 up, `inf`,
/// `-inf`, `nan`. The same text as `pythonDoubleToString(d, code: "r", ...)`.
func writeFloatRepr(_ d: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
    var n = 0
    if d.sign == .minus && !d.isNaN {
        p[0] = UInt8(ascii: "-")
        n = 1
    }
    if !d.isFinite {
        let word: StaticString = d.isNaN ? "nan" : "inf"
        (p + n).update(from: word.utf8Start, count: 3)
        return n + 3
    }
    if d == 0 {
        (p + n).update(from: ("0.0" as StaticString).utf8Start, count: 3)
        return n + 3
    }
    let (digits, count, point) = shortestDigits(d.magnitude)
    let zero = UInt8(ascii: "0"), dot = UInt8(ascii: ".")
    if point > -4 && point <= 16 {
        if point <= 0 {
            // 0.000ddd
            p[n] = zero
            p[n + 1] = dot
            writeRepeated(zero, count: -point, to: p + n + 2)
            n += 2 - point
            writeDigits(digits, count: count, to: p + n)
            return n + count
        }
        if point >= count {
            // ddd000.0
            writeDigits(digits, count: count, to: p + n)
            writeRepeated(zero, count: point - count, to: p + n + count)
            n += point
            p[n] = dot
            p[n + 1] = zero
            return n + 2
        }
        // ddd.ddd: the digits, then the fraction moved one place right for the point.
        writeDigits(digits, count: count, to: p + n)
        var i = n + count
        while i > n + point {
            p[i] = p[i - 1]
            i -= 1
        }
        p[n + point] = dot
        return n + count + 1
    }
    // d.ddde+XX
    writeDigits(digits, count: count, to: p + n + 1)
    p[n] = p[n + 1]
    if count > 1 {
        p[n + 1] = dot
        n += count + 1
    } else {
        n += 1
    }
    let exponent = point - 1
    p[n] = UInt8(ascii: "e")
    p[n + 1] = exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
    let magnitude = exponent.magnitude
    let width = magnitude < 10 ? 2 : decimalDigitCount(magnitude)
    writeDigits(magnitude, count: width, to: p + n + 2)
    return n + 2 + width
}

/// Bytes `writeFixed` may write: 19 integer digits, one carried in, a point, 40 places.
let maxFixedLength = 64

/// Largest precision `writeFixed` handles.
let maxFixedPrecision = 40

/// Whether `writeFixed` handles this value and precision: zero, or a finite magnitude
/// from 2^-72 (a fraction of at most 124 bits) to below 2^63, and at most
/// `maxFixedPrecision` places.
@inline(__always)
func fixedFastPathCovers(_ magnitude: Double, precision: Int) -> Bool {
    precision >= 0 && precision <= maxFixedPrecision
        && (magnitude == 0 || (magnitude >= 0x1p-72 && magnitude < 0x1p63))
}

/// Writes `magnitude` (finite, non-negative) with exactly `precision` decimal places,
/// correctly rounded half-to-even on the exact binary value as Python's `'%.Nf'` (dtoa
/// mode 3), at `p`; no sign. Nil when the value is outside what 128-bit arithmetic
/// expands exactly here (at or above 2^63, or below about 2^-71 and not zero) or the
/// precision is above `maxFixedPrecision`: the caller then takes the general path.
func writeFixed(_ magnitude: Double, precision: Int, to p: UnsafeMutablePointer<UInt8>) -> Int? {
    guard fixedFastPathCovers(magnitude, precision: precision) else { return nil }
    let bits = magnitude.bitPattern
    let biased = Int((bits >> 52) & 0x7FF)
    var integer: UInt = 0
    var fraction: UInt128 = 0
    // value = integer + fraction / 2^shift
    var shift = 0
    if biased != 0 {
        let mantissa = UInt((bits & ((1 << 52) - 1)) | (1 << 52))
        let exponent = biased - 1075
        if exponent >= 0 {
            guard exponent <= 10 else { return nil }  // below 2^63
            integer = mantissa << UInt(exponent)
        } else {
            shift = -exponent
            guard shift <= 124 else { return nil }  // fraction × 10 stays below 2^128
            integer = shift >= 64 ? 0 : mantissa >> UInt(shift)
            fraction = UInt128(mantissa) & ((UInt128(1) << UInt128(shift)) - 1)
        }
    } else if bits != 0 {
        return nil  // subnormal: far below what this expands
    }
    var n = writeDecimal(unsigned: integer, to: p)
    if precision > 0 {
        p[n] = UInt8(ascii: ".")
        n += 1
        if shift == 0 {
            writeRepeated(UInt8(ascii: "0"), count: precision, to: p + n)
            return n + precision
        }
        let mask = (UInt128(1) << UInt128(shift)) - 1
        for _ in 0..<precision {
            fraction = fraction &* 10
            p[n] = UInt8(truncatingIfNeeded: fraction >> UInt128(shift)) &+ 48
            fraction &= mask
            n += 1
        }
    }
    guard shift > 0 else { return n }
    let half = UInt128(1) << UInt128(shift - 1)
    let lastDigit = p[n - 1]  // the last place, or the units digit for precision 0
    let roundUp = fraction > half || (fraction == half && lastDigit & 1 == 1)
    guard roundUp else { return n }
    var i = n - 1
    while i >= 0 {
        if p[i] == UInt8(ascii: ".") {
            i -= 1
            continue
        }
        if p[i] != UInt8(ascii: "9") {
            p[i] += 1
            return n
        }
        p[i] = UInt8(ascii: "0")
        i -= 1
    }
    // Carried out of the first digit (9.99 -> 10.00): one more integer digit.
    var j = n
    while j > 0 {
        p[j] = p[j - 1]
        j -= 1
    }
    p[0] = UInt8(ascii: "1")
    return n + 1
}

/// Whether `int()` and `float()` strip this ASCII byte (space, tab, newline, vertical
/// tab, form feed, carriage return).
@inline(__always)
private func isNumberSpace(_ b: UInt8) -> Bool {
    b == 0x20 || (b >= 0x09 && b <= 0x0D)
}

/// The bounds of `bytes` without surrounding ASCII whitespace. (Any other byte outside
/// the plain grammar, a non-ASCII one included, makes the fast parsers below give up.)
@inline(__always)
private func trimmedASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> (start: Int, end: Int) {
    var start = 0, end = bytes.count
    while start < end && isNumberSpace(bytes[start]) { start += 1 }
    while end > start && isNumberSpace(bytes[end - 1]) { end -= 1 }
    return (start, end)
}

/// `int(text)` for plain ASCII: optional whitespace, an optional sign, decimal digits.
/// Nil for anything else (underscores, Unicode, invalid text, values outside `Int`),
/// which `parseIntLiteral` then decides.
func parseIntFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    let (start, end) = trimmedASCII(bytes)
    var i = start
    var negative = false
    if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
        negative = bytes[i] == UInt8(ascii: "-")
        i += 1
    }
    // 18 digits always fit; longer literals go to the general path.
    guard i < end, end - i <= 18 else { return nil }
    var value = 0
    while i < end {
        let digit = Int(bytes[i]) &- 48
        guard digit >= 0 && digit <= 9 else { return nil }
        value = value &* 10 &+ digit
        i += 1
    }
    return negative ? -value : value
}

/// `float(text)` for a plain ASCII decimal literal (`12.5`, `-.5`, `1e-3`) whose digits
/// and power of ten are both exact doubles: at most 2^53 and 10^22, so that one correctly
/// rounded multiplication or division gives the correctly rounded result (Clinger's fast
/// path). Nil for anything else, which `parseFloatLiteral` then decides.
func parseFloatFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    let (start, end) = trimmedASCII(bytes)
    var i = start
    var negative = false
    if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
        negative = bytes[i] == UInt8(ascii: "-")
        i += 1
    }
    // Past 2^60 the mantissa can no longer be at most 2^53: give up before it overflows.
    var mantissa: UInt64 = 0
    let integerStart = i
    while i < end {
        let digit = bytes[i] &- 48
        if digit > 9 { break }
        guard mantissa < 1 << 60 else { return nil }
        mantissa = mantissa &* 10 &+ UInt64(digit)
        i += 1
    }
    var digits = i - integerStart
    var exponent = 0
    if i < end && bytes[i] == UInt8(ascii: ".") {
        i += 1
        let fractionStart = i
        while i < end {
            let digit = bytes[i] &- 48
            if digit > 9 { break }
            guard mantissa < 1 << 60 else { return nil }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            i += 1
        }
        exponent = fractionStart - i
        digits += i - fractionStart
    }
    guard digits > 0 else { return nil }
    if i < end && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
        i += 1
        var exponentNegative = false
        if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            exponentNegative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < end, end - i <= 4 else { return nil }
        var written = 0
        while i < end, bytes[i] >= 48 && bytes[i] <= 57 {
            written = written * 10 + Int(bytes[i] - 48)
            i += 1
        }
        exponent += exponentNegative ? -written : written
    }
    guard i == end else { return nil }
    let value: Double
    if mantissa == 0 {
        value = 0
    } else {
        guard mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        var power = 1.0
        for _ in 0..<exponent.magnitude { power *= 10 }  // exact up to 10^22
        value = exponent < 0 ? Double(mantissa) / power : Double(mantissa) * power
    }
    return negative ? -value : value
}

extension VM {
    /// `str(i)`: the digits are counted first and written straight into the new
    /// string (in the object, or its pooled buffer), with no copy and no lookup among the shared short
    /// strings (numbers rarely repeat, and CPython does not share them either).
    @inline(__always)
    func decimalString(_ i: Int) -> Val {
        if i >= 0 && i < 10 { return asciiStrings[48 &+ i] }
        let negative = i < 0
        let magnitude = i.magnitude
        let digits = decimalDigitCount(magnitude)
        let n = negative ? digits &+ 1 : digits
        return heapRef._withUnsafeGuaranteedRef { heap in
            let (s, p) = heap.newString(byteCount: n, count: n)
            if negative { p[0] = UInt8(ascii: "-") }
            writeDigits(magnitude, count: digits, to: negative ? p + 1 : p)
            return Val(s)
        }
    }

    /// A new string of at most `capacity` bytes, written at a buffer by `body` (which
    /// returns how many it wrote): on the stack when short, else straight into the
    /// string's own buffer.
    @inline(__always)
    func makeString(capacity: Int, ascii: Bool = false, _ body: (UnsafeMutablePointer<UInt8>) -> Int) -> Val {
        if capacity <= 64 {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer -> Val in
                guard let base = buffer.baseAddress else { return Val(emptyString) }
                let n = body(base)
                return string(UnsafeBufferPointer(start: base, count: n), ascii: ascii)
            }
        }
        var builder = StringBuilder(capacity: capacity, pool: heap.bytes)
        builder.append(reserving: capacity, body)
        return string(builder)
    }
}

/// Appends at most `capacity` bytes written by `body` to `out`.
@inline(__always)
func appendWritten(to out: inout [UInt8], capacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
        guard let base = buffer.baseAddress else { return }
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: body(base)))
    }
}
