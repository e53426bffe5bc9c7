#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Extracts the example secrets of gitleaks' rules into a corpus, for
bench/recall. gitleaks keeps each rule in cmd/generate/config/rules/*.go with
its true positives (tps) and false positives (fps), many made at run time by
utils.GenerateSampleSecrets and secrets.NewSecret (a random string matching
a regex). Go is not needed: this file holds a small interpreter for the
subset of Go those files use (string, slice and map literals, :=, append,
for range, if, fmt.Sprintf, strings.*, base64, the utils helpers read from
the checkout itself); whatever it cannot evaluate is counted as skipped.

  gitleaks_examples.py CHECKOUT OUTDIR [--seed N]

CHECKOUT is a gitleaks work tree or bare git directory. OUTDIR gets one file
per example, OUTDIR/<provider>/<rule>/tp-NNN (or fp-NNN; an example with a
path becomes that path under tp-NNN.d/), and OUTDIR/manifest.json. Nothing
of gitleaks is kept elsewhere: the corpus is made at run time."""
import base64
import json
import os
import random
import re
import subprocess
import sys

try:
    import re._parser as sre_parse
    import re._constants as sre_c
except ImportError:  # Python < 3.11
    import sre_parse
    import sre_constants as sre_c


class EvalError(Exception):
    pass


# what evaluating an unsupported construct can raise
ERRORS = (EvalError, TypeError, KeyError, IndexError, AttributeError, ValueError)


class Return(Exception):
    def __init__(self, v):
        self.v = v


class Break(Exception):
    pass


class Continue(Exception):
    pass


# --- reading the checkout ---------------------------------------------------
class Source:
    def __init__(self, path):
        self.path = path
        self.git = os.path.exists(os.path.join(path, "HEAD")) and \
            os.path.isdir(os.path.join(path, "objects"))

    def _git(self, *args):
        return subprocess.run(["git", "--git-dir", self.path] + list(args), check=True,
                              capture_output=True).stdout.decode()

    def listdir(self, d):
        if self.git:
            out = self._git("ls-tree", "--name-only", "HEAD", d + "/")
            return sorted(os.path.basename(x) for x in out.split("\n") if x)
        return sorted(os.listdir(os.path.join(self.path, d)))

    def read(self, p):
        if self.git:
            return self._git("show", "HEAD:" + p)
        with open(os.path.join(self.path, p)) as f:
            return f.read()

    def read_bytes(self, p):
        if self.git:
            return subprocess.run(["git", "--git-dir", self.path, "show", "HEAD:" + p], check=True,
                                  capture_output=True).stdout
        with open(os.path.join(self.path, p), "rb") as f:
            return f.read()

    def files(self, d):
        """Every file below d (recursively), sorted."""
        if self.git:
            out = self._git("ls-tree", "-r", "-z", "--name-only", "HEAD", d)
            return sorted(f for f in out.split("\0") if f)
        found = []  # a work tree or an unpacked archive
        for top, dirs, names in os.walk(os.path.join(self.path, d)):
            dirs[:] = [x for x in dirs if x != ".git"]
            found += [os.path.relpath(os.path.join(top, n), self.path) for n in names]
        return sorted(found)

    def commit(self):
        try:
            if self.git:
                return self._git("rev-parse", "HEAD").strip()
            return subprocess.run(["git", "-C", self.path, "rev-parse", "HEAD"], check=True,
                                  capture_output=True).stdout.decode().strip()
        except (subprocess.CalledProcessError, OSError):
            return "unknown"


# --- tokens -------------------------------------------------------------------
OPS = ["...", "&^=", "<<=", ">>=", ":=", "==", "!=", "<=", ">=", "&&", "||", "<-", "++", "--",
       "+=", "-=", "*=", "/=", "|=", "&=", "<<", ">>", "&^"]
KEYWORDS = {"break", "case", "chan", "const", "continue", "default", "defer", "else",
            "fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map",
            "package", "range", "return", "select", "struct", "switch", "type", "var"}
ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
       "\\": "\\", "'": "'", '"': '"'}


def unescape(s, i, quote):
    """Decodes an interpreted literal starting after its opening quote."""
    out = []
    while s[i] != quote:
        c = s[i]
        if c == "\n":
            raise EvalError("newline in string")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e in ESC:
            out.append(ESC[e])
            i += 2
        elif e == "x":
            out.append(chr(int(s[i + 2:i + 4], 16)))
            i += 4
        elif e == "u":
            out.append(chr(int(s[i + 2:i + 6], 16)))
            i += 6
        elif e == "U":
            out.append(chr(int(s[i + 2:i + 10], 16)))
            i += 10
        elif e in "01234567":
            out.append(chr(int(s[i + 1:i + 4], 8)))
            i += 4
        else:
            raise EvalError("bad escape")
    return "".join(out), i + 1


def tokenize(s):
    toks = []  # (kind, value); kinds: id kw str int op ;
    i, n = 0, len(s)

    def semi():
        if toks and (toks[-1][0] in ("id", "str", "int") or
                     toks[-1][1] in (")", "]", "}", "++", "--") or
                     (toks[-1][0] == "kw" and toks[-1][1] in ("break", "continue", "return", "fallthrough"))):
            toks.append((";", ";"))
    while i < n:
        c = s[i]
        if c == "\n":
            semi()
            i += 1
        elif c in " \t\r":
            i += 1
        elif s.startswith("//", i):
            j = s.find("\n", i)
            i = n if j < 0 else j
        elif s.startswith("/*", i):
            j = s.find("*/", i + 2)
            if "\n" in s[i:j]:
                semi()
            i = j + 2
        elif c == "`":
            j = s.index("`", i + 1)
            toks.append(("str", s[i + 1:j].replace("\r", "")))
            i = j + 1
        elif c == '"':
            v, i = unescape(s, i + 1, '"')
            toks.append(("str", v))
        elif c == "'":
            v, i = unescape(s, i + 1, "'")
            toks.append(("int", ord(v)))
        elif c.isdigit():
            m = re.match(r"0[xX][0-9a-fA-F_]+|[0-9_]+", s[i:])
            toks.append(("int", int(m.group(0).replace("_", ""), 0)))
            i += len(m.group(0))
        elif c.isalpha() or c == "_":
            m = re.match(r"\w+", s[i:])
            w = m.group(0)
            toks.append(("kw" if w in KEYWORDS else "id", w))
            i += len(w)
        else:
            for op in OPS:
                if s.startswith(op, i):
                    toks.append(("op", op))
                    i += len(op)
                    break
            else:
                toks.append(("op", c))
                i += 1
    semi()
    return toks


