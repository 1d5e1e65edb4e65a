// FloatRepr.swift: decimal conversion of doubles the way CPython does it.
//
// CPython formats floats from a digit string plus a decimal-point position produced by
// David Gay's dtoa (shortest round-trip digits for repr, correctly rounded digits for
// precisions), then lays the digits out in `format_float_short`. This file reproduces
// both halves in pure Swift: shortest digits come from Swift's own `description` (also
// shortest round-trip, nearest on ties), and correctly rounded digits come from the
// exact decimal expansion of the double, computed with a tiny base-10^9 big integer.

/// The decimal digits of a finite double: `0.d1d2d3... × 10^decimalPoint`.
///
/// Digits carry no leading or trailing zeros, except that zero itself is `[0]` with a
/// decimal point of 1 (as dtoa reports it). After rounding to a fixed number of places
/// the list may be empty, meaning the value rounded to zero.
struct FloatDecimalDigits: Equatable, Sendable {
    /// Digit values 0...9, most significant first.
    var digits: [UInt8]
    /// Position of the decimal point relative to the first digit.
    var decimalPoint: Int
    /// The sign bit of the double (so -0.0 is negative).
    var isNegative: Bool

    /// The exact decimal expansion of a finite double (at most ~770 significant digits).
    static func exact(_ value: Double) -> FloatDecimalDigits {
        let negative = value.sign == .minus
        guard value.isFinite, value != 0 else {
            return FloatDecimalDigits(digits: [0], decimalPoint: 1, isNegative: negative)
        }
        let bits = value.bitPattern
        let biasedExponent = Int((bits >> 52) & 0x7FF)
        let fraction = bits & ((1 << 52) - 1)
        var mantissa = biasedExponent == 0 ? fraction : fraction | (1 << 52)
        var exponent2 = biasedExponent == 0 ? -1074 : biasedExponent - 1075
        // Dropping factors of two keeps the big integer as small as possible.
        let zeros = mantissa.trailingZeroBitCount
        mantissa >>= UInt64(zeros)
        exponent2 += zeros

        // value = mantissa × 2^e. For e < 0 that is mantissa × 5^-e / 10^-e, so the
        // integer mantissa × 5^-e holds exactly the decimal digits.
        var number = DecimalBigInt(mantissa)
        var exponent10 = 0
        if exponent2 > 0 {
            number.multiply(byPowerOf: 2, exponent2, chunkBase: 1 << 29, chunkExponent: 29)
        } else if exponent2 < 0 {
            number.multiply(byPowerOf: 5, -exponent2, chunkBase: 1_220_703_125, chunkExponent: 13)
            exponent10 = exponent2
        }
        var digits = number.decimalDigits()
        let point = digits.count + exponent10
        while let last = digits.last, last == 0 { digits.removeLast() }
        return FloatDecimalDigits(digits: digits, decimalPoint: point, isNegative: negative)
    }

