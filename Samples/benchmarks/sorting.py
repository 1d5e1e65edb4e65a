# sorting: the built-in sort on ints, floats, strings and records (twin of sorting.conc).


def weigh(xs):
    c = 0
    for i in range(len(xs)):
        c = (c + (i % 1000 + 1) * xs[i]) % 1_000_000_007
    return c


def main():
    seed = 7
    ints = []
    floats = []
    for i in range(200_000):
        seed = seed * 48271 % 2147483647
        ints.append(seed % 1_000_000 - 500_000)
        floats.append((seed // 7) / 1024.0 - 1e6)
    strs = []
    for i in range(100_000):
        seed = seed * 48271 % 2147483647
        strs.append(f"item-{seed % 50_000}-{i % 7}")
    up = sorted(ints)
    down = sorted(ints, reverse=True)
    ints.sort()
    floats.sort()
    fdown = sorted(floats, reverse=True)
    sdown = sorted(strs, reverse=True)
    strs.sort()

    people = []
    for i in range(100_000):
        seed = seed * 48271 % 2147483647
        people.append({"id": i, "age": 18 + seed % 60, "name": f"p{seed % 10_000}"})
    by_age = sorted(people, key=lambda p: p["age"])
    by_name = sorted(people, key=lambda p: p["name"], reverse=True)

    print(weigh(up), weigh(down), str(ints == up).lower(), up[0], up[-1])
    print(format(floats[0], ".5f"), format(floats[-1], ".5f"), format(fdown[0], ".5f"),
          format(floats[100_000], ".5f"), int(floats[12_345] * 1024))
    print(strs[0], strs[-1], sdown[0], strs[50_000])
    ids = []
    for p in by_age:
        ids.append(p["id"])
    names = []
    for p in by_name[:5]:
        names.append(p["name"] + ":" + str(p["id"]))
    print(weigh(ids), by_age[0]["id"], by_age[-1]["id"], " ".join(names))


main()
