// The state one interpreter shares between its threads: globals, the heap, built-ins,
// options and the output buffer.

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Buffered output: `print` appends here; the buffer goes to the sink when it grows
/// large, before anything reads input, before a fork and when a run ends.
///
/// A failed write to standard output (a full disk, a reader that has gone) drops the
/// chunk and is remembered: `print` raises it in the script (as Python's print raises
/// BrokenPipeError), and `failure` tells the command line to exit with an error.
final class OutputBuffer {
    private var bytes: [UInt8] = []
    /// Where output goes; nil means the process's standard output.
    var sink: (@Sendable (String) -> Void)?
    /// The errno of a failed write that no `print` has raised yet.
    var pendingError: Int32?
    /// The errno of the first failed write, for the exit status.
    private(set) var failure: Int32?

    func write(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
        if bytes.count >= 1 << 16 { flush() }
    }

    func write(_ s: String) { write(Array(s.utf8)) }

    func flush() {
        guard !bytes.isEmpty else { return }
        let chunk = bytes
        bytes.removeAll(keepingCapacity: true)
        if let sink {
            sink(String(decoding: chunk, as: UTF8.self))
        } else if let e = writeAll(fd: 1, chunk) {
            pendingError = e
            if failure == nil { failure = e }
        }
    }

    /// Writes what is buffered straight to standard output, calling nothing that
    /// allocates or locks: the last act of a process that is crashing, from a signal
    /// handler.
    func flushForCrash() {
        guard sink == nil else { return }
        writeAll(fd: 1, bytes)
    }
}

final class VM {
    let options: InterpreterOptions
    /// Set from any thread (a signal thread, the host) to raise `Interrupt` in running code.
    let interruptRequested = Atomic<Bool>(false)
    let heap = Heap()
    /// `heap` for the hot allocation paths: `_withUnsafeGuaranteedRef` on it borrows the
    /// heap without the retain and release Swift puts around a property's use.
    let heapRef: Unmanaged<Heap>
    let output = OutputBuffer()
    /// Global slots; allocated once at full size so the dispatch loop may keep a pointer.
    let globals: UnsafeMutablePointer<Val>
    static let maxGlobals = 1 << 20
    private(set) var globalCount = 0
    private(set) var globalNames: [String] = []
    private var globalIndex: [String: Int] = [:]
    /// Source text by file name, for the caret line of diagnostics.
    var sources: [String: [UInt8]] = [:]
    private(set) var mainThread: ThreadState!
    /// The value of `args`.
    var scriptArguments: [String]
    /// The 128 one-character ASCII strings, made once: iterating or indexing a string
    /// allocates nothing for them. A raw table: handing one out counts no references.
    let asciiStrings: UnsafeMutablePointer<Val>
    private(set) var emptyString: StrObj!
    /// Recently made short strings by hash, so making an equal one again shares it
    /// instead of allocating (strings are immutable, so sharing cannot be seen). The
    /// table holds no references the collector knows of: it is emptied before every
    /// collection, by clearing the slots filled since the last one (listed in
    /// `filledSlots`: each slot goes from empty to full once between collections).
    private let shortStrings: UnsafeMutablePointer<Unmanaged<StrObj>?>
    private let filledSlots: UnsafeMutablePointer<UInt16>
    private var filledCount = 0
    static let shortStringSlotBits = 12
    static let shortStringSlots = 1 << shortStringSlotBits
    static let shortStringLength = 16

    /// The built-in `range`, so `for i in range(...)` can count without calling it while
    /// the global still holds it.
    var rangeFunction: Unmanaged<Obj>?
    /// The built-in `len`, which the `len` instruction checks the global still holds.
    var lenFunction: Unmanaged<Obj>?

    // Threads (see Runtime/). All of it is guarded by the GIL except `osThreads`.
    let gil: GIL
    /// Threads running Conc code or queued to: the collector's roots, and the set
    /// deadlock detection looks at.
    var liveThreads: [ThreadState] = []
    /// Spawned threads that have not finished.
    var spawnedLive = 0
    var threadCounter = 0
    var hostCounter = 0
    /// Which thread state each OS thread runs (spawned threads, and host threads that
    /// have called in); the first host thread gets the main state.
    let osThreads = OSThreadTable()
    /// The thread waiting for all the others at the program's end.
    var exitWaiter: ThreadState?
    /// Set by `exit()` in a spawned thread: every thread unwinds with it.
    var pendingExitCode: Int32?
    /// GIL times of finished threads, for `gil_stats()`.
    var retiredThreads: [(name: String, held: Double, waited: Double)] = []
    /// Spans for `--trace` (nil when the program is not traced).
    var tracer: Tracer?
    /// Pools not shut down (roots; shut down at the program's end).
    var pools: [PoolObj] = []
    /// The native functions a thread pool's workers, a process pool's workers and its
    /// manager thread run.
    var poolWorker: Val = .nil
    var processPoolWorker: Val = .nil
    var processPoolManager: Val = .nil
    /// Child processes not yet reaped (roots: a child's handle lives until it is).
    var children: [ProcessHandle] = []
    var processCounter = 0
    /// Numbers for the labels of locks, queues... (`lock#1`).
    var labelCounts: [String: Int] = [:]
    /// Where errors that end threads are reported (standard error by default).
    var errorSink: @Sendable (String) -> Void = { text in writeAll(fd: 2, Array(text.utf8)) }

