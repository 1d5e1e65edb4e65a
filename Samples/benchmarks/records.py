# records: a list of map records, grouped and averaged (twin of records.conc).


def main():
    n = 300_000
    seed = 42
    rows = []
    for i in range(n):
        seed = seed * 48271 % 2147483647
        g = (seed // 65536) % 500
        rows.append({"id": i, "group": f"g{g}", "score": (seed % 10_000) / 100.0})
    groups = {}
    for r in rows:
        g = r["group"]
        if g in groups:
            groups[g].append(r)
        else:
            groups[g] = [r]
    stats = []
    for g in groups.keys():
        members = groups[g]
        total = 0.0
        best = 0
        for r in members:
            total += r["score"]
            if r["id"] > best:
                best = r["id"]
        stats.append({"group": g, "count": len(members), "avg": total / len(members), "last": best})
    stats.sort(key=lambda s: (s["avg"], s["group"]))
    check = 0
    for s in stats:
        check = (check * 31 + s["count"] + s["last"]) % 1_000_000_007
    print(len(stats), check)
    for s in [stats[0], stats[1], stats[-2], stats[-1]]:
        print(s["group"], s["count"], format(s["avg"], ".4f"), s["last"])


main()
