-- wordcount: generate a text, then count its words (twin of wordcount.conc).
-- Lines are split with gmatch("[^\n]+") and words with gmatch("%S+");
-- string.lower/upper, table.concat for join, string.format("%-12s") for "<12".

local function main()
    local vocab = {"the", "of", "and", "to", "in", "is", "that", "it", "was", "for",
                   "on", "are", "as", "with", "his", "they", "at", "be", "this", "from",
                   "concurrency", "thread", "process", "lock", "queue", "python", "lua",
                   "interpreter", "benchmark", "swift", "map", "list", "string", "value"}
    local nv = #vocab
    local seed = 2024
    local lines = {}
    for i = 0, 59999 do
        local words = {}
        local count = 6 + i % 9
        for j = 1, count do
            seed = seed * 48271 % 2147483647
            local r = math.floor(seed / 65536)
            -- Skewed choice: low indices (the short, common words) come up more.
            local w = vocab[math.floor((r % nv) * (r % 3 + 1) / 3) + 1]
            if r % 7 == 0 then
                w = string.upper(w)
            elseif r % 5 == 0 then
                w = string.upper(string.sub(w, 1, 1)) .. string.sub(w, 2)
            end
            words[j] = w
        end
        lines[#lines + 1] = table.concat(words, " ")
    end
    local text = table.concat(lines, "\n")

    local counts = {}
    local distinct = 0
    local total = 0
    for line in string.gmatch(text, "[^\n]+") do
        for word in string.gmatch(line, "%S+") do
            local w = string.lower(word)
            local c = counts[w]
            if c == nil then
                distinct = distinct + 1
                c = 0
            end
            counts[w] = c + 1
            total = total + 1
        end
    end
    local ranked = {}
    for w, c in pairs(counts) do
        ranked[#ranked + 1] = {w, c}
    end
    table.sort(ranked, function(a, b)
        if a[2] ~= b[2] then
            return a[2] > b[2]
        end
        return a[1] < b[1]
    end)
    print(#text .. " " .. total .. " " .. distinct)
    for k = 1, 10 do
        print(string.format("%-12s", ranked[k][1]) .. " " .. ranked[k][2])
    end
end

main()
