// FormatSpec.swift: Python's format-spec mini-language for Conc's `format(v, spec)`.
//
// A port of CPython 3.11's Python/formatter_unicode.c: the same parse (including its
// quirks, such as `0` also setting `=` alignment for numbers), the same errors in the
// same order, and the same number layout (sign, prefix, zero padding that grows through
// the digit grouping, padding). Floats are converted by `pythonDoubleToString`.
// Widths and precisions are capped at `formatSpecLimit` so a script cannot make the
// host allocate absurdly; nothing here traps.

/// A value to format, already reduced to what the formatter needs.
enum FormatValue: Sendable, Equatable {
    case int(Int)
    case double(Double)
    case string(String)
    /// Formats as the string `true`/`false` (Conc's spelling), never as a number.
    case bool(Bool)
    /// Any other value, already stringified; formatted like a string. `typeName` is only
    /// used in error messages (`Unknown format code 'd' for object of type 'list'`).
    case other(String, typeName: String = "object")
}

/// A formatting failure: `kind` is the Conc error kind (`ValueError`, `TypeError`, or
/// `OverflowError` for an out-of-range `c`), `message` is Python's wording.
struct FormatSpecError: Error, Equatable, Sendable {
    var kind: String
    var message: String
}

/// Largest width or precision a spec may ask for (Python allows any; we refuse beyond).
let formatSpecLimit = 10_000

/// Python's `format(value, spec)`.
func pythonFormat(_ value: FormatValue, _ spec: String) -> Result<String, FormatSpecError> {
    switch value {
    case .int(let n):
        if spec.isEmpty { return .success(String(n)) }
        return parseFormatSpec(spec, typeName: "int", defaultType: "d", defaultAlign: ">")
            .flatMap { formatInt(n, $0) }
    case .double(let d):
        if spec.isEmpty { return .success(pythonFloatRepr(d)) }
        return parseFormatSpec(spec, typeName: "float", defaultType: nil, defaultAlign: ">")
            .flatMap { formatDouble(d, $0, typeName: "float") }
    case .string(let s):
        return formatStringLike(s, spec, typeName: "string")
    case .other(let s, let typeName):
        return formatStringLike(s, spec, typeName: typeName)
    case .bool(let b):
        if spec.isEmpty { return .success(b ? "true" : "false") }
        return parseFormatSpec(spec, typeName: "bool", defaultType: "s", defaultAlign: "<").flatMap { parsed in
            // Conc booleans are not numbers, so numeric presentations are a type error.
            if let type = parsed.type, "bcdoxXneEfFgG%".unicodeScalars.contains(type) {
                return .failure(FormatSpecError(
                    kind: "TypeError", message: "format code \(typeCodeText(type)) not supported for bool"))
            }
            return formatString(b ? "true" : "false", parsed, typeName: "bool")
        }
    }
}

/// A parsed `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
struct ParsedFormatSpec: Sendable {
    var fill: Unicode.Scalar = " "
    var align: Unicode.Scalar
    var sign: Unicode.Scalar?
    var noNegativeZero = false
    var alternate = false
    var width: Int?
    /// `,` or `_`.
    var grouping: Unicode.Scalar?
    var precision: Int?
    var type: Unicode.Scalar?
}

private func valueError(_ message: String) -> Result<ParsedFormatSpec, FormatSpecError> {
    .failure(FormatSpecError(kind: "ValueError", message: message))
}

/// CPython's rendering of a presentation type in messages: `'x'`, or `'\x1f'` when
/// not printable ASCII.
private func typeCodeText(_ code: Unicode.Scalar) -> String {
    if code.value > 32 && code.value < 128 { return "'\(Character(code))'" }
    return "'\\x\(String(code.value, radix: 16))'"
}

