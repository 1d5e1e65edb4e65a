// The binary form of sendable values (what processes and pipes will carry): round
// trips, the values that cannot be sent, and malformed input, which must never crash.

import Testing
@testable import Conc

/// Encodes the global `name` after running `script`; returns the bytes or the error.
private func encode(_ script: String, _ name: String = "v") throws -> (Interpreter, Result<[UInt8], ConcError>) {
    let conc = quietInterpreter()
    try conc.run(script)
    let result = conc.vm.withGIL { ts -> Result<[UInt8], ConcError> in
        var w = WireWriter()
        do throws(Unwind) {
            try w.write(conc.vm.global(name)!, ts)
            return .success(w.bytes)
        } catch {
            return .failure(conc.vm.concError(error, ts))
        }
    }
    return (conc, result)
}

private func decode(_ conc: Interpreter, _ bytes: [UInt8]) -> Value? {
    conc.vm.withGIL { _ in
        var r = WireReader(bytes)
        return r.readAll(conc.vm).map { conc.vm.snapshot($0) }
    }
}

@Suite(.capturesStderr) struct WireTests {
    @Test func everySendableTypeRoundTrips() throws {
        let script = """
            let v = [nil, true, false, 0, -1, 9223372036854775807, -9223372036854775807 - 1,
                     0.1, -0.0, 1e300, float("inf"), "", "héllo ✓ 😀", [], {},
                     [[1, [2, [3]]]], {"a": 1, 2: [3], nil: {"x": true}, 1.5: "f"},
                     error("ValueError", "bad")]
            """
        let (conc, result) = try encode(script)
        let bytes = try result.get()
        let back = try #require(decode(conc, bytes))
        #expect(back == conc["v"])
    }

    @Test func aMillionIntsRoundTrip() throws {
        let (conc, result) = try encode("let v = []\nfor i in range(1000000) { v.push(i * 7) }")
        let bytes = try result.get()
        #expect(bytes.count == 1 + 3 + 1_000_000 * 9)
        let back = try #require(decode(conc, bytes))
        #expect(back.listValue?.count == 1_000_000)
        #expect(back.listValue?[999_999] == .int(6_999_993))
    }

    @Test func errorsKeepKindMessageAndTrace() throws {
        let (conc, result) = try encode("""
            fn f() { throw error("KeyError", "missing") }
            let v = nil
            try { f() } catch e { v = e }
            """)
        let back = conc.vm.withGIL { _ -> (String, String, [String])? in
            var r = WireReader(try! result.get())
            guard let e = r.readAll(conc.vm)?.asError else { return nil }
            return (e.errorKind, e.message, e.trace)
        }
        #expect(back?.0 == "KeyError")
        #expect(back?.1 == "missing")
        #expect(back?.2.isEmpty == false)
    }

    @Test func valuesThatCannotBeSentAreTypeErrors() throws {
        for (script, message) in [
            ("let v = fn() { return 1 }", "cannot send function to another process"),
            ("let v = [1, Lock()]", "cannot send lock to another process"),
            ("let v = {\"q\": Queue()}", "cannot send queue to another process"),
            ("let v = [1]\nv.push(v)", "cannot send a list that contains itself"),
            ("let v = {}\nv[\"me\"] = [v]", "cannot send a map that contains itself"),
        ] {
            let (_, result) = try encode(script)
            guard case .failure(let e) = result else {
                Issue.record("\(script) was sent")
                continue
            }
            #expect(e.kind == "TypeError")
            #expect(e.message == message)
        }
    }

    @Test func deepNestingIsRefusedNotACrash() throws {
        let (_, result) = try encode("let v = []\nfor i in range(1000) { v = [v] }")
        guard case .failure(let e) = result else { Issue.record("sent"); return }
        #expect(e.message == "cannot send a list nested deeper than 200 levels")
    }

    @Test func malformedBytesDecodeToNil() throws {
        let (conc, result) = try encode("let v = [1, \"two\", {\"three\": 3.0}, error(\"E\", \"m\")]")
        let bytes = try result.get()
        for n in 0..<bytes.count {
            #expect(decode(conc, Array(bytes[0..<n])) == nil, "a prefix of \(n) bytes decoded")
        }
        #expect(decode(conc, bytes + [0]) == nil)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let junk = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = decode(conc, junk)
        }
        // A count far beyond the bytes present is refused at once.
        #expect(decode(conc, [6, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == nil)
        // Invalid UTF-8 in a string.
        #expect(decode(conc, [5, 2, 0xC3, 0x28]) == nil)
    }
}