# --- parser (to tuples) -------------------------------------------------------
class Parser:
    def __init__(self, toks):
        self.t = toks
        self.i = 0
        self.nocomp = 0  # in an if/for/switch header: T{ is not a literal

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else ("eof", None)

    def at(self, v):
        return self.peek()[1] == v and self.peek()[0] != "str"

    def take(self, v=None):
        tok = self.peek()
        if v is not None and (tok[1] != v or tok[0] == "str"):
            raise EvalError("want %r at %r" % (v, tok))
        self.i += 1
        return tok

    def skip_semis(self):
        while self.at(";"):
            self.i += 1

    def skip_balanced(self):
        """Skips one (...), [...] or {...} group."""
        o = self.take()[1]
        close = {"(": ")", "[": "]", "{": "}"}[o]
        depth = 1
        while depth:
            k, v = self.take()
            if k == "eof":
                raise EvalError("eof")
            if k != "str":
                depth += v == o
                depth -= v == close

    # file
    def file(self, ranges=False):
        """The file's imports, var/const specs and functions: (params,
        body) each, or with ranges the token range of each body (a
        declaration that cannot be read is skipped then)."""
        decls = {"imports": {}, "vars": [], "funcs": {}}
        while self.peek()[0] != "eof":
            self.skip_semis()
            k, v = self.peek()
            if k == "eof":
                break
            if v == "package":
                self.take()
                self.take()
            elif v == "import":
                self.take()
                if self.at("("):
                    self.take()
                    while not self.at(")"):
                        self.skip_semis()
                        if self.at(")"):
                            break
                        self.import_spec(decls)
                    self.take(")")
                else:
                    self.import_spec(decls)
            elif v in ("var", "const"):
                start = self.i
                try:
                    decls["vars"] += self.var_decl()
                except ERRORS:
                    if not ranges:
                        raise
                    self.i = start
                    self.skip_decl()
            elif v == "func":
                self.take()
                if self.at("(") and not ranges:
                    self.skip_balanced()  # a method: not needed
                    self.take()
                    self.skip_balanced()
                    self.skip_to_body()
                    self.skip_balanced()
                    continue
                if self.at("("):
                    self.skip_balanced()
                name = self.take()[1]
                if ranges:
                    self.skip_to_body()
                    start = self.i
                    self.skip_balanced()
                    decls["funcs"][name] = (start, self.i)
                    continue
                params = self.params()
                self.skip_to_body()
                decls["funcs"][name] = (params, self.block())
            elif v == "type":
                self.take()
                self.take()
                self.type_()
            elif ranges:
                self.take()
            else:
                raise EvalError("top level %r" % (v,))
        return decls

    def skip_decl(self):
        """Skips to the end of the declaration at hand."""
        depth = 0
        while self.peek()[0] != "eof":
            k, v = self.take()
            if k == "str":
                continue
            if v in "([{":
                depth += 1
            elif v in ")]}":
                depth -= 1
            elif v == ";" and depth <= 0:
                return

    def import_spec(self, decls):
        alias = None
        if self.peek()[0] == "id" or self.at("_") or self.at("."):
            alias = self.take()[1]
        path = self.take()[1]
        decls["imports"][alias or path.split("/")[-1]] = path

    def params(self):
        self.take("(")
        names, piece = [], []
        depth = 0
        while True:
            k, v = self.take()
            if k != "str" and v in "([{":
                depth += 1
            if k != "str" and v in ")]}":
                if depth == 0:
                    break
                depth -= 1
            if depth == 0 and v == "," and k == "op":
                if piece:
                    names.append(piece[0])
                piece = []
                continue
            piece.append(v)
            if v == "...":
                names.append("...")  # the last parameter is variadic
        if piece:
            names.append(piece[0])
        if "..." in names:
            names.remove("...")
            names[-1] = "..." + names[-1]
        return names

    def skip_to_body(self):
        while not self.at("{"):
            if self.at("(") or self.at("["):
                self.skip_balanced()
            else:
                self.take()

    def type_(self):
        k, v = self.peek()
        if v == "*":
            self.take()
            return "*" + self.type_()
        if v == "[":
            self.take()
            n = ""
            if not self.at("]"):
                n = str(self.take()[1])
            self.take("]")
            return "[" + n + "]" + self.type_()
        if v == "map":
            self.take()
            self.take("[")
            kt = self.type_()
            self.take("]")
            return "map[" + kt + "]" + self.type_()
        if v in ("struct", "interface"):
            self.take()
            self.skip_balanced()
            return v
        if v == "func":
            self.take()
            self.skip_balanced()
            if not self.at("{") and not self.at(";") and not self.at(")") and not self.at(","):
                self.type_()
            return "func"
        name = self.take()[1]
        if self.at("."):
            self.take()
            name += "." + self.take()[1]
        return name

    def var_decl(self):
        self.take()
        specs = []
        if self.at("("):
            self.take()
            specs = self.until(")", self.var_spec)
        else:
            specs.append(self.var_spec())
        return specs

    def var_spec(self):
        names = [self.take()[1]]
        while self.at(","):
            self.take()
            names.append(self.take()[1])
        typ = None
        if not self.at("=") and not self.at(";"):
            typ = self.type_()
        vals = []
        if self.at("="):
            self.take()
            vals = self.expr_list()
        return ("var", names, typ, vals)

    def until(self, close, item):
        """Items separated by semicolons up to close, which is taken."""
        items = []
        while True:
            self.skip_semis()
            if self.at(close):
                break
            items.append(item())
        self.take(close)
        return items

    def block(self):
        self.take("{")
        return ("block", self.until("}", self.stmt))

    def stmt(self):
        k, v = self.peek()
        if k == "kw":
            if v in ("var", "const"):
                return ("vars", self.var_decl())
            if v == "return":
                self.take()
                if self.at(";") or self.at("}"):
                    return ("return", [])
                return ("return", self.expr_list())
            if v == "break":
                self.take()
                return ("break",)
            if v == "continue":
                self.take()
                return ("continue",)
            if v == "if":
                return self.if_()
            if v == "for":
                return self.for_()
        if v == "{" and k == "op":
            return self.block()
        return self.simple()

    def simple(self):
        lhs = self.expr_list()
        k, v = self.peek()
        if k == "op" and v in (":=", "=", "+="):
            self.take()
            if self.at("range"):
                self.take()
                return ("range", lhs, v, self.expr())
            return ("assign", lhs, v, self.expr_list())
        if k == "op" and v in ("++", "--"):
            self.take()
            return ("incr", lhs[0], v)
        return ("expr", lhs[0])

    def if_(self):
        self.take("if")
        self.nocomp += 1
        init = None
        s = self.simple()
        if self.at(";"):
            self.take()
            init = s
            s = self.simple()
        self.nocomp -= 1
        cond = s[1]
        then = self.block()
        els = None
        if self.at("else"):
            self.take()
            els = self.if_() if self.at("if") else self.block()
        return ("if", init, cond, then, els)

    def for_(self):
        self.take("for")
        if self.at("{"):
            return ("loop", None, self.block())
        self.nocomp += 1
        if self.at("range"):
            self.take()
            s = ("range", [], "=", self.expr())
        else:
            s = self.simple()
        self.nocomp -= 1
        if s[0] == "range":
            return ("forrange", s, self.block())
        if s[0] == "expr":
            return ("loop", s[1], self.block())
        raise EvalError("three-clause for")

    def expr_list(self):
        out = [self.expr()]
        while self.at(","):
            self.take()
            out.append(self.expr())
        return out

    PREC = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
            "+": 4, "-": 4, "|": 4, "^": 4, "*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5, "&": 5}

    def expr(self, prec=1):
        left = self.unary()
        while True:
            k, v = self.peek()
            p = self.PREC.get(v) if k == "op" else None
            if p is None or p < prec:
                return left
            self.take()
            right = self.expr(p + 1)
            left = ("bin", v, left, right)

    def unary(self):
        k, v = self.peek()
        if k == "op" and v in ("-", "!", "&", "*", "+", "^"):
            self.take()
            return ("un", v, self.unary())
        return self.primary()

    def primary(self):
        x = self.operand()
        while True:
            k, v = self.peek()
            if k != "op":
                return x
            if v == ".":
                self.take()
                if self.at("("):  # type assertion
                    self.skip_balanced()
                    continue
                x = ("sel", x, self.take()[1])
            elif v == "(":
                self.take()
                args, spread = [], False
                saved, self.nocomp = self.nocomp, 0
                while not self.at(")"):
                    self.skip_semis()
                    if self.at(")"):
                        break
                    args.append(self.expr())
                    if self.at("..."):
                        self.take()
                        spread = True
                    if self.at(","):
                        self.take()
                self.skip_semis()
                self.take(")")
                self.nocomp = saved
                x = ("call", x, args, spread)
            elif v == "[":
                self.take()
                saved, self.nocomp = self.nocomp, 0
                lo = None if self.at(":") else self.expr()
                if self.at(":"):
                    self.take()
                    hi = None if self.at("]") else self.expr()
                    self.take("]")
                    x = ("slice", x, lo, hi)
                else:
                    self.take("]")
                    x = ("index", x, lo)
                self.nocomp = saved
            elif v == "{" and not self.nocomp and x[0] in ("name", "sel", "type"):
                x = ("comp", x, self.comp_body())
            else:
                return x

    def comp_body(self):
        self.take("{")
        saved, self.nocomp = self.nocomp, 0
        elems = []
        while True:
            self.skip_semis()
            if self.at("}"):
                break
            e = self.elem()
            key = None
            if self.at(":"):
                self.take()
                key = e
                e = self.elem()
            elems.append((key, e))
            self.skip_semis()
            if self.at(","):
                self.take()
        self.take("}")
        self.nocomp = saved
        return elems

    def elem(self):
        if self.at("{"):
            return ("comp", None, self.comp_body())
        if self.at("&") and self.peek(1)[1] == "{":
            self.take()
            return ("comp", None, self.comp_body())
        return self.expr()

    def operand(self):
        k, v = self.take()
        if k == "str":
            return ("lit", v)
        if k == "int":
            return ("lit", v)
        if k == "id":
            return ("name", v)
        if v == "(":
            saved, self.nocomp = self.nocomp, 0
            e = self.expr()
            self.take(")")
            self.nocomp = saved
            return e
        if v in ("[", "map", "struct", "*") or v == "func":
            self.i -= 1
            if v == "func":
                self.take()
                params = self.params()
                if not self.at("{"):
                    self.type_()
                return ("funclit", params, self.block())
            return ("type", self.type_())
        raise EvalError("operand %r" % (v,))


