# textparse: build a CSV-like text, then parse it back (twin of textparse.conc).


def main():
    cities = ["Oslo", "Lima", "Pune", "Kyiv", "Baku", "Doha", "Riga", "Suva"]
    seed = 99
    lines = ["id,city,qty,price,note"]
    for i in range(150_000):
        seed = seed * 48271 % 2147483647
        city = cities[(seed // 65536) % 8]
        qty = seed % 97 + 1
        price = (seed % 100_000) / 100.0
        lines.append(f"{i},{city}, {qty},{price:.2f},ok-{seed % 13}")
    text = "\n".join(lines) + "\n"

    qty_by = {}
    total_by = {}
    rows = 0
    notes = 0
    maxprice = 0.0
    for line in text.split("\n")[1:]:
        if line == "":
            continue
        f = line.split(",")
        city = f[1]
        qty = int(f[2].strip())
        price = float(f[3])
        qty_by[city] = qty_by.get(city, 0) + qty
        total_by[city] = total_by.get(city, 0.0) + qty * price
        if price > maxprice:
            maxprice = price
        if f[4].endswith("-7"):
            notes += 1
        rows += int(f[0]) % 3
    print(len(text), rows, notes, format(maxprice, ".2f"))
    for city in sorted(qty_by.keys()):
        print(city, qty_by[city], format(total_by[city], ".2f"))


main()
