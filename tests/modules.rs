//! Import cycles between the files of `src/`, held by a ratchet that only tightens.
//!
//! Imports should point down the pipeline, never back up and never in a cycle: a cycle means no
//! stage can be read, tested or rebuilt without the ones that depend on it. The target is zero
//! (no import cycles). Today [`FILES_IN_CYCLES`] files still sit in a cycle; each refactoring
//! step lowers that number. The test fails when the count goes up, printing every cycle with the
//! `file:line` and path of each edge inside it so the failure says what to cut, and fails when it
//! goes down too, asking to lower the number here, so nobody can undo a step unnoticed.
//!
//! The graph is read from the text of `src/` (std only, no compiler): an edge goes from the file
//! that names a path to the file that defines the module the path lands in.
//! * `use` trees (groups, nested groups, `self`, `*`, `as`) starting at `crate::`, `self::`,
//!   `super::` (counted from the inline module it is written in), a child module, or a name an
//!   earlier `use` bound to a module;
//! * paths in code with such a head (`crate::structure::link_with(…)`, `super::x::Y`,
//!   `paths::parent(…)` after `use crate::paths;`). Most of today's cycles exist only through these,
//!   so a reader of `use` lines alone would pass a knotted crate;
//! * a path to a name its module itself imported (`pub use staging::Staging`, or a parent's import
//!   reached through `super::Crumb`) is followed to the file that defines it.
//!
//! Not edges: comments, doc comments (an intra-doc link may point anywhere) and string or char
//! literals, which are blanked first; items under `#[cfg(test)]` (test fixtures may come from a
//! later stage); `mod x;`; other crates; `src/main.rs`, the binary, a separate crate that reaches
//! the library as `gazette::`. Blind spot: method calls and inferred types name no path, so an
//! `impl Parent` block in a child file that the parent only calls as methods makes no edge.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Files of `src/` that sit in an import cycle today. Lower it with every step; never raise it.
const FILES_IN_CYCLES: usize = 36;

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
    let count: usize = cycles.iter().map(Vec::len).sum();
    let report = graph.report(&cycles, &edges);
    assert!(
        count <= FILES_IN_CYCLES,
        "{count} files sit in {} import cycles, more than the {FILES_IN_CYCLES} allowed: a change added a \
         cycle. Cut one of the edges below (move the item down, or pass it in from the caller).\n{report}",
        cycles.len()
    );
    assert!(
        count >= FILES_IN_CYCLES,
        "Only {count} files sit in {} import cycles now, fewer than {FILES_IN_CYCLES}: well done. Lower \
         FILES_IN_CYCLES in tests/modules.rs to {count} so the cycles cannot come back.\n{report}",
        cycles.len()
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
    let word = |k: usize| k > 0 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_' || b[k - 1] >= 0x80);
    let find = |from: usize, pat: &[u8]| (from..b.len()).find(|&k| b[k..].starts_with(pat));
    let mut i = 0;
    while i < b.len() {
        // (first byte to blank, end of the blanked part, where to go on)
        let (from, to, next) = if b[i..].starts_with(b"//") {
            let end = find(i, b"\n").unwrap_or(b.len());
            (i, end, end)
        } else if b[i..].starts_with(b"/*") {
            let (mut depth, mut k) = (1, i + 2);
            while k < b.len() && depth > 0 {
                let (open, close) = (b[k..].starts_with(b"/*"), b[k..].starts_with(b"*/"));
                depth = depth + usize::from(open) - usize::from(close);
                k += if open || close { 2 } else { 1 };
            }
            (i, k, k)
        } else if let Some(open) = raw_string_open(&b[i..]).filter(|_| !word(i)) {
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', open - 2)).collect();
            let end = find(i + open, &close).map_or(b.len(), |k| k + close.len());
            (i + 1, end.saturating_sub(1), end)
        } else if b[i] == b'"' || (matches!(b[i], b'b' | b'c') && b.get(i + 1) == Some(&b'"') && !word(i)) {
            let mut k = if b[i] == b'"' { i + 1 } else { i + 2 };
            while k < b.len() && b[k] != b'"' {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            (i + 1, k, k + 1)
        } else if b[i] == b'\'' {
            // 'x', '\n', '\u{4e2d}', '中' are literals; 'a in `&'a str` is a lifetime.
            let width = b.get(i + 1).map_or(1, |&c| if c < 0xC0 { 1 } else { (c.leading_ones()) as usize });
            if b.get(i + 1) == Some(&b'\\') {
                let end = find(i + 2, b"'").unwrap_or(b.len());
                (i + 1, end, end + 1)
            } else if b.get(i + 1 + width) == Some(&b'\'') {
                (i + 1, i + 1 + width, i + 2 + width)
            } else {
                (i, i, i + 1)
            }
        } else {
            (i, i, i + 1)
        };
        for c in out.iter_mut().take(to.min(b.len())).skip(from) {
            if *c != b'\n' {
                *c = b' ';
            }
        }
        i = next;
    }
    String::from_utf8(out).expect("only whole characters between ASCII delimiters are blanked")
}

/// Length of `r"`, `r#"`, `br##"`, `cr"`… at the start of `s` (prefix, hashes and quote).
fn raw_string_open(s: &[u8]) -> Option<usize> {
    let r = if s.first() == Some(&b'r') {
        0
    } else if s.starts_with(b"br") || s.starts_with(b"cr") {
        1
    } else {
        return None;
    };
    let hashes = s[r + 1..].iter().take_while(|&&c| c == b'#').count();
    (s.get(r + 1 + hashes) == Some(&b'"')).then_some(r + 2 + hashes)
}

/// A token of blanked code: an identifier, `::`, one punctuation byte, or another word (`1u32`).
#[derive(Debug)]
struct Tok {
    text: String,
    line: usize,
    /// The byte just before the token: a path glued to `:`, `$` or a word does not start here.
    glued: bool,
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
        } else if is_word(b[i]) {
            i += b[i..].iter().take_while(|&&c| is_word(c)).count();
        } else {
            i += if b[i..].starts_with(b"::") { 2 } else { 1 };
        }
        let glued = start > 0 && (is_word(b[start - 1]) || b[start - 1] == b':' || b[start - 1] == b'$');
        out.push(Tok { text: code[start..i].to_owned(), line, glued });
    }
    out
}