# --- random strings matching a regex (as lucasjones/reggen, limit 1) ---------
PRINTABLE = [chr(c) for c in range(0x20, 0x7f)]


class Reggen:
    def __init__(self, rnd, limit=1):
        self.R = rnd
        self.limit = limit

    def gen(self, pattern):
        pattern = pattern.replace(r"\z", r"\Z")
        try:
            tree = sre_parse.parse(pattern)
        except Exception as e:  # noqa: BLE001 - any parse failure means: skip
            raise EvalError("regex: %s" % e)
        out = []
        self.seq(tree, out)
        return "".join(out)

    def cls(self, items):
        chars, neg = [], False
        for op, av in items:
            if op == sre_c.NEGATE:
                neg = True
            elif op == sre_c.LITERAL:
                chars.append(chr(av))
            elif op == sre_c.RANGE:
                chars += [chr(c) for c in range(av[0], av[1] + 1)]
            elif op == sre_c.CATEGORY:
                chars += self.category(av)
        if neg:
            s = set(chars)
            chars = [c for c in PRINTABLE if c not in s]
        return chars

    @staticmethod
    def category(av):
        name = str(av)
        if "DIGIT" in name:
            base = [chr(c) for c in range(48, 58)]
        elif "WORD" in name:
            base = [c for c in PRINTABLE if c.isalnum() or c == "_"]
        elif "SPACE" in name:
            base = [" ", "\t", "\n"]
        else:
            base = PRINTABLE
        if "NOT" in name:
            s = set(base)
            return [c for c in PRINTABLE if c not in s]
        return base

    def seq(self, tree, out):
        for op, av in tree:
            self.node(op, av, out)

    def node(self, op, av, out):
        R = self.R
        if op == sre_c.LITERAL:
            out.append(chr(av))
        elif op == sre_c.NOT_LITERAL:
            out.append(R.choice([c for c in PRINTABLE if c != chr(av)]))
        elif op == sre_c.ANY:
            out.append(R.choice(PRINTABLE))
        elif op == sre_c.IN:
            chars = self.cls(av)
            if chars:
                out.append(R.choice(chars))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            if hi == sre_c.MAXREPEAT:
                hi = lo + self.limit
            for _ in range(R.randint(lo, hi)):
                self.seq(sub, out)
        elif op == sre_c.SUBPATTERN:
            self.seq(av[-1], out)
        elif op == sre_c.BRANCH:
            self.seq(R.choice(av[1]), out)
        elif op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            pass
        elif op == sre_c.CATEGORY:
            out.append(R.choice(self.category(av)))
        else:
            raise EvalError("regex op %s" % op)


