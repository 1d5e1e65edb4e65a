# wordcount: generate a text, then count its words (twin of wordcount.conc).


def main():
    vocab = ["the", "of", "and", "to", "in", "is", "that", "it", "was", "for",
             "on", "are", "as", "with", "his", "they", "at", "be", "this", "from",
             "concurrency", "thread", "process", "lock", "queue", "python", "lua",
             "interpreter", "benchmark", "swift", "map", "list", "string", "value"]
    nv = len(vocab)
    seed = 2024
    lines = []
    for i in range(60_000):
        words = []
        count = 6 + i % 9
        for j in range(count):
            seed = seed * 48271 % 2147483647
            r = seed // 65536
            # Skewed choice: low indices (the short, common words) come up more.
            w = vocab[(r % nv) * (r % 3 + 1) // 3]
            if r % 7 == 0:
                w = w.upper()
            elif r % 5 == 0:
                w = w[0].upper() + w[1:]
            words.append(w)
        lines.append(" ".join(words))
    text = "\n".join(lines)

    counts = {}
    total = 0
    for line in text.split("\n"):
        for word in line.split():
            w = word.lower()
            counts[w] = counts.get(w, 0) + 1
            total += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    print(len(text), total, len(counts))
    for item in ranked[:10]:
        print(format(item[0], "<12"), item[1])


main()
