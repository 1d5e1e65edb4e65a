// The lexer's literal scanners: numbers and strings (with escapes and interpolation).
//
// Both use checked arithmetic and failable initialisers only, so no input can trap:
// an integer literal above Int.max is a syntax error, and a `\u{...}` escape naming a
// surrogate or a value above U+10FFFF is a syntax error.

extension Lexer {
    /// Lexes a number: `42`, `1_000`, `0xff`, `3.14`, `1e9`, `2.5e-3`.
    /// `.5` and `5.` are not numbers: a `.` must be followed by a digit to start a fraction.
    mutating func lexNumber() throws(SyntaxError) {
        let start = index
        if src[index] == UInt8(ascii: "0") && (byte(index + 1) | 0x20) == UInt8(ascii: "x") {
            try lexHexNumber(from: start)
            return
        }
        var value = 0
        var tooLarge = false
        try scanDigits(from: start) { digit in
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            if o1 || o2 { tooLarge = true } else { value = sum }
        }
        var isFloat = false
        if byte(index) == UInt8(ascii: ".") && isDigit(byte(index + 1)) {
            isFloat = true
            index += 1
            try scanDigits(from: start) { _ in }
        }
        if (byte(index) | 0x20) == UInt8(ascii: "e") {
            isFloat = true
            index += 1
            if byte(index) == UInt8(ascii: "+") || byte(index) == UInt8(ascii: "-") { index += 1 }
            guard isDigit(byte(index)) else { throw invalidNumber(start) }
            try scanDigits(from: start) { _ in }
        }
        if isIdentContinue(byte(index)) { throw invalidNumber(start) }
        if isFloat {
            var text = ""
            text.reserveCapacity(index - start)
            for c in src[start..<index] where c != UInt8(ascii: "_") {
                text.unicodeScalars.append(Unicode.Scalar(c))
            }
            guard let double = Double(text) else { throw invalidNumber(start) }
            emit(.float, at: start, payload: Int(Int64(bitPattern: double.bitPattern)))
            return
        }
        if src[start] == UInt8(ascii: "0") && value != 0 {
            throw SyntaxError("leading zeros are not allowed in integer literals",
                              at: position(of: start))
        }
        if tooLarge {
            throw SyntaxError("integer literal too large", at: position(of: start))
        }
        emit(.int, at: start, payload: value)
    }

    /// Scans a run of decimal digits with single `_` between digits, calling `digit`
    /// with each digit's value. `index` must be at a digit.
    mutating func scanDigits(from start: Int, _ digit: (Int) -> Void) throws(SyntaxError) {
        while index < src.count {
            let c = src[index]
            if isDigit(c) {
                digit(Int(c - UInt8(ascii: "0")))
                index += 1
            } else if c == UInt8(ascii: "_") {
                guard isDigit(byte(index + 1)) else { throw invalidNumber(start) }
                index += 1
            } else {
                break
            }
        }
    }

    /// Lexes `0x...` (hex digits with single `_` between them, and, as in Python, one
    /// right after the prefix: `0x_ff`).
    mutating func lexHexNumber(from start: Int) throws(SyntaxError) {
        index += 2
        if byte(index) == UInt8(ascii: "_") { index += 1 }
        guard hexValue(byte(index)) != nil else { throw invalidNumber(start) }
        var value = 0
        var tooLarge = false
        while index < src.count {
            if let digit = hexValue(src[index]) {
                let (times16, o1) = value.multipliedReportingOverflow(by: 16)
                let (sum, o2) = times16.addingReportingOverflow(digit)
                if o1 || o2 { tooLarge = true } else { value = sum }
                index += 1
            } else if src[index] == UInt8(ascii: "_") && hexValue(byte(index + 1)) != nil {
                index += 1
            } else {
                break
            }
        }
        if isIdentContinue(byte(index)) { throw invalidNumber(start) }
        if tooLarge { throw SyntaxError("integer literal too large", at: position(of: start)) }
        emit(.int, at: start, payload: value)
    }

    /// The error for a malformed number starting at byte `start`.
    mutating func invalidNumber(_ start: Int) -> SyntaxError {
        SyntaxError("invalid number literal", at: position(of: start))
    }

