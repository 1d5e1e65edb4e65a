# Literal rendering shared by the case generators: one Python value written as Conc
# source and as Python source with the same meaning, plus the Python-side prelude that
# prints values the way Conc's `str`/`print` does.

import math

I64MIN = -2**63
I64MAX = 2**63 - 1


def conc_str(s):
    """A Conc string literal for s (escapes `\\`, `"`, `$` and control characters)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '\\':
            out.append('\\\\')
        elif ch == '"':
            out.append('\\"')
        elif ch == '$':
            out.append('\\$')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\t':
            out.append('\\t')
        elif ch == '\r':
            out.append('\\r')
        elif o < 0x20 or o == 0x7f or 0x80 <= o < 0xa0 or o in (0x2028, 0x2029):
            out.append('\\u{%x}' % o)
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def py_str(s):
    return ascii(s)


def conc_num(v):
    """A number literal valid in both languages, parenthesised when negative."""
    if isinstance(v, float):
        if math.isnan(v):
            return 'float("nan")'
        if math.isinf(v):
            return 'float("inf")' if v > 0 else '(-float("inf"))'
        r = repr(v)
        return '(' + r + ')' if r.startswith('-') else r
    if v == I64MIN:
        return '(-9223372036854775807 - 1)'
    return '(' + str(v) + ')' if v < 0 else str(v)


def lit(v, lang):
    """v (None, bool, int, float, str, list, dict) as a literal of lang ('c' or 'p')."""
    if v is None:
        return 'nil' if lang == 'c' else 'None'
    if v is True:
        return 'true' if lang == 'c' else 'True'
    if v is False:
        return 'false' if lang == 'c' else 'False'
    if isinstance(v, (int, float)):
        return conc_num(v)
    if isinstance(v, str):
        return conc_str(v) if lang == 'c' else py_str(v)
    if isinstance(v, list):
        return '[' + ', '.join(lit(x, lang) for x in v) + ']'
    if isinstance(v, dict):
        return '{' + ', '.join(lit(k, lang) + ': ' + lit(x, lang) for k, x in v.items()) + '}'
    raise TypeError(v)


def L(v):
    """The pair (Conc literal, Python literal)."""
    return lit(v, 'c'), lit(v, 'p')


# The Conc side of every batch starts with these helpers.
CONC_PRELUDE = '''\
fn _L(r) { let o = []; for x in r { o.push(x) } return o }
'''

# The Python side: P prints like Conc's print, _c makes an int outside int64 an
# OverflowError (Conc's ints are 64-bit and never wrap, docs/reference.md section 2), and a few
# helpers keep bigint work small (a shift or power whose result cannot fit is an
# OverflowError without building the huge number).
PY_PRELUDE = r'''
import math
I64MIN = -2**63
I64MAX = 2**63 - 1
def _c(v):
    if type(v) is int and not (I64MIN <= v <= I64MAX):
        raise OverflowError("int64")
    return v
def _q(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"': out.append('\\"')
        elif ch == '\\': out.append('\\\\')
        elif ch == '\n': out.append('\\n')
        elif ch == '\t': out.append('\\t')
        elif ch == '\r': out.append('\\r')
        elif o < 0x20 or o == 0x7f: out.append('\\u{%x}' % o)
        else: out.append(ch)
    out.append('"')
    return ''.join(out)
def S(v, top=True):
    if v is None: return "nil"
    if v is True: return "true"
    if v is False: return "false"
    if type(v) is int: return str(_c(v))
    if type(v) is float: return repr(v)
    if type(v) is str: return v if top else _q(v)
    if type(v) in (list, tuple): return "[" + ", ".join(S(x, False) for x in v) + "]"
    if type(v) is dict: return "{" + ", ".join(S(k, False) + ": " + S(x, False) for k, x in v.items()) + "}"
    if type(v) is range:
        return "range(%s, %s)" % (S(v.start), S(v.stop)) if v.step == 1 else "range(%s, %s, %s)" % (S(v.start), S(v.stop), S(v.step))
    if callable(v): return "<fn %s>" % getattr(v, "__name__", "?")
    return "<%s>" % type(v).__name__
def P(*a):
    print(" ".join(S(x) for x in a))
def T(v):
    if v is None: return "nil"
    return {bool: "bool", int: "int", float: "float", str: "string", list: "list", dict: "map", range: "range"}.get(type(v), "function" if callable(v) else type(v).__name__)
def _shl(a, b):
    if type(a) is not int or type(b) is not int: return a << b
    if b < 0: raise ValueError("negative shift count")
    if a != 0 and b > 70: raise OverflowError("shift")
    return _c(a << b)
def _shr(a, b):
    if type(a) is not int or type(b) is not int: return a >> b
    if b < 0: raise ValueError("negative shift count")
    return a >> min(b, 100)
def _pow(a, b):
    if type(a) is int and type(b) is int and b > 70 and abs(a) > 1: raise OverflowError("pow")
    return _c(a ** b)
def _L(r): return list(r)
def _round(x, n):
    # CPython computes 10**-n exactly for an int x; any n below -40 rounds an int64 to 0.
    if type(x) is int and type(n) is int and n < -40: return 0
    return _c(round(x, n))
class ConcError(Exception):
    def __init__(self, kind, msg):
        Exception.__init__(self, msg)
        self.kind = kind
def _kind(e):
    if isinstance(e, ConcError): return e.kind
    if isinstance(e, MemoryError): return "MemoryError"
    return type(e).__name__
'''
