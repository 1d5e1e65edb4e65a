// Conc maps: an insertion-ordered hash table.
//
// Entries sit in insertion order, each its hash and its key and value packed into a
// word each (see Packed.swift): 24 bytes, as in CPython. A removed entry leaves a hole
// (its key becomes `.undefined`) until the next resize compacts them. An open-addressing index of Int32 entry numbers, probed linearly, finds a key.
// An int's hash is its product with 2^64/φ (Fibonacci hashing) and the index slot a
// probe starts at is the top bits of the hash: that spreads runs of ints, and ints that
// differ only in their high bits, evenly over the index. Other keys' hashes are mixed
// in all their bits already.
// Keys are nil, bool, int, float or string, compared by value (`1` and `1.0` are one
// key, as in Python, and the key first inserted is the one kept), and handles and error
// values, compared by identity.

/// The hash of a map key, or nil when the value cannot be a key.
@inline(__always)
func keyHash(_ v: Val) -> Int? {
    switch v {
    case .int(let i): return intHash(i)
    case .double(let d):
        // An integral double hashes as the int it equals, so 1 and 1.0 collide.
        if let i = Int(exactly: d) { return intHash(i) }
        return mixHash(Int(bitPattern: UInt(d.bitPattern)))
    case .bool(let b): return b ? intHash(0x5bd1_e995) : intHash(0x1b87_3593)
    case .nil: return intHash(0x2127_599b)
    case .object(let u):
        switch u._withUnsafeGuaranteedRef({ $0.kind }) {
        case .string: return Unmanaged<StrObj>.fromOpaque(u.toOpaque())._withUnsafeGuaranteedRef { $0.hash }
        // Handles and error values are keys by identity, as Python's objects are by
        // default: objects never move, so the address is the identity.
        case .handle, .error: return mixHash(Int(bitPattern: u.toOpaque()))
        default: return nil
        }
    case .undefined: return nil
    }
}

/// The hash of int key `i`: one multiply, a bijection, whose top bits pick the slot.
@inline(__always)
func intHash(_ i: Int) -> Int {
    Int(bitPattern: UInt(bitPattern: i) &* 0x9e37_79b9_7f4a_7c15)
}

@inline(__always)
func mixHash(_ i: Int) -> Int {
    var x = UInt64(bitPattern: Int64(i))
    x = (x ^ (x >> 33)) &* 0xff51_afd7_ed55_8ccd
    x = (x ^ (x >> 33)) &* 0xc4ce_b9fe_1a85_ec53
    return Int(bitPattern: UInt(x ^ (x >> 33)))
}

/// Key equality: numeric equality across int and float, bytes for strings.
@inline(__always)
func keysEqual(_ a: Val, _ b: Val) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x == y
    case (.object(let x), .object(let y)):
        if x.toOpaque() == y.toOpaque() { return true }
        guard x._withUnsafeGuaranteedRef({ $0.kind }) == .string,
              y._withUnsafeGuaranteedRef({ $0.kind }) == .string else { return false }
        return stringsEqual(x, y)
    // The same bits are the same key, so a nan key is found again (see elementsEqual).
    case (.double(let x), .double(let y)): return x == y || x.bitPattern == y.bitPattern
    case (.int(let x), .double(let y)): return Double(x) == y && Int(exactly: y) == x
    case (.double(let x), .int(let y)): return Double(y) == x && Int(exactly: x) == y
    case (.bool(let x), .bool(let y)): return x == y
    case (.nil, .nil): return true
    default: return false
    }
}

/// One entry: its hash, key and value side by side, so a lookup touches one cache line
/// after the index.
struct MapEntry {
    var hash: Int
    var key: Packed
    var value: Packed

    /// Whether this entry's key was removed.
    var isHole: Bool { @inline(__always) get { key.bits == Packed.undefined.bits } }
}

final class MapObj: Obj {
    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<MapEntry>
    /// Entries used, holes included.
    @exclusivity(unchecked) private(set) var used = 0
    /// Live entries.
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var capacity: Int
    /// The open-addressing index, `2 * capacity` slots; nil while the map has room
    /// for at most `MapObj.smallCapacity` entries, which are found by scanning their
    /// hashes. Most maps are small records (`{"id": 1, "name": "x"}`): for them the
    /// scan is as fast as probing, and the map is one allocation smaller.
    @exclusivity(unchecked) private var index: UnsafeMutablePointer<Int32>?
    /// While the map is remembered (see Heap.swift): the lowest entry number that may
    /// hold a young key or value.
    @exclusivity(unchecked) private var dirtyFrom = Int.max

    /// The most entries a map holds without an index.
    static let smallCapacity = 8

    /// A map with room for `capacity` entries: exactly that many when they need no
    /// index (a literal `{"a": 1}` never grows), else a power of two.
    init(capacity: Int = 0) {
        let cap = MapObj.roundedCapacity(capacity > 0 ? capacity : 4)
        self.capacity = cap
        slots = rawAllocate(MapEntry.self, capacity: cap)
        super.init(kind: .map)
        if cap > MapObj.smallCapacity { index = MapObj.makeIndex(cap) }
    }

