// The byte fast paths of NumberText.swift against the general code they stand in for
// (FloatRepr.swift, Numbers.swift), on many random values.

import Testing
@testable import Conc

@Suite struct NumberTextTests {
    /// A deterministic generator (SplitMix64), so a failure can be reproduced.
    private struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private func bytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }

    private func written(capacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int?) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            guard let base = buffer.baseAddress, let n = body(base) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: base, count: n), as: UTF8.self)
        }
    }

    /// Random doubles: any bit pattern, and values of ordinary sizes.
    private func doubles(_ count: Int) -> [Double] {
        var random = Random(state: 42)
        var values: [Double] = [0, -0.0, 1, 0.1, 1e16, 1e-4, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0x1p-72, 0x1p63]
        for i in 0..<count {
            let bits = random.next()
            if i % 2 == 0 {
                values.append(Double(bitPattern: bits))
            } else {
                values.append(Double(Int64(bitPattern: bits) >> Int64(bits % 50)) / Double(1 << (bits % 40)))
            }
        }
        return values
    }

    @Test func floatReprMatchesTheGeneralLayout() {
        for d in doubles(20_000) {
            let fast = written(capacity: maxFloatReprLength) { writeFloatRepr(d, to: $0) }
            let general = pythonDoubleToString(d, code: "r", precision: 0, addDotZero: true)
            #expect(fast == general, "\(d.bitPattern)")
        }
    }

    @Test func floatReprOfShortDecimalsMatchesTheGeneralLayout() {
        var random = Random(state: 3)
        for _ in 0..<20_000 {
            let bits = random.next()
            let scale = [1.0, 8, 10, 100, 1000, 1e4, 1e6, 1e9, 1e12, 3, 7][Int(bits % 11)]
            let d = Double(Int64(bitPattern: random.next()) >> Int64(bits >> 8 % 60)) / scale
            let fast = written(capacity: maxFloatReprLength) { writeFloatRepr(d, to: $0) }
            #expect(fast == pythonDoubleToString(d, code: "r", precision: 0, addDotZero: true), "\(d.bitPattern)")
        }
        for d in [1e-4, 0.00010000000000000002, 999999999999999.9, 999999999999999.5, 1e15, 0.1, 0.3, 2.675] {
            let fast = written(capacity: maxFloatReprLength) { writeFloatRepr(d, to: $0) }
            #expect(fast == pythonDoubleToString(d, code: "r", precision: 0, addDotZero: true), "\(d)")
        }
    }

    @Test func fixedMatchesTheExactExpansion() {
        for (index, d) in doubles(20_000).enumerated() {
            let precision = index % 12
            let magnitude = d.magnitude
            guard magnitude.isFinite else { continue }
            let fast = written(capacity: maxFixedLength) { writeFixed(magnitude, precision: precision, to: $0) }
            #expect(fast == nil || fast == pythonDoubleToString(magnitude, code: "f", precision: precision),
                    "\(d.bitPattern) .\(precision)f")
            #expect((fast != nil) == fixedFastPathCovers(magnitude, precision: precision))
        }
    }

    @Test func floatParsingMatchesTheGeneralParser() {
        var random = Random(state: 7)
        var texts = ["1234.125", "9007199254740993", "1e22", "1e23", "-0.0", ".5", "5.", "0e999"]
        for _ in 0..<20_000 {
            let a = random.next(), b = random.next()
            let digits = String(a % (1 << (b % 60 + 1)))
            let point = Int(b >> 8 % 25) % (digits.count + 1)
            var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if b & 1 == 0 { text += "e\(Int(b >> 16 % 61) - 30)" }
            if b & 2 == 0 { text = "-" + text }
            texts.append(text)
        }
        for text in texts {
            let fast = bytes(text) { parseFloatFast($0) }
            if let fast {
                #expect(fast.bitPattern == parseFloatLiteral(text)?.bitPattern, "\(text)")
            }
        }
    }

    @Test func intParsingMatchesTheGeneralParser() {
        var random = Random(state: 9)
        for _ in 0..<5_000 {
            let n = Int(bitPattern: UInt(random.next())) >> Int(random.next() % 64)
            for text in [String(n), " \(n)\n", "+\(n)", "0\(n)"] {
                if let fast = bytes(text, { parseIntFast($0) }) {
                    #expect(parseIntLiteral(text) == .some(.some(fast)), "\(text)")
                }
            }
            let digits = written(capacity: maxDecimalLength) { writeDecimal(n, to: $0) }
            #expect(digits == String(n))
        }
    }

    @Test func formatFastMatchesTheGeneralFormatter() {
        let vm = quietInterpreter().vm
        var specs: [String] = []
        for fillAlign in ["", "<", ">", "^", "=", "*<", "*^", "0>", "x=", "\u{E9}>"] {
            for sign in ["", "+", "-", " "] {
                for zero in ["", "0"] {
                    for width in ["", "1", "8", "25"] {
                        for precision in ["", ".0", ".2", ".7", ".40"] {
                            for type in ["", "d", "f", "F", "s", "g"] {
                                specs.append(fillAlign + sign + zero + width + precision + type)
                            }
                        }
                    }
                }
            }
        }
        let values: [(Val, FormatValue)] = [
            (.int(0), .int(0)), (.int(-42), .int(-42)), (.int(Int.min), .int(Int.min)),
            (.double(-0.0), .double(-0.0)), (.double(2.675), .double(2.675)),
            (.double(-1234.5), .double(-1234.5)), (.double(1e-30), .double(1e-30)),
            (.double(.infinity), .double(.infinity)),
            (vm.string("h\u{E9}llo"), .string("h\u{E9}llo")), (vm.string(""), .string("")),
        ]
        var fastCount = 0
        for spec in specs {
            guard let specObj = vm.string(spec).asString else { continue }
            for (value, formatValue) in values {
                guard let fast = vm.formatFast(value, specObj) else { continue }
                fastCount += 1
                let general = pythonFormat(formatValue, spec)
                #expect(general == .success(fast.asString?.string ?? "?"), "format(\(formatValue), \"\(spec)\")")
            }
        }
        #expect(fastCount > 5_000)
    }
}