fn is_ident(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
}

/// Index just past the `}` that closes the `{` at `open`.
fn close_brace(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate().skip(open) {
        depth += i32::from(t.text == "{") - i32::from(t.text == "}");
        if depth == 0 {
            return k + 1;
        }
    }
    toks.len()
}

/// Index just past the item that starts at `start`: its `;` or braced body at depth 0.
fn item_end(toks: &[Tok], start: usize) -> usize {
    let mut paren = 0i32;
    for (k, t) in toks.iter().enumerate().skip(start) {
        match t.text.as_str() {
            "(" | "[" => paren += 1,
            ")" | "]" => paren -= 1,
            ";" if paren <= 0 => return k + 1,
            "{" if paren <= 0 => return close_brace(toks, k),
            _ => {}
        }
    }
    toks.len()
}

/// One leaf of a `use` tree: its full path, the name it binds (none for `_` and `*`), a glob?
#[derive(Debug, PartialEq)]
struct Leaf {
    segs: Vec<String>,
    name: Option<String>,
    glob: bool,
}

/// Reads the tree at `toks[pos..]` below `prefix` into `out`; returns where it stopped.
fn use_tree(toks: &[&str], mut pos: usize, prefix: &[String], out: &mut Vec<Leaf>) -> usize {
    let mut segs = prefix.to_vec();
    while let Some(&t) = toks.get(pos) {
        match t {
            "::" => pos += 1,
            "{" => {
                pos += 1;
                while toks.get(pos).is_some_and(|&t| t != "}") {
                    pos = if toks[pos] == "," { pos + 1 } else { use_tree(toks, pos, &segs, out) };
                }
                return pos + 1;
            }
            "*" => {
                out.push(Leaf { segs, name: None, glob: true });
                return pos + 1;
            }
            "," | "}" => break,
            "as" => {
                let name = toks.get(pos + 1).filter(|&&a| a != "_").map(|a| a.to_string());
                out.push(Leaf { segs, name, glob: false });
                return pos + 2;
            }
            _ => {
                segs.push(t.to_owned());
                pos += 1;
                if toks.get(pos).is_none_or(|&n| n == "," || n == "}") {
                    if t == "self" {
                        segs.pop();
                    }
                    let name = segs.last().cloned();
                    out.push(Leaf { segs, name, glob: false });
                    return pos;
                }
            }
        }
    }
    if let Some(name) = segs.last().cloned() {
        out.push(Leaf { segs, name: Some(name), glob: false });
    }
    pos
}