    deinit {
        rawFree(slots)
        if let index { rawFree(index) }
    }

    /// Whether the heap keeps this map for reuse once it is dead: only small ones (a
    /// record of up to 4 fields), so that no large table outlives its map.
    var isReusable: Bool { capacity <= 4 }

    /// Makes a dead small map an empty one with room for `n` entries, keeping its
    /// entries' buffer when it is large enough: what `init(capacity:)` does without
    /// the two allocations (the heap counts its size anew).
    @inline(__always)
    func reuse(capacity n: Int) {
        used = 0
        count = 0
        dirtyFrom = Int.max
        let cap = MapObj.roundedCapacity(n > 0 ? n : 4)
        if cap <= capacity { return }
        rawFree(slots)
        slots = rawAllocate(MapEntry.self, capacity: cap)
        capacity = cap
        if cap > MapObj.smallCapacity { index = MapObj.makeIndex(cap) }
    }

    private static func roundedCapacity(_ n: Int) -> Int {
        if n <= smallCapacity { return n }
        var cap = 16
        while cap < n { cap *= 2 }
        return cap
    }

    private static func makeIndex(_ capacity: Int) -> UnsafeMutablePointer<Int32> {
        let index = rawAllocate(Int32.self, capacity: capacity * 2)
        index.initialize(repeating: -1, count: capacity * 2)
        return index
    }

    override var typeName: String { "map" }
    override var isTruthy: Bool { count != 0 }
    /// The object (80 bytes from malloc), its table slot, the entries and the index.
    override var byteSize: Int {
        88 + capacity * MemoryLayout<MapEntry>.stride + (index == nil ? 8 : capacity * 8 + 16)
    }

    override func trace(_ marker: inout Marker) {
        for i in 0..<used {
            marker.mark(slots[i].key)
            marker.mark(slots[i].value)
        }
    }

    override func traceRemembered(_ marker: inout Marker) {
        var i = max(dirtyFrom, 0)
        while i < used {
            marker.mark(slots[i].key)
            marker.mark(slots[i].value)
            i += 1
        }
    }

    override func forgetWrites() { dirtyFrom = Int.max }

    /// The write barrier, after entry `e` was given `key` and `value`.
    @inline(__always)
    private func noteStored(_ key: Packed, _ value: Packed, at e: Int, heap: Heap) {
        if gcState != GCState.young && (key.isYoungObject || value.isYoungObject) { noteYoung(at: e, heap: heap) }
    }

    @inline(never)
    private func noteYoung(at e: Int, heap: Heap) {
        if gcState == GCState.old {
            heap.remember(self)
            dirtyFrom = e
        } else {
            dirtyFrom = min(dirtyFrom, e)
        }
    }

    /// The entry number holding `key`, if any. A removed entry's key is `.undefined`,
    /// which equals no key, so neither path needs to skip holes. An int or string key,
    /// nearly every lookup, is compared by a probe specialised for it (the general
    /// `keysEqual` inlined into the probe loop made every lookup convert the key to a
    /// double first, about 25 instructions).
    @inline(__always)
    private func find(_ key: Val, hash: Int) -> Int? {
        switch key {
        case .int:
            guard let word = Packed.inline(key) else { break }
            // Another int word is another int; a float or a box may still equal it.
            return probe(hash) { k in k.bits == word.bits || k.bits & 1 == 0 && MapObj.equalKeys(k, key) }
        case .object(let u):
            return probe(hash) { k in
                guard let v = k.object else { return false }
                if u.toOpaque() == v.toOpaque() { return true }
                if v._withUnsafeGuaranteedRef({ $0.kind }) == .string, u._withUnsafeGuaranteedRef({ $0.kind }) == .string {
                    return stringsEqual(u, v)
                }
                return false
            }
        default:
            break
        }
        return probe(hash) { MapObj.equalKeys($0, key) }
    }

    @inline(never)
    private static func equalKeys(_ a: Packed, _ b: Val) -> Bool { keysEqual(a.val, b) }

    /// The entry whose hash is `hash` and whose key `matches`.
    @inline(__always)
    private func probe(_ hash: Int, _ matches: (Packed) -> Bool) -> Int? {
        guard let index else {
            var e = 0
            while e < used {
                if slots[e].hash == hash && matches(slots[e].key) { return e }
                e &+= 1
            }
            return nil
        }
        let mask = capacity &* 2 &- 1
        var slot = MapObj.firstSlot(hash, capacity: capacity)
        while true {
            let e = Int(index[slot])
            if e < 0 { return nil }
            if slots[e].hash == hash && matches(slots[e].key) { return e }
            slot = (slot &+ 1) & mask
        }
    }

    func get(_ key: Val, hash: Int) -> Val? {
        guard let e = find(key, hash: hash) else { return nil }
        return slots[e].value.val
    }

