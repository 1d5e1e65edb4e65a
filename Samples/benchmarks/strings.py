# strings: a mix of everyday string work (twin of strings.conc).


def main():
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    checksum = 0
    for r in range(100_000):
        parts = []
        for j in range(8):
            w = words[(r + j) % 8]
            parts.append(f"{w}-{r % 100 + j}")
        line = ",".join(parts)
        up = line.upper()
        swapped = up.replace("TA", "ta!")
        fields = swapped.split(",")
        acc = ""
        for f in fields:
            acc = acc + f[1:4] + f[-2:]
        vowels = 0
        for ch in acc:
            if ch == "A" or ch == "E" or ch == "a":
                vowels += 1
        pos = line.find("eta")
        padded = "  " + acc.lower() + "  "
        stripped = padded.strip()
        if stripped.startswith("lp"):
            checksum += 3
        if stripped.endswith("9"):
            checksum += 5
        checksum = (checksum + len(stripped) * 31 + pos * 7 + len(swapped) + vowels) % 1_000_000_007
    print(checksum)


main()
