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
}