/// Parses a spec exactly as CPython's `parse_internal_render_format_spec`.
func parseFormatSpec(
    _ spec: String, typeName: String, defaultType: Unicode.Scalar?, defaultAlign: Unicode.Scalar
) -> Result<ParsedFormatSpec, FormatSpecError> {
    let chars = Array(spec.unicodeScalars)
    var pos = 0
    var parsed = ParsedFormatSpec(align: defaultAlign, type: defaultType)
    func isAlign(_ index: Int) -> Bool {
        guard index < chars.count else { return false }
        switch chars[index] {
        case "<", ">", "=", "^": return true
        default: return false
        }
    }
    var alignSpecified = false, fillSpecified = false
    if isAlign(1) {
        parsed.fill = chars[0]
        parsed.align = chars[1]
        alignSpecified = true
        fillSpecified = true
        pos = 2
    } else if isAlign(0) {
        parsed.align = chars[0]
        alignSpecified = true
        pos = 1
    }
    if pos < chars.count, chars[pos] == "+" || chars[pos] == "-" || chars[pos] == " " {
        parsed.sign = chars[pos]
        pos += 1
    }
    if pos < chars.count, chars[pos] == "z" {
        parsed.noNegativeZero = true
        pos += 1
    }
    if pos < chars.count, chars[pos] == "#" {
        parsed.alternate = true
        pos += 1
    }
    // A leading 0 means zero fill and, for numbers, padding after the sign.
    if !fillSpecified, pos < chars.count, chars[pos] == "0" {
        parsed.fill = "0"
        if !alignSpecified && defaultAlign == ">" { parsed.align = "=" }
        pos += 1
    }
    /// Reads a decimal integer; nil if there are no digits, -1 past the limit.
    func readInteger() -> Int? {
        var value: Int?
        while pos < chars.count, let digit = decimalDigitValue(chars[pos]) {
            let current = value ?? 0
            value = current > formatSpecLimit ? current : current * 10 + digit  // saturate
            pos += 1
        }
        if let value, value > formatSpecLimit { return -1 }
        return value
    }
    parsed.width = readInteger()
    if parsed.width == -1 { return valueError("Format width too large (the limit is \(formatSpecLimit))") }
    if pos < chars.count, chars[pos] == "," {
        parsed.grouping = ","
        pos += 1
    }
    if pos < chars.count, chars[pos] == "_" {
        if parsed.grouping != nil { return valueError("Cannot specify both ',' and '_'.") }
        parsed.grouping = "_"
        pos += 1
    }
    if pos < chars.count, chars[pos] == ",", parsed.grouping == "_" {
        return valueError("Cannot specify both ',' and '_'.")
    }
    if pos < chars.count, chars[pos] == "." {
        pos += 1
        guard let precision = readInteger() else { return valueError("Format specifier missing precision") }
        if precision == -1 { return valueError("Format precision too large (the limit is \(formatSpecLimit))") }
        parsed.precision = precision
    }
    if chars.count - pos > 1 {
        return valueError("Invalid format specifier '\(spec)' for object of type '\(typeName)'")
    }
    if pos < chars.count { parsed.type = chars[pos] }
    if let grouping = parsed.grouping {
        let allowed: Bool
        switch parsed.type {
        case nil, "d", "e", "f", "g", "E", "G", "%", "F": allowed = true
        case "b", "o", "x", "X": allowed = grouping == "_"  // PEP 515: '_' only
        default: allowed = false
        }
        if !allowed {
            let code = parsed.type.map(typeCodeText) ?? "'\\x0'"
            return valueError("Cannot specify '\(Character(grouping))' with \(code).")
        }
    }
    return .success(parsed)
}

private func unknownCode(_ code: Unicode.Scalar, _ typeName: String) -> FormatSpecError {
    FormatSpecError(kind: "ValueError",
                    message: "Unknown format code \(typeCodeText(code)) for object of type '\(typeName)'")
}

private func formatStringLike(_ s: String, _ spec: String, typeName: String) -> Result<String, FormatSpecError> {
    if spec.isEmpty { return .success(s) }
    return parseFormatSpec(spec, typeName: typeName, defaultType: "s", defaultAlign: "<")
        .flatMap { formatString(s, $0, typeName: typeName) }
}

