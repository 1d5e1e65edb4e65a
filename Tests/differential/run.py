#!/usr/bin/python3
# Differential test of Conc against CPython 3.11: generates cases from a seed (cases.py),
# runs the Conc side in batches through the conc binary and the Python side in this
# process, compares the output of each case line by line, and reports every difference
# that the EXPLAINED list below does not attribute to a rule of docs/reference.md.
#
#   /usr/bin/python3 Tests/differential/run.py --conc .build/debug/conc [--seed N] [--cases N]
#
# Exit status: 0 when every difference is explained, 1 otherwise, 2 on a usage error.

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import warnings
warnings.simplefilter("ignore", SyntaxWarning)

from cases import generate, GENERATORS  # noqa: E402
from lits import CONC_PRELUDE, PY_PRELUDE  # noqa: E402

MARK = '@@case '


def only_lines(lines, pred):
    return all(pred(c, p) for c, p in lines)


def diff_pairs(c, p):
    n = max(len(c), len(p))
    return [(c[i] if i < len(c) else None, p[i] if i < len(p) else None) for i in range(n) if
            (c[i] if i < len(c) else None) != (p[i] if i < len(p) else None)]


# Differences that docs/reference.md explains. Each entry: a name, the rule that explains it,
# and a predicate on (case, differing line pairs as (conc, python)).
EXPLAINED = [
    ('bools-are-not-numbers',
     'docs/reference.md section 2 (ints and floats): "Booleans are not numbers: true == 1 '
     'is false, true + 1 raises TypeError, and true and 1 are two different map keys" (so a '
     'bool is never equal to, ordered with, or added to a number)',
     lambda case, d: 'bool' in case.tags),
    ('float-overflow-is-inf',
     'docs/reference.md section 2 (ints and floats): "float arithmetic that overflows gives '
     'inf"; CPython raises OverflowError for float ** instead',
     # An int operation never gives a float in Conc, so inf here came from float arithmetic.
     lambda case, d: all(p == 'error OverflowError' and c in ('inf', '-inf', 'nan') for c, p in d)),
    ('floats-have-no-identity',
     'docs/reference.md section 3 (comparison): containers compare elements by identity '
     'first, as Python, and a float is identical to a float with the same bits, so two '
     'nans made apart are the same element in Conc and different objects in Python',
     lambda case, d: 'nan' in case.conc and all(c == 'true' and p == 'false' for c, p in d)),
    ('no-complex-numbers',
     'docs/reference.md section 2 has no complex type, and section 3 (arithmetic): "A '
     'negative finite base raised to a fractional power raises ValueError (Python would '
     'return a complex number)", as Python\'s math.pow does',
     lambda case, d: all(p == '<complex>' and c == 'error ValueError' for c, p in d)),
    ('format-spec-subset',
     'docs/reference.md section 5 (format): format implements Python\'s whole format-spec '
     'mini-language, but the contract promised only a subset (fill, < > ^, zero padding, '
     'width, precision, d f e %), so a ValueError for a spec beyond it is not a failure '
     '(listed separately in the summary as "Conc raises, Python accepts")',
     lambda case, d: 'format_unlisted' in case.tags and all(c == 'error ValueError' for c, p in d)),
]


def explain(case, d):
    for name, _, pred in EXPLAINED:
        if pred(case, d):
            return name
    return None


def run_python(case):
    ns = {}
    exec(PY_PRELUDE, ns)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            exec(compile(case.py, '<case>', 'exec'), ns)
        except Exception as e:  # noqa: BLE001 - every error is an output line
            print('error', ns['_kind'](e))
    return lines_of(buf.getvalue())


def conc_program(cases, base):
    out = [CONC_PRELUDE]
    for i, c in enumerate(cases):
        out.append('print("%s%d")' % (MARK, base + i))
        out.append('try {')
        out.append(c.conc)
        out.append('} catch e { print("error", e.kind) }')
    return '\n'.join(out) + '\n'


