//! Import cycles between the files of `src/`, held by a ratchet that only tightens.
//!
//! Imports should point down the pipeline, never back up and never in a cycle. The target is zero
//! (no import cycles); today the files in [`IN_CYCLES`] still sit in one, and each refactoring step
//! shortens that list. The test fails when a file not on the list joins a cycle, printing every
//! cycle with the `file:line` and path of each edge inside it, so the failure says what to cut; it
//! fails when a listed file has left every cycle too, asking to strike it, so a removed cycle
//! cannot come back unnoticed. Names, not a count: a count would let one cycle be cut while
//! another of the same size appears.
//!
//! The graph is read from the text of `src/` (std only): an edge goes from the file naming a path
//! to the file defining the module the path lands in. Paths are read from `use` trees (groups,
//! `self`, `*`, `as`) and from code (`crate::structure::link_with(…)`; most of today's cycles exist
//! only through such paths), when they start at `crate`, `self`, `super` (counted from the inline
//! module they are written in), a child module or a module bound by `use`. A name a module imports
//! (`pub use staging::Staging`, or a parent's import reached as `super::Crumb`) is followed to the
//! file that defines it. Not edges: comments, doc comments and literals, blanked first (a doc link
//! may point anywhere); `#[cfg(test)]` items (fixtures may come from a later stage); `mod x;`;
//! other crates; `src/main.rs`, the binary, which reaches the library as `gazette::`.
//! Blind spot: method calls and inferred types name no path, so an `impl Parent` block in a child
//! file that the parent only calls as methods makes no edge.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Files of `src/` that sit in an import cycle today. Strike names with every step; never add one.
const IN_CYCLES: &[&str] = &[
    "src/assets.rs",
    "src/cache.rs",
    "src/config.rs",
    "src/editions.rs",
    "src/feeds.rs",
    "src/front_matter.rs",
    "src/images.rs",
    "src/kb_nav.rs",
    "src/load.rs",
    "src/markdown.rs",
    "src/markdown/relative.rs",
    "src/markdown/soft_breaks.rs",
    "src/memo.rs",
    "src/model.rs",
    "src/output.rs",
    "src/output/commit.rs",
    "src/output/manifest.rs",
    "src/output/staging.rs",
    "src/paths.rs",
    "src/related.rs",
    "src/render.rs",
    "src/render/budget.rs",
    "src/render/issues.rs",
    "src/search/excerpt.rs",
    "src/search/export.rs",
    "src/search/index.rs",
    "src/search/query.rs",
    "src/search/recency.rs",
    "src/search/suggest.rs",
    "src/search/tokenize.rs",
    "src/serve/http.rs",
    "src/serve/mod.rs",
    "src/serve/watch.rs",
    "src/structure.rs",
    "src/structured.rs",
    "src/terms.rs",
    "src/theme.rs",
    "src/views.rs",
];

/// A parser gone blind (everything blanked, nothing resolved) finds no cycles either; a crate of
/// this size has far more file-to-file edges than this, so fewer means the reader broke.
const MIN_EDGES: usize = 150;

#[test]
fn import_cycles_only_shrink() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_rs_files(&src, "src", &mut files);
    for (path, text) in &files {
        assert!(!text.contains("#[path"), "{path}: `#[path]` moves a module away from the file the graph expects");
    }
    let graph = Crate::new(&files);
    let edges = graph.edges();
    let pairs: BTreeSet<(usize, usize)> = edges.iter().map(|e| (e.from, e.to)).collect();
    assert!(pairs.len() > MIN_EDGES, "only {} file-to-file edges in src/: the reader is broken", pairs.len());
    let cycles = cycles(graph.files.len(), &edges);
    let report = graph.report(&cycles, &edges);
    let found: BTreeSet<&str> = cycles.iter().flatten().map(|&i| graph.files[i].path.as_str()).collect();
    let allowed: BTreeSet<&str> = IN_CYCLES.iter().copied().collect();
    let joined: Vec<&&str> = found.difference(&allowed).collect();
    assert!(
        joined.is_empty(),
        "{joined:?} joined an import cycle: a change added a cycle. Cut one of the edges below (move the \
         item down, or pass it in from the caller).\n{report}"
    );
    let left: Vec<&&str> = allowed.difference(&found).collect();
    assert!(
        left.is_empty(),
        "{left:?} no longer sit in any import cycle: well done. Strike them from IN_CYCLES in \
         tests/modules.rs so the cycles cannot come back.\n{report}"
    );
}