# --- values and the interpreter ----------------------------------------------
class Obj(dict):
    """A struct value (config.Rule, config.Allowlist, ...)."""


class Regex:
    def __init__(self, pat):
        self.pat = pat

    def method(self, name, args):
        if name == "String":
            return self.pat
        if name == "MatchString":
            p = self.pat.replace(r"\z", r"\Z")
            return re.search(p, args[0]) is not None
        raise EvalError("regexp." + name)


class Replacer:
    def __init__(self, pairs):
        self.pairs = list(zip(pairs[0::2], pairs[1::2]))

    def method(self, name, args):
        if name != "Replace":
            raise EvalError("Replacer." + name)
        s, out, i = args[0], [], 0
        while i < len(s):
            for old, new in self.pairs:
                if old and s.startswith(old, i):
                    out.append(new)
                    i += len(old)
                    break
            else:
                out.append(s[i])
                i += 1
        return "".join(out)


class Builder:
    def __init__(self):
        self.parts = []

    def method(self, name, args):
        if name in ("WriteString", "WriteByte", "WriteRune"):
            a = args[0]
            self.parts.append(chr(a) if isinstance(a, int) else a)
            return None
        if name == "String":
            return "".join(self.parts)
        if name in ("Len",):
            return len("".join(self.parts))
        raise EvalError("Builder." + name)


