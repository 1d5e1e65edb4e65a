// Thin wrappers over the C library: clocks, sleeping, raw writes and whole-file I/O.

#if canImport(Glibc)
import Glibc
#endif

func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    while true {
        let r = write(fd, p, n)
        if r < 0 && errno == EINTR { continue }
        return r
    }
}

func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func sleepSeconds(_ s: Double) {
    guard s > 0 else { return }
    let capped = min(s, 1e9)
    var req = timespec(tv_sec: Int(capped), tv_nsec: Int((capped - capped.rounded(.down)) * 1e9))
    var rem = timespec()
    while nanosleep(&req, &rem) != 0 && errno == EINTR { req = rem }
}

struct FileError: Error {
    var message: String
}

private func errnoMessage(_ path: String) -> FileError {
    FileError(message: "\(path): \(String(cString: strerror(errno)))")
}

func readWholeFile(_ path: String) -> Result<[UInt8], FileError> {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return .failure(errnoMessage(path)) }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return .failure(errnoMessage(path))
        }
        if n == 0 { return .success(out) }
        out += chunk[0..<n]
    }
}

func writeWholeFile(_ path: String, _ bytes: [UInt8]) -> FileError? {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 { return errnoMessage(path) }
    defer { close(fd) }
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + off, bytes.count - off) }
        if n < 0 { return errnoMessage(path) }
        off += n
    }
    return nil
}

// Buffers of trivial values (bytes, `Val`s, map entries) come from malloc directly:
// Swift's `UnsafeMutablePointer.allocate` goes through the aligned-allocation path
// (posix_memalign), which measured about twice as slow per string here. Memory from
// these functions must be freed with `rawFree`, never `deallocate()`.

/// Uninitialised room for `capacity` values of a trivial type.
@inline(__always)
func rawAllocate<T>(_: T.Type, capacity: Int) -> UnsafeMutablePointer<T> {
    guard let p = malloc(max(capacity, 1) * MemoryLayout<T>.stride) else {
        fatalError("out of memory allocating \(capacity) × \(T.self)")
    }
    return p.bindMemory(to: T.self, capacity: max(capacity, 1))
}

/// Grows (or shrinks) a buffer from `rawAllocate`, keeping its contents.
@inline(__always)
func rawReallocate<T>(_ p: UnsafeMutablePointer<T>, capacity: Int) -> UnsafeMutablePointer<T> {
    guard let q = realloc(p, max(capacity, 1) * MemoryLayout<T>.stride) else {
        fatalError("out of memory allocating \(capacity) × \(T.self)")
    }
    return q.bindMemory(to: T.self, capacity: max(capacity, 1))
}

@inline(__always)
func rawFree<T>(_ p: UnsafeMutablePointer<T>) { free(p) }