// ---------------------------------------------------------------------------------------------
// The crate: modules, scopes, the names `use` binds, and the edges.

type ModPath = Vec<String>;

/// A module: a file's own, or an inline `mod x { … }` in it (tokens `from..to`).
struct Scope {
    module: ModPath,
    from: usize,
    to: usize,
    bindings: HashMap<String, ModPath>,
    globs: Vec<ModPath>,
}

struct File {
    path: String,
    toks: Vec<Tok>,
    scopes: Vec<Scope>,
    tests: Vec<(usize, usize)>,
    uses: Vec<(usize, usize)>,
}

/// A file naming a path into another file.
#[derive(Debug)]
struct Edge {
    from: usize,
    to: usize,
    line: usize,
    path: String,
}

struct Crate {
    files: Vec<File>,
    file_of: HashMap<ModPath, usize>,
    scope_of: HashMap<ModPath, (usize, usize)>,
}

fn module_of(path: &str) -> ModPath {
    let mut parts: ModPath = path.trim_end_matches(".rs").split('/').skip(1).map(str::to_owned).collect();
    if parts == ["lib"] || parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

impl Crate {
    fn new(sources: &[(String, String)]) -> Crate {
        let mut krate = Crate { files: Vec::new(), file_of: HashMap::new(), scope_of: HashMap::new() };
        for (path, text) in sources {
            let module = module_of(path);
            krate.file_of.insert(module.clone(), krate.files.len());
            let toks = tokens(&blank_non_code(text));
            let top = Scope { module, from: 0, to: toks.len(), bindings: HashMap::new(), globs: Vec::new() };
            let (mut scopes, mut tests) = (vec![top], Vec::new());
            for k in 0..toks.len() {
                let text = |d: usize| toks.get(k + d).map_or("", |t| t.text.as_str());
                if text(0) == "mod" && is_ident(text(1)) && text(2) == "{" {
                    let parent = &scopes[scopes.iter().rposition(|s| s.from <= k && k < s.to).unwrap_or(0)];
                    let module = [parent.module.clone(), vec![text(1).to_owned()]].concat();
                    let to = close_brace(&toks, k + 2);
                    scopes.push(Scope { module, from: k, to, bindings: HashMap::new(), globs: Vec::new() });
                }
                if (0..7).map(text).eq(["#", "[", "cfg", "(", "test", ")", "]"]) {
                    tests.push((k, item_end(&toks, k + 7)));
                }
            }
            let uses = (0..toks.len())
                .filter(|&k| toks[k].text == "use" && toks.get(k + 1).is_some_and(|t| t.text != "<"))
                .map(|k| (k, (k..toks.len()).find(|&e| toks[e].text == ";").map_or(toks.len(), |e| e + 1)))
                .collect();
            for (i, s) in scopes.iter().enumerate() {
                krate.scope_of.insert(s.module.clone(), (krate.files.len(), i));
            }
            krate.files.push(File { path: path.clone(), toks, scopes, tests, uses });
        }
        for f in 0..krate.files.len() {
            for u in 0..krate.files[f].uses.len() {
                let (at, leaves) = krate.use_leaves(f, u);
                let scope = krate.scope_at(f, at);
                for leaf in leaves {
                    let Some(target) = krate.absolute(scope, &leaf.segs) else { continue };
                    let s = &mut krate.files[scope.0].scopes[scope.1];
                    match leaf.name {
                        _ if leaf.glob => s.globs.push(target),
                        Some(name) => drop(s.bindings.insert(name, target)),
                        None => {}
                    }
                }
            }
        }
        krate
    }

    fn use_leaves(&self, f: usize, u: usize) -> (usize, Vec<Leaf>) {
        let (from, to) = self.files[f].uses[u];
        let toks = &self.files[f].toks[from + 1..to.saturating_sub(1)];
        let body: Vec<&str> = toks
            .iter()
            .map(|t| t.text.as_str())
            .filter(|t| is_ident(t) || ["::", "{", "}", ",", "*"].contains(t))
            .collect();
        let mut leaves = Vec::new();
        use_tree(&body, 0, &[], &mut leaves);
        (from, leaves)
    }

    /// The innermost module around token `k` of file `f`, as (file, scope) indices.
    fn scope_at(&self, f: usize, k: usize) -> (usize, usize) {
        (f, self.files[f].scopes.iter().rposition(|s| s.from <= k && k < s.to).unwrap_or(0))
    }

    fn scope(&self, (f, s): (usize, usize)) -> &Scope {
        &self.files[f].scopes[s]
    }

    fn is_child(&self, parent: &[String], name: &str) -> bool {
        self.file_of.contains_key(&[parent, &[name.to_owned()]].concat())
    }

    /// The path from the crate root of `segs` written in `scope`; `None` when it leaves the crate.
    fn absolute(&self, scope: (usize, usize), segs: &[String]) -> Option<ModPath> {
        let module = &self.scope(scope).module;
        let head = segs.first()?;
        if head == "crate" {
            return Some(segs[1..].to_vec());
        }
        if head == "self" || head == "super" {
            let ups = segs.iter().take_while(|s| *s == "self" || *s == "super").filter(|s| *s == "super").count();
            let rest = segs.iter().skip_while(|s| *s == "self" || *s == "super");
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
        if depth > 3 {
            return None;
        }
        s.globs.iter().filter_map(|g| self.scope_of.get(g).filter(|&&gs| gs != scope)).find_map(|&gs| {
            let module = &self.scope(gs).module;
            if self.is_child(module, name) {
                return Some([module.as_slice(), &[name.to_owned()]].concat());
            }
            self.lookup(gs, name, depth + 1)
        })
    }

    /// The module an absolute path lands in: the deepest existing one, or, when the next name is
    /// one that module imported (`pub use staging::Staging`), the module that name comes from.
    fn resolve(&self, absolute: &[String], hops: usize) -> ModPath {
        let depth = (1..=absolute.len()).take_while(|&d| self.file_of.contains_key(&absolute[..d])).last().unwrap_or(0);
        let (module, rest) = absolute.split_at(depth);
        let bound = self.scope_of.get(module).and_then(|&s| self.scope(s).bindings.get(rest.first()?));
        match bound {
            Some(target) if hops < 4 => {
                let defining = self.resolve(&[target.as_slice(), &rest[1..]].concat(), hops + 1);
                if defining != module { defining } else { module.to_vec() }
            }
            _ => module.to_vec(),
        }
    }

    /// Every edge outside `#[cfg(test)]` code: one per `use` leaf and one per path in code.
    fn edges(&self) -> Vec<Edge> {
        let mut out = Vec::new();
        for (f, file) in self.files.iter().enumerate() {
            for u in 0..file.uses.len() {
                let (at, leaves) = self.use_leaves(f, u);
                for mut leaf in leaves {
                    if leaf.glob {
                        leaf.segs.push("*".to_owned());
                    }
                    self.edge(f, at, &leaf.segs, &mut out);
                }
            }
            let mut k = 0;
            while k < file.toks.len() {
                let len = path_len(&file.toks[k..]);
                if len > 1 && !file.uses.iter().any(|&(a, b)| a <= k && k < b) {
                    let segs: Vec<String> =
                        file.toks[k..k + 2 * len - 1].iter().step_by(2).map(|t| t.text.clone()).collect();
                    let scope = self.scope_at(f, k);
                    let head = &segs[0];
                    let named = ["crate", "self", "super"].contains(&head.as_str())
                        || self.is_child(&self.scope(scope).module, head)
                        || self.lookup(scope, head, 0).is_some_and(|m| self.file_of.contains_key(&m));
                    if named {
                        self.edge(f, k, &segs, &mut out);
                    }
                }
                k += (2 * len).saturating_sub(1).max(1);
            }
        }
        out
    }

    fn edge(&self, f: usize, at: usize, segs: &[String], out: &mut Vec<Edge>) {
        let file = &self.files[f];
        if file.tests.iter().any(|&(a, b)| a <= at && at < b) {
            return;
        }
        let Some(absolute) = self.absolute(self.scope_at(f, at), segs) else { return };
        let Some(&to) = self.file_of.get(&self.resolve(&absolute, 0)) else { return };
        if to != f {
            out.push(Edge { from: f, to, line: file.toks[at].line, path: segs.join("::") });
        }
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

/// Number of segments of the path `a::b::…` starting at `toks[0]` (1 when it is no path).
fn path_len(toks: &[Tok]) -> usize {
    if !is_ident(&toks[0].text) || toks[0].glued {
        return 1;
    }
    let tail = toks[1..].chunks(2).take_while(|p| p.len() == 2 && p[0].text == "::" && is_ident(&p[1].text));
    1 + tail.count()
}

// ---------------------------------------------------------------------------------------------
// Strongly connected components (Tarjan).

/// The strongly connected components of 2+ files, largest first: the import cycles.
fn cycles(nodes: usize, edges: &[Edge]) -> Vec<Vec<usize>> {
    struct Tarjan {
        succ: Vec<BTreeSet<usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        next: usize,
        stack: Vec<usize>,
        found: Vec<Vec<usize>>,
    }
    fn visit(t: &mut Tarjan, v: usize) {
        (t.index[v], t.low[v], t.next) = (Some(t.next), t.next, t.next + 1);
        t.stack.push(v);
        for w in t.succ[v].clone() {
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.stack.contains(&w) => t.low[v] = t.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let at = t.stack.iter().rposition(|&x| x == v).unwrap_or(0);
            let mut component = t.stack.split_off(at);
            component.sort_unstable();
            t.found.push(component);
        }
    }
    let mut succ = vec![BTreeSet::new(); nodes];
    for e in edges {
        succ[e.from].insert(e.to);
    }
    let mut t = Tarjan { succ, index: vec![None; nodes], low: vec![0; nodes], next: 0, stack: vec![], found: vec![] };
    for v in 0..nodes {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    let mut out: Vec<Vec<usize>> = t.found.into_iter().filter(|c| c.len() > 1).collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.len()));
    out
}

// ---------------------------------------------------------------------------------------------
// The reader itself, on small crates: if it went blind, the ratchet above would pass on anything.

const LIB: &str = "pub mod a;\npub mod b;\npub mod c;\n";

/// The edges of a crate given as (`src/…` path, text), as `file:line path -> file`.
fn edge_list(files: &[(&str, &str)]) -> Vec<String> {
    let sources: Vec<(String, String)> = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    let krate = Crate::new(&sources);
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
    let files =
        [("src/a.rs", "use crate::b::X;"), ("src/b.rs", "fn f() { crate::c::g() }"), ("src/c.rs", "use super::a;")];
    let sources: Vec<(String, String)> = [("src/lib.rs", lib), ("src/d.rs", "use crate::a::Y;")]
        .iter()
        .chain(&files)
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    let krate = Crate::new(&sources);
    let found = cycles(krate.files.len(), &krate.edges());
    let names: Vec<Vec<&str>> =
        found.iter().map(|c| c.iter().map(|&f| krate.files[f].path.as_str()).collect()).collect();
    assert_eq!(names, [["src/a.rs", "src/b.rs", "src/c.rs"]]);
    assert!(krate.report(&found, &krate.edges()).contains("src/b.rs -> src/c.rs: src/b.rs:1 crate::c::g"));
}
