// The bytecode listing printed by `conc --dis` and the REPL's `:dis`: per function, one
// line per instruction with its offset, source line, opcode and operands, constants and
// jump targets spelled out.

/// `globalNames[i]` names global slot `i` in the listing.
func disassembly(of proto: Proto, globalNames: [String]) -> String {
    var out = ""
    var pending = [proto]
    while !pending.isEmpty {
        let p = pending.removeFirst()
        out += disassemble(p, globalNames)
        pending += p.children
    }
    return out
}

private func disassemble(_ p: Proto, _ globalNames: [String]) -> String {
    var out = "function \(p.name) (\(p.file):\(p.pos.line)) params=\(p.paramCount) registers=\(p.registerCount) constants=\(p.constantCount) upvalues=\(p.upvalues.count)\n"
    var lastLine: Int32 = -1
    for pc in 0..<p.codeCount {
        let ins = Instruction(p.code[pc])
        let line = p.positions[pc].line
        let lineText = line == lastLine ? "   |" : pad(String(line), 4)
        lastLine = line
        out += "  \(pad(String(pc), 5)) \(lineText)  \(ins.op)".padding(28) + operands(ins, p, pc, globalNames) + "\n"
    }
    for h in p.handlers {
        out += "  handler [\(h.start), \(h.end)) -> \(h.target), error in R\(h.register)\n"
    }
    return out + "\n"
}

private func operands(_ ins: Instruction, _ p: Proto, _ pc: Int, _ globalNames: [String]) -> String {
    let a = ins.a, b = ins.b, c = ins.c
    func constant(_ i: Int) -> String {
        var printer = Printer()
        printer.write(p.constants[i], quoted: true)
        return String(decoding: printer.out, as: UTF8.self)
    }
    func target(_ offset: Int) -> String { "-> \(pc + 1 + offset)" }
    switch ins.op {
    case .move, .neg, .bitNot, .not: return "R\(a) R\(b)"
    case .loadK: return "R\(a) K\(b)    ; \(constant(b))"
    case .loadInt: return "R\(a) \(ins.sb)"
    case .loadNil, .close, .return, .throw: return "R\(a)"
    case .loadBool: return "R\(a) \(b != 0)"
    case .getGlobal, .setGlobal, .defineGlobal:
        return "R\(a) G\(b)" + (b < globalNames.count ? "    ; \(globalNames[b])" : "")
    case .getUpvalue, .setUpvalue: return "R\(a) U\(b)"
    case .closure: return "R\(a) F\(b)    ; \(p.children[b].name)"
    case .newList, .newMap, .listAppend, .mapInsert, .concat: return "R\(a) R\(b) \(c)"
    case .addInt: return "R\(a) R\(b) \(ins.sc)"
    case .addConst, .subConst, .mulConst, .divConst, .floorDivConst, .modConst:
        return "R\(a) R\(b) K\(c)    ; \(constant(c))"
    case .eqConst, .neConst: return "R\(a) R\(b) K\(c)    ; \(constant(c))"
    case .jumpIfNotEqConst, .jumpIfNotNeConst, .jumpIfNotLtConst, .jumpIfNotLeConst, .jumpIfNotGtConst, .jumpIfNotGeConst: return "R\(a) K\(b) \(target(ins.sc))    ; \(constant(b))"
    case .jump: return target(ins.sc)
    case .jumpIfTrue, .jumpIfFalse: return "R\(a) \(target(ins.sc))"
    case .jumpIfNotLt, .jumpIfNotLe, .jumpIfNotEq, .jumpIfNotNe: return "R\(a) R\(b) \(target(ins.sc))"
    case .jumpIfNotLtInt, .jumpIfNotLeInt, .jumpIfNotGtInt, .jumpIfNotGeInt, .jumpIfNotEqInt, .jumpIfNotNeInt:
        return "R\(a) \(ins.sb) \(target(ins.sc))"
    case .call: return "R\(a) \(b)"
    case .invoke: return "R\(a) .\(p.members[b].name) \(c)"
    case .getMember, .invoke0: return "R\(a) R\(b) .\(p.members[c].name)"
    case .len: return "R\(a) R\(b) G\(c)    ; else the call after it"
    case .push: return "R\(a) R\(b) R\(c)    ; else the call after it"
    case .getIndexInt: return "R\(a) R\(b) \(ins.sc)"
    case .setIndexInt: return "R\(a) \(ins.sb) R\(c)"
    case .slice, .iterPrep: return "R\(a) R\(b)"
    case .iterRange: return "R\(a) \(b)"
    case .iterNext: return "R\(a) \(target(ins.sc))"
    case .spawn: return "R\(a) \(b == 0 ? "thread" : "process") \(c)"
    case .returnNil: return ""
    default: return "R\(a) R\(b) R\(c)"
    }
}

private func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

private extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
