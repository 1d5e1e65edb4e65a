-- textparse: build a CSV-like text, then parse it back (twin of textparse.conc).
-- Lines are read with gmatch("([^\n]*)\n") and fields with gmatch("[^,]+") (no field is empty),
-- int()/float() are tonumber, strip is a "^%s*(.-)%s*$" match, format ".2f" is
-- string.format("%.2f"); the cities are sorted from a list of the map's keys.

local function main()
    local cities = {"Oslo", "Lima", "Pune", "Kyiv", "Baku", "Doha", "Riga", "Suva"}
    local seed = 99
    local lines = {"id,city,qty,price,note"}
    for i = 0, 149999 do
        seed = seed * 48271 % 2147483647
        local city = cities[math.floor(seed / 65536) % 8 + 1]
        local qty = seed % 97 + 1
        local price = (seed % 100000) / 100.0
        lines[#lines + 1] = i .. "," .. city .. ", " .. qty .. "," .. string.format("%.2f", price)
                            .. ",ok-" .. (seed % 13)
    end
    local text = table.concat(lines, "\n") .. "\n"

    local qty_by = {}
    local total_by = {}
    local rows = 0
    local notes = 0
    local maxprice = 0.0
    local first = true
    for line in string.gmatch(text, "([^\n]*)\n") do
        if first then
            first = false
        elseif line ~= "" then
            local f = {}
            for field in string.gmatch(line, "[^,]+") do
                f[#f + 1] = field
            end
            local city = f[2]
            local qty = tonumber(string.match(f[3], "^%s*(.-)%s*$"))
            local price = tonumber(f[4])
            qty_by[city] = (qty_by[city] or 0) + qty
            total_by[city] = (total_by[city] or 0.0) + qty * price
            if price > maxprice then
                maxprice = price
            end
            if string.sub(f[5], -2) == "-7" then
                notes = notes + 1
            end
            rows = rows + tonumber(f[1]) % 3
        end
    end
    print(#text .. " " .. rows .. " " .. notes .. " " .. string.format("%.2f", maxprice))
    local names = {}
    for city in pairs(qty_by) do
        names[#names + 1] = city
    end
    table.sort(names)
    for _, city in ipairs(names) do
        print(city .. " " .. qty_by[city] .. " " .. string.format("%.2f", total_by[city]))
    end
end

main()
