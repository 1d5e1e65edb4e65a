# lists: large-list work (twin of lists.conc).


def main():
    n = 100_000
    checksum = 0
    rows = []
    for r in range(8):
        xs = []
        seed = 12345 + r
        for i in range(n):
            seed = (seed * 1103515245 + 12345) % 2147483648
            xs.append(seed % 100_000)
        for i in range(1, n):
            xs[i] = (xs[i] + xs[i - 1]) % 100_000
        total = 0
        for x in xs:
            total += x
        xs.sort()
        i = 0
        while i < n:
            checksum = (checksum + xs[i] * (i + 1)) % 1_000_000_007
            i += 97
        evens = []
        while len(xs) > 0:
            v = xs.pop()
            if v % 2 == 0:
                evens.append(v)
        rows.append([total, len(evens), evens[0], evens[len(evens) - 1]])
    for row in rows:
        for v in row:
            checksum = (checksum * 31 + v) % 1_000_000_007
    print(checksum)


main()
