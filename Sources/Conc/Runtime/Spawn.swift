// `spawn thread` and `spawn process`.

extension VM {
    /// Starts `callee(args)` in a new thread (kind 0) or process (kind 1) and returns
    /// its handle. Kept out of line: inlined, it made the dispatch loop slower.
    @inline(never)
    func spawn(_ ts: ThreadState, kind: Int, callee: Val, args: Args) throws(Unwind) -> Val {
        kind == 0 ? try spawnThread(ts, callee: callee, args: args) : try spawnProcess(ts, callee: callee, args: args)
    }

    /// The next label for an object of `kind` (`lock#1`, `lock#2`...).
    func nextLabel(_ kind: String) -> String {
        let n = (labelCounts[kind] ?? 0) + 1
        labelCounts[kind] = n
        return "\(kind)#\(n)"
    }
}