    /// The shortest digits that read back as the same double (Python's repr digits).
    ///
    /// Swift's `description` already produces shortest round-trip digits choosing the
    /// nearest candidate, as dtoa mode 0 does; only its layout differs, so we re-parse
    /// its digits and exponent rather than reimplement the search.
    static func shortest(_ value: Double) -> FloatDecimalDigits {
        let negative = value.sign == .minus
        guard value.isFinite, value != 0 else {
            return FloatDecimalDigits(digits: [0], decimalPoint: 1, isNegative: negative)
        }
        var digits: [UInt8] = []
        var pointIndex: Int?
        var exponent = 0
        var exponentSign = 1
        var inExponent = false
        for byte in value.magnitude.description.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = byte - UInt8(ascii: "0")
                if inExponent {
                    exponent = exponent * 10 + Int(digit)
                } else {
                    digits.append(digit)
                }
            case UInt8(ascii: "."): pointIndex = digits.count
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "-"): exponentSign = -1
            default: break
            }
        }
        var point = (pointIndex ?? digits.count) + exponentSign * exponent
        var leading = 0
        while leading < digits.count && digits[leading] == 0 { leading += 1 }
        digits.removeFirst(leading)
        point -= leading
        while let last = digits.last, last == 0 { digits.removeLast() }
        // Unreachable for finite non-zero doubles, but never hand back garbage.
        if digits.isEmpty { return exact(value) }
        return FloatDecimalDigits(digits: digits, decimalPoint: point, isNegative: negative)
    }

    /// Keeps the first `count` digits, rounding the rest half-to-even on the exact value
    /// (dtoa's correct rounding). A `count` of zero or less may round to nothing, in which
    /// case the digits are empty and the point sits where dtoa's mode 3 puts it.
    func keeping(_ count: Int) -> FloatDecimalDigits {
        if count >= digits.count { return self }
        if count < 0 {
            return FloatDecimalDigits(digits: [], decimalPoint: decimalPoint - count, isNegative: isNegative)
        }
        var kept = Array(digits[0..<count])
        let first = digits[count]
        let roundUp: Bool
        if first != 5 {
            roundUp = first > 5
        } else if digits.count > count + 1 {
            roundUp = true  // trailing zeros are stripped, so more digits means above half
        } else {
            roundUp = count > 0 && kept[count - 1] % 2 == 1  // exact tie: to even
        }
        var point = decimalPoint
        if roundUp {
            var index = count - 1
            while index >= 0 && kept[index] == 9 {
                kept[index] = 0
                index -= 1
            }
            if index < 0 {
                kept = [1]
                point += 1
            } else {
                kept[index] += 1
            }
        }
        while let last = kept.last, last == 0 { kept.removeLast() }
        if kept.isEmpty { point = decimalPoint - count }
        return FloatDecimalDigits(digits: kept, decimalPoint: point, isNegative: isNegative)
    }
}

/// A non-negative integer in base 10^9 limbs, least significant first: just enough
/// arithmetic to expand a double exactly.
private struct DecimalBigInt {
    private static let limbBase: UInt64 = 1_000_000_000
    private var limbs: [UInt64]

    init(_ value: UInt64) {
        limbs = []
        var rest = value
        repeat {
            limbs.append(rest % Self.limbBase)
            rest /= Self.limbBase
        } while rest > 0
    }

    /// Multiplies by `factor` (below 2^34, so a limb product plus carry fits in 64 bits).
    mutating func multiply(by factor: UInt64) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = limbs[index] * factor + carry
            limbs[index] = product % Self.limbBase
            carry = product / Self.limbBase
        }
        while carry > 0 {
            limbs.append(carry % Self.limbBase)
            carry /= Self.limbBase
        }
    }

    /// Multiplies by `base^exponent`, `chunkExponent` powers at a time (`chunkBase` is
    /// `base^chunkExponent`).
    mutating func multiply(byPowerOf base: UInt64, _ exponent: Int, chunkBase: UInt64, chunkExponent: Int) {
        var remaining = exponent
        while remaining >= chunkExponent {
            multiply(by: chunkBase)
            remaining -= chunkExponent
        }
        var tail: UInt64 = 1
        for _ in 0..<max(remaining, 0) { tail *= base }
        if tail > 1 { multiply(by: tail) }
    }

    /// Decimal digit values, most significant first, without leading zeros.
    func decimalDigits() -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(limbs.count * 9)
        for (position, limb) in limbs.reversed().enumerated() {
            // Each limb is nine digits; the top one is written without leading zeros.
            var divisor: UInt64 = 100_000_000
            if position == 0 {
                while divisor > 1 && limb / divisor == 0 { divisor /= 10 }
            }
            while divisor > 0 {
                result.append(UInt8(limb / divisor % 10))
                divisor /= 10
            }
        }
        return result
    }
}

