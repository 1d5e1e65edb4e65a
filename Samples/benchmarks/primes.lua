-- primes: count the primes below 500,000 by trial division (twin of primes.conc).
-- is_prime is a global function, as in primes.conc and primes.py.

function is_prime(n)
    if n < 2 then
        return false
    end
    if n == 2 then
        return true
    end
    if n % 2 == 0 then
        return false
    end
    for i = 3, math.floor(math.sqrt(n)), 2 do
        if n % i == 0 then
            return false
        end
    end
    return true
end

local function main()
    local count = 0
    for n = 0, 500000 - 1 do
        if is_prime(n) then
            count = count + 1
        end
    end
    print(count)
end

main()
