-- liveheap: short-lived allocation beside a big live heap (twin of liveheap.conc).
-- Lists are tables {i, tostring(i)}; Lua indexes from 1.

local function main()
    local keep = {}
    for i = 0, 999999 do
        keep[#keep + 1] = {i, tostring(i)}
    end
    local total = 0
    for i = 0, 999999 do
        local pair = {i, i % 10}
        total = (total + pair[1] * pair[2]) % 1000000007
    end
    for i = 1000000, 1999999 do
        keep[#keep + 1] = {i, tostring(i)}
    end
    for i = 0, 1999999 do
        local pair = {i, i % 10}
        total = (total + pair[1] * pair[2]) % 1000000007
    end
    local chars = 0
    for _, item in ipairs(keep) do
        chars = chars + #item[2]
    end
    print(#keep .. " " .. total .. " " .. chars .. " " .. keep[1234568][2])
end

main()
