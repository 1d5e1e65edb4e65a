-- sorting: the built-in sort on ints, floats, strings and records (twin of sorting.conc).
-- table.sort is not stable, so the record sorts break ties on the id, which is
-- what a stable sort of records made in id order gives; sorted() is a copy
-- then table.sort, reverse is a ">" comparator.

function weigh(xs)
    local c = 0
    for i = 1, #xs do
        c = (c + ((i - 1) % 1000 + 1) * xs[i]) % 1000000007
    end
    return c
end

local function copy(xs)
    local ys = {}
    for i = 1, #xs do
        ys[i] = xs[i]
    end
    return ys
end

local function greater(a, b)
    return a > b
end

local function main()
    local seed = 7
    local ints = {}
    local floats = {}
    for i = 1, 200000 do
        seed = seed * 48271 % 2147483647
        ints[i] = seed % 1000000 - 500000
        floats[i] = math.floor(seed / 7) / 1024.0 - 1e6
    end
    local strs = {}
    for i = 0, 99999 do
        seed = seed * 48271 % 2147483647
        strs[i + 1] = "item-" .. (seed % 50000) .. "-" .. (i % 7)
    end
    local up = copy(ints)
    table.sort(up)
    local down = copy(ints)
    table.sort(down, greater)
    table.sort(ints)
    table.sort(floats)
    local fdown = copy(floats)
    table.sort(fdown, greater)
    local sdown = copy(strs)
    table.sort(sdown, greater)
    table.sort(strs)

    local people = {}
    for i = 0, 99999 do
        seed = seed * 48271 % 2147483647
        people[i + 1] = {id = i, age = 18 + seed % 60, name = "p" .. (seed % 10000)}
    end
    local by_age = copy(people)
    table.sort(by_age, function(a, b)
        if a.age ~= b.age then
            return a.age < b.age
        end
        return a.id < b.id
    end)
    local by_name = copy(people)
    table.sort(by_name, function(a, b)
        if a.name ~= b.name then
            return a.name > b.name
        end
        return a.id < b.id
    end)

    local same = #ints == #up
    for i = 1, #ints do
        if ints[i] ~= up[i] then
            same = false
        end
    end
    print(weigh(up) .. " " .. weigh(down) .. " " .. tostring(same) .. " " .. up[1] .. " " .. up[#up])
    print(string.format("%.5f %.5f %.5f %.5f", floats[1], floats[#floats], fdown[1], floats[100001])
          .. " " .. math.floor(floats[12346] * 1024))
    print(strs[1] .. " " .. strs[#strs] .. " " .. sdown[1] .. " " .. strs[50001])
    local ids = {}
    for i, p in ipairs(by_age) do
        ids[i] = p.id
    end
    local names = {}
    for i = 1, 5 do
        names[i] = by_name[i].name .. ":" .. by_name[i].id
    end
    print(weigh(ids) .. " " .. by_age[1].id .. " " .. by_age[#by_age].id .. " " .. table.concat(names, " "))
end

main()
