// The public value type of the embedding API: a snapshot of a Conc value that the host
// owns. Lists and maps are copied out of the interpreter's heap, so a host never holds a
// pointer the collector could free.

/// A Conc value as the host sees it.
public enum Value: Sendable, Equatable {
    case `nil`
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    /// A map's entries in insertion order.
    case map([Pair])
    /// A function, by name (it cannot be called from a snapshot; use `Interpreter.call`).
    case function(String)
    /// An error value.
    case error(kind: String, message: String)
    /// A runtime handle (thread, lock, ...), by its printed form.
    case handle(String)

    /// One entry of a map.
    public struct Pair: Sendable, Equatable {
        public var key: Value
        public var value: Value

        public init(_ key: Value, _ value: Value) {
            self.key = key
            self.value = value
        }
    }

    public var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
    public var doubleValue: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var listValue: [Value]? { if case .list(let l) = self { return l } else { return nil } }
    public var mapValue: [Pair]? { if case .map(let m) = self { return m } else { return nil } }
    public var isNil: Bool { if case .nil = self { return true } else { return false } }

    /// The value for `key` in a map (nil if absent or not a map).
    public subscript(key: Value) -> Value? {
        mapValue?.first(where: { $0.key == key })?.value
    }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (Value, Value)...) {
        self = .map(elements.map { Pair($0.0, $0.1) })
    }
}

extension Value: CustomStringConvertible {
    /// The value as Conc's `str` prints it.
    public var description: String {
        switch self {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return pythonFloatRepr(d)
        case .string(let s): return s
        case .list(let l): return "[" + l.map(\.quoted).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.map { "\($0.key.quoted): \($0.value.quoted)" }.joined(separator: ", ") + "}"
        case .function(let n): return "<fn \(n)>"
        case .error(let k, let m): return m.isEmpty ? k : "\(k): \(m)"
        case .handle(let d): return d
        }
    }

    private var quoted: String {
        if case .string(let s) = self {
            var out = "\""
            for c in s.unicodeScalars {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(c)
                }
            }
            return out + "\""
        }
        return description
    }
}

extension VM {
    /// Copies a VM value out for the host.
    func snapshot(_ v: Val, depth: Int = 0) -> Value {
        switch v {
        case .nil, .undefined: return .nil
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .object(let u):
            let o = u.takeUnretainedValue()
            if depth > 200 { return .string("...") }
            switch o.kind {
            case .string: return .string(unsafeDowncast(o, to: StrObj.self).string)
            case .list: return .list(unsafeDowncast(o, to: ListObj.self).items.map { snapshot($0, depth: depth + 1) })
            case .map:
                return .map(unsafeDowncast(o, to: MapObj.self).entries.map {
                    Value.Pair(snapshot($0.key, depth: depth + 1), snapshot($0.value, depth: depth + 1))
                })
            case .closure: return .function(unsafeDowncast(o, to: Closure.self).proto.name)
            case .native: return .function(unsafeDowncast(o, to: NativeObj.self).name)
            case .boundMethod: return .function(unsafeDowncast(o, to: BoundMethod.self).member.name)
            case .error:
                let e = unsafeDowncast(o, to: ErrorObj.self)
                return .error(kind: e.errorKind, message: e.message)
            default:
                return .handle(repr(v))
            }
        }
    }

    /// Builds a VM value from a host value.
    func value(from v: Value) -> Val {
        switch v {
        case .nil: return .nil
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return string(s)
        case .list(let l): return list(l.map { value(from: $0) })
        case .map(let pairs):
            let m = heap.register(MapObj(capacity: pairs.count))
            for p in pairs {
                let k = value(from: p.key)
                if let h = keyHash(k) { m.set(k, value(from: p.value), hash: h, heap: heap) }
            }
            return Val(m)
        case .function(let name): return global(name) ?? .nil
        case .error(let kind, let message): return Val(heap.adopt(ErrorObj(kind: kind, message: message)))
        case .handle(let d): return string(d)
        }
    }
}
