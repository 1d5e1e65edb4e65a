// The entry point of ConcFuzz. Built with `-sanitize=fuzzer,address -DFUZZING` it is a
// libFuzzer fuzzer (see Tests/fuzz/run); built plainly it runs the files it is given
// through the same harness, to reproduce a crash: `swift run ConcFuzz crash-file`.

import Conc
#if canImport(Glibc)
import Glibc
#endif

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// libFuzzer's own byte-level mutator.
@_silgen_name("LLVMFuzzerMutate")
func LLVMFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// The seed material of the grammar-aware mode, read once at start-up from the directory
/// named by `CONC_FUZZ_GRAMMAR`; nil (the variable unset or empty) means byte mode.
let grammarMaterial: Material? = {
    guard let p = getenv("CONC_FUZZ_GRAMMAR") else { return nil }
    let dir = String(cString: p)
    if dir.isEmpty { return nil }
    let m = Material(seedDirectory: dir)
    return m.isEmpty ? nil : m
}()

/// libFuzzer calls this for every mutation once it is defined. In byte mode it is just
/// libFuzzer's own mutator; in grammar mode it mutates tokens and lines.
@_cdecl("LLVMFuzzerCustomMutator")
public func customMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int,
                          _ seed: UInt32) -> Int {
    guard let data else { return 0 }
    guard let material = grammarMaterial else { return LLVMFuzzerMutate(data, size, maxSize) }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let out = grammarMutate(input, maxSize: maxSize, seed: seed, material: material) { bytes in
        var buf = bytes + [UInt8](repeating: 0, count: max(0, maxSize - bytes.count))
        let n = buf.withUnsafeMutableBufferPointer { LLVMFuzzerMutate($0.baseAddress!, min(bytes.count, maxSize), maxSize) }
        return Array(buf.prefix(n))
    }
    out.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: out.count) }
    return out.count
}

/// Cross-over of two inputs: at line boundaries in grammar mode, at byte offsets
/// otherwise (libFuzzer uses this instead of its own once it is defined).
@_cdecl("LLVMFuzzerCustomCrossOver")
public func customCrossOver(_ data1: UnsafePointer<UInt8>?, _ size1: Int,
                            _ data2: UnsafePointer<UInt8>?, _ size2: Int,
                            _ out: UnsafeMutablePointer<UInt8>?, _ maxOutSize: Int,
                            _ seed: UInt32) -> Int {
    guard let out else { return 0 }
    let a = Array(UnsafeBufferPointer(start: data1, count: data1 == nil ? 0 : size1))
    let b = Array(UnsafeBufferPointer(start: data2, count: data2 == nil ? 0 : size2))
    let result: [UInt8]
    if grammarMaterial != nil {
        result = grammarCrossOver(a, b, maxSize: maxOutSize, seed: seed)
    } else {
        var rng = SplitMix(state: UInt64(seed))
        let head = a.prefix(rng.below(a.count + 1))
        let tail = b.suffix(rng.below(b.count + 1))
        result = Array((Array(head) + Array(tail)).prefix(maxOutSize))
    }
    if result.isEmpty { return 0 }
    result.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: result.count) }
    return result.count
}
#endif

@main
struct ConcFuzz {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        _ = grammarMaterial
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
            Harness.run(bytes)
            return 0
        })
        #else
        let files = CommandLine.arguments.dropFirst()
        if files.isEmpty {
            print("usage: ConcFuzz FILE... (runs each file through the fuzzing harness)")
            exit(2)
        }
        for file in files {
            guard let bytes = readWholeFile(file) else {
                print("\(file): cannot read")
                exit(2)
            }
            switch Harness.run(bytes) {
            case .finished: print("\(file): finished")
            case .failed(let e): print("\(file): \(e.kind): \(e.message)")
            }
        }
        #endif
    }
}
