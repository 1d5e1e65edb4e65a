# maps: hash-map work (twin of maps.conc).


def main():
    n = 50_000
    p = 100_003
    checksum = 0
    for r in range(8):
        m = {}
        for i in range(n):
            m[(i * 7919 + r) % p] = i
        hits = 0
        for i in range(2 * n):
            k = (i * 3) % p
            if k in m:
                hits += 1
            hits += m.get(k + 1, 0) % 3
        for i in range(n):
            k = (i * 7919 + r) % p
            m[k] = m[k] + 1
        for i in range(0, n, 3):
            del m[(i * 7919 + r) % p]
        count = 0
        total = 0
        for k in m.keys():
            count += 1
            total = (total + k * m[k]) % 1_000_000_007
        words = {}
        for i in range(n):
            key = "k" + str((i * 31) % 5000)
            words[key] = words.get(key, 0) + i
        wcount = 0
        wtotal = 0
        for key in words.keys():
            wcount += 1
            if key.endswith("7"):
                wtotal = (wtotal + words[key]) % 1_000_000_007
        checksum = (checksum * 31 + hits + count + total + wcount + wtotal) % 1_000_000_007
    print(checksum)


main()