    init(options: InterpreterOptions) {
        self.options = options
        gil = GIL(interval: options.switchInterval)
        heapRef = Unmanaged.passUnretained(heap)
        scriptArguments = options.scriptArguments
        globals = .allocate(capacity: VM.maxGlobals)
        shortStrings = .allocate(capacity: VM.shortStringSlots)
        shortStrings.initialize(repeating: nil, count: VM.shortStringSlots)
        filledSlots = .allocate(capacity: VM.shortStringSlots)
        asciiStrings = .allocate(capacity: 128)
        mainThread = ThreadState(vm: self, name: "main", maxFrames: options.recursionLimit)
        if let limit = options.heapLimit { heap.limit = limit }
        if let path = options.traceFile {
            tracer = Tracer(path: path)
            gil.tracer = tracer
        }
        for b in 0..<128 {
            let s = heap.register(StrObj(bytes: [UInt8(b)], pool: heap.bytes))
            heap.makePermanent(s)
            (asciiStrings + b).initialize(to: Val(s))
        }
        emptyString = heap.register(StrObj(bytes: [], pool: heap.bytes))
        heap.makePermanent(emptyString)
        installBuiltins()
    }

    deinit {
        killChildren()
        heap.releaseAll()
        globals.deallocate()
        shortStrings.deallocate()
        filledSlots.deallocate()
        asciiStrings.deallocate()
    }

    /// The slot of global `name`, created (undefined) on first use.
    func globalSlot(_ name: String) -> Int {
        if let i = globalIndex[name] { return i }
        let i = globalCount
        precondition(i < VM.maxGlobals, "more than \(VM.maxGlobals) global names")
        (globals + i).initialize(to: .undefined)
        globalCount += 1
        globalNames.append(name)
        globalIndex[name] = i
        return i
    }

    func global(_ name: String) -> Val? {
        guard let i = globalIndex[name] else { return nil }
        if case .undefined = globals[i] { return nil }
        return globals[i]
    }

    func setGlobal(_ name: String, _ v: Val) {
        globals[globalSlot(name)] = v
    }

    /// Defines a native function as a global.
    func defineNative(_ name: String, _ minArgs: Int, _ maxArgs: Int, _ f: @escaping NativeFunction) {
        let n = heap.register(NativeObj(name: name, minArgs: minArgs, maxArgs: maxArgs, function: f))
        heap.makePermanent(n)
        setGlobal(name, Val(n))
    }

    /// Runs the collector over every root: a major collection, or a minor one of the
    /// young generation only.
    func collect(major: Bool = true) {
        heap.collect(major: major) { marker in
            for i in 0..<globalCount { marker.mark(globals[i]) }
            for t in liveThreads { t.markRoots(&marker) }
            for c in children { marker.mark(Val(c)) }
            for p in pools { marker.mark(Val(p)) }
        } pruneWeak: { _ in
            // The shared short strings are forgotten, dead or not: a string still in use
            // is simply shared anew. Testing each of the table's 4,096 slots against the
            // mark bits cost 20,000 instructions, clearing the whole table 1,000 or so
            // on every minor collection; this costs a store per string shared.
            for i in 0..<filledCount { shortStrings[Int(filledSlots[i])] = nil }
            filledCount = 0
        }
    }

    /// A new string value from UTF-8 bytes; one-scalar ASCII strings are shared.
    @inline(__always)
    func string<C: Collection>(_ bytes: C) -> Val where C.Element == UInt8 {
        let n = bytes.count
        if n == 1, let b = bytes.first, b < 0x80 { return asciiStrings[Int(b)] }
        if n == 0 { return Val(emptyString) }
        if n <= VM.shortStringLength, let v = bytes.withContiguousStorageIfAvailable({ shortString($0) }) {
            return v
        }
        if let v = bytes.withContiguousStorageIfAvailable({ Val(heap.newString(copying: $0)) }) { return v }
        if n > StrObj.maxByteCount { return Val(heap.newString(byteCount: heap.refuseLongString(), count: 0).0) }
        return Val(heap.adopt(StrObj(bytes: bytes, pool: heap.bytes)))
    }

    /// A string of at most `shortStringLength` bytes, shared with an equal one made
    /// since the last collection when there is one.
    @inline(__always)
    func shortString(_ bytes: UnsafeBufferPointer<UInt8>, ascii: Bool = false) -> Val {
        guard let p = bytes.baseAddress else { return Val(emptyString) }
        return shortString(words: loadWords(p, bytes.count), bytes.count, ascii: ascii)
    }