/// Every `*.rs` under `dir` as (`src/…` path, text), files before subfolders, each sorted by name,
/// so that `use` bindings are read in one fixed order. `src/main.rs` is the binary: left out.
fn read_rs_files(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("src/ is readable").flatten().map(|e| e.path()).collect();
    entries.sort();
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for p in entries.iter().filter(|p| p.is_file() && name(p).ends_with(".rs")) {
        if rel != "src" || name(p) != "main.rs" {
            let text = std::fs::read_to_string(p).expect("source files are UTF-8");
            out.push((format!("{rel}/{}", name(p)), text));
        }
    }
    for p in entries.iter().filter(|p| p.is_dir()) {
        read_rs_files(p, &format!("{rel}/{}", name(p)), out);
    }
}

// ---------------------------------------------------------------------------------------------
// Lexing: blank what is not code, then cut the code into tokens.

/// `text` with comments, doc comments and the contents of string and char literals replaced by
/// spaces (newlines kept), so `"crate::x"` or a doc link [`crate::x`] is never read as a path.
fn blank_non_code(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let word_before = |k: usize| k > 0 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_' || b[k - 1] >= 0x80);
    let find = |from: usize, pat: &[u8]| (from..b.len()).find(|&k| b[k..].starts_with(pat)).unwrap_or(b.len());
    let mut i = 0;
    while i < b.len() {
        let s = &b[i..];
        // (the bytes to blank, where reading goes on)
        let (blank, next) = if s.starts_with(b"//") {
            (i..find(i, b"\n"), find(i, b"\n"))
        } else if s.starts_with(b"/*") {
            let (mut depth, mut k) = (1, i + 2);
            while k < b.len() && depth > 0 {
                let (open, close) = (b[k..].starts_with(b"/*"), b[k..].starts_with(b"*/"));
                depth = depth + usize::from(open) - usize::from(close);
                k += if open || close { 2 } else { 1 };
            }
            (i..k, k)
        } else if let Some((open, hashes)) = raw_string_open(s).filter(|_| !word_before(i)) {
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            let end = (find(i + open, &close) + close.len()).min(b.len());
            (i + 1..end - 1, end)
        } else if s[0] == b'"' || (matches!(s[0], b'b' | b'c') && s.get(1) == Some(&b'"') && !word_before(i)) {
            let mut k = if s[0] == b'"' { i + 1 } else { i + 2 };
            while k < b.len() && b[k] != b'"' {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            (i + 1..k, k + 1)
        } else if s[0] == b'\'' {
            // 'x', '\n', '\u{4e2d}', '中' are literals; the 'a of `&'a str` is a lifetime.
            let width = s.get(1).map_or(1, |&c| if c < 0xC0 { 1 } else { c.leading_ones() as usize });
            if s.get(1) == Some(&b'\\') {
                (i + 1..find(i + 2, b"'"), find(i + 2, b"'") + 1)
            } else if s.get(1 + width) == Some(&b'\'') {
                (i + 1..i + 1 + width, i + 2 + width)
            } else {
                (i..i, i + 1)
            }
        } else {
            (i..i, i + 1)
        };
        out[blank.start.min(b.len())..blank.end.min(b.len())]
            .iter_mut()
            .filter(|c| **c != b'\n')
            .for_each(|c| *c = b' ');
        i = next;
    }
    String::from_utf8(out).expect("only whole characters between ASCII delimiters are blanked")
}

/// (length, number of `#`) of the `r"`, `r#"`, `br##"`, `cr"`… opening a raw string at `s[0]`.
fn raw_string_open(s: &[u8]) -> Option<(usize, usize)> {
    let r = [&b"r"[..], b"br", b"cr"].iter().find(|p| s.starts_with(p))?.len();
    let hashes = s[r..].iter().take_while(|&&c| c == b'#').count();
    (s.get(r + hashes) == Some(&b'"')).then_some((r + hashes + 1, hashes))
}

/// A token of blanked code: an identifier, `::`, one punctuation byte, or another word (`1u32`).
struct Tok {
    text: String,
    line: usize,
}

fn tokens(code: &str) -> Vec<Tok> {
    let b = code.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_whitespace() {
            line += usize::from(b[i] == b'\n');
            i += 1;
            continue;
        }
        i += match b[i] {
            c if is_word(c) => b[i..].iter().take_while(|&&c| is_word(c)).count(),
            _ if b[i..].starts_with(b"::") => 2,
            _ => 1,
        };
        out.push(Tok { text: code[start..i].to_owned(), line });
    }
    out
}

