-- intmap: one big map with 600,000 int keys (twin of intmap.conc).
-- Conc `k in m` is m[k] ~= nil, m.get(k, d) is (m[k] or d), m.remove(k) is
-- m[k] = nil, iterating m.keys() is pairs(m), len(m) is counted by hand.

local function main()
    local n = 600000
    local p = 1000003
    local m = {}
    for i = 0, n - 1 do
        m[(i * 7919) % p] = i
    end
    local total = 0
    for i = 0, n - 1 do
        total = (total + m[(i * 7919) % p]) % 1000000007
    end
    local hits = 0
    for i = 0, n - 1 do
        if m[(i * 31) % p] ~= nil then
            hits = hits + 1
        end
        hits = hits + (m[i * 2 + 1] or 0) % 5
    end
    for i = 0, n - 1, 2 do
        local k = (i * 7919) % p
        m[k] = m[k] + 1
    end
    for i = 0, n - 1, 2 do
        m[(i * 7919) % p] = nil
    end
    local left = 0
    local sum = 0
    for k, v in pairs(m) do
        left = left + 1
        sum = (sum + k + v) % 1000000007
    end
    local size = 0
    for _ in pairs(m) do
        size = size + 1
    end
    print(total .. " " .. hits .. " " .. left .. " " .. sum .. " " .. size)
end

main()