/// CPython's `format_string_internal`: precision truncates, width pads (in scalars).
private func formatString(_ s: String, _ spec: ParsedFormatSpec, typeName: String) -> Result<String, FormatSpecError> {
    func fail(_ message: String) -> Result<String, FormatSpecError> {
        .failure(FormatSpecError(kind: "ValueError", message: message))
    }
    if let type = spec.type, type != "s" { return .failure(unknownCode(type, typeName)) }
    if let sign = spec.sign {
        return fail(sign == " " ? "Space not allowed in string format specifier"
                                : "Sign not allowed in string format specifier")
    }
    if spec.noNegativeZero {
        return fail("Negative zero coercion (z) not allowed in string format specifier")
    }
    if spec.alternate { return fail("Alternate form (#) not allowed in string format specifier") }
    if spec.align == "=" { return fail("'=' alignment not allowed in string format specifier") }
    var scalars = Array(s.unicodeScalars)
    if let precision = spec.precision, scalars.count > precision {
        scalars.removeLast(scalars.count - precision)
    }
    let padding = max((spec.width ?? 0) - scalars.count, 0)
    let left = spec.align == ">" ? padding : spec.align == "^" ? padding / 2 : 0
    var out = String.UnicodeScalarView()
    out.append(contentsOf: repeatElement(spec.fill, count: left))
    out.append(contentsOf: scalars)
    out.append(contentsOf: repeatElement(spec.fill, count: padding - left))
    return .success(String(out))
}

/// CPython's `format_long_internal`, plus the switch to float presentations.
private func formatInt(_ n: Int, _ spec: ParsedFormatSpec) -> Result<String, FormatSpecError> {
    func fail(_ message: String, kind: String = "ValueError") -> Result<String, FormatSpecError> {
        .failure(FormatSpecError(kind: kind, message: message))
    }
    let type = spec.type ?? "d"
    switch type {
    case "e", "E", "f", "F", "g", "G", "%":
        return formatDouble(Double(n), spec, typeName: "int")  // as Python's float(n)
    case "b", "c", "d", "o", "x", "X", "n":
        break
    default:
        return .failure(unknownCode(type, "int"))
    }
    if spec.precision != nil { return fail("Precision not allowed in integer format specifier") }
    if spec.noNegativeZero {
        return fail("Negative zero coercion (z) not allowed in integer format specifier")
    }
    var digits: String
    var prefix = ""
    if type == "c" {
        if spec.sign != nil { return fail("Sign not allowed with integer format specifier 'c'") }
        if spec.alternate { return fail("Alternate form (#) not allowed with integer format specifier 'c'") }
        guard n >= 0 && n <= 0x10FFFF else {
            return fail("%c arg not in range(0x110000)", kind: "OverflowError")
        }
        // Python can hold a lone surrogate; a Conc string (Unicode scalars) cannot.
        guard let scalar = Unicode.Scalar(UInt32(n)) else {
            return fail("%c arg is a surrogate, which a string cannot hold")
        }
        digits = String(Character(scalar))
    } else {
        let radix = type == "b" ? 2 : type == "o" ? 8 : (type == "x" || type == "X") ? 16 : 10
        digits = String(n.magnitude, radix: radix, uppercase: type == "X")
        if spec.alternate && radix != 10 {
            prefix = type == "b" ? "0b" : type == "o" ? "0o" : type == "x" ? "0x" : "0X"
        }
    }
    if spec.width == nil && spec.grouping == nil && spec.sign != "+" && spec.sign != " " {
        return .success((n < 0 ? "-" : "") + prefix + digits)  // nothing to pad or group
    }
    let groupSize: Int? = spec.grouping == nil ? nil : (type == "d" ? 3 : 4)
    return .success(layoutNumber(
        negative: n < 0, prefix: prefix, digits: Array(digits.unicodeScalars), hasDecimal: false,
        remainder: [], spec: spec, groupSize: groupSize))
}