    /// Inserts or updates; returns the bytes the table grew by (for the heap's pacing).
    @discardableResult
    func set(_ key: Val, _ value: Val, hash: Int, heap: Heap) -> Int {
        let packedValue = Packed(value, heap: heap)
        if let e = find(key, hash: hash) {
            slots[e].value = packedValue
            noteStored(.nil, packedValue, at: e, heap: heap)
            return 0
        }
        var grown = 0
        if used == capacity { grown = resize() }
        let e = used
        let packedKey = Packed(key, heap: heap)
        (slots + e).initialize(to: MapEntry(hash: hash, key: packedKey, value: packedValue))
        noteStored(packedKey, packedValue, at: e, heap: heap)
        used += 1
        count += 1
        if let index { MapObj.insert(e, hash: hash, into: index, capacity: capacity) }
        return grown
    }

    /// The index slot a probe for `hash` starts at, in the index of a map with room for
    /// `capacity` entries (a power of two, `2 * capacity` slots): the hash's top bits.
    @inline(__always)
    private static func firstSlot(_ hash: Int, capacity: Int) -> Int {
        let shift = UInt(truncatingIfNeeded: 64 &- (capacity &* 2).trailingZeroBitCount)
        return Int(truncatingIfNeeded: UInt(bitPattern: hash) >> shift)
    }

    @inline(__always)
    private static func insert(_ e: Int, hash: Int, into index: UnsafeMutablePointer<Int32>, capacity: Int) {
        let mask = capacity &* 2 &- 1
        var slot = firstSlot(hash, capacity: capacity)
        while index[slot] >= 0 { slot = (slot &+ 1) & mask }
        index[slot] = Int32(truncatingIfNeeded: e)
    }

    /// Removes `key`; returns its value, or nil if it was absent.
    func remove(_ key: Val, hash: Int) -> Val? {
        guard let e = find(key, hash: hash) else { return nil }
        let v = slots[e].value.val
        // The entry stays in the index as a hole that never matches, so probe chains
        // through it keep working; `resize` drops it.
        slots[e].key = .undefined
        slots[e].value = .nil
        count -= 1
        return v
    }

    /// Grows (or just compacts, if holes make up half the entries) and rebuilds the index.
    private func resize() -> Int {
        let oldBytes = byteSize
        let newCap = count * 2 >= capacity ? MapObj.roundedCapacity(max(capacity * 2, 4)) : capacity
        let fresh = rawAllocate(MapEntry.self, capacity: newCap)
        var n = 0
        // Compacting moves entries down: a remembered map's first possibly young
        // entry is now the live entries before it.
        var newDirtyFrom = dirtyFrom
        for i in 0..<used {
            if i == dirtyFrom { newDirtyFrom = n }
            if slots[i].isHole { continue }
            (fresh + n).initialize(to: slots[i])
            n += 1
        }
        if dirtyFrom != Int.max { dirtyFrom = min(newDirtyFrom, n) }
        rawFree(slots)
        if let index { rawFree(index) }
        slots = fresh
        capacity = newCap
        used = n
        index = nil
        if newCap > MapObj.smallCapacity {
            let fresh = MapObj.makeIndex(newCap)
            for e in 0..<n { MapObj.insert(e, hash: slots[e].hash, into: fresh, capacity: newCap) }
            index = fresh
        }
        return byteSize - oldBytes
    }

    /// The live entry at or after entry number `from`, for iteration.
    func nextEntry(from: Int) -> Int? {
        var e = from
        while e < used {
            if slots[e].isHole { e += 1; continue }
            return e
        }
        return nil
    }

    /// A new list of the live keys (or, with `values`, the values) in insertion order,
    /// filled straight from the entries. Built through `entries` and a `map`, `m.keys()`
    /// on strmap.conc's 133,000 keys made a 4.3 MB array of pairs and a 2.1 MB array of
    /// keys before its 2.1 MB list.
    func column(values: Bool, heap: Heap) -> Unmanaged<ListObj> {
        let result = heap.newList(capacity: count)
        result._withUnsafeGuaranteedRef { list in
            var e = 0
            while let i = nextEntry(from: e) {
                list.appendToNew(packed: values ? slots[i].value : slots[i].key, heap: heap)
                e = i &+ 1
            }
        }
        return result
    }

    /// A new list of `[key, value]` lists, in insertion order (`m.items()`).
    func itemList(heap: Heap) -> Unmanaged<ListObj> {
        let result = heap.newList(capacity: count)
        result._withUnsafeGuaranteedRef { list in
            var e = 0
            while let i = nextEntry(from: e) {
                let pair = heap.newList(capacity: 2)
                pair._withUnsafeGuaranteedRef {
                    $0.appendToNew(packed: slots[i].key, heap: heap)
                    $0.appendToNew(packed: slots[i].value, heap: heap)
                }
                list.appendToNew(Val(pair), heap: heap)
                e = i &+ 1
            }
        }
        return result
    }

    /// Live entries in insertion order.
    var entries: [(key: Val, value: Val)] {
        var out: [(key: Val, value: Val)] = []
        out.reserveCapacity(count)
        var e = 0
        while let i = nextEntry(from: e) {
            out.append((slots[i].key.val, slots[i].value.val))
            e = i + 1
        }
        return out
    }
}
