-- strmap: a map with string keys (twin of strmap.conc).
-- Conc `k in m` is m[k] ~= nil, m.get(k, d) is (m[k] or d), m.remove(k) is
-- m[k] = nil, k.starts_with(p) is string.sub(k, 1, #p) == p, len(m) is counted.

local function main()
    local n = 200000
    local m = {}
    for i = 0, n - 1 do
        m["key" .. tostring(i)] = i
    end
    local counts = {}
    for i = 0, 2 * n - 1 do
        local k = "key" .. tostring((i * 7) % 50000)
        counts[k] = (counts[k] or 0) + 1
    end
    local total = 0
    local hits = 0
    for i = 0, n - 1 do
        local k = "key" .. tostring((i * 13) % (n + math.floor(n / 4)))
        if m[k] ~= nil then
            hits = hits + 1
            total = (total + m[k]) % 1000000007
        end
    end
    for i = 0, n - 1, 3 do
        m["key" .. tostring(i)] = nil
    end
    local left = 0
    local ones = 0
    for k, v in pairs(m) do
        left = left + 1
        if string.sub(k, 1, 4) == "key1" then
            ones = ones + v % 7
        end
    end
    local ncounts = 0
    for _ in pairs(counts) do
        ncounts = ncounts + 1
    end
    local size = 0
    for _ in pairs(m) do
        size = size + 1
    end
    print(ncounts .. " " .. counts["key49999"] .. " " .. total .. " " .. hits .. " "
          .. left .. " " .. ones .. " " .. size)
end

main()
