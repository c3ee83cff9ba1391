#!/usr/bin/env python3
"""Module dependency graph of a Rust crate's src/ and its import cycles (Tarjan SCCs).

Usage:
    modgraph.py SRC_DIR [--tests] [--docs] [--layout FILE --order a,b,c] [--edges] [--top-only]

What counts as an edge (from the file that names it to the file that defines the module):
  * `use crate::a::b::{c, d::e as f, self, *}` and `use super::..` / `use self::..` trees, and
    `use child::..` where `child` is a module declared by the current module (2018+ uniform paths);
  * paths in code: `crate::a::b::f()`, `super::x::Y`, `child::f()`, and `m::f()` where `m` was bound
    to a module by an earlier `use` in the same scope (e.g. `use crate::search;` … `search::index::open`);
  * a path that names an item another module imported with `use` (a `pub use` re-export, or a
    parent's private import reached through `super::`) is followed to the defining module
    (`crate::output::Staging` -> src/output/staging.rs, noted as "via src/output.rs").
Blind spots (inherent to reading text): method calls and inferred types name no path, so an
`impl Parent` block in a child file that the parent only calls as methods makes no edge.
What is not an edge:
  * `mod x;` declarations; std/extern-crate paths; a file naming itself;
  * text in comments, doc comments (intra-doc links like [`crate::x`]) and string literals
    (reported separately with --docs);
  * code inside `#[cfg(test)]` items (reported separately; included in the graph with --tests).
The binary root src/main.rs is a separate crate (it reaches the library as `gazette::`), so it is
skipped. Macros: only `macro_rules!` bodies would need `$crate::` handling; the text is scanned as
code, so `crate::` inside a macro invocation's arguments counts like any other code path.

Granularities: files (src/a/b.rs) and top-level modules (`a`; `crate` for lib.rs). With --layout
(lines "src/path.rs  folder") and --order (folders from lowest to highest), it also prints the
folder-level graph and every edge that points up the order or between folders in a cycle.
"""

import os
import re
import sys
from collections import defaultdict

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


# ---------------------------------------------------------------------------------------------
# Lexing: blank out comments and literals, keep offsets and newlines.


def sanitize(text):
    """Returns (code, docs): `code` has comments and string/char literal contents replaced by
    spaces (same length, same newlines); `docs` is a list of (offset, comment_text)."""
    out = list(text)
    docs = []
    i, n = 0, len(text)

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            docs.append((i, text[i:j]))
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            docs.append((i, text[i:j]))
            blank(i, j)
            i = j
        elif (m := re.compile(r'(?:b|c)?r(#*)"').match(text, i)) and (i == 0 or not re.match(r"\w", text[i - 1])):
            close = '"' + m.group(1)
            j = text.find(close, m.end())
            j = n if j < 0 else j + len(close)
            blank(i + 1, j - 1)
            i = j
        elif c == '"' or (c in "bc" and text.startswith('"', i + 1) and (i == 0 or not re.match(r"\w", text[i - 1]))):
            j = i + (1 if c == '"' else 2)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, j)
            i = j + 1
        elif c == "'":
            # char literal ('x', '\n', '\u{..}', b'x' handled by the same rule) or a lifetime ('a)
            if text.startswith("\\", i + 1):
                j = i + 2
                while j < n and text[j] != "'":
                    j += 1
                blank(i + 1, j)
                i = j + 1
            elif i + 2 < n and text[i + 2] == "'":
                blank(i + 1, i + 2)
                i += 3
            else:
                i += 1
        else:
            i += 1
    return "".join(out), docs


def match_brace(code, open_at):
    """Offset just past the `}` matching the `{` at open_at."""
    depth = 0
    for k in range(open_at, len(code)):
        if code[k] == "{":
            depth += 1
        elif code[k] == "}":
            depth -= 1
            if depth == 0:
                return k + 1
    return len(code)


def item_end(code, start):
    """End of the item starting at `start`: its `;` or its braced body, whichever comes first at
    depth 0 (skipping further attributes)."""
    k = start
    paren = 0
    while k < len(code):
        ch = code[k]
        if ch in "([":
            paren += 1
        elif ch in ")]":
            paren -= 1
        elif ch == ";" and paren <= 0:
            return k + 1
        elif ch == "{" and paren <= 0:
            return match_brace(code, k)
        k += 1
    return len(code)


# ---------------------------------------------------------------------------------------------
# Use trees.


def tokens(s):
    return re.findall(r"::|[{},*]|" + IDENT, s)