    /// The short string of the `n` bytes (1 <= n <= `shortStringLength`) that `words`
    /// holds, little-endian and zero above them: found in the table by comparing two
    /// words, or made by storing them. Callers that build a short result in registers
    /// or on the stack come here without storing it as bytes first.
    @inline(__always)
    func shortString(words: (UInt64, UInt64), _ n: Int, ascii: Bool) -> Val {
        // One byte of valid UTF-8 is an ASCII scalar.
        if n == 1 { return asciiStrings[Int(truncatingIfNeeded: words.0 & 0x7F)] }
        let (found, slot) = sharedShortString(words: words, n)
        if let found { return Val(found) }
        return newShortString(words: words, n, ascii: ascii, slot: slot)
    }

    /// The miss path of `shortString`, out of line so that the hit path inlines into
    /// its callers: a new string of the bytes, shared at `slot`.
    @inline(never)
    private func newShortString(words: (UInt64, UInt64), _ n: Int, ascii: Bool, slot: Int) -> Val {
        let h = StrObj.hash(words: words, n)
        let count = ascii || (words.0 | words.1) & 0x8080_8080_8080_8080 == 0 ? n : StrObj.scalarCount(words: words, n)
        let s = heapRef._withUnsafeGuaranteedRef { $0.newString(words: words, n, count: count) }
        s._withUnsafeGuaranteedRef { $0.presetHash(h) }
        share(s, at: slot)
        return Val(s)
    }

    @inline(__always)
    private func share(_ s: Unmanaged<StrObj>, at slot: Int) {
        if shortStrings[slot] == nil {
            filledSlots[filledCount] = UInt16(truncatingIfNeeded: slot)
            filledCount &+= 1
        }
        shortStrings[slot] = s
    }

    /// The shared short string of the `n` bytes in `words` if there is one, and the
    /// cache slot a new one goes to. The slot comes from the top bits of a product of
    /// the words, a few instructions, not from the string's hash: a string found needs
    /// no hash, and only a new one is given its hash (`presetHash`).
    @inline(__always)
    private func sharedShortString(words: (UInt64, UInt64), _ n: Int) -> (Unmanaged<StrObj>?, Int) {
        let x = (words.0 ^ (words.1 &* 0xff51_afd7_ed55_8ccd)) &* 0x9e37_79b9_7f4a_7c15
        let slot = Int(truncatingIfNeeded: x >> UInt64(64 - VM.shortStringSlotBits))
        if let u = shortStrings[slot], u._withUnsafeGuaranteedRef({
            $0.byteCount == n && loadWords($0.storage, n) == words
        }) {
            return (u, slot)
        }
        return (nil, slot)
    }

    /// A new string from bytes that are ASCII when `ascii` says so (then the scalars
    /// need no counting).
    @inline(__always)
    func string(_ bytes: UnsafeBufferPointer<UInt8>, ascii: Bool) -> Val {
        let n = bytes.count
        if n == 0 { return Val(emptyString) }
        if n <= VM.shortStringLength { return shortString(bytes, ascii: ascii) }
        return Val(heapRef._withUnsafeGuaranteedRef { $0.newString(copying: bytes, ascii: ascii) })
    }

    func string(_ s: String) -> Val {
        var s = s
        return s.withUTF8 { string($0) }
    }

    /// A finished builder's string.
    /// A finished builder's string. A short one is shared like `shortString`'s; a new
    /// string takes over the builder's buffer.
    func string(_ builder: StringBuilder) -> Val {
        let n = builder.count
        if n == 0 || (n == 1 && builder.withBytes { $0[0] < 0x80 }) {
            let v = n == 0 ? Val(emptyString) : builder.withBytes { asciiStrings[Int($0[0])] }
            builder.discard()
            return v
        }
        return heapRef._withUnsafeGuaranteedRef { heap in
            if n > VM.shortStringLength { return Val(builder.finish(in: heap)) }
            let words = builder.withBytes { b in b.baseAddress.map { loadWords($0, n) } ?? (0, 0) }
            let (found, slot) = sharedShortString(words: words, n)
            if let found {
                builder.discard()
                return Val(found)
            }
            let h = StrObj.hash(words: words, n)
            let s = builder.finish(in: heap)
            s._withUnsafeGuaranteedRef { $0.presetHash(h) }
            share(s, at: slot)
            return Val(s)
        }
    }

    func list(_ items: [Val]) -> Val { Val(heap.adopt(ListObj(items, heap: heap))) }
}

/// Writes all of `bytes` to a file descriptor, retrying short writes; the errno of a
/// failed write, or nil.
@discardableResult
func writeAll(fd: Int32, _ bytes: [UInt8]) -> Int32? {
    bytes.withUnsafeBytes { raw -> Int32? in
        guard let base = raw.baseAddress else { return nil }
        var off = 0
        while off < raw.count {
            let n = systemWrite(fd, base + off, raw.count - off)
            if n < 0 { return errno }
            if n == 0 { return EIO }
            off += n
        }
        return nil
    }
}
