// Where a string's bytes live: inside the object up to 16 bytes (at the offset
// `StrObj.storage` computes from the object's address), in a buffer beyond.

import Testing
@testable import Conc

/// glibc's `malloc_usable_size` (malloc.h, which the Glibc module leaves out).
@_silgen_name("malloc_usable_size")
private func mallocUsableSize(_ p: UnsafeMutableRawPointer?) -> Int

@Suite struct StrObjLayoutTests {
    private let alphabet = Array("0123456789abcdefg".utf8)

    @Test func bodyOffsetIsWhereTheCompilerPutTheField() {
        #expect(StrObj.measuredBodyOffset() == StrObj.bodyOffset)
    }

    @Test func sixteenBytesAreInlineAndLeaveTheOtherFieldsAlone() {
        let bytes = Array(alphabet[0..<16])
        let pool = BytePool()
        let s = StrObj(bytes: bytes, pool: pool)
        s.heapIndex = 12345
        let object = UnsafeRawPointer(Unmanaged.passUnretained(s).toOpaque())
        #expect(s.isInline)
        #expect(UnsafeRawPointer(s.storage) == object + StrObj.bodyOffset)
        #expect(Array(s.bytes) == bytes)
        #expect(s.kind == .string && s.heapIndex == 12345)
        #expect(s.byteCount == 16 && s.count == 16 && s.flags == 0)
        #expect(s.hash == bytes.withUnsafeBufferPointer { StrObj.hash(of: $0) })
    }

    /// Short strings compare their inline words masked to their length: the bytes past
    /// it (left over from a reused object) must not count, and every byte up to it must.
    @Test(arguments: [0, 1, 7, 8, 9, 15, 16])
    func shortStringsCompareOnlyTheirOwnBytes(_ n: Int) {
        let garbage = UInt64.max
        func words(_ bytes: [UInt8], tail: UInt64) -> (UInt64, UInt64) {
            var w: (UInt64, UInt64) = (0, 0)
            for (i, b) in bytes.enumerated() {
                if i < 8 { w.0 |= UInt64(b) << UInt64(8 * i) } else { w.1 |= UInt64(b) << UInt64(8 * (i - 8)) }
            }
            // Fill the bytes past n with `tail`.
            let m0: UInt64 = n >= 8 ? 0 : ~((1 << UInt64(8 * n)) - 1)
            let m1: UInt64 = n >= 16 ? 0 : n <= 8 ? ~0 : ~((1 << UInt64(8 * (n - 8))) - 1)
            return (w.0 | (tail & m0), w.1 | (tail & m1))
        }
        let bytes = Array(alphabet[0..<n])
        let clean = StrObj(words: words(bytes, tail: 0), n, count: n)
        let dirty = StrObj(words: words(bytes, tail: garbage), n, count: n)
        #expect(clean.equals(dirty) && dirty.equals(clean))
        for i in 0..<n {
            var other = bytes
            other[i] ^= 1
            let differs = StrObj(words: words(other, tail: garbage), n, count: n)
            #expect(!clean.equals(differs) && !differs.equals(clean), "byte \(i) of \(n)")
        }
    }

    @Test func seventeenBytesAreInABuffer() {
        let pool = BytePool()
        let s = StrObj(bytes: alphabet, pool: pool)
        let object = UnsafeRawPointer(Unmanaged.passUnretained(s).toOpaque())
        #expect(!s.isInline)
        let p = UnsafeRawPointer(s.storage)
        #expect(p < object || p >= object + 64)
        #expect(Array(s.bytes) == alphabet)
        s.returnBytes(to: pool)
    }

    @Test func aStringIsOneSixtyFourByteMallocChunk() {
        let s = StrObj(bytes: Array(alphabet[0..<3]), pool: BytePool())
        #expect(mallocUsableSize(Unmanaged.passUnretained(s).toOpaque()) <= 56)
    }

    /// A string of 17 to 64 bytes made by the heap is one malloc chunk that holds its
    /// bytes (80, 96 or 112 bytes), equal to and hashing as the same bytes in a buffer.
    @Test(arguments: [17, 24, 32, 33, 48, 49, 64])
    func mediumStringsKeepTheirBytesInTheirObject(_ n: Int) {
        let heap = Heap()
        let bytes = (0..<n).map { alphabet[$0 % alphabet.count] }
        let u = bytes.withUnsafeBufferPointer { heap.newString(copying: $0, ascii: true) }
        let s = u.takeUnretainedValue()
        let object = UnsafeRawPointer(u.toOpaque())
        let size = mallocUsableSize(u.toOpaque())
        #expect(s.isInline && s.mediumUnits == (n + 15) / 16 - 1)
        #expect(UnsafeRawPointer(s.storage) == object + StrObj.bodyOffset)
        #expect(StrObj.bodyOffset + n <= size && size <= 56 + (n + 15) / 16 * 16 - 16)
        #expect(Array(s.bytes) == bytes && s.count == n)
        let plain = StrObj(bytes: bytes, pool: heap.bytes)
        #expect(!plain.isInline && plain.equals(s) && s.equals(plain) && plain.hash == s.hash)
        plain.returnBytes(to: heap.bytes)
    }

    /// A builder's buffer of a medium length is copied into a medium string and given back.
    @Test func aBuiltMediumStringLeavesNoBuffer() {
        let heap = Heap()
        var b = StringBuilder(pool: heap.bytes)
        b.append(Array(alphabet) + Array(alphabet))
        let s = b.finish(in: heap).takeUnretainedValue()
        #expect(s.isInline && s.byteCount == 34 && Array(s.bytes) == Array(alphabet) + Array(alphabet))
    }
}
