-- fib: naive doubly-recursive Fibonacci (twin of fib.conc).
-- fib is a global function, as in fib.conc and fib.py.

function fib(n)
    if n < 2 then
        return n
    end
    return fib(n - 1) + fib(n - 2)
end

print(fib(32))
