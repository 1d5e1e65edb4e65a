// Tab completion for the REPL: the names that could finish the identifier being typed.
//
// Completion never runs code. Before a `.`, it looks only at a global's current value
// (`xs.`), at fields that reading cannot change (`e.cause.`, `e.message.`) and at
// string literals (`", ".`); `f().` and `xs[0].` complete nothing, since knowing their
// type would mean calling or indexing. Handles list their attributes by name
// (`HandleObj.attributeNames`) rather than being read, since reading one may act:
// `p.exitcode` reaps a finished process.

extension Interpreter {
    /// The identifiers that complete the one at the end of `text` (the input before the
    /// cursor), sorted: keywords, globals and built-ins; after `name.` the methods and
    /// attributes of that value's type.
    public func completions(for text: String) -> [String] {
        let bytes = Array(text.utf8)
        return exclusive { _ in vm.completions(for: bytes[...]) }
    }
}

/// What the text before a `.` stands for, as far as completion can tell without
/// running anything.
private enum Receiver {
    /// A value: a global's, or a field of one.
    case value(Val)
    /// A value of this type (a string literal, an error's message...).
    case kind(ObjKind)
}

extension VM {
    func completions(for text: ArraySlice<UInt8>) -> [String] {
        let start = identifierStart(text, end: text.endIndex)
        let word = String(decoding: text[start...], as: UTF8.self)
        var names: [String]
        if start > text.startIndex && text[start - 1] == UInt8(ascii: ".") {
            guard let receiver = receiver(before: text[..<(start - 1)]) else { return [] }
            names = memberNames(receiver)
        } else {
            names = TokenKind.keywords.map { String(decoding: $0.bytes, as: UTF8.self) }
            names += globalNames.filter { global($0) != nil }
            if previousWord(text[..<start]) == "spawn" { names += ["thread", "process"] }
        }
        return Set(names.filter { $0.hasPrefix(word) }).sorted()
    }

    /// Where the run of identifier characters that ends at `end` starts.
    private func identifierStart(_ text: ArraySlice<UInt8>, end: Int) -> Int {
        var start = end
        while start > text.startIndex && isIdentContinue(text[start - 1]) { start -= 1 }
        return start
    }

    /// The identifier before the trailing blanks of `text` (`spawn` in `spawn th`).
    private func previousWord(_ text: ArraySlice<UInt8>) -> String {
        var end = text.endIndex
        while end > text.startIndex && (text[end - 1] == UInt8(ascii: " ") || text[end - 1] == UInt8(ascii: "\t")) {
            end -= 1
        }
        return String(decoding: text[identifierStart(text, end: end)..<end], as: UTF8.self)
    }

    /// The receiver written just before a `.`: a string literal, or a chain of names
    /// (`e`, `e.cause`) starting at a global.
    private func receiver(before text: ArraySlice<UInt8>) -> Receiver? {
        // A quote right before a dot can only close a string literal.
        if text.last == UInt8(ascii: "\"") { return .kind(.string) }
        var names: [String] = []
        var end = text.endIndex
        while true {
            let start = identifierStart(text, end: end)
            guard start < end, !isDigit(text[start]) else { return nil }
            names.insert(String(decoding: text[start..<end], as: UTF8.self), at: 0)
            guard start > text.startIndex && text[start - 1] == UInt8(ascii: ".") else { break }
            end = start - 1
        }
        guard let root = global(names[0]) else { return nil }
        var target = Receiver.value(root)
        for name in names.dropFirst() {
            guard let next = field(of: target, name) else { return nil }
            target = next
        }
        return target
    }

    /// `target.name` where reading it changes nothing, or nil.
    private func field(of target: Receiver, _ name: String) -> Receiver? {
        guard case .value(let v) = target, let o = v.obj, let m = Member(rawValue: name) else { return nil }
        switch o.kind {
        case .error:
            switch m {
            case .kind, .message: return .kind(.string)
            case .trace: return .kind(.list)
            case .cause: return .value(unsafeDowncast(o, to: ErrorObj.self).cause)
            default: return nil
            }
        case .handle:
            // Every handle's `name` is a string (`thread-1`, `process-2`).
            let names = unsafeDowncast(o, to: HandleObj.self).attributeNames
            return m == .name && names.contains(.name) ? .kind(.string) : nil
        default:
            return nil
        }
    }

    /// The methods and attributes of `target`, as `target.` may be followed.
    private func memberNames(_ target: Receiver) -> [String] {
        var members: [Member]
        switch target {
        case .kind(let kind):
            members = Member.allCases.filter { VM.hasMethod(kind, $0) }
        case .value(let v):
            guard let o = v.obj else { return [] }
            switch o.kind {
            case .error:
                members = [.kind, .message, .trace, .cause]
            case .handle:
                let h = unsafeDowncast(o, to: HandleObj.self)
                members = h.attributeNames + Member.allCases.filter { h.responds(to: $0) }
            default:
                members = Member.allCases.filter { VM.hasMethod(o.kind, $0) }
            }
        }
        // `__enter` and `__exit` serve the `with` statement; scripts never spell them.
        members.removeAll { $0 == .enter || $0 == .exit }
        return members.map(\.rawValue)
    }
}
