# strmethods: built-in string methods over generated lines (twin of strmethods.conc).


def main():
    words = ["Alpha", "beta", "GAMMA", "delta", "Epsilon", "zeta", "ETA", "theta",
             "iota", "Kappa", "lambda", "MU"]
    levels = ["INFO", "WARN", "ERROR", "DEBUG"]
    seed = 12345
    checksum = 0
    kept = 0
    for n in range(100_000):
        parts = []
        for j in range(6):
            seed = seed * 48271 % 2147483647
            parts.append(words[(seed // 65536) % 12])
        level = levels[n % 4]
        line = f"  {level}: " + " ".join(parts) + f" \t,id={n},user=u{seed % 1000}  "

        clean = line.strip()
        fields = clean.split()
        cols = clean.split(",")
        low = clean.lower()
        up = clean.upper()
        fixed = low.replace("eta", "ETA").replace(" ", "_")
        pos = low.find("delta")
        at = up.find("USER=")
        if clean.startswith("ERROR") or clean.startswith("WARN"):
            kept += 1
        if cols[1].endswith("7"):
            checksum += 11
        rebuilt = "|".join(fields)
        key = cols[2].split("=")[1]
        checksum = (checksum + len(fields) * 7 + len(cols) + len(fixed) * 3 + pos + at
                    + len(rebuilt) + len(key)) % 1_000_000_007
        if n % 25_000 == 0:
            print(fixed)
    print(checksum, kept)


main()