def run_conc_source(conc, src, timeout):
    with tempfile.NamedTemporaryFile('w', suffix='.conc', delete=False, encoding='utf-8') as f:
        f.write(src)
        path = f.name
    try:
        p = subprocess.run([conc, path], capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')
    except subprocess.TimeoutExpired:
        return 'timeout', '', ''
    finally:
        os.unlink(path)


def lines_of(text):
    # Not str.splitlines: that also splits at \x1c-\x1e, \x85 and \u2028, which strings
    # under test contain.
    lines = text.split('\n')
    return lines[:-1] if lines and lines[-1] == '' else lines


def split_marks(stdout):
    res = {}
    cur = None
    for line in lines_of(stdout):
        if line.startswith(MARK):
            cur = int(line[len(MARK):])
            res[cur] = []
        elif cur is not None:
            res[cur].append(line)
    return res


def failure_line(rc, stderr):
    if rc == 'timeout':
        return '<timeout>'
    lines = [l for l in stderr.splitlines() if l.strip()]
    for l in lines:
        if 'Fatal error' in l or 'error:' in l:
            return '<exit %s: %s>' % (rc, l.split(': error: ')[-1].strip())
    return '<exit %s: %s>' % (rc, lines[0] if lines else 'no message')


def run_conc(conc, cases, batch, timeout):
    results = {}

    def run_chunk(start, chunk):
        rc, out, err = run_conc_source(conc, conc_program(chunk, start), timeout)
        got = split_marks(out)
        if rc == 0 and len(got) == len(chunk):
            results.update(got)
        elif len(chunk) == 1:
            lines = got.get(start, [])
            if rc != 0:
                lines.append(failure_line(rc, err))
            results[start] = lines
        else:
            # A crash, a syntax error or a hang somewhere in the chunk: bisect to find it.
            half = len(chunk) // 2
            run_chunk(start, chunk[:half])
            run_chunk(start + half, chunk[half:])

    for start in range(0, len(cases), batch):
        run_chunk(start, cases[start:start + batch])
    return results


def indent(text, pre='    '):
    return '\n'.join(pre + l for l in text.splitlines())


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--conc', default='.build/debug/conc')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--cases', type=int, default=2500)
    ap.add_argument('--batch', type=int, default=400)
    ap.add_argument('--only', help='comma-separated categories (%s)' % ', '.join(GENERATORS))
    ap.add_argument('--show', type=int, default=1000, help='most differences printed per category')
    ap.add_argument('--show-explained', action='store_true')
    ap.add_argument('--timeout', type=float, default=120)
    a = ap.parse_args()
    if not os.access(a.conc, os.X_OK):
        print('run.py: no conc binary at %s (build it first: swift build)' % a.conc, file=sys.stderr)
        return 2
    only = set(a.only.split(',')) if a.only else None
    t0 = time.time()
    cases = generate(a.seed, a.cases, only)
    py = [run_python(c) for c in cases]
    cc = run_conc(a.conc, cases, a.batch, a.timeout)
    per_cat = Counter(c.cat for c in cases)
    real = defaultdict(list)
    explained = defaultdict(list)
    raises_accepts = []
    for i, c in enumerate(cases):
        cl, pl = cc.get(i, ['<no output>']), py[i]
        if cl == pl:
            continue
        d = diff_pairs(cl, pl)
        why = explain(c, d)
        if why == 'format-spec-subset':
            raises_accepts.append((c, cl, pl))
        if why:
            explained[why].append((c, cl, pl))
        else:
            real[c.cat].append((c, cl, pl))
    nreal = sum(len(v) for v in real.values())
    for cat in sorted(real):
        items = real[cat]
        print('=== %s: %d difference%s' % (cat, len(items), '' if len(items) == 1 else 's'))
        for c, cl, pl in items[:a.show]:
            print('--- conc source:')
            print(indent(c.conc))
            print('  conc:   ' + ' | '.join(cl))
            print('  python: ' + ' | '.join(pl))
    if a.show_explained:
        for why, items in explained.items():
            print('=== explained (%s): %d' % (why, len(items)))
            for c, cl, pl in items[:a.show]:
                print(indent(c.conc))
                print('  conc:   ' + ' | '.join(cl))
                print('  python: ' + ' | '.join(pl))
    print()
    print('seed %d, %d cases in %.1f s' % (a.seed, len(cases), time.time() - t0))
    print('%-14s %6s %6s' % ('category', 'cases', 'diffs'))
    for cat in sorted(per_cat):
        print('%-14s %6d %6d' % (cat, per_cat[cat], len(real.get(cat, []))))
    for why, items in sorted(explained.items()):
        print('explained by %s: %d' % (why, len(items)))
    if raises_accepts:
        specs = Counter()
        for c, _, _ in raises_accepts:
            specs[c.conc.split(', ')[-1].rstrip(')')] += 1
        print('format: Conc raises ValueError, Python accepts, for %d specs outside the listed subset, e.g. %s'
              % (len(specs), ' '.join(s for s, _ in specs.most_common(12))))
    print('unexplained differences: %d' % nreal)
    return 1 if nreal else 0


if __name__ == '__main__':
    sys.exit(main())
