// How lists and maps pack a value into a word: every value comes back exactly (the
// same case, the same bits), and only the documented few are boxed.

import Testing
@testable import Conc

@Suite struct PackedTests {
    /// The value's case and payload bits, to compare exactly (0.0 is not -0.0, a nan is
    /// its own bits).
    private func identity(_ v: Val) -> String {
        switch v {
        case .nil: return "nil"
        case .undefined: return "undefined"
        case .bool(let b): return "bool \(b)"
        case .int(let i): return "int \(i)"
        case .double(let d): return "double \(String(d.bitPattern, radix: 16))"
        case .object(let u): return "object \(u.toOpaque())"
        }
    }

    private func roundTrips(_ v: Val, boxed: Bool, in heap: Heap) -> Bool {
        let inline = Packed.inline(v)
        let packed = Packed(v, heap: heap)
        return (inline == nil) == boxed && identity(packed.val) == identity(v)
            && (packed.object != nil) == (boxed || v.obj != nil)
    }

    @Test func intsOfSixtyThreeBitsAreInlineAndTheRestBoxed() {
        let heap = Heap()
        let edge = 1 << 62
        for i in [0, 1, -1, 12345, edge - 1, -edge] { #expect(roundTrips(.int(i), boxed: false, in: heap)) }
        for i in [edge, -edge - 1, Int.max, Int.min] { #expect(roundTrips(.int(i), boxed: true, in: heap)) }
    }

    @Test func floatsWithinTwoToThe255AreInlineAndTheRestBoxed() {
        let heap = Heap()
        let inline: [Double] = [0, -0.0, 1, -1.5, 0.1, 2e-77, 1e77, 0x1p-255, -0x1p-255, 0x1.fffffffffffffp256,
                                -0x1.fffffffffffffp256]
        for d in inline { #expect(roundTrips(.double(d), boxed: false, in: heap), "\(d)") }
        let boxed: [Double] = [1e-77, 0x1p257, 0x1.fffffffffffffp-256, 1e300, 1e-300, .leastNonzeroMagnitude, .infinity, -.infinity,
                               .nan, -.nan, Double(bitPattern: 0x7ff0_0000_0000_0001)]
        for d in boxed { #expect(roundTrips(.double(d), boxed: true, in: heap), "\(d)") }
    }

    @Test func everyBitPatternOfAFloatComesBack() {
        let heap = Heap()
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for _ in 0..<100_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let d = Double(bitPattern: state)
            let p = Packed(.double(d), heap: heap)
            #expect(identity(p.val) == identity(.double(d)))
        }
    }

    @Test func constantsAndObjectsAreInline() {
        let heap = Heap()
        for v in [Val.nil, .undefined, .bool(false), .bool(true)] {
            #expect(roundTrips(v, boxed: false, in: heap))
            #expect(Packed.inline(v)?.object == nil)
        }
        let list = heap.newList(capacity: 1)
        #expect(roundTrips(Val(list), boxed: false, in: heap))
        #expect(Packed(Val(list), heap: heap).object?.toOpaque() == list.toOpaque())
    }

    @Test func aBoxIsAnObjectOfTheHeap() {
        let heap = Heap()
        let before = heap.objectCount
        let p = Packed(.int(Int.max), heap: heap)
        #expect(heap.objectCount == before + 1)
        #expect(p.object?._withUnsafeGuaranteedRef { $0.kind } == .box)
        #expect(Packed(.int(7), heap: heap).object == nil && heap.objectCount == before + 1)
    }
}
