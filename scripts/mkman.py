#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Builds hush's manual pages from the sources that already say the facts.

  mkman.py md FILE.md NAME SECTION TITLE   a Markdown document as a man(7) page
                                           (hush-config(5) from docs/config.md)
  mkman.py cli HUSH TEMPLATE               hush(1): TEMPLATE (man/hush.1.in) with
                                           @COMMANDS@ replaced by each command's
                                           own --help text, in "hush help" order

Only the Markdown that hush's documents use is handled: headings, paragraphs,
"-" lists, fenced code, pipe tables, `code`, **bold**, [links](target).
"""
import re
import subprocess
import sys

VERSION = "0.1.0"
DATE = "2026-12-01"


def esc(s):
    """Escapes text for a man(7) line (no inline markup)."""
    s = s.replace("\\", "\\e")
    s = s.replace("-", "\\-")
    s = s.replace("\u2026", "...")
    # other non-ASCII characters as groff/mandoc Unicode escapes
    return "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in s)


def inline(s):
    """Markdown inline markup to man(7) font escapes."""
    out = []
    pos = 0
    pat = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)]+)\)")
    for m in pat.finditer(s):
        out.append(esc(s[pos:m.start()]))
        if m.group(1) is not None:
            out.append("\\fB" + esc(m.group(1)) + "\\fR")
        elif m.group(2) is not None:
            out.append("\\fB" + esc(m.group(2)) + "\\fR")
        else:
            out.append(inline(m.group(3)))
        pos = m.end()
    out.append(esc(s[pos:]))
    return "".join(out)


def line_out(text):
    """A text line; a leading . or ' would be read as a request."""
    if text.startswith((".", "'")):
        return "\\&" + text
    return text


def cells(row):
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    # a "\|" inside a cell is a literal bar
    parts = re.split(r"(?<!\\)\|", row)
    return [p.strip().replace("\\|", "|") for p in parts]


def md_to_man(md, name, section, title):
    lines = md.split("\n")
    out = [f'.TH {name.upper()} {section} {DATE} "hush {VERSION}" "{title}"']
    out.append(".SH NAME")
    out.append(f"{esc(name)} \\- {esc(title.lower())}")
    i = 0
    para = []
    first_heading = True

    def pp():
        if not out[-1].startswith((".SH", ".SS")):
            out.append(".PP")

    def flush():
        if para:
            pp()
            out.extend(line_out(inline(p)) for p in para)
            para.clear()

    while i < len(lines):
        ln = lines[i]
        if ln.startswith("```"):
            flush()
            i += 1
            pp()
            out.append(".RS 4")
            out.append(".nf")
            while i < len(lines) and not lines[i].startswith("```"):
                out.append(line_out(esc(lines[i])))
                i += 1
            out.append(".fi")
            out.append(".RE")
            i += 1
            continue
        m = re.match(r"^(#+)\s+(.*)$", ln)
        if m:
            flush()
            level, text = len(m.group(1)), m.group(2)
            if level == 1:
                if first_heading:
                    out.append(".SH DESCRIPTION")
                    first_heading = False
                else:
                    out.append(".SH " + inline(text).upper())
            elif level == 2:
                out.append('.SH "' + inline(text).upper().replace('"', "") + '"')
            else:
                out.append('.SS "' + inline(text).replace('"', "") + '"')
            i += 1
            continue
        if ln.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                c = cells(lines[i])
                if not all(re.fullmatch(r":?-+:?", x) for x in c if x):
                    rows.append(c)
                i += 1
            head, body = rows[0], rows[1:]
            # each row as a tagged paragraph: first cell the tag, the
            # others "header: cell"
            for r in body:
                out.append(".TP")
                out.append(line_out(inline(r[0]) if r[0] else "\\&"))
                rest = []
                for h, c in zip(head[1:], r[1:]):
                    if c:
                        rest.append(inline(h) + ": " + inline(c) if len(head) > 2 else inline(c))
                out.append(line_out(rest[0] if rest else "\\&"))
                for x in rest[1:]:
                    out.append(".br")
                    out.append(line_out(x))
            continue
        m = re.match(r"^(\s*)(-|\d+\.)\s+(.*)$", ln)
        if m:
            flush()
            indent = len(m.group(1))
            item = [m.group(3)]
            i += 1
            while i < len(lines) and lines[i].strip() and \
                    not re.match(r"^\s*(-|\d+\.)\s+", lines[i]) and lines[i].startswith(" "):
                item.append(lines[i].strip())
                i += 1
            bullet = "\\(bu" if m.group(2) == "-" else m.group(2)
            if indent:
                out.append(".RS 4")
            out.append(f".IP {bullet} 3")
            out.extend(line_out(inline(x)) for x in item)
            if indent:
                out.append(".RE")
            continue
        if not ln.strip():
            flush()
            i += 1
            continue
        para.append(ln.strip())
        i += 1
    flush()
    out.append(".SH SEE ALSO")
    out.append(".BR hush (1),")
    out.append(".BR hushd (8)")
    return "\n".join(out) + "\n"


def cli_page(hush, template):
    listing = subprocess.run([hush, "help"], capture_output=True, text=True, check=True).stdout
    cmds = []
    in_cmds = False
    for ln in listing.split("\n"):
        if ln.startswith("commands:"):
            in_cmds = True
            continue
        m = re.match(r"^  (\S+)\s+(.*)$", ln) if in_cmds else None
        if m and m.group(1) != "help":
            cmds.append((m.group(1), m.group(2)))
        elif in_cmds and not ln.strip():
            break
    body = []
    for name, what in cmds:
        r = subprocess.run([hush, name, "--help"], capture_output=True, text=True)
        text = r.stdout if r.stdout.strip() else r.stderr
        if r.returncode != 0 or not text.startswith("usage:"):
            raise SystemExit(f"mkman: hush {name} --help did not print a usage")
        body.append(f'.SS "hush {esc(name)}"')
        body.append(line_out(esc(what[0].upper() + what[1:]) + "."))
        body.append(".PP")
        body.append(".RS 4")
        body.append(".nf")
        for t in text.rstrip("\n").split("\n"):
            body.append(line_out(esc(t)) if t.strip() else "")
        body.append(".fi")
        body.append(".RE")
    tpl = open(template, encoding="utf-8").read()
    page = tpl.replace("@COMMANDS@", "\n".join(body)).replace("@DATE@", DATE).replace("@VERSION@", VERSION)
    # blank lines are not allowed in man(7) source: an empty line inside
    # .nf is written as a zero-width request instead
    return "\n".join(ln if ln else ".sp" for ln in page.rstrip("\n").split("\n")) + "\n"


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "md":
        md = open(sys.argv[2], encoding="utf-8").read()
        sys.stdout.write(md_to_man(md, sys.argv[3], sys.argv[4], sys.argv[5]))
    elif len(sys.argv) == 4 and sys.argv[1] == "cli":
        sys.stdout.write(cli_page(sys.argv[2], sys.argv[3]))
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
