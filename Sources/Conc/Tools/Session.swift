// What the REPL runs: one entry at a time with its result shown as `repr` shows it, and
// the bytecode of one function for `:dis`.

extension Interpreter {
    /// Runs one entry typed at an interactive prompt. Returns how its result prints
    /// when the entry ends with an expression statement whose value is not nil: quoted
    /// as inside a container (`"hi"`, `[1, "a"]`, `<fn f>`). Returns nil after `let`,
    /// an assignment or another statement, and for a nil value (as Python's REPL shows
    /// no `None`). Give each entry its own `file` name, so that a diagnostic about
    /// code from an earlier entry still shows that entry's line.
    public func runEntry(_ source: String, file: String) throws(ConcError) -> String? {
        try execute(Array(source.utf8), file: file, mode: .evaluate) { v in
            if case .nil = v { return nil }
            return vm.repr(v)
        }
    }

    /// The bytecode listing of the global function `name` and the functions it
    /// contains (what the REPL's `:dis NAME` prints). Raises `NameError` for an
    /// undefined name and `TypeError` for a value that is not a Conc function.
    public func disassemble(function name: String) throws(ConcError) -> String {
        try exclusive { _ throws(ConcError) in
            guard let v = vm.global(name) else {
                throw ConcError(kind: "NameError", message: "name '\(name)' is not defined")
            }
            guard let o = v.obj, o.kind == .closure else {
                let what = v.obj?.kind == .native ? "a built-in function, with no bytecode" : "not a function but a \(v.typeName)"
                throw ConcError(kind: "TypeError", message: "'\(name)' is \(what)")
            }
            return disassembly(of: unsafeDowncast(o, to: Closure.self).proto, globalNames: vm.globalNames)
        }
    }
}
