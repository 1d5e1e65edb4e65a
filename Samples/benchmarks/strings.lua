-- strings: a mix of everyday string work (twin of strings.conc).
-- Lua has no split/replace/strip/starts_with/ends_with and a 1-based, nil-returning
-- find, so the helpers below give them Conc's (and Python's) semantics.
-- Indexing: Conc s[i:j] is s:sub(i + 1, j); s[-2:] is s:sub(-2).

local function split(s, sep)
    local out = {}
    local n = 0
    local start = 1
    while true do
        local i, j = string.find(s, sep, start, true)
        if i == nil then
            break
        end
        n = n + 1
        out[n] = string.sub(s, start, i - 1)
        start = j + 1
    end
    out[n + 1] = string.sub(s, start)
    return out
end

local function escape_pattern(s)
    return (string.gsub(s, "[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

local function replace(s, old, new)
    return (string.gsub(s, escape_pattern(old), (string.gsub(new, "%%", "%%%%"))))
end

local function find(s, sub)
    local i = string.find(s, sub, 1, true)
    if i == nil then
        return -1
    end
    return i - 1
end

local function strip(s)
    return (string.match(s, "^%s*(.-)%s*$"))
end

local function starts_with(s, prefix)
    return string.sub(s, 1, #prefix) == prefix
end

local function ends_with(s, suffix)
    return suffix == "" or string.sub(s, -#suffix) == suffix
end

local function main()
    local words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
    local checksum = 0
    for r = 0, 100000 - 1 do
        local parts = {}
        for j = 0, 7 do
            local w = words[(r + j) % 8 + 1]
            parts[#parts + 1] = w .. "-" .. (r % 100 + j)
        end
        local line = table.concat(parts, ",")
        local up = string.upper(line)
        local swapped = replace(up, "TA", "ta!")
        local fields = split(swapped, ",")
        local acc = ""
        for _, f in ipairs(fields) do
            acc = acc .. string.sub(f, 2, 4) .. string.sub(f, -2)
        end
        local vowels = 0
        for k = 1, #acc do
            local ch = string.sub(acc, k, k)
            if ch == "A" or ch == "E" or ch == "a" then
                vowels = vowels + 1
            end
        end
        local pos = find(line, "eta")
        local padded = "  " .. string.lower(acc) .. "  "
        local stripped = strip(padded)
        if starts_with(stripped, "lp") then
            checksum = checksum + 3
        end
        if ends_with(stripped, "9") then
            checksum = checksum + 5
        end
        checksum = (checksum + #stripped * 31 + pos * 7 + #swapped + vowels) % 1000000007
    end
    print(checksum)
end

main()