fn is_ident(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
}

/// Index just past the item starting at `toks[start]`: its `;`, or its braced body, at depth 0.
fn item_end(toks: &[Tok], start: usize) -> usize {
    let mut parens = 0i32;
    for k in start..toks.len() {
        match toks[k].text.as_str() {
            "(" | "[" => parens += 1,
            ")" | "]" => parens -= 1,
            ";" if parens <= 0 => return k + 1,
            "{" if parens <= 0 => {
                let mut depth = 0i32;
                let closing = (k..toks.len()).find(|&j| {
                    depth += i32::from(toks[j].text == "{") - i32::from(toks[j].text == "}");
                    depth == 0
                });
                return closing.map_or(toks.len(), |j| j + 1);
            }
            _ => {}
        }
    }
    toks.len()
}

/// A path a file names: a leaf of a `use` tree (which may bind a name) or a path in code.
#[derive(Clone, Debug, PartialEq)]
struct Leaf {
    segs: Vec<String>,
    /// The name a `use` binds: the last segment or the `as` alias; none for `as _` and `*`.
    name: Option<String>,
    glob: bool,
}

/// Reads the `use` tree at `toks[*pos..]` below `prefix` into one leaf per imported path.
fn use_tree(toks: &[&str], pos: &mut usize, prefix: &[String], out: &mut Vec<Leaf>) {
    let mut segs = prefix.to_vec();
    while let Some(&t) = toks.get(*pos) {
        *pos += 1;
        match t {
            "::" => {}
            "{" => {
                while toks.get(*pos).is_some_and(|&t| t != "}") {
                    match toks[*pos] {
                        "," => *pos += 1,
                        _ => use_tree(toks, pos, &segs, out),
                    }
                }
                *pos += 1;
                return;
            }
            "*" => return out.push(Leaf { segs, name: None, glob: true }),
            "as" => {
                let name = toks.get(*pos).filter(|&&a| a != "_").map(|a| a.to_string());
                *pos += 1;
                return out.push(Leaf { segs, name, glob: false });
            }
            "," | "}" => {
                *pos -= 1;
                break;
            }
            _ => segs.push(t.to_owned()),
        }
    }
    if segs.last().is_some_and(|s| s == "self") {
        segs.pop(); // `a::{self}` imports `a`
    }
    if let Some(name) = segs.last().cloned() {
        out.push(Leaf { segs, name: Some(name), glob: false });
    }
}

// ---------------------------------------------------------------------------------------------
// The crate: modules, the names `use` binds in each, and the edges.

type ModPath = Vec<String>;

/// A module: a file's own, or an inline `mod x { … }` in it (tokens `from..to`).
struct Scope {
    module: ModPath,
    from: usize,
    to: usize,
    bindings: HashMap<String, ModPath>,
    globs: Vec<ModPath>,
}