class Encoding:
    def __init__(self, url, pad):
        self.url, self.pad = url, pad

    def method(self, name, args):
        if name != "EncodeToString":
            raise EvalError("base64." + name)
        b = args[0] if isinstance(args[0], bytes) else args[0].encode()
        s = (base64.urlsafe_b64encode if self.url else base64.b64encode)(b).decode()
        return s if self.pad else s.rstrip("=")


class Func:
    def __init__(self, interp, pkg, name, params, body, env=None):
        self.interp, self.pkg, self.name, self.params, self.body, self.env = \
            interp, pkg, name, params, body, env


def go_sprintf(fmt, args):
    args = list(args)

    def one(m):
        spec = m.group(0)
        if spec == "%%":
            return "%"
        if not args:
            raise EvalError("Sprintf args")
        a = args.pop(0)
        verb = spec[-1]
        if verb == "q":
            return json.dumps(a)
        if verb == "x":
            return a.hex() if isinstance(a, bytes) else ("%x" % a if isinstance(a, int) else a.encode().hex())
        if isinstance(a, bytes):
            a = a.decode("latin-1")
        if isinstance(a, bool):
            a = "true" if a else "false"
        return str(a)
    return re.sub(r"%[-+# 0-9.]*[sdvqxt%]", one, fmt)


