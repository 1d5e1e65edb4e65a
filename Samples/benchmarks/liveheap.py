# liveheap: short-lived allocation beside a big live heap (twin of liveheap.conc).


def main():
    keep = []
    for i in range(1_000_000):
        keep.append([i, str(i)])
    total = 0
    for i in range(1_000_000):
        pair = [i, i % 10]
        total = (total + pair[0] * pair[1]) % 1_000_000_007
    for i in range(1_000_000, 2_000_000):
        keep.append([i, str(i)])
    for i in range(2_000_000):
        pair = [i, i % 10]
        total = (total + pair[0] * pair[1]) % 1_000_000_007
    chars = 0
    for item in keep:
        chars += len(item[1])
    print(len(keep), total, chars, keep[1_234_567][1])


main()
