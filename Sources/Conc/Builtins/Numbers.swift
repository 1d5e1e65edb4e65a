// Numbers.swift: Python-exact rounding and number parsing for Conc's `round`, `int`
// and `float` built-ins.
//
// Everything here is total: no input traps (Swift's `Int(Double)` conversion traps on
// nan, infinities and out-of-range values, so every such conversion goes through
// `doubleToIntExact`). Failures are reported as `nil` for the caller to turn into the
// right Conc error.

/// Python's `round(x, n)` for a float: the value correctly rounded (half to even on the
/// exact binary value) to `n` decimal places, `n` may be negative.
///
/// `round(0.125, 2) == 0.12`, `round(2.675, 2) == 2.67` (2.675 is really 2.67499999...),
/// `round(1234.5, -2) == 1200.0`. Non-finite values and zeros come back unchanged.
///
/// Where Python raises `OverflowError("rounded value too large to represent")` (only
/// possible when rounding a value near `Double.greatestFiniteMagnitude` upwards) this
/// returns an infinity: the caller raises when `x` is finite and the result is not.
func pythonRound(_ x: Double, digits: Int) -> Double {
    guard x.isFinite, x != 0 else { return x }
    // CPython's NDIGITS_MAX and NDIGITS_MIN: beyond them the answer is known without
    // expanding anything (x itself, or a zero carrying x's sign).
    if digits > 323 { return x }
    if digits < -308 { return x < 0 ? -0.0 : 0.0 }
    let exact = FloatDecimalDigits.exact(x)
    let rounded = exact.keeping(exact.decimalPoint + digits)
    if rounded.digits.isEmpty { return x < 0 ? -0.0 : 0.0 }
    // Like CPython, go through a decimal string: Swift's parser is correctly rounded.
    var text = x < 0 ? "-0." : "0."
    text.unicodeScalars.append(contentsOf: rounded.digits.map { Unicode.Scalar($0 + 48) })
    text += "e\(rounded.decimalPoint)"
    return Double(text) ?? x
}

/// Python's `round(x)` with no digits: nearest integer, ties to even (`round(2.5) == 2`,
/// `round(-0.5) == 0`). `nil` for nan and infinities (Python: ValueError / OverflowError)
/// and for results outside `Int` (Python would make a big int; Conc raises OverflowError).
func pythonRoundToInt(_ x: Double) -> Int? {
    doubleToIntExact(x.rounded(.toNearestOrEven))
}

/// Python's `round(n, digits)` for an int: unchanged for `digits >= 0`, otherwise
/// rounded to a multiple of `10^-digits`, ties to even (`round(25, -1) == 20`,
/// `round(35, -1) == 40`). `nil` when the result does not fit in `Int`.
func roundInt(_ x: Int, digits: Int) -> Int? {
    if digits >= 0 { return x }
    // |x| < 9.3e18 is below half of 10^20, so anything coarser rounds to zero.
    if digits <= -20 { return 0 }
    var power: Int128 = 1
    for _ in 0..<(-digits) { power *= 10 }
    let value = Int128(x)
    // Floor division, as Python's divmod, so negative values round symmetrically.
    var quotient = value / power
    var remainder = value % power
    if remainder < 0 {
        quotient -= 1
        remainder += power
    }
    if 2 * remainder > power || (2 * remainder == power && quotient % 2 != 0) {
        quotient += 1
    }
    return Int(exactly: quotient * power)
}

/// Truncates toward zero (Python's `int(float)`); `nil` for nan, infinities and values
/// outside `Int`, where `Int(d)` would trap.
func doubleToIntExact(_ d: Double) -> Int? {
    guard d.isFinite else { return nil }
    let truncated = d.rounded(.towardZero)
    // 2^63 is exactly representable; Int.max is not, so compare against 2^63.
    guard truncated >= -9_223_372_036_854_775_808.0, truncated < 9_223_372_036_854_775_808.0 else {
        return nil
    }
    return Int(truncated)
}