    /// Lexes string text from `start` (a `"`, or the `}` that closes an interpolation)
    /// up to the closing `"` or the next `${`, decoding escapes, and emits the piece.
    mutating func lexString(from start: Int, opening: Bool) throws(SyntaxError) {
        let startPos = position(of: start)
        let stringStart = opening ? startPos : interpolations[interpolations.count - 1].start
        let contentStart = index
        var text: [UInt8] = []
        // Plain text is decoded straight from the source; `text` is used only once an
        // escape or a lone `$` makes the value differ from the source bytes.
        var copied = false
        while true {
            // Scan plain bytes in runs: one pass over the literal, whatever its size.
            let runStart = index
            while index < src.count {
                let c = src[index]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c == UInt8(ascii: "$")
                    || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { break }
                index += 1
            }
            if copied { text.append(contentsOf: src[runStart..<index]) }
            guard index < src.count else {
                throw SyntaxError("unterminated string", at: stringStart, incomplete: true)
            }
            switch src[index] {
            case UInt8(ascii: "\""):
                let value = copied ? stringValue(text) : stringValue(contentStart..<index)
                index += 1
                if opening {
                    emit(.string, at: start, text: value)
                } else {
                    interpolations.removeLast()
                    emit(.stringTail, at: start, text: value)
                }
                return
            case UInt8(ascii: "$"):
                guard byte(index + 1) == UInt8(ascii: "{") else {
                    index += 1
                    if copied { text.append(UInt8(ascii: "$")) }
                    continue
                }
                let value = copied ? stringValue(text) : stringValue(contentStart..<index)
                index += 2
                if opening {
                    interpolations.append((braces: 0, start: stringStart))
                    emit(.stringHead, at: start, text: value)
                } else {
                    emit(.stringMiddle, at: start, text: value)
                }
                return
            case UInt8(ascii: "\\"):
                if !copied {
                    text.append(contentsOf: src[contentStart..<index])
                    copied = true
                }
                try lexEscape(into: &text, stringStart: stringStart)
            default:
                // A line break: strings cannot span lines.
                throw SyntaxError("unterminated string", at: stringStart)
            }
        }
    }

    /// The value of a string piece from its (valid UTF-8) bytes.
    func stringValue(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The value of a string piece or name whose bytes are `range` of the source.
    func stringValue(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: src[range]), as: UTF8.self)
    }

    /// Decodes one escape sequence (`index` at the backslash) into `text`.
    mutating func lexEscape(into text: inout [UInt8],
                            stringStart: SourcePos) throws(SyntaxError) {
        let escapeStart = index
        index += 1
        guard index < src.count else {
            throw SyntaxError("unterminated string", at: stringStart, incomplete: true)
        }
        let c = src[index]
        index += 1
        switch c {
        case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
        case UInt8(ascii: "r"): text.append(UInt8(ascii: "\r"))
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "$"): text.append(c)
        case UInt8(ascii: "u"):
            guard let scalar = scanUnicodeEscape() else {
                throw SyntaxError("invalid Unicode escape (expected \\u{X} with 1 to 6 hex "
                                  + "digits naming a valid scalar)", at: position(of: escapeStart))
            }
            text.append(contentsOf: scalar.utf8)
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            throw SyntaxError("unterminated string", at: stringStart)
        default:
            index -= 1
            throw SyntaxError("invalid escape sequence '\\\(describeEscaped(at: index))'",
                              at: position(of: escapeStart))
        }
    }

    /// Scans `{X...}` after `\u` and returns the scalar, or nil if it is malformed or
    /// not a valid scalar (a surrogate, or above U+10FFFF).
    mutating func scanUnicodeEscape() -> Unicode.Scalar? {
        guard byte(index) == UInt8(ascii: "{") else { return nil }
        index += 1
        var value: UInt32 = 0
        var digits = 0
        while let digit = hexValue(byte(index)), digits < 6 {
            value = value * 16 + UInt32(digit)
            digits += 1
            index += 1
        }
        guard digits > 0, byte(index) == UInt8(ascii: "}") else { return nil }
        index += 1
        return Unicode.Scalar(value)
    }

    /// The character after a backslash, for an error message.
    func describeEscaped(at offset: Int) -> String {
        let length = max(UTF8Check.sequenceLength(lead: src[offset]), 1)
        return String(decoding: src[offset..<min(offset + length, src.count)], as: UTF8.self)
    }
}

/// UTF-8 validation of a whole source buffer.
enum UTF8Check {
    /// The length of the sequence a lead byte starts (0 for a byte that cannot lead).
    static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    /// The offset of the first byte that is not part of well-formed UTF-8 (no overlong
    /// forms, no surrogates, nothing above U+10FFFF), or nil if the buffer is valid.
    static func firstInvalidByte(in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = buffer.count
        while i < n {
            let lead = buffer[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length = sequenceLength(lead: lead)
            guard length > 0 else { return i }
            // The allowed range of the second byte excludes overlong forms,
            // surrogates and values above U+10FFFF (Unicode Table 3-7).
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xE0: low = 0xA0
            case 0xED: high = 0x9F
            case 0xF0: low = 0x90
            case 0xF4: high = 0x8F
            default: break
            }
            guard i + 1 < n, buffer[i + 1] >= low, buffer[i + 1] <= high else { return i }
            for k in 2..<max(length, 2) {
                guard i + k < n, buffer[i + k] & 0xC0 == 0x80 else { return i }
            }
            i += length
        }
        return nil
    }
}