/// A path named at `line` of a file, inside its scope number `scope`.
struct Mention {
    line: usize,
    scope: usize,
    leaf: Leaf,
    is_use: bool,
    in_test: bool,
}

struct File {
    path: String,
    scopes: Vec<Scope>,
    mentions: Vec<Mention>,
}

/// A file naming a path into another file.
struct Edge {
    from: usize,
    to: usize,
    line: usize,
    path: String,
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are module `a::b`; `src/lib.rs` is the crate root.
fn module_of(path: &str) -> ModPath {
    let mut parts: ModPath = path.trim_end_matches(".rs").split('/').skip(1).map(str::to_owned).collect();
    if parts == ["lib"] || parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The modules and the paths named in one file, from the tokens of its code.
fn parse(path: &str, text: &str) -> File {
    let toks = tokens(&blank_non_code(text));
    let at = |k: usize| toks.get(k).map_or("", |t| t.text.as_str());
    let new_scope = |module, from, to| Scope { module, from, to, bindings: HashMap::new(), globs: Vec::new() };
    let (mut scopes, mut tests) = (vec![new_scope(module_of(path), 0, toks.len())], Vec::new());
    for k in 0..toks.len() {
        if at(k) == "mod" && is_ident(at(k + 1)) && at(k + 2) == "{" {
            let parent = scopes.iter().rposition(|s| s.from <= k && k < s.to).unwrap_or(0);
            let module = [scopes[parent].module.as_slice(), &[at(k + 1).to_owned()]].concat();
            scopes.push(new_scope(module, k, item_end(&toks, k)));
        }
        if (k..k + 7).map(at).eq(["#", "[", "cfg", "(", "test", ")", "]"]) {
            tests.push(k..item_end(&toks, k + 7));
        }
    }
    let mut mentions = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let (leaves, is_use, next) = if at(k) == "use" && at(k + 1) != "<" {
            let end = (k..toks.len()).find(|&e| at(e) == ";").unwrap_or(toks.len());
            let tree: Vec<&str> =
                (k + 1..end).map(at).filter(|t| is_ident(t) || ["::", "{", "}", ",", "*"].contains(t)).collect();
            let mut leaves = Vec::new();
            use_tree(&tree, &mut 0, &[], &mut leaves);
            (leaves, true, end + 1)
        } else {
            // `a::b::c` where `a` follows no `::` (not `<T>::a`) and no `$` (not `$crate::a`).
            let len = if is_ident(at(k)) && !matches!(at(k.wrapping_sub(1)), "::" | "$") {
                1 + (k + 1..toks.len()).step_by(2).take_while(|&j| at(j) == "::" && is_ident(at(j + 1))).count()
            } else {
                1
            };
            let segs: Vec<String> = (k..k + 2 * len).step_by(2).map(|j| at(j).to_owned()).collect();
            let leaves = if len > 1 { vec![Leaf { segs, name: None, glob: false }] } else { vec![] };
            (leaves, false, k + 2 * len - 1)
        };
        let scope = scopes.iter().rposition(|s| s.from <= k && k < s.to).unwrap_or(0);
        let in_test = tests.iter().any(|t| t.contains(&k));
        mentions.extend(leaves.into_iter().map(|leaf| Mention { line: toks[k].line, scope, leaf, is_use, in_test }));
        k = next;
    }
    File { path: path.to_owned(), scopes, mentions }
}

struct Crate {
    files: Vec<File>,
    file_of: HashMap<ModPath, usize>,
    scope_of: HashMap<ModPath, (usize, usize)>,
}

impl Crate {
    /// Parses every file, then binds the names of every `use`, in file order like the compiler
    /// would see them (a later `use` may start from a name an earlier one bound).
    fn new(sources: &[(String, String)]) -> Crate {
        let files: Vec<File> = sources.iter().map(|(path, text)| parse(path, text)).collect();
        let file_of = files.iter().enumerate().map(|(f, file)| (file.scopes[0].module.clone(), f)).collect();
        let scope_of = (files.iter().enumerate())
            .flat_map(|(f, file)| file.scopes.iter().enumerate().map(move |(s, sc)| (sc.module.clone(), (f, s))))
            .collect();
        let mut krate = Crate { files, file_of, scope_of };
        for f in 0..krate.files.len() {
            for m in 0..krate.files[f].mentions.len() {
                let Mention { scope, ref leaf, is_use, .. } = krate.files[f].mentions[m];
                let Some(target) = krate.absolute((f, scope), &leaf.segs).filter(|_| is_use) else { continue };
                let (glob, name) = (leaf.glob, leaf.name.clone());
                let scope = &mut krate.files[f].scopes[scope];
                match name {
                    _ if glob => scope.globs.push(target),
                    Some(name) => drop(scope.bindings.insert(name, target)),
                    None => {}
                }
            }
        }
        krate
    }