class Interp:
    def __init__(self, src, seed):
        self.src = src
        self.R = random.Random(seed)
        self.regen = Reggen(self.R)
        self.pkgs = {}        # name -> {"funcs", "vars", "imports", "globals"}
        self.records = []     # (func, rule id, tps, fps, paths?)
        self.skipped = 0
        self.cur_func = None

    def load(self, pkg, d):
        merged = {"imports": {}, "vars": [], "funcs": {}, "globals": None, "files": {}}
        for f in self.src.listdir(d):
            if not f.endswith(".go") or f.endswith("_test.go"):
                continue
            try:
                decls = Parser(tokenize(self.src.read(d + "/" + f))).file()
            except (EvalError, ValueError, IndexError) as e:
                print("gitleaks_examples: cannot read %s/%s: %s" % (d, f, e), file=sys.stderr)
                continue
            merged["imports"].update(decls["imports"])
            merged["vars"] += decls["vars"]
            for name, fn in decls["funcs"].items():
                merged["funcs"][name] = fn
                merged["files"][name] = f
        self.pkgs[pkg] = merged

    def globals_of(self, pkg):
        p = self.pkgs[pkg]
        if p["globals"] is None:
            p["globals"] = {}
            for spec in p["vars"]:
                self.declare(spec, p["globals"], pkg, tolerant=True)
        return p["globals"]

    def declare(self, spec, env, pkg, tolerant=False):
        _, names, typ, vals = spec
        for i, nm in enumerate(names):
            try:
                if vals:
                    env[nm] = self.eval(vals[i], env, pkg)
                else:
                    env[nm] = self.zero(typ)
            except ERRORS:
                if not tolerant:
                    raise
                env[nm] = None

    @staticmethod
    def zero(typ):
        if typ is None:
            return None
        if typ.startswith("[]"):
            return []
        if typ.startswith("map["):
            return {}
        if typ == "string":
            return ""
        if typ in ("int", "int64", "uint", "byte", "rune"):
            return 0
        if typ == "bool":
            return False
        if typ == "strings.Builder":
            return Builder()
        return Obj()

    # functions
    def call_func(self, f, args):
        env = dict(f.env or {})
        for i, p in enumerate(f.params):
            if p.startswith("..."):
                env[p[3:]] = list(args[i:])
            else:
                env[p] = args[i] if i < len(args) else None
        saved = self.cur_func
        if f.env is None:
            self.cur_func = f.name
        try:
            self.exec_block(f.body, env, f.pkg)
        except Return as r:
            return r.v
        finally:
            self.cur_func = saved
        return None

    def lookup_func(self, pkg, name):
        p = self.pkgs.get(pkg)
        if p and name in p["funcs"]:
            params, body = p["funcs"][name]
            return Func(self, pkg, name, params, body)
        return None

    # statements
    def exec_block(self, blk, env, pkg):
        for st in blk[1]:
            self.exec(st, env, pkg)

    def exec(self, st, env, pkg):
        kind = st[0]
        if kind == "block":
            self.exec_block(st, dict(env), pkg)  # scoping is loose: fine here
        elif kind == "vars":
            for spec in st[1]:
                self.declare(spec, env, pkg)
        elif kind == "return":
            vals = [self.eval(e, env, pkg) for e in st[1]]
            raise Return(vals[0] if len(vals) == 1 else vals or None)
        elif kind == "break":
            raise Break()
        elif kind == "continue":
            raise Continue()
        elif kind == "assign":
            _, lhs, op, rhs = st
            if len(lhs) != len(rhs):
                v = self.eval(rhs[0], env, pkg)
                vals = list(v) if isinstance(v, (list, tuple)) else [v] + [None] * (len(lhs) - 1)
            else:
                vals = [self.eval(e, env, pkg) for e in rhs]
            for target, v in zip(lhs, vals):
                if op == "+=":
                    v = self.eval(target, env, pkg) + v
                self.store(target, v, env, pkg)
        elif kind == "incr":
            self.store(st[1], self.eval(st[1], env, pkg) + (1 if st[2] == "++" else -1), env, pkg)
        elif kind == "expr":
            self.eval(st[1], env, pkg)
        elif kind == "if":
            _, init, cond, then, els = st
            scope = dict(env)
            if init:
                self.exec(init, scope, pkg)
            if self.eval(cond, scope, pkg):
                self.exec_block(then, scope, pkg)
            elif els:
                self.exec(els, scope, pkg)
            for k in env:
                env[k] = scope[k]
        elif kind == "loop":
            for _ in range(10000):
                if st[1] is not None and not self.eval(st[1], env, pkg):
                    break
                try:
                    self.exec_block(st[2], env, pkg)
                except Continue:
                    continue
                except Break:
                    break
            else:
                raise EvalError("loop did not end")
        elif kind == "forrange":
            _, (_, lhs, _, coll), body = st
            c = self.eval(coll, env, pkg)
            items = list(c.items()) if isinstance(c, dict) else list(enumerate(c)) if \
                isinstance(c, (list, str, bytes)) else list(enumerate(range(c)))
            for k, v in items:
                if len(lhs) > 0 and lhs[0] != ("name", "_"):
                    self.store(lhs[0], k, env, pkg)
                if len(lhs) > 1 and lhs[1] != ("name", "_"):
                    self.store(lhs[1], v, env, pkg)
                try:
                    self.exec_block(body, env, pkg)
                except Continue:
                    continue
                except Break:
                    break
        else:
            raise EvalError("statement " + kind)

    def store(self, target, v, env, pkg):
        if target[0] == "name":
            if target[1] != "_":
                env[target[1]] = v
        elif target[0] == "sel":
            obj = self.eval(target[1], env, pkg)
            if isinstance(obj, dict):
                obj[target[2]] = v
        elif target[0] == "index":
            self.eval(target[1], env, pkg)[self.eval(target[2], env, pkg)] = v
        elif target[0] == "un" and target[1] == "*":
            self.store(target[2], v, env, pkg)
        else:
            raise EvalError("store")

    # expressions
    def eval(self, e, env, pkg):
        kind = e[0]
        if kind == "lit":
            return e[1]
        if kind == "name":
            n = e[1]
            if n in env:
                return env[n]
            g = self.globals_of(pkg)
            if n in g:
                return g[n]
            if n in ("true", "false"):
                return n == "true"
            if n == "nil":
                return None
            f = self.lookup_func(pkg, n)
            if f:
                return f
            if n in self.pkgs[pkg]["imports"] or n in ("append", "len", "string", "make"):
                return ("pkg", n)
            return ("type", n)
        if kind == "bin":
            return self.binop(e[1], e[2], e[3], env, pkg)
        if kind == "un":
            v = self.eval(e[2], env, pkg)
            if e[1] == "-":
                return -v
            if e[1] == "!":
                return not v
            return v  # & and * are no-ops on these values
        if kind == "sel":
            base = self.eval(e[1], env, pkg)
            if isinstance(base, tuple) and base[0] == "pkg":
                q = self.import_name(base[1], pkg)
                if q == "base64" and e[2] in ENCODINGS:
                    return ENCODINGS[e[2]]
                return ("qual", q, e[2])
            if isinstance(base, dict):
                return base.get(e[2])
            return ("method", base, e[2])
        if kind == "call":
            return self.call(e, env, pkg)
        if kind == "index":
            c = self.eval(e[1], env, pkg)
            k = self.eval(e[2], env, pkg)
            if isinstance(c, dict):
                return c.get(k)
            return c[k]
        if kind == "slice":
            c = self.eval(e[1], env, pkg)
            lo = self.eval(e[2], env, pkg) if e[2] else None
            hi = self.eval(e[3], env, pkg) if e[3] else None
            return c[lo:hi]
        if kind == "comp":
            return self.composite(e, env, pkg)
        if kind == "type":
            return ("type", e[1])
        if kind == "funclit":
            return Func(self, pkg, "<lit>", e[1], e[2], env)
        raise EvalError("expr " + kind)

    def import_name(self, alias, pkg):
        return self.pkgs[pkg]["imports"].get(alias, alias).split("/")[-1]

    def binop(self, op, a, b, env, pkg):
        if op == "&&":
            return self.eval(a, env, pkg) and self.eval(b, env, pkg)
        if op == "||":
            return self.eval(a, env, pkg) or self.eval(b, env, pkg)
        x, y = self.eval(a, env, pkg), self.eval(b, env, pkg)
        try:
            return {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y,
                    "/": lambda: x // y, "%": lambda: x % y, "==": lambda: x == y,
                    "!=": lambda: x != y, "<": lambda: x < y, "<=": lambda: x <= y,
                    ">": lambda: x > y, ">=": lambda: x >= y}[op]()
        except (TypeError, KeyError, ZeroDivisionError):
            raise EvalError("operator " + op)

    def composite(self, e, env, pkg):
        _, texpr, elems = e
        typ = None
        if texpr is not None:
            t = self.eval(texpr, env, pkg)
            typ = t[1] if isinstance(t, tuple) and t[0] == "type" else \
                ("%s.%s" % (t[1], t[2]) if isinstance(t, tuple) and t[0] == "qual" else "struct")
        keyed = any(k is not None for k, _ in elems)
        if typ and typ.startswith("map[") or (typ is None and keyed and
                                              all(k[0] == "lit" for k, _ in elems if k)):
            out = {}
            for k, v in elems:
                try:
                    out[self.eval(k, env, pkg)] = self.eval(v, env, pkg)
                except ERRORS:
                    self.skipped += 1
            return out
        if keyed:  # a struct
            obj = Obj()
            obj["__type"] = typ
            for k, v in elems:
                try:
                    obj[k[1]] = self.eval(v, env, pkg)
                except ERRORS:
                    obj[k[1]] = None
            return obj
        out = []
        for _, v in elems:
            try:
                out.append(self.eval(v, env, pkg))
            except ERRORS:
                self.skipped += 1
        if typ == "[]byte":
            return bytes(out)
        return out

    def call(self, e, env, pkg):
        _, fexpr, aexprs, spread = e
        f = self.eval(fexpr, env, pkg)
        if isinstance(f, tuple) and f[0] == "pkg" and f[1] == "append":
            lst = list(self.eval(aexprs[0], env, pkg) or [])
            if spread:
                lst += list(self.eval(aexprs[1], env, pkg) or [])
                return lst
            for a in aexprs[1:]:
                try:
                    lst.append(self.eval(a, env, pkg))
                except ERRORS:
                    self.skipped += 1
            return lst
        args = [self.eval(a, env, pkg) for a in aexprs]
        if spread and args:
            args = args[:-1] + list(args[-1] or [])
        if isinstance(f, Func):
            over = OVERRIDES.get((f.pkg, f.name))
            if over:
                return over(self, args)
            return self.call_func(f, args)
        if isinstance(f, tuple):
            if f[0] == "qual":
                over = OVERRIDES.get((f[1], f[2]))
                if over:
                    return over(self, args)
                fn = self.lookup_func(f[1], f[2])
                if fn:
                    return self.call_func(fn, args)
                return self.builtin(f[1], f[2], args)
            if f[0] == "pkg":
                return self.builtin("", f[1], args)
            if f[0] == "type":  # conversion
                t, v = f[1], args[0]
                if t == "[]byte":
                    return v.encode() if isinstance(v, str) else bytes(v)
                if t == "string":
                    return v.decode("latin-1") if isinstance(v, bytes) else \
                        chr(v) if isinstance(v, int) else v
                return v
            if f[0] == "method":
                obj, name = f[1], f[2]
                if hasattr(obj, "method"):
                    return obj.method(name, args)
                raise EvalError("method %s on %s" % (name, type(obj).__name__))
        raise EvalError("call of %r" % (f,))

    def builtin(self, pkg, name, args):
        key = pkg + "." + name if pkg else name
        fn = BUILTINS.get(key)
        if fn is None:
            raise EvalError("no builtin " + key)
        return fn(self, *args)