def parse_use_tree(toks, pos, prefix, out):
    """Appends (segments, bound_name_or_None, is_glob) for every leaf; returns new pos."""
    segs = list(prefix)
    while pos < len(toks):
        t = toks[pos]
        if t == "::":
            pos += 1
        elif t == "{":
            pos += 1
            while pos < len(toks) and toks[pos] != "}":
                if toks[pos] == ",":
                    pos += 1
                    continue
                pos = parse_use_tree(toks, pos, segs, out)
            return pos + 1
        elif t == "*":
            out.append((segs, None, True))
            return pos + 1
        elif t in (",", "}"):
            break
        elif t == "as":
            alias = toks[pos + 1]
            out.append((segs, None if alias == "_" else alias, False))
            return pos + 2
        else:
            segs = segs + [t]
            pos += 1
            if pos >= len(toks) or toks[pos] in (",", "}"):
                if t == "self":
                    segs = segs[:-1]
                    out.append((segs, segs[-1] if segs else None, False))
                else:
                    out.append((segs, t, False))
                return pos
    if segs:
        out.append((segs, segs[-1], False))
    return pos


# ---------------------------------------------------------------------------------------------
# The crate.


class Scope:
    """One module (a file's module, or an inline `mod x { }` inside it)."""

    def __init__(self, path, file, start, end):
        self.path, self.file, self.start, self.end = path, file, start, end
        self.bindings = {}  # name -> (abs segments, is_pub)
        self.globs = []  # abs segments of `use ..::*` targets


