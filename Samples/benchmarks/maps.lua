-- maps: hash-map work (twin of maps.conc).
-- Conc `k in m` is m[k] ~= nil, m.get(k, d) is (m[k] or d), m.remove(k) is
-- m[k] = nil, iterating m.keys() is pairs(m); str(i) is tostring(i).

local function main()
    local n = 50000
    local p = 100003
    local checksum = 0
    for r = 0, 7 do
        local m = {}
        for i = 0, n - 1 do
            m[(i * 7919 + r) % p] = i
        end
        local hits = 0
        for i = 0, 2 * n - 1 do
            local k = (i * 3) % p
            if m[k] ~= nil then
                hits = hits + 1
            end
            hits = hits + (m[k + 1] or 0) % 3
        end
        for i = 0, n - 1 do
            local k = (i * 7919 + r) % p
            m[k] = m[k] + 1
        end
        for i = 0, n - 1, 3 do
            m[(i * 7919 + r) % p] = nil
        end
        local count = 0
        local total = 0
        for k in pairs(m) do
            count = count + 1
            total = (total + k * m[k]) % 1000000007
        end
        local words = {}
        for i = 0, n - 1 do
            local key = "k" .. tostring((i * 31) % 5000)
            words[key] = (words[key] or 0) + i
        end
        local wcount = 0
        local wtotal = 0
        for key in pairs(words) do
            wcount = wcount + 1
            if string.sub(key, -1) == "7" then
                wtotal = (wtotal + words[key]) % 1000000007
            end
        end
        checksum = (checksum * 31 + hits + count + total + wcount + wtotal) % 1000000007
    end
    print(checksum)
end

main()