def b_newsecret(it, regex):
    return it.regen.gen(regex)


BUILTINS = {
    "len": lambda it, x: len(x),
    "make": lambda it, t, *a: Interp.zero(t[1]),
    "string": lambda it, x: x.decode("latin-1") if isinstance(x, bytes) else x,
    "fmt.Sprintf": lambda it, f, *a: go_sprintf(f, a),
    "fmt.Sprint": lambda it, *a: "".join(str(x) for x in a),
    "strings.ToUpper": lambda it, s: s.upper(),
    "strings.ToLower": lambda it, s: s.lower(),
    "strings.Repeat": lambda it, s, n: s * n,
    "strings.Join": lambda it, a, sep: sep.join(a),
    "strings.ReplaceAll": lambda it, s, a, b: s.replace(a, b),
    "strings.Replace": lambda it, s, a, b, n: s.replace(a, b) if n < 0 else s.replace(a, b, n),
    "strings.TrimSpace": lambda it, s: s.strip(),
    "strings.TrimPrefix": lambda it, s, p: s[len(p):] if s.startswith(p) else s,
    "strings.TrimSuffix": lambda it, s, p: s[:-len(p)] if p and s.endswith(p) else s,
    "strings.HasPrefix": lambda it, s, p: s.startswith(p),
    "strings.Contains": lambda it, s, p: p in s,
    "strings.NewReplacer": lambda it, *p: Replacer(p),
    "regexp.MustCompile": lambda it, p: Regex(p),
    "regexp.QuoteMeta": lambda it, s: re.escape(s),
    "secrets.NewSecret": b_newsecret,
    "strconv.Itoa": lambda it, n: str(n),
}
ENCODINGS = {"StdEncoding": Encoding(False, True), "RawStdEncoding": Encoding(False, False),
             "URLEncoding": Encoding(True, True), "RawURLEncoding": Encoding(True, False)}