    fn scope(&self, (f, s): (usize, usize)) -> &Scope {
        &self.files[f].scopes[s]
    }

    fn is_child(&self, parent: &[String], name: &str) -> bool {
        self.file_of.contains_key(&[parent, &[name.to_owned()]].concat())
    }

    /// `segs` written in `scope` as a path from the crate root; `None` when it leaves the crate.
    fn absolute(&self, scope: (usize, usize), segs: &[String]) -> Option<ModPath> {
        let module = &self.scope(scope).module;
        let head = segs.first()?;
        if head == "crate" {
            return Some(segs[1..].to_vec());
        }
        if head == "self" || head == "super" {
            let relative = |s: &&String| *s == "self" || *s == "super";
            let ups = segs.iter().take_while(relative).filter(|s| *s == "super").count();
            let rest = segs.iter().skip_while(relative);
            return Some(module[..module.len().saturating_sub(ups)].iter().chain(rest).cloned().collect());
        }
        if self.is_child(module, head) {
            return Some([module.as_slice(), segs].concat());
        }
        Some([self.lookup(scope, head, 0)?, segs[1..].to_vec()].concat())
    }

    /// What `name` stands for in `scope`: its own `use`, else what a glob `use m::*` brings in.
    fn lookup(&self, scope: (usize, usize), name: &str, depth: usize) -> Option<ModPath> {
        let s = self.scope(scope);
        if let Some(target) = s.bindings.get(name) {
            return Some(target.clone());
        }
        let globbed = s.globs.iter().filter_map(|g| self.scope_of.get(g)).filter(|&&g| g != scope && depth < 4);
        globbed.copied().find_map(|g| match self.scope(g).module.clone() {
            module if self.is_child(&module, name) => Some([module, vec![name.to_owned()]].concat()),
            _ => self.lookup(g, name, depth + 1),
        })
    }

    /// The file an absolute path lands in: the deepest module on it, or, when the next name is
    /// one that module imported (`pub use staging::Staging`), the module that name comes from.
    fn resolve(&self, absolute: &[String], hops: usize) -> Option<usize> {
        let depth = (1..=absolute.len()).take_while(|&d| self.file_of.contains_key(&absolute[..d])).last().unwrap_or(0);
        let (module, rest) = absolute.split_at(depth);
        let here = self.file_of.get(module).copied();
        let bound = self.scope_of.get(module).and_then(|&s| self.scope(s).bindings.get(rest.first()?));
        match bound {
            Some(target) if hops < 4 => self.resolve(&[target.as_slice(), &rest[1..]].concat(), hops + 1).or(here),
            _ => here,
        }
    }