/// Python's `int(text)` in base 10: surrounding whitespace stripped, an optional sign,
/// then decimal digits (any Unicode decimal digit, as Python) with single underscores
/// allowed between digits.
///
/// - Returns: the value; `.some(nil)` when the text is a valid integer that does not fit
///   in 64 bits (caller raises OverflowError); `nil` when it is not a valid literal
///   (caller raises `ValueError: invalid literal for int() with base 10: '...'`).
func parseIntLiteral(_ s: String) -> Int?? {
    let scalars = trimmedPythonWhitespace(s)
    var index = scalars.startIndex
    var negative = false
    if index < scalars.endIndex, scalars[index] == "+" || scalars[index] == "-" {
        negative = scalars[index] == "-"
        index += 1
    }
    var magnitude: UInt64 = 0
    var overflowed = false
    var sawDigit = false
    var previousWasUnderscore = false
    while index < scalars.endIndex {
        let scalar = scalars[index]
        index += 1
        if scalar == "_" {
            // An underscore must sit between two digits.
            if !sawDigit || previousWasUnderscore { return nil }
            previousWasUnderscore = true
            continue
        }
        guard let digit = decimalDigitValue(scalar) else { return nil }
        sawDigit = true
        previousWasUnderscore = false
        // Keep validating after an overflow: "99999999999999999999x" is still invalid.
        let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
        if overflow1 || overflow2 { overflowed = true } else { magnitude = sum }
    }
    if !sawDigit || previousWasUnderscore { return nil }
    if overflowed { return .some(nil) }
    if negative {
        if magnitude == UInt64(Int.max) + 1 { return Int.min }
        return magnitude <= UInt64(Int.max) ? -Int(magnitude) : .some(nil)
    }
    return magnitude <= UInt64(Int.max) ? Int(magnitude) : .some(nil)
}

/// Python's `float(text)`: surrounding whitespace stripped, an optional sign, then
/// `inf`, `infinity` or `nan` in any case, or a decimal number with an optional point
/// and exponent (`1.5`, `.5`, `5.`, `1e-3`, `1_000.5`), underscores only between digits.
/// Out-of-range values become infinities or zeros, as in Python. `nil` when invalid.
func parseFloatLiteral(_ s: String) -> Double? {
    let scalars = trimmedPythonWhitespace(s)
    var index = scalars.startIndex
    var sign = ""
    if index < scalars.endIndex, scalars[index] == "+" || scalars[index] == "-" {
        sign = scalars[index] == "-" ? "-" : ""
        index += 1
    }
    // Only ASCII letters are case-folded: Python's parser compares bytes.
    let word = String(String.UnicodeScalarView(scalars[index...].map { scalar in
        (65...90).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar
    }))
    if word == "inf" || word == "infinity" { return sign == "-" ? -.infinity : .infinity }
    if word == "nan" { return sign == "-" ? -.nan : .nan }

    // Rebuild an ASCII literal for Swift's (correctly rounded) parser, validating the
    // grammar here so that Swift never sees forms Python rejects (hex, "nan(...)").
    var ascii = sign
    /// Reads `digit (["_"] digit)*`; false if no digit or a misplaced underscore.
    func readDigitPart() -> Bool {
        var count = 0
        while index < scalars.endIndex {
            if let digit = decimalDigitValue(scalars[index]) {
                ascii.unicodeScalars.append(Unicode.Scalar(UInt8(48 + digit)))
                count += 1
                index += 1
            } else if scalars[index] == "_", count > 0, index + 1 < scalars.endIndex,
                      decimalDigitValue(scalars[index + 1]) != nil {
                index += 1
            } else {
                break
            }
        }
        return count > 0
    }
    let hasIntegerPart = readDigitPart()
    var hasFraction = false
    if index < scalars.endIndex, scalars[index] == "." {
        index += 1
        ascii += "."
        hasFraction = readDigitPart()
    }
    if !hasIntegerPart && !hasFraction { return nil }
    if index < scalars.endIndex, scalars[index] == "e" || scalars[index] == "E" {
        index += 1
        ascii += "e"
        if index < scalars.endIndex, scalars[index] == "+" || scalars[index] == "-" {
            ascii.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard readDigitPart() else { return nil }
    }
    guard index == scalars.endIndex else { return nil }
    return Double(ascii)
}

/// The value of a Unicode decimal digit (`Numeric_Type=Decimal`, what Python's `int`,
/// `float` and format widths accept), or nil.
func decimalDigitValue(_ scalar: Unicode.Scalar) -> Int? {
    if scalar.value >= 48 && scalar.value <= 57 { return Int(scalar.value - 48) }
    guard scalar.value > 127, scalar.properties.numericType == .decimal,
          let value = scalar.properties.numericValue, value >= 0, value <= 9 else { return nil }
    return Int(value)
}

/// Whether `int()` and `float()` strip this scalar: ASCII space, tab, newline, vertical
/// tab, form feed, carriage return, and the non-ASCII scalars for which `str.isspace`
/// holds. (CPython maps non-ASCII spaces to ' ' first, then strips ASCII whitespace
/// only, so U+001C...U+001F, spaces to `str.isspace`, are not stripped.)
func isPythonNumberWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F,
         0x205F, 0x3000:
        return true
    default:
        return false
    }
}

/// The scalars of `s` without the leading and trailing whitespace `int()` strips.
private func trimmedPythonWhitespace(_ s: String) -> [Unicode.Scalar] {
    let scalars = Array(s.unicodeScalars)
    guard let first = scalars.firstIndex(where: { !isPythonNumberWhitespace($0) }),
          let last = scalars.lastIndex(where: { !isPythonNumberWhitespace($0) }) else { return [] }
    return Array(scalars[first...last])
}
