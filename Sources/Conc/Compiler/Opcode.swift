// The instruction set: the single source of truth for the VM, the compiler and the
// disassembler.
//
// The VM is register-based, like Lua's: a frame's locals and temporaries are registers
// R[0...] in a window of the thread's value stack, so `a = b + c` is one instruction.
// An instruction is a 64-bit word:
//
//     63          44 43          24 23          8 7      0
//    +--------------+--------------+-------------+--------+
//    |      C       |      B       |      A      |   op   |
//    +--------------+--------------+-------------+--------+
//         20 bits        20 bits       16 bits     8 bits
//
// A is usually the destination register. B and C are registers, constant indices, or
// signed immediates / jump offsets (sB, sC: two's complement in 20 bits, relative to
// the next instruction). Lua packs 32 bits and needs extra forms past 255 registers;
// 16-bit registers and 20-bit operands make 1,000 locals and constants an ordinary
// case here, at the cost of twice the code size, which these programs never notice.

enum Opcode: UInt8, CaseIterable {
    /// R[A] = R[B]
    case move
    /// R[A] = K[B]
    case loadK
    /// R[A] = sB (a small int)
    case loadInt
    /// R[A] = nil
    case loadNil
    /// R[A] = B != 0
    case loadBool
    /// R[A] = G[B]; NameError if the global is undefined
    case getGlobal
    /// G[B] = R[A]; NameError if the global was never declared
    case setGlobal
    /// G[B] = R[A]: a top-level `let` or `fn`
    case defineGlobal
    /// R[A] = U[B]
    case getUpvalue
    /// U[B] = R[A]
    case setUpvalue
    /// Close every open upvalue that points at R[A] or above
    case close
    /// R[A] = a new closure of nested function B
    case closure
    /// R[A] = [R[B], ..., R[B+C-1]]
    case newList
    /// R[A] = {R[B]: R[B+1], ...} with C pairs
    case newMap
    /// Append R[B], ..., R[B+C-1] to the list R[A] (long list literals)
    case listAppend
    /// Insert C pairs from R[B]... into the map R[A] (long map literals)
    case mapInsert
    /// R[A] = R[B] + R[C]
    case add
    /// `add` at the start of a chain `a + b + c ...` whose result feeds the next `+`: a
    /// new string gets room to grow and is marked growable
    case addOpen
    /// `add` in the middle of a chain: a growable R[B] takes R[C] in place
    case addMore
    /// `add` at the end of a chain: as `addMore`, and the result is no longer growable
    case addClose
    /// R[A] = R[B] - R[C]
    case sub
    /// R[A] = R[B] * R[C]
    case mul
    /// R[A] = R[B] += R[C]: `x += y` with a register operand; a list R[B] is extended in
    /// place by any iterable R[C] (and stays the result), anything else is `add`
    case inplaceAdd
    /// R[A] = R[B] *= R[C]: a list R[B] is repeated in place, anything else is `mul`
    case inplaceMul
    /// R[A] = R[B] / R[C] (always a float)
    case div
    /// R[A] = R[B] // R[C]
    case floorDiv
    /// R[A] = R[B] % R[C]
    case mod
    /// R[A] = R[B] ** R[C]
    case pow
    /// R[A] = R[B] & R[C]
    case bitAnd
    /// R[A] = R[B] | R[C]
    case bitOr
    /// R[A] = R[B] ^ R[C]
    case bitXor
    /// R[A] = R[B] << R[C]
    case shl
    /// R[A] = R[B] >> R[C]
    case shr
    /// R[A] = R[B] + sC
    case addInt
    /// R[A] = R[B] op K[C] for a numeric constant: the six forms below
    /// R[A] = R[B] + K[C]
    case addConst
    /// R[A] = R[B] - K[C]
    case subConst
    /// R[A] = R[B] * K[C]
    case mulConst
    /// R[A] = R[B] / K[C]
    case divConst
    /// R[A] = R[B] // K[C]
    case floorDivConst
    /// R[A] = R[B] % K[C]
    case modConst
    /// R[A] = -R[B]
    case neg
    /// R[A] = ~R[B]
    case bitNot
    /// R[A] = not R[B]
    case not
    /// R[A] = R[B] == R[C]
    case eq
    /// R[A] = R[B] != R[C]
    case ne
    /// R[A] = R[B] == K[C]: equality with a constant
    case eqConst
    /// R[A] = R[B] != K[C]
    case neConst
    /// R[A] = R[B] < R[C]
    case lt
    /// R[A] = R[B] <= R[C]
    case le
    /// R[A] = R[B] in R[C]
    case `in`
    /// R[A] = R[B] not in R[C]
    case notIn
    /// pc += sC
    case jump
    /// if R[A] is truthy: pc += sC
    case jumpIfTrue
    /// if R[A] is falsy: pc += sC
    case jumpIfFalse
    /// if not (R[A] < R[B]): pc += sC
    case jumpIfNotLt
    /// if not (R[A] <= R[B]): pc += sC
    case jumpIfNotLe
    /// if not (R[A] == R[B]): pc += sC
    case jumpIfNotEq
    /// if not (R[A] != R[B]): pc += sC
    case jumpIfNotNe
    /// if not (R[A] < K[B]): pc += sC (a numeric constant)
    case jumpIfNotLtConst
    /// if not (R[A] <= K[B]): pc += sC
    case jumpIfNotLeConst
    /// if not (R[A] > K[B]): pc += sC
    case jumpIfNotGtConst
    /// if not (R[A] >= K[B]): pc += sC
    case jumpIfNotGeConst
    /// if not (R[A] == K[B]): pc += sC
    case jumpIfNotEqConst
    /// if not (R[A] != K[B]): pc += sC
    case jumpIfNotNeConst
    /// if not (R[A] < sB): pc += sC
    case jumpIfNotLtInt
    /// if not (R[A] <= sB): pc += sC
    case jumpIfNotLeInt
    /// if not (R[A] > sB): pc += sC
    case jumpIfNotGtInt
    /// if not (R[A] >= sB): pc += sC
    case jumpIfNotGeInt
    /// if not (R[A] == sB): pc += sC
    case jumpIfNotEqInt
    /// if not (R[A] != sB): pc += sC
    case jumpIfNotNeInt
    /// R[A] = R[A](R[A+1], ..., R[A+B])
    case call
    /// R[A] = R[A].member(B)(R[A+1], ..., R[A+C]): a method call on R[A]
    case invoke
    /// R[A] = R[B].member(C)(): a method call without arguments, on any register and
    /// into any register, with no moves to and from a call window (`x = s.lower()` is
    /// one instruction, not three); R[A] is written only once the call returns
    case invoke0
    /// R[A] = len(R[B]), when global C is still the built-in `len` and R[B] is a
    /// string, list or map; the four instructions after it, which call global C
    /// the ordinary way into R[A], are then skipped (`n = len(xs)` is one instruction
    /// instead of four, as CPython 3.11 specialises `len` too)
    case len
    /// R[B].push(R[C]) and R[A] = nil, when R[B] is a list; the four instructions after
    /// it, the ordinary method call into R[A], are then skipped (`xs.push(v)` without
    /// the moves into and out of a call window)
    case push
    /// R[A] = R[B].member(C)
    case getMember
    /// R[A] = R[B][R[C]]
    case getIndex
    /// R[A][R[B]] = R[C]
    case setIndex
    /// R[A] = R[B][sC]: an index that is an int literal
    case getIndexInt
    /// R[A][sB] = R[C]: an index that is an int literal
    case setIndexInt
    /// R[A] = R[B][R[B+1] : R[B+2] : R[B+3]] (nil bounds are omitted ones)
    case slice
    /// Start iterating R[B]: its state goes in R[A]...R[A+3]
    case iterPrep
    /// Start iterating R[A](R[A+1], ..., R[A+B]), a call of `range` in a `for` header:
    /// if R[A] is the built-in `range`, count in R[A]...R[A+3] without making a range
    /// object; otherwise call it and start iterating the result
    case iterRange
    /// If the iteration in R[A]...R[A+3] has another item: R[A+4] = it, pc += sC
    /// (back to the loop body); else go on to the next instruction
    case iterNext
    /// R[A] = the concatenation of str(R[B]), ..., str(R[B+C-1])
    case concat
    /// Return R[A]
    case `return`
    /// Return nil
    case returnNil
    /// Throw R[A]
    case `throw`
    /// R[A] = spawn (B: 0 thread, 1 process) of the call R[A](R[A+1], ..., R[A+C])
    case spawn
}

