# strmap: a map with string keys (twin of strmap.conc).


def main():
    n = 200_000
    m = {}
    for i in range(n):
        m["key" + str(i)] = i
    counts = {}
    for i in range(2 * n):
        k = "key" + str((i * 7) % 50_000)
        counts[k] = counts.get(k, 0) + 1
    total = 0
    hits = 0
    for i in range(n):
        k = "key" + str((i * 13) % (n + n // 4))
        if k in m:
            hits += 1
            total = (total + m[k]) % 1_000_000_007
    for i in range(0, n, 3):
        del m["key" + str(i)]
    left = 0
    ones = 0
    for k in m.keys():
        left += 1
        if k.startswith("key1"):
            ones += m[k] % 7
    print(len(counts), counts["key49999"], total, hits, left, ones, len(m))


main()