def record(it, args, paths):
    rule = args[0] if isinstance(args[0], dict) else {}
    it.records.append({"func": it.cur_func, "id": rule.get("RuleID"),
                       "tps": args[1] or ([] if not paths else {}),
                       "fps": args[2] or ([] if not paths else {}), "paths": paths})
    return rule


def o_plausible(it, args):
    stop = it.globals_of("rules").get("DefaultStopWords") or []
    for _ in range(1000):
        s = it.regen.gen(args[0])
        if re.search("[1-9]", s) and not any(w in s.lower() for w in stop):
            return s
    raise EvalError("no plausible secret")


OVERRIDES = {
    ("utils", "Validate"): lambda it, a: record(it, a, False),
    ("utils", "ValidateWithPaths"): lambda it, a: record(it, a, True),
    ("secrets", "NewSecret"): lambda it, a: it.regen.gen(a[0]),
    ("rules", "newPlausibleSecret"): o_plausible,
}


def add_example(manifest, out, rel, kind, rule, provider, data):
    """Writes one example (text or bytes) to out/rel and lists it."""
    full = os.path.join(out, rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as fh:
        fh.write(data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape"))
    manifest["examples"].append({"file": rel, "kind": kind, "rule": rule, "provider": provider})


def write_manifest(out, manifest):
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)


def default_rule_funcs(src):
    """The rule functions gitleaks' default config is made of, in order."""
    text = src.read("cmd/generate/config/main.go")
    return re.findall(r"\brules\.(\w+)\(\)", text)


def provider_of(it, func):
    f = it.pkgs["rules"]["files"].get(func, "unknown.go")
    return f[:-3]


def begin(doc):
    """The command line of an extractor, CHECKOUT OUTDIR [--seed N]:
    (Source, OUTDIR, an empty manifest, the seed)."""
    args = sys.argv[1:]
    seed = 1
    if "--seed" in args:
        k = args.index("--seed")
        seed = int(args[k + 1])
        del args[k:k + 2]
    if len(args) != 2:
        sys.exit(doc)
    src = Source(args[0])
    manifest = {"commit": src.commit(), "seed": seed, "rules": [], "examples": [],
                "failed_rules": []}
    return src, args[1], manifest, seed


def finish(out, manifest, summary):
    """Writes the manifest and prints the one-line summary."""
    write_manifest(out, manifest)
    print(summary, file=sys.stderr)


def main():
    src, out, manifest, seed = begin(__doc__)
    it = Interp(src, seed)
    it.load("utils", "cmd/generate/config/utils")
    it.load("rules", "cmd/generate/config/rules")
    funcs = default_rule_funcs(src)
    for fn in funcs:
        f = it.lookup_func("rules", fn)
        it.records = []
        before = it.skipped
        try:
            if f is None:
                raise EvalError("no function")
            it.call_func(f, [])
        except ERRORS as e:
            manifest["failed_rules"].append({"func": fn, "why": str(e)[:200]})
            continue
        rec = [r for r in it.records if r["func"] == fn] or it.records[-1:]
        if not rec or not rec[-1]["id"]:
            manifest["failed_rules"].append({"func": fn, "why": "no Validate call"})
            continue
        r = rec[-1]
        prov = provider_of(it, fn)
        manifest["rules"].append({"func": fn, "id": r["id"], "provider": prov,
                                  "skipped": it.skipped - before})
        for kind, coll in (("tp", r["tps"]), ("fp", r["fps"])):
            items = list(coll.items()) if isinstance(coll, dict) else [(None, x) for x in coll]
            for n, (path, text) in enumerate(items):
                if not isinstance(text, str):
                    continue
                rel = os.path.join(prov, r["id"], "%s-%03d" % (kind, n))
                if path:
                    p = path.lstrip("/")
                    if ".." in p.split("/"):
                        continue
                    rel = os.path.join(rel + ".d", p)
                add_example(manifest, out, rel, kind, r["id"], prov, text)
    finish(out, manifest, "gitleaks_examples: %d rules, %d examples, %d rules not evaluated, %d items skipped"
           % (len(manifest["rules"]), len(manifest["examples"]), len(manifest["failed_rules"]), it.skipped))


if __name__ == "__main__":
    main()
