-- records: a list of map records, grouped and averaged (twin of records.conc).
-- Records are tables with string fields; groups are visited in insertion
-- order (kept in a list), as Conc and Python maps iterate; the sort compares
-- (avg, group) as the Conc key [avg, group] does.

local function main()
    local n = 300000
    local seed = 42
    local rows = {}
    for i = 0, n - 1 do
        seed = seed * 48271 % 2147483647
        local g = math.floor(seed / 65536) % 500
        rows[#rows + 1] = {id = i, group = "g" .. g, score = (seed % 10000) / 100.0}
    end
    local groups = {}
    local order = {}
    for _, r in ipairs(rows) do
        local g = r.group
        local members = groups[g]
        if members then
            members[#members + 1] = r
        else
            groups[g] = {r}
            order[#order + 1] = g
        end
    end
    local stats = {}
    for _, g in ipairs(order) do
        local members = groups[g]
        local total = 0.0
        local best = 0
        for _, r in ipairs(members) do
            total = total + r.score
            if r.id > best then
                best = r.id
            end
        end
        stats[#stats + 1] = {group = g, count = #members, avg = total / #members, last = best}
    end
    table.sort(stats, function(a, b)
        if a.avg ~= b.avg then
            return a.avg < b.avg
        end
        return a.group < b.group
    end)
    local check = 0
    for _, s in ipairs(stats) do
        check = (check * 31 + s.count + s.last) % 1000000007
    end
    print(#stats .. " " .. check)
    for _, s in ipairs({stats[1], stats[2], stats[#stats - 1], stats[#stats]}) do
        print(s.group .. " " .. s.count .. " " .. string.format("%.4f", s.avg) .. " " .. s.last)
    end
end

main()
