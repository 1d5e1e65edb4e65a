-- closures: creating closures and calling them (twin of closures.conc).
-- The top-level functions are globals, as in closures.conc and closures.py.

function make_counter()
    local count = 0
    return function(step)
        count = count + step
        return count
    end
end

function make_account()
    local balance = 0
    local deposit = function(v)
        balance = balance + v
        return balance
    end
    local read = function()
        return balance
    end
    return {deposit, read}
end

function make_adder(n)
    return function(x)
        return x + n
    end
end

function compose(f, g)
    return function(x)
        return f(g(x))
    end
end

function apply_n(f, times, x)
    for i = 0, times - 1 do
        x = f(x)
    end
    return x
end

function map_list(f, xs)
    local out = {}
    for _, x in ipairs(xs) do
        out[#out + 1] = f(x)
    end
    return out
end

function fold(f, acc, xs)
    for _, x in ipairs(xs) do
        acc = f(acc, x)
    end
    return acc
end

local function main()
    local xs = {}
    for i = 0, 49 do
        xs[#xs + 1] = i
    end
    local checksum = 0
    for r = 0, 40000 - 1 do
        local counter = make_counter()
        for j = 0, 4 do
            counter(j)
        end
        local account = make_account()
        local deposit = account[1]
        local read = account[2]
        deposit(r % 7)
        deposit(3)
        local add = make_adder(r % 10)
        local double_then_add = compose(add, function(x) return x * 2 end)
        local ys = map_list(double_then_add, xs)
        local s = fold(function(a, b) return (a + b) % 1000003 end, 0, ys)
        local t = apply_n(add, 10, counter(r))
        checksum = (checksum + s + t + read()) % 1000000007
    end
    print(checksum)
end

main()
