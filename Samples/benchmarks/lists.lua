-- lists: large-list work (twin of lists.conc).
-- Lua tables are 1-based: Conc xs[i] is xs[i + 1]; push is xs[#xs + 1] = v,
-- pop is table.remove(xs), len(xs) is #xs.

local function main()
    local n = 100000
    local checksum = 0
    local rows = {}
    for r = 0, 7 do
        local xs = {}
        local seed = 12345 + r
        for i = 0, n - 1 do
            seed = (seed * 1103515245 + 12345) % 2147483648
            xs[#xs + 1] = seed % 100000
        end
        for i = 1, n - 1 do
            xs[i + 1] = (xs[i + 1] + xs[i]) % 100000
        end
        local total = 0
        for _, x in ipairs(xs) do
            total = total + x
        end
        table.sort(xs)
        local i = 0
        while i < n do
            checksum = (checksum + xs[i + 1] * (i + 1)) % 1000000007
            i = i + 97
        end
        local evens = {}
        while #xs > 0 do
            local v = table.remove(xs)
            if v % 2 == 0 then
                evens[#evens + 1] = v
            end
        end
        rows[#rows + 1] = {total, #evens, evens[1], evens[#evens]}
    end
    for _, row in ipairs(rows) do
        for _, v in ipairs(row) do
            checksum = (checksum * 31 + v) % 1000000007
        end
    end
    print(checksum)
end

main()