class Crate:
    def __init__(self, src):
        self.src = src
        self.files = {}  # rel path -> module path tuple
        for root, dirs, names in os.walk(src):
            dirs.sort()
            for name in sorted(names):
                if not name.endswith(".rs"):
                    continue
                rel = os.path.relpath(os.path.join(root, name), os.path.dirname(src.rstrip("/")))
                parts = os.path.relpath(os.path.join(root, name), src)[:-3].split(os.sep)
                if parts == ["main"]:
                    continue  # the binary: a separate crate
                if parts == ["lib"]:
                    mod = ()
                elif parts[-1] == "mod":
                    mod = tuple(parts[:-1])
                else:
                    mod = tuple(parts)
                self.files[rel] = mod
        self.file_of = {m: f for f, m in self.files.items()}
        self.modules = set(self.file_of)
        self.text, self.code, self.docs, self.scopes, self.test_ranges, self.use_ranges = {}, {}, {}, {}, {}, {}
        for f in self.files:
            with open(os.path.join(os.path.dirname(src.rstrip("/")), f), encoding="utf-8") as fh:
                self.text[f] = fh.read()
            self.code[f], self.docs[f] = sanitize(self.text[f])
        self.scope_of_module = {}
        for f in self.files:
            self._scan_scopes(f)
        for f in self.files:
            self._scan_uses(f)

    # -- structure ------------------------------------------------------------------------------

    def _scan_scopes(self, f):
        code = self.code[f]
        top = Scope(self.files[f], f, 0, len(code))
        scopes = [top]
        for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*\{", code):
            end = match_brace(code, m.end() - 1)
            parent = max((s for s in scopes if s.start <= m.start() < s.end), key=lambda s: s.start)
            scopes.append(Scope(parent.path + (m.group(1),), f, m.start(), end))
        self.scopes[f] = scopes
        for s in scopes:
            self.scope_of_module[s.path] = s
        tests = []
        for m in re.finditer(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]", code):
            tests.append((m.start(), item_end(code, m.end())))
        self.test_ranges[f] = tests

    def scope_at(self, f, off):
        return max((s for s in self.scopes[f] if s.start <= off < s.end), key=lambda s: s.start)

    def in_test(self, f, off):
        return any(a <= off < b for a, b in self.test_ranges[f])

    def line(self, f, off):
        return self.text[f].count("\n", 0, off) + 1

    def children(self, mod):
        return {m[-1] for m in self.modules if len(m) == len(mod) + 1 and m[: len(mod)] == mod}

    # -- use declarations -----------------------------------------------------------------------

    def _scan_uses(self, f):
        code = self.code[f]
        ranges = []
        for m in re.finditer(r"\buse\b", code):
            rest = code[m.end():].lstrip()
            if rest.startswith("<"):  # `impl Trait + use<'a>` (precise capturing)
                continue
            end = code.find(";", m.end())
            ranges.append((m.start(), end + 1))
            before = code[max(0, m.start() - 40): m.start()]
            is_pub = bool(re.search(r"\bpub(\s*\([^)]*\))?\s*$", before))
            scope = self.scope_at(f, m.start())
            leaves = []
            parse_use_tree(tokens(code[m.end(): end]), 0, [], leaves)
            for segs, name, glob in leaves:
                absolute = self.absolute(scope, segs, first_use=True)
                if absolute is None:
                    continue
                if glob:
                    scope.globs.append(absolute)
                elif name:
                    scope.bindings[name] = (absolute, is_pub)
        self.use_ranges[f] = ranges

    def absolute(self, scope, segs, first_use=False, depth=0):
        """Absolute segments (starting at the crate root, without `crate`) of a path written in
        `scope`, or None when it does not start inside this crate."""
        if not segs:
            return None
        head, rest = segs[0], list(segs[1:])
        mod = scope.path
        if head == "crate":
            return rest
        if head in ("self", "super"):
            while segs and segs[0] in ("self", "super"):
                if segs[0] == "super":
                    mod = mod[:-1]
                segs = segs[1:]
            return list(mod) + list(segs)
        if head in self.children(mod):
            return list(mod) + list(segs)
        bound = self.lookup(scope, head, depth)
        if bound is not None:
            return list(bound) + rest
        return None

    def lookup(self, scope, name, depth=0):
        if name in scope.bindings:
            return scope.bindings[name][0]
        if depth > 3:
            return None
        for g in scope.globs:
            gs = self.scope_of_module.get(tuple(g))
            if gs is not None and gs is not scope:
                if name in self.children(gs.path):
                    return list(gs.path) + [name]
                hit = self.lookup(gs, name, depth + 1)
                if hit is not None:
                    return hit
        return None

    def resolve(self, absolute, hops=0):
        """(defining module, item segments, via-module or None) for an absolute path, following
        `pub use` re-exports of the first item segment."""
        mod = ()
        segs = list(absolute)
        while segs and mod + (segs[0],) in self.modules:
            mod, segs = mod + (segs[0],), segs[1:]
        if segs and hops < 4:
            sc = self.scope_of_module.get(mod)
            # Any `use` binding is followed: a child reaches its parent's private imports
            # (`use super::Crumb`), and other modules only reach `pub use` ones.
            if sc is not None and segs[0] in sc.bindings:
                target = sc.bindings[segs[0]][0] + segs[1:]
                dmod, dsegs, _ = self.resolve(target, hops + 1)
                if dmod != mod:
                    return dmod, dsegs, mod
        return mod, segs, None

    # -- edges ----------------------------------------------------------------------------------

    def edges(self):
        """Yields dicts: src, dst (files), line, kind ('use'|'path'), item, via, test."""
        for f in self.files:
            code = self.code[f]
            # use declarations
            for a, b in self.use_ranges[f]:
                scope = self.scope_at(f, a)
                leaves = []
                parse_use_tree(tokens(code[a + 3: b - 1]), 0, [], leaves)
                for segs, _name, glob in leaves:
                    yield from self._edge(f, a, scope, segs, "use", glob)
            # paths in code
            for m in re.finditer(r"(?<![\w:$])(" + IDENT + r")((?:\s*::\s*" + IDENT + r")+)", code):
                if any(x <= m.start() < y for x, y in self.use_ranges[f]):
                    continue
                segs = [m.group(1)] + re.findall(IDENT, m.group(2))
                head = segs[0]
                scope = self.scope_at(f, m.start())
                if head not in ("crate", "self", "super") and head not in self.children(scope.path):
                    bound = self.lookup(scope, head)
                    if bound is None or tuple(bound) not in self.modules:
                        continue  # a type, an extern crate, or an item already counted at its `use`
                yield from self._edge(f, m.start(), scope, segs, "path", False)

    def _edge(self, f, off, scope, segs, kind, glob):
        absolute = self.absolute(scope, segs)
        if absolute is None:
            return
        mod, item, via = self.resolve(absolute)
        dst = self.file_of.get(mod)
        if dst is None or dst == f:
            return
        yield dict(src=f, dst=dst, line=self.line(f, off), kind=kind,
                   item="*" if glob else ("::".join(item) or "(module)"),
                   via=self.file_of.get(via) if via is not None else None, test=self.in_test(f, off))

    def doc_refs(self):
        """`crate::…`/`super::…` mentions in comments: (file, line, text)."""
        for f in self.files:
            for off, text in self.docs[f]:
                for m in re.finditer(r"\b(?:crate|super)::[\w:]+", text):
                    yield f, self.line(f, off + m.start()), m.group(0)


# ---------------------------------------------------------------------------------------------
# Graph.


def tarjan(nodes, succ):
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(succ.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def where(sites):
    """`file:line,line item; …` — the places that make an edge, grouped by file and item."""
    groups = defaultdict(list)
    for e in sorted(sites, key=lambda e: (e["src"], e["line"])):
        item = e["item"] + (f" (via {e['via']})" if e["via"] else "")
        if e["line"] not in groups[(e["src"], item)]:
            groups[(e["src"], item)].append(e["line"])
    return "; ".join(f"{src}:{','.join(map(str, lines))} {item}" for (src, item), lines in groups.items())


def report(title, edges, key, show_edges=True):
    """Prints the non-trivial SCCs of the graph whose nodes are key(file)."""
    succ = defaultdict(set)
    nodes = set()
    by_pair = defaultdict(list)
    for e in edges:
        a, b = key(e["src"]), key(e["dst"])
        nodes.update((a, b))
        if a != b:
            succ[a].add(b)
            by_pair[(a, b)].append(e)
    sccs = [c for c in tarjan(nodes, succ) if len(c) > 1]
    print(f"## {title}: {len(nodes)} nodes, {sum(len(s) for s in succ.values())} edges, "
          f"{len(sccs)} cycle(s) (strongly connected components of 2+ nodes)")
    for i, comp in enumerate(sorted(sccs, key=len, reverse=True), 1):
        members = set(comp)
        inner = sorted((p for p in by_pair if p[0] in members and p[1] in members))
        print(f"\n### SCC {i}: {len(comp)} nodes, {len(inner)} edges inside")
        print("    " + ", ".join(comp))
        if show_edges:
            for a, b in inner:
                print(f"  {a} -> {b}: {where(by_pair[(a, b)])}")
    print()
    return sccs


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = [a for a in argv[1:] if a.startswith("--")]
    src = args[0] if args else "src"
    opt = {}
    for i, a in enumerate(argv):
        if a in ("--layout", "--order") and i + 1 < len(argv):
            opt[a] = argv[i + 1]
    args = [a for a in args if a not in opt.values()]
    crate = Crate(src)
    all_edges = list(crate.edges())
    with_tests = "--tests" in flags
    edges = [e for e in all_edges if with_tests or not e["test"]]
    print(f"# Module graph of {src} ({len(crate.files)} files; main.rs skipped; "
          f"{'including' if with_tests else 'excluding'} #[cfg(test)] code)\n")
    top = lambda f: (crate.files[f][0] if crate.files[f] else "crate")
    report("Top-level modules", edges, top)
    if "--top-only" not in flags:
        report("Files", edges, lambda f: f)
    if not with_tests:
        tests_only = [e for e in all_edges if e["test"]]
        print(f"## Edges only in #[cfg(test)] code ({len(tests_only)}), crossing top-level modules:")
        for e in tests_only:
            if top(e["src"]) != top(e["dst"]):
                print(f"  {e['src']}:{e['line']} -> {e['dst']} {e['item']}")
        print()
    if "--docs" in flags:
        refs = list(crate.doc_refs())
        print(f"## crate::/super:: mentions in comments ({len(refs)}; not edges)")
        for f, line, text in refs:
            print(f"  {f}:{line} {text}")
        print()
    if "--layout" in opt:
        layout = {}
        with open(opt["--layout"], encoding="utf-8") as fh:
            for row in fh:
                row = row.split("#")[0].split()
                if len(row) >= 2:
                    layout[row[0]] = row[1]
        missing = sorted(f for f in crate.files if f not in layout)
        if missing:
            print("## Files missing from the layout: " + ", ".join(missing))
        folder = lambda f: layout.get(f, "?" + f)
        report("Folders of the proposed layout", edges, folder)
        order = opt.get("--order", "").split(",")
        rank = {name: i for i, name in enumerate(order)}
        up = [e for e in edges if folder(e["src"]) != folder(e["dst"])
              and rank.get(folder(e["src"]), 99) < rank.get(folder(e["dst"]), 99)]
        print(f"## Edges pointing up the order {' < '.join(order)} ({len(up)}):")
        for e in sorted(up, key=lambda e: (e["src"], e["line"])):
            print(f"  [{folder(e['src'])} -> {folder(e['dst'])}] {e['src']}:{e['line']} "
                  f"{e['kind']} {e['item']} -> {e['dst']}")
        print()
    if "--edges" in flags:
        print("## All edges")
        for e in sorted(edges, key=lambda e: (e["src"], e["line"])):
            print(f"  {e['src']}:{e['line']} -> {e['dst']} {e['kind']} {e['item']}"
                  + (f" (via {e['via']})" if e["via"] else "") + (" [test]" if e["test"] else ""))


if __name__ == "__main__":
    main(sys.argv)