/// CPython's `format_float_internal`.
private func formatDouble(_ value: Double, _ spec: ParsedFormatSpec, typeName: String) -> Result<String, FormatSpecError> {
    var value = value
    var code: Character
    var precision = spec.precision ?? 6
    var addDotZero = false
    var percent = false
    switch spec.type {
    case nil:
        // No type: repr when no precision, else 'g' that keeps at least one decimal.
        addDotZero = true
        code = spec.precision == nil ? "r" : "g"
        precision = spec.precision ?? 0
    case "n": code = "g"
    case "%":
        code = "f"
        value *= 100
        percent = true
    case "e": code = "e"
    case "E": code = "E"
    case "f": code = "f"
    case "F": code = "F"
    case "g": code = "g"
    case "G": code = "G"
    case let type?: return .failure(unknownCode(type, typeName))
    }
    var text = pythonDoubleToString(value, code: code, precision: precision, alternate: spec.alternate,
                                    addDotZero: addDotZero, noNegativeZero: spec.noNegativeZero)
    if percent { text += "%" }
    // CPython's fast path: nothing to pad, sign or group.
    if spec.width == nil && spec.grouping == nil && spec.sign != "+" && spec.sign != " " {
        return .success(text)
    }
    var body = Array(text.unicodeScalars)
    let negative = body.first == "-"
    if negative { body.removeFirst() }
    // Split into integer digits, an optional point, and the rest (fraction, exponent, %).
    let digitCount = body.firstIndex { !("0"..."9").contains($0) } ?? body.count
    let hasDecimal = digitCount < body.count && body[digitCount] == "."
    let remainder = Array(body[(hasDecimal ? digitCount + 1 : digitCount)...])
    return .success(layoutNumber(
        negative: negative, prefix: "", digits: Array(body[..<digitCount]), hasDecimal: hasDecimal,
        remainder: remainder, spec: spec, groupSize: spec.grouping == nil || spec.type == "n" ? nil : 3))
}

/// CPython's `calc_number_widths` + `fill_number`:
/// `<lpad><sign><prefix><spad><grouped digits><.><remainder><rpad>`.
private func layoutNumber(
    negative: Bool, prefix: String, digits: [Unicode.Scalar], hasDecimal: Bool,
    remainder: [Unicode.Scalar], spec: ParsedFormatSpec, groupSize: Int?
) -> String {
    var sign: Unicode.Scalar?
    switch spec.sign {
    case "+": sign = negative ? "-" : "+"
    case " ": sign = negative ? "-" : " "
    default: sign = negative ? "-" : nil
    }
    let prefixScalars = Array(prefix.unicodeScalars)
    let nonDigits = (sign == nil ? 0 : 1) + prefixScalars.count + (hasDecimal ? 1 : 0) + remainder.count
    let width = spec.width ?? -1
    // Zero fill with '=' alignment pads inside the digits, so the grouping covers it.
    let minWidth = spec.fill == "0" && spec.align == "=" ? width - nonDigits : 0
    let grouped = digits.isEmpty ? [] : groupDigits(
        digits, minWidth: minWidth, groupSize: groupSize, separator: spec.grouping ?? ",")
    let padding = max(width - (nonDigits + grouped.count), 0)
    var left = 0, inside = 0, right = 0
    switch spec.align {
    case "<": right = padding
    case "^":
        left = padding / 2
        right = padding - left
    case "=": inside = padding
    default: left = padding
    }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: repeatElement(spec.fill, count: left))
    if let sign { out.append(sign) }
    out.append(contentsOf: prefixScalars)
    out.append(contentsOf: repeatElement(spec.fill, count: inside))
    out.append(contentsOf: grouped)
    if hasDecimal { out.append(".") }
    out.append(contentsOf: remainder)
    out.append(contentsOf: repeatElement(spec.fill, count: right))
    return String(out)
}

/// CPython's `_PyUnicode_InsertThousandsGrouping`: inserts `separator` every
/// `groupSize` digits from the right and left-pads with '0' digits (separated too)
/// until the result is at least `minWidth` long. A nil `groupSize` means no grouping.
private func groupDigits(
    _ digits: [Unicode.Scalar], minWidth: Int, groupSize: Int?, separator: Unicode.Scalar
) -> [Unicode.Scalar] {
    var reversed: [Unicode.Scalar] = []  // built right to left
    var minWidth = max(0, minWidth)
    var remaining = digits.count
    var useSeparator = false
    func emit(length: Int) {
        let zeros = max(0, length - remaining)
        let count = max(0, min(remaining, length))
        if useSeparator { reversed.append(separator) }
        reversed.append(contentsOf: digits[(remaining - count)..<remaining].reversed())
        reversed.append(contentsOf: repeatElement("0", count: zeros))
        remaining -= count
    }
    if let groupSize {
        while true {
            let length = min(groupSize, max(remaining, minWidth, 1))
            emit(length: length)
            useSeparator = true
            minWidth -= length
            if remaining <= 0 && minWidth <= 0 { break }
            minWidth -= 1  // the separator's width
        }
    } else {
        emit(length: max(remaining, minWidth, 1))
    }
    return reversed.reversed()
}
