// `spawn thread` and `spawn process`.

extension VM {
    /// Starts `callee(args)` in a new thread (kind 0) or process (kind 1) and returns
    /// its handle.
    func spawn(_ ts: ThreadState, kind: Int, callee: Val, args: Args) throws(Unwind) -> Val {
        throw ts.error("OSError", "spawn \(kind == 0 ? "thread" : "process") is not available in this build yet")
    }
}
