# conversions: number <-> text round trips (twin of conversions.conc).


def main():
    n = 120_000
    total = 0
    chars = 0
    same = 0
    last = ""
    for i in range(n):
        k = (i * 7919) % 1_000_003 - 500_000
        s = str(k)
        chars += len(s)
        total = (total + int(s)) % 1_000_000_007

        x = k / 64.0 + 0.1
        xs = str(x)
        chars += len(xs)
        if float(xs) == x:
            same += 1
        big = x * 1e17
        tiny = x / 1e9
        chars += len(str(big)) + len(str(tiny))

        two = format(x, ".2f")
        chars += len(two)
        total = (total + int(float(two) * 4)) % 1_000_000_007

        padded = format(i, ">8")
        chars += len(padded)
        line = f"a{i}b{x}c"
        chars += len(line)
        last = f"{padded}|{two}|{line}|{big}|{tiny}"
    print(total, chars, same)
    print(last)


main()
