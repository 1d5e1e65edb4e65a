# loop: one tight 20M-iteration while loop over local integers (twin of loop.conc).


def main():
    total = 0
    i = 0
    while i < 20_000_000:
        total += i % 7
        i += 1
    print(total)


main()