extension Opcode {
    /// The instructions after a guarded instruction (`len`, `push`) that make the
    /// ordinary call in its place, and that it skips when its guard holds.
    static let guardedFallbackLength = 4
}

/// One decoded instruction word.
struct Instruction {
    let word: UInt64

    init(_ word: UInt64) { self.word = word }

    init(_ op: Opcode, _ a: Int = 0, _ b: Int = 0, _ c: Int = 0) {
        word = UInt64(op.rawValue)
            | (UInt64(UInt16(truncatingIfNeeded: a)) << 8)
            | (UInt64(UInt32(truncatingIfNeeded: b) & 0xFFFFF) << 24)
            | (UInt64(UInt32(truncatingIfNeeded: c) & 0xFFFFF) << 44)
    }

    @inline(__always) var op: Opcode { Opcode(rawValue: UInt8(truncatingIfNeeded: word))! }
    @inline(__always) var a: Int { Int(truncatingIfNeeded: (word >> 8) & 0xFFFF) }
    @inline(__always) var b: Int { Int(truncatingIfNeeded: (word >> 24) & 0xFFFFF) }
    @inline(__always) var c: Int { Int(truncatingIfNeeded: word >> 44) }
    /// B as a signed 20-bit value.
    @inline(__always) var sb: Int { Int(truncatingIfNeeded: Int64(bitPattern: word << 20) >> 44) }
    /// C as a signed 20-bit value.
    @inline(__always) var sc: Int { Int(truncatingIfNeeded: Int64(bitPattern: word) >> 44) }

    static let maxRegister = 0xFFFF
    static let maxOperand = 0xFFFFF
    static let immediateRange = -0x80000...0x7FFFF
}
