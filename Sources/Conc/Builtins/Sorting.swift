// Sorting: `xs.sort(key, reverse)` and `sorted(xs, key, reverse)`.
//
// Both are stable, as Python's, and `reverse` is Python's too: the items are reversed,
// sorted stably, and reversed back, so descending order still keeps equal items in
// their original order. The sort keys (the items themselves, or what the key function
// returned) are sorted as (key, index) pairs, the index then picking each item: keys
// that are all ints, all floats without a NaN, or all strings are compared by their
// payloads directly (a string by its UTF-8 bytes, whose order is code point order);
// any other mix goes through the generic `<`, whose TypeError propagates.

#if canImport(Glibc)
import Glibc
#endif

/// A sort key and the index of its item.
private struct Keyed<K> {
    var key: K
    var index: Int
}

/// A string key: its first eight bytes as a big-endian number (zero-padded), which
/// decides most comparisons without reading the bytes, and the bytes.
private struct StringKey {
    let prefix: UInt64
    let bytes: UnsafePointer<UInt8>
    let count: Int

    /// The key of a string value (of the empty string for any other, which the
    /// callers have ruled out).
    init(_ v: Val) {
        if case .object(let u) = v, u._withUnsafeGuaranteedRef({ $0.kind }) == .string {
            (bytes, count) = Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef {
                (UnsafePointer($0.storage), $0.byteCount)
            }
        } else {
            (bytes, count) = (UnsafePointer(StringKey.noBytes), 0)
        }
        if count >= 8 {
            prefix = UInt64(bigEndian: UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self))
        } else {
            var w: UInt64 = 0
            for i in 0..<count { w |= UInt64(bytes[i]) << (56 &- 8 &* i) }
            prefix = w
        }
    }

    nonisolated(unsafe) private static let noBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    /// Byte order. Unequal prefixes order as the strings do (a zero pad byte sorts
    /// below any byte, as the end of a string does); on equal ones the first
    /// `min(8, shorter count)` bytes are known equal.
    @inline(__always)
    static func < (a: StringKey, b: StringKey) -> Bool {
        if a.prefix != b.prefix { return a.prefix < b.prefix }
        let m = min(a.count, b.count), k = min(8, m)
        let c = memcmp(a.bytes + k, b.bytes + k, m - k)
        return c != 0 ? c < 0 : a.count < b.count
    }
}

/// What every sort key is, which decides how they are compared.
private enum KeyKind {
    case ints, floats, strings, mixed

    init<K: Collection<Val>>(_ keys: K) {
        guard let first = keys.first else {
            self = .mixed
            return
        }
        switch first {
        case .int:
            self = keys.allSatisfy { if case .int = $0 { return true } else { return false } } ? .ints : .mixed
        case .double:
            self = keys.allSatisfy { if case .double(let d) = $0 { return !d.isNaN } else { return false } } ? .floats : .mixed
        default:
            self = keys.allSatisfy { $0.asString != nil } ? .strings : .mixed
        }
    }
}

extension VM {
    /// `xs.sort(key, reverse)`: sorts the list in place. With a key function the list
    /// looks empty while it runs, as in CPython, and a key function that changes the
    /// list makes the sort raise ValueError (the sorted items stay). An error from the
    /// key function or from comparing leaves the list as it was.
    func sortList(_ ts: ThreadState, _ l: ListObj, key: Val?, reverse: Bool) throws(Unwind) {
        guard let key else {
            // No script code runs, so the list cannot change under the sort.
            let sorted = try sortedItems(ts, l.items, keys: l.items, keysAreItems: true, reverse: reverse)
            defer { freeSorted(sorted) }
            l.replace(with: UnsafeBufferPointer(sorted), heap: heap)
            return
        }
        // The items are copied out first: while the key function runs, the list is
        // empty and may be given other items.
        let items = UnsafeMutableBufferPointer<Val>.allocate(capacity: l.count)
        defer { items.deallocate() }
        _ = items.initialize(fromContentsOf: l.items)
        l.removeAll()
        let modified: Bool
        do throws(Unwind) {
            modified = try withKeys(ts, key, UnsafeBufferPointer(items)) { keys throws(Unwind) in
                let modified = l.count != 0
                let sorted = try sortedItems(ts, UnsafeBufferPointer(items), keys: keys, keysAreItems: false, reverse: reverse)
                defer { freeSorted(sorted) }
                l.replace(with: UnsafeBufferPointer(sorted), heap: heap)
                return modified
            }
        } catch {
            let packed = pack(UnsafeBufferPointer(items))
            defer { freeSorted(packed) }
            l.replace(with: UnsafeBufferPointer(packed), heap: heap)
            throw error
        }
        if modified { throw ts.error("ValueError", "list modified during sort") }
    }

    /// Frees a buffer `sortedItems` made.
    private func freeSorted(_ b: UnsafeMutableBufferPointer<Packed>) {
        if let p = b.baseAddress { rawFree(p) }
    }

    /// A new buffer from `rawAllocate` of `n` words, the `i`th `Packed(value(i))`.
    @inline(__always)
    private func packed(_ n: Int, _ value: (Int) -> Val) -> UnsafeMutableBufferPointer<Packed> {
        let out = UnsafeMutableBufferPointer(start: rawAllocate(Packed.self, capacity: max(n, 1)), count: n)
        for i in 0..<n { out.initializeElement(at: i, to: Packed(value(i), heap: heap)) }
        return out
    }

    private func pack(_ items: UnsafeBufferPointer<Val>) -> UnsafeMutableBufferPointer<Packed> {
        packed(items.count) { items[$0] }
    }

