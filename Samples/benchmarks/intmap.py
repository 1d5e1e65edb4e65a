# intmap: one big map with 600,000 int keys (twin of intmap.conc).


def main():
    n = 600_000
    p = 1_000_003
    m = {}
    for i in range(n):
        m[(i * 7919) % p] = i
    total = 0
    for i in range(n):
        total = (total + m[(i * 7919) % p]) % 1_000_000_007
    hits = 0
    for i in range(n):
        if (i * 31) % p in m:
            hits += 1
        hits += m.get(i * 2 + 1, 0) % 5
    for i in range(0, n, 2):
        k = (i * 7919) % p
        m[k] = m[k] + 1
    for i in range(0, n, 2):
        del m[(i * 7919) % p]
    left = 0
    sum_ = 0
    for k in m.keys():
        left += 1
        sum_ = (sum_ + k + m[k]) % 1_000_000_007
    print(total, hits, left, sum_, len(m))


main()