/// CPython's `PyOS_double_to_string` (with `format_float_short`): formats `value` for the
/// presentation `code` (`e E f F g G`, or `r` for repr-style shortest digits).
///
/// - Parameters:
///   - precision: digits after the point (`e`, `f`) or significant digits (`g`); ignored for `r`.
///   - alternate: the `#` flag: keep a trailing point, and trailing zeros for `g`.
///   - addDotZero: write integral results as `1.0`, and for `g` switch to exponent
///     notation one digit earlier (the rule for a float formatted with no type).
///   - noNegativeZero: the `z` flag: drop the sign of a result that rounds to zero.
func pythonDoubleToString(
    _ value: Double, code: Character, precision: Int,
    alternate: Bool = false, addDotZero: Bool = false, noNegativeZero: Bool = false
) -> String {
    let uppercase = code == "E" || code == "F" || code == "G"
    let lowerCode: Character = switch code {
    case "E": "e"
    case "F": "f"
    case "G": "g"
    default: code
    }
    if value.isNaN { return uppercase ? "NAN" : "nan" }
    if value.isInfinite { return (value < 0 ? "-" : "") + (uppercase ? "INF" : "inf") }

    var precision = precision
    let number: FloatDecimalDigits
    switch lowerCode {
    case "e":
        precision += 1
        number = FloatDecimalDigits.exact(value).keeping(precision)
    case "f":
        let exact = FloatDecimalDigits.exact(value)
        number = exact.keeping(exact.decimalPoint + precision)
    case "g":
        if precision == 0 { precision = 1 }  // as CPython: precision 0 means 1 for 'g'
        number = FloatDecimalDigits.exact(value).keeping(precision)
    default:
        number = FloatDecimalDigits.shortest(value)
    }
    let digits = number.digits
    var isNegative = number.isNegative
    if noNegativeZero && isNegative && (digits.isEmpty || digits == [0]) { isNegative = false }

    // The rest mirrors format_float_short: output a slice of the digit string padded
    // with zeros on both sides ("virtual digits"), with the point placed inside it.
    var point = number.decimalPoint
    var virtualEnd = digits.count
    var useExponent = false
    switch lowerCode {
    case "e":
        useExponent = true
        virtualEnd = precision
    case "f":
        virtualEnd = point + precision
    case "g":
        if point <= -4 || point > (addDotZero ? precision - 1 : precision) { useExponent = true }
        if alternate { virtualEnd = precision }
    default:
        // repr switches to exponent notation at 1e16 and below 1e-4.
        if point <= -4 || point > 16 { useExponent = true }
    }
    var exponent = 0
    if useExponent {
        exponent = point - 1
        point = 1
    }
    let virtualStart = point <= 0 ? point - 1 : 0
    if !useExponent && addDotZero {
        virtualEnd = max(virtualEnd, point + 1)
    } else {
        virtualEnd = max(virtualEnd, point)
    }

    var out: [UInt8] = []
    out.reserveCapacity(virtualEnd - virtualStart + 8)
    let zero = UInt8(ascii: "0"), dot = UInt8(ascii: ".")
    if isNegative { out.append(UInt8(ascii: "-")) }
    if point <= 0 {
        out.append(contentsOf: repeatElement(zero, count: point - virtualStart))
        out.append(dot)
        out.append(contentsOf: repeatElement(zero, count: -point))
    } else {
        out.append(contentsOf: repeatElement(zero, count: -virtualStart))
    }
    if point > 0 && point <= digits.count {
        out.append(contentsOf: digits[0..<point].map { $0 + zero })
        out.append(dot)
        out.append(contentsOf: digits[point...].map { $0 + zero })
    } else {
        out.append(contentsOf: digits.map { $0 + zero })
    }
    if digits.count < point {
        out.append(contentsOf: repeatElement(zero, count: point - digits.count))
        out.append(dot)
        out.append(contentsOf: repeatElement(zero, count: virtualEnd - point))
    } else {
        out.append(contentsOf: repeatElement(zero, count: max(virtualEnd - digits.count, 0)))
    }
    if out.last == dot && !alternate { out.removeLast() }
    if useExponent {
        out.append(uppercase ? UInt8(ascii: "E") : UInt8(ascii: "e"))
        out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let magnitude = String(exponent.magnitude)
        if magnitude.utf8.count < 2 { out.append(zero) }
        out.append(contentsOf: magnitude.utf8)
    }
    return String(decoding: out, as: UTF8.self)
}

/// Python 3's `repr(float)` (also its `str`): shortest round-trip digits, exponent
/// notation below 1e-4 and from 1e16 up, `inf`, `-inf`, `nan` (never `-nan`).
func pythonFloatRepr(_ d: Double) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxFloatReprLength) { buffer in
        guard let base = buffer.baseAddress else { return "" }
        return String(decoding: UnsafeBufferPointer(start: base, count: writeFloatRepr(d, to: base)), as: UTF8.self)
    }
}