    /// `sorted(items, key, reverse)`: a new list, which takes the sorted buffer as its
    /// own. `items` may be a list's own buffer only when there is no key function (no
    /// script code then runs that could change the list).
    func sortedList<C: RandomAccessCollection<Val>>(_ ts: ThreadState, _ items: C, key: Val?,
                                                    reverse: Bool) throws(Unwind) -> Val where C.Index == Int {
        let sorted: UnsafeMutableBufferPointer<Packed>
        if let key {
            sorted = try withKeys(ts, key, items) { keys throws(Unwind) in
                try sortedItems(ts, items, keys: keys, keysAreItems: false, reverse: reverse)
            }
        } else {
            sorted = try sortedItems(ts, items, keys: items, keysAreItems: true, reverse: reverse)
        }
        return Val(heap.adopt(ListObj(adopting: sorted)))
    }

    /// Runs `body` with `key(item)` of each item. The key function runs script code,
    /// where the collector may run: the items and the keys are rooted until `body` is
    /// done. Rebuilding the list, `body` runs no script code, so the roots keep still.
    private func withKeys<C: RandomAccessCollection<Val>, R>(_ ts: ThreadState, _ key: Val, _ items: C,
                             _ body: (UnsafeBufferPointer<Val>) throws(Unwind) -> R) throws(Unwind) -> R where C.Index == Int {
        let mark = ts.nativeRoots.count
        defer { ts.nativeRoots.removeLast(ts.nativeRoots.count - mark) }
        ts.nativeRoots.append(contentsOf: items)
        for i in 0..<items.count {
            let item = ts.nativeRoots[mark + i]
            ts.nativeRoots.append(try withUnsafePointer(to: item) { p throws(Unwind) in
                try callFunction(ts, key, UnsafeBufferPointer(start: p, count: 1))
            })
        }
        let n = items.count
        return try ts.nativeRoots.withUnsafeBufferPointer { roots throws(Unwind) in
            try body(UnsafeBufferPointer(rebasing: roots[mark + n..<mark + 2 * n]))
        }
    }

    /// `items` ordered by `keys` (one per item; the items themselves when
    /// `keysAreItems`), packed in a new buffer from `rawAllocate` that the caller frees
    /// with `rawFree` or gives to a list.
    private func sortedItems<C: RandomAccessCollection<Val>, K: RandomAccessCollection<Val>>(
        _ ts: ThreadState, _ items: C, keys: K, keysAreItems: Bool, reverse: Bool
    ) throws(Unwind) -> UnsafeMutableBufferPointer<Packed> where C.Index == Int, K.Index == Int {
        switch KeyKind(keys) {
        case .ints where keysAreItems:
            return sorted(items, reverse) { v -> Int in
                if case .int(let i) = v { return i } else { return 0 }
            } wrap: { .int($0) }
        case .floats where keysAreItems:
            return sorted(items, reverse) { v -> Double in
                if case .double(let d) = v { return d } else { return 0 }
            } wrap: { .double($0) }
        case .ints:
            return sorted(items, keys, reverse) { v -> Int in
                if case .int(let i) = v { return i } else { return 0 }
            } by: { $0 < $1 }
        case .floats:
            return sorted(items, keys, reverse) { v -> Double in
                if case .double(let d) = v { return d } else { return 0 }
            } by: { $0 < $1 }
        case .strings:
            return sorted(items, keys, reverse, StringKey.init) { $0 < $1 }
        case .mixed:
            // The first failed comparison is kept and thrown; the ones after it return
            // false without comparing, and the order they make is thrown away.
            var failure: Unwind?
            let result = sorted(items, keys, reverse) { $0 } by: { a, b in
                if failure != nil { return false }
                do throws(Unwind) {
                    return try lessThan(ts, a, b, orEqual: false)
                } catch {
                    failure = error
                    return false
                }
            }
            if let failure {
                freeSorted(result)
                throw failure
            }
            return result
        }
    }

    /// Numbers ordered stably by their payloads, in a new buffer: equal ones are the
    /// same value, or a -0.0 and a 0.0, whose order the stable sort keeps.
    @inline(__always)
    private func sorted<C: RandomAccessCollection<Val>, K: Comparable>(
        _ items: C, _ reverse: Bool, _ extract: (Val) -> K, wrap: (K) -> Val
    ) -> UnsafeMutableBufferPointer<Packed> where C.Index == Int {
        let n = items.count
        var payloads = UnsafeMutableBufferPointer<K>.allocate(capacity: n)
        defer {
            _ = payloads.deinitialize()
            payloads.deallocate()
        }
        for i in 0..<n { payloads.initializeElement(at: i, to: extract(items[i])) }
        if reverse { payloads.reverse() }
        payloads.sort()
        if reverse { payloads.reverse() }
        return packed(n) { wrap(payloads[$0]) }
    }

    /// `items` ordered stably by `less` on `extract(key)`, in a new buffer.
    @inline(__always)
    private func sorted<C: RandomAccessCollection<Val>, KS: RandomAccessCollection<Val>, K>(
        _ items: C, _ keys: KS, _ reverse: Bool, _ extract: (Val) -> K, by less: (K, K) -> Bool
    ) -> UnsafeMutableBufferPointer<Packed> where C.Index == Int, KS.Index == Int {
        let n = keys.count
        var entries = UnsafeMutableBufferPointer<Keyed<K>>.allocate(capacity: n)
        defer {
            _ = entries.deinitialize()
            entries.deallocate()
        }
        for i in 0..<n { entries.initializeElement(at: i, to: Keyed(key: extract(keys[i]), index: i)) }
        if reverse { entries.reverse() }
        entries.sort { less($0.key, $1.key) }
        if reverse { entries.reverse() }
        return packed(n) { items[entries[$0].index] }
    }
}
