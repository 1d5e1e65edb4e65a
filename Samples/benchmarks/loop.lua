-- loop: one tight 20M-iteration while loop over local integers (twin of loop.conc).

local function main()
    local total = 0
    local i = 0
    while i < 20000000 do
        total = total + i % 7
        i = i + 1
    end
    print(total)
end

main()