    /// Every edge outside `#[cfg(test)]` code. A path in code counts when its head is `crate`,
    /// `self`, `super`, a child module or a module bound by `use`; other heads are types (already
    /// counted at their `use`), std or other crates.
    fn edges(&self) -> Vec<Edge> {
        let mut out = Vec::new();
        for (f, file) in self.files.iter().enumerate() {
            for m in file.mentions.iter().filter(|m| !m.in_test) {
                let (scope, head) = ((f, m.scope), m.leaf.segs[0].as_str());
                let counts = m.is_use
                    || ["crate", "self", "super"].contains(&head)
                    || self.is_child(&self.scope(scope).module, head)
                    || self.lookup(scope, head, 0).is_some_and(|target| self.file_of.contains_key(&target));
                let to = self.absolute(scope, &m.leaf.segs).filter(|_| counts).and_then(|a| self.resolve(&a, 0));
                if let Some(to) = to.filter(|&to| to != f) {
                    let path = m.leaf.segs.join("::") + if m.leaf.glob { "::*" } else { "" };
                    out.push(Edge { from: f, to, line: m.line, path });
                }
            }
        }
        out
    }

    /// Every cycle with the edges inside it, grouped by file pair, each with `file:line path`.
    fn report(&self, cycles: &[Vec<usize>], edges: &[Edge]) -> String {
        let mut out = String::new();
        for (n, cycle) in cycles.iter().enumerate() {
            let mut names: Vec<&str> = cycle.iter().map(|&f| self.files[f].path.as_str()).collect();
            names.sort_unstable();
            out += &format!("\ncycle {} ({} files): {}\n", n + 1, cycle.len(), names.join(", "));
            let mut pairs: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
            for e in edges.iter().filter(|e| cycle.contains(&e.from) && cycle.contains(&e.to)) {
                let (from, to) = (self.files[e.from].path.as_str(), self.files[e.to].path.as_str());
                pairs.entry((from, to)).or_default().push(format!("{from}:{} {}", e.line, e.path));
            }
            for ((from, to), sites) in pairs {
                out += &format!("  {from} -> {to}: {}\n", sites.join("; "));
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Strongly connected components (Kosaraju).

/// The strongly connected components of two or more files, largest first: the import cycles.
fn cycles(nodes: usize, edges: &[Edge]) -> Vec<Vec<usize>> {
    let (mut succ, mut pred) = (vec![BTreeSet::new(); nodes], vec![BTreeSet::new(); nodes]);
    for e in edges {
        succ[e.from].insert(e.to);
        pred[e.to].insert(e.from);
    }
    fn walk(v: usize, next: &[BTreeSet<usize>], seen: &mut [bool], out: &mut Vec<usize>) {
        if !std::mem::replace(&mut seen[v], true) {
            next[v].iter().for_each(|&w| walk(w, next, seen, out));
            out.push(v);
        }
    }
    // Files in the order their walk along the edges finishes; then, from the last finished, each
    // walk against the edges reaches exactly one component.
    let (mut seen, mut finished) = (vec![false; nodes], Vec::new());
    (0..nodes).for_each(|v| walk(v, &succ, &mut seen, &mut finished));
    let mut seen = vec![false; nodes];
    let mut out: Vec<Vec<usize>> = (finished.iter().rev())
        .map(|&v| {
            let mut component = Vec::new();
            walk(v, &pred, &mut seen, &mut component);
            component.sort_unstable();
            component
        })
        .filter(|c| c.len() > 1)
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.len()));
    out
}

// ---------------------------------------------------------------------------------------------
// The reader itself, on small crates: if it went blind, the ratchet above would pass on anything.

const LIB: &str = "pub mod a;\npub mod b;\npub mod c;\n";

/// The edges of a crate given as (`src/…` path, text), as `file:line path -> file`.
fn edge_list(files: &[(&str, &str)]) -> Vec<String> {
    let krate = Crate::new(&files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect::<Vec<_>>());
    let name = |f: usize| krate.files[f].path.clone();
    krate.edges().iter().map(|e| format!("{}:{} {} -> {}", name(e.from), e.line, e.path, name(e.to))).collect()
}

#[test]
fn a_grouped_use_gives_one_edge_per_leaf() {
    let a = "use crate::{b, c::{self, d::{E as F, *}}};\nuse std::fmt;\n";
    let files =
        [("src/lib.rs", LIB), ("src/a.rs", a), ("src/b.rs", ""), ("src/c.rs", "pub mod d;"), ("src/c/d.rs", "")];
    assert_eq!(
        edge_list(&files),
        [
            "src/a.rs:1 crate::b -> src/b.rs",
            "src/a.rs:1 crate::c -> src/c.rs",
            "src/a.rs:1 crate::c::d::E -> src/c/d.rs",
            "src/a.rs:1 crate::c::d::* -> src/c/d.rs",
        ]
    );
}

#[test]
fn super_counts_from_the_inline_module_it_is_written_in_and_follows_reexports() {
    let x = "pub mod y;\npub mod z;\npub use z::Z;\n";
    let y = "use super::Z;\nfn f() { super::z::g(); }\nmod inner {\n    fn h() { super::super::super::top(); }\n}\n";
    let files =
        [("src/lib.rs", "pub mod x;\npub fn top() {}\n"), ("src/x.rs", x), ("src/x/y.rs", y), ("src/x/z.rs", "")];
    assert_eq!(
        edge_list(&files),
        [
            "src/x.rs:3 z::Z -> src/x/z.rs",
            "src/x/y.rs:1 super::Z -> src/x/z.rs",
            "src/x/y.rs:2 super::z::g -> src/x/z.rs",
            "src/x/y.rs:4 super::super::super::top -> src/lib.rs",
        ]
    );
}

#[test]
fn comments_doc_links_literals_and_test_code_are_not_edges() {
    let a = r####"//! Stage A; see [`crate::b`].
/// Calls [`crate::b::f`], /* not a comment start */
fn f<'a>(x: &'a str) -> (char, &'static str) {
    /* crate::b::f() /* nested */ crate::b::g() */
    let _ = ('"', '\'', '中', b"crate::b::f", r#"crate::b::f "quoted""#);
    (' ', "crate::b::f \" crate::b::g") // crate::b::f()
}
fn impl_use() -> impl Sized + use<> {}
#[cfg(test)]
mod tests {
    use crate::b::f;
}
fn real() { crate::c::k(); }
"####;
    let files = [("src/lib.rs", LIB), ("src/a.rs", a), ("src/b.rs", ""), ("src/c.rs", "")];
    assert_eq!(edge_list(&files), ["src/a.rs:13 crate::c::k -> src/c.rs"]);
}

#[test]
fn inline_paths_and_modules_bound_by_use_are_edges() {
    let a =
        "use crate::b;\nfn f() {\n    crate::c::k(Vec::<u8>::new(), std::mem::take(&mut 1u32::MAX));\n    b::g();\n}\n";
    let files = [("src/lib.rs", LIB), ("src/a.rs", a), ("src/b.rs", ""), ("src/c.rs", "")];
    assert_eq!(
        edge_list(&files),
        ["src/a.rs:1 crate::b -> src/b.rs", "src/a.rs:3 crate::c::k -> src/c.rs", "src/a.rs:4 b::g -> src/b.rs"]
    );
}

#[test]
fn cycles_are_the_components_of_two_or_more_files() {
    let lib = "pub mod a;\npub mod b;\npub mod c;\npub mod d;\n";
    let (a, b, c, d) = ("use crate::b::X;", "fn f() { crate::c::g() }", "use super::a;", "use crate::a::Y;");
    let files = [("src/lib.rs", lib), ("src/a.rs", a), ("src/b.rs", b), ("src/c.rs", c), ("src/d.rs", d)];
    let krate = Crate::new(&files.map(|(p, t)| (p.to_owned(), t.to_owned())));
    let found = cycles(krate.files.len(), &krate.edges());
    assert_eq!(found, [[1, 2, 3]]);
    assert!(krate.report(&found, &krate.edges()).contains("\n  src/b.rs -> src/c.rs: src/b.rs:1 crate::c::g\n"));
}
