//! Cache-busted static files, so a reader's browser never pairs an old script or style sheet
//! with a new page or search index after an upgrade.
//!
//! `get_url(path=…, cachebust=true)` in a template appends `?h=` and a hash of the file's bytes
//! as published (as Zola does). ES modules load each other by relative specifiers
//! (`search-ui.js` imports `./search.js`, which imports `./gazette-tokenize.js`); a cache-busted
//! entry module would still import its dependencies by their fixed URLs, so the published
//! copy of every `.js`/`.mjs` static file has its relative imports rewritten to cache-busted
//! specifiers too, dependencies first: a module's hash covers the hashes of what it imports.
//!
//! Static files are the theme's `static/` overlaid by the site's `static/`, as the output
//! stage copies them. With `minify_js` (the default), every module is published without its
//! comments, indentation and blank lines ([`jsmin`]) before its imports are rewritten, so each
//! hash is of the bytes actually written.

mod jsmin;

use crate::search::export::fnv1a;
use crate::theme::{Origin, Theme};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The static files of a build, with their module rewrites and hashes.
#[derive(Default)]
pub struct Assets {
    /// Output path → where the file comes from.
    files: BTreeMap<String, Origin>,
    /// Output path → published bytes, for modules whose imports were rewritten.
    modules: BTreeMap<String, Arc<[u8]>>,
    /// Output path → hash, for files hashed so far.
    hashes: Mutex<HashMap<String, String>>,
    /// A key of every static file's identity, for the render cache (see [`Assets::key`]).
    key: u64,
    /// Whether modules are published compacted ([`jsmin::compact`]).
    minify_js: bool,
}

impl std::fmt::Debug for Assets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assets").field("files", &self.files.len()).field("modules", &self.modules.len()).finish()
    }
}

impl Assets {
    /// The static files of `theme` and of the site at `root`; with `minify_js`, modules are
    /// published compacted.
    pub fn new(root: &Path, theme: &Theme, minify_js: bool) -> Assets {
        let mut files: BTreeMap<String, Origin> =
            theme.statics.iter().map(|(path, f)| (path.clone(), f.origin.clone())).collect();
        for (path, f) in crate::theme::site_statics(root) {
            files.insert(path, f.origin);
        }
        let mut assets = Assets { files, minify_js, ..Assets::default() };
        let mut done = BTreeMap::new();
        let paths: Vec<String> = assets.files.keys().filter(|p| is_module(p)).cloned().collect();
        for path in paths {
            assets.module(&path, &mut Vec::new(), &mut done);
        }
        assets.modules = done.into_iter().filter_map(|(path, bytes)| bytes.map(|b| (path, b))).collect();
        assets.key = assets.identity();
        assets
    }

    /// The published bytes of the modules that differ from their source (compacted or with
    /// imports rewritten), by output path.
    pub fn rewritten(&self) -> impl Iterator<Item = (&String, &Arc<[u8]>)> {
        self.modules.iter()
    }

    /// A key that changes whenever a static file does: every file by its bytes as published.
    /// The render cache of `gazette serve` and the build memo key pages on it, since `?h=` in
    /// a page depends on it. Files on disk are read for it rather than trusted by size and
    /// modification time: the memo carries the key from one process to the next, and a file
    /// copied with `cp -p`, `rsync -t` or `tar x`, or saved twice in one clock tick, keeps
    /// both. The output stage reads every static file anyway, so this read is served from
    /// the page cache, and xxh3 hashes faster than it reads.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// `?h=` and the hash of the published bytes of the static file at output path `path`.
    pub fn query(&self, path: &str) -> Result<String, String> {
        let path = path.trim_start_matches('/');
        if let Some(h) = self.hashes.lock().ok().and_then(|m| m.get(path).cloned()) {
            return Ok(format!("?h={h}"));
        }
        let h = match self.modules.get(path) {
            Some(bytes) => hash(bytes),
            None => match self.files.get(path) {
                Some(Origin::Embedded(bytes)) => hash(bytes),
                Some(Origin::Disk(p)) => {
                    hash(&std::fs::read(p).map_err(|e| format!("cannot read static file `{path}` to hash it: {e}"))?)
                }
                None => return Err(format!("cannot cache-bust `{path}`: there is no such static file")),
            },
        };
        if let Ok(mut m) = self.hashes.lock() {
            m.insert(path.to_string(), h.clone());
        }
        Ok(format!("?h={h}"))
    }

    /// The published bytes of module `path`, compacted when `minify_js` is set and with its
    /// relative imports cache-busted (`None` when unchanged or unreadable), recorded in
    /// `done`; `visiting` holds the modules whose imports are being resolved, so an import
    /// cycle is left as written instead of recursing forever.
    fn module(
        &self,
        path: &str,
        visiting: &mut Vec<String>,
        done: &mut BTreeMap<String, Option<Arc<[u8]>>>,
    ) -> Option<Arc<[u8]>> {
        if let Some(bytes) = done.get(path) {
            return bytes.clone();
        }
        let original = self.original(path)?;
        let source = String::from_utf8(original).ok()?;
        let compacted = if self.minify_js { jsmin::compact(&source) } else { None };
        let text = compacted.as_deref().unwrap_or(&source);
        visiting.push(path.to_string());
        let mut out = String::with_capacity(text.len() + 64);
        let mut at = 0;
        for (from, to) in specifiers(text) {
            let Some(target) = resolve(path, &text[from..to]).filter(|t| self.files.contains_key(t)) else { continue };
            if visiting.contains(&target) {
                continue;
            }
            let bytes = match is_module(&target) {
                true => self.module(&target, visiting, done).or_else(|| self.original(&target).map(Arc::from)),
                false => self.original(&target).map(Arc::from),
            };
            let Some(bytes) = bytes else { continue };
            out.push_str(&text[at..to]);
            out.push_str("?h=");
            out.push_str(&hash(&bytes));
            at = to;
        }
        visiting.pop();
        out.push_str(&text[at..]);
        let result = (out != source).then(|| Arc::from(out.into_bytes()));
        done.insert(path.to_string(), result.clone());
        result
    }

    /// The bytes of static file `path` as its source holds them.
    fn original(&self, path: &str) -> Option<Vec<u8>> {
        match self.files.get(path)? {
            Origin::Embedded(bytes) => Some(bytes.to_vec()),
            Origin::Disk(p) => std::fs::read(p).ok(),
        }
    }

    fn identity(&self) -> u64 {
        let mut parts: Vec<(String, u64, u64)> = Vec::with_capacity(self.files.len());
        for (path, origin) in &self.files {
            let (a, b) = match (self.modules.get(path), origin) {
                (Some(bytes), _) => (fnv1a(bytes), bytes.len() as u64),
                (None, Origin::Embedded(bytes)) => (fnv1a(bytes), bytes.len() as u64),
                // An unreadable file is not published either: its key stays apart from any bytes.
                (None, Origin::Disk(p)) => match std::fs::read(p) {
                    Ok(bytes) => (xxhash_rust::xxh3::xxh3_64(&bytes), bytes.len() as u64),
                    Err(_) => (0, u64::MAX),
                },
            };
            parts.push((path.clone(), a, b));
        }
        crate::cache::key(&parts)
    }
}

/// The hash written after `?h=`: 16 hex digits of FNV-1a 64, stable across builds and
/// versions of Rust.
pub fn hash(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a(bytes))
}

fn is_module(path: &str) -> bool {
    path.ends_with(".js") || path.ends_with(".mjs")
}

/// Byte ranges of the specifiers of `import … from '…'`, `export … from '…'`, `import '…'`
/// and `import('…')` in a module's text: a quoted string right after the word `from` or
/// `import` (and an opening parenthesis). Only relative specifiers naming a static file are
/// then rewritten, so a stray match in a comment or string changes nothing of consequence.
fn specifiers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for word in ["from", "import"] {
        let mut search = 0;
        while let Some(i) = text[search..].find(word).map(|i| i + search) {
            search = i + word.len();
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.';
            if before.is_some_and(ident) || bytes.get(search).copied().is_some_and(ident) {
                continue;
            }
            let mut at = search;
            let skip_space = |at: &mut usize| {
                while bytes.get(*at).is_some_and(|b| b.is_ascii_whitespace()) {
                    *at += 1;
                }
            };
            skip_space(&mut at);
            if word == "import" && bytes.get(at) == Some(&b'(') {
                at += 1;
                skip_space(&mut at);
            }
            let Some(&quote) = bytes.get(at).filter(|b| **b == b'\'' || **b == b'"') else { continue };
            let start = at + 1;
            let Some(len) = text[start..].find([quote as char, '\n']) else { continue };
            if bytes[start + len] == quote {
                out.push((start, start + len));
            }
        }
    }
    out.sort_unstable();
    out
}

/// The output path a relative specifier of module `from` names; `None` for bare or absolute
/// specifiers, ones with a query or fragment, and ones leaving the output folder.
fn resolve(from: &str, spec: &str) -> Option<String> {
    if !(spec.starts_with("./") || spec.starts_with("../")) || spec.contains(['?', '#']) {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in spec.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_static_and_dynamic_import_specifiers() {
        let js = "import { a } from './a.js';\nimport './b.js';\nexport * from \"../c.js\";\nconst m = import( './d.js');\nArray.from('x'); transform('./e.js');";
        let found: Vec<&str> = specifiers(js).into_iter().map(|(a, b)| &js[a..b]).collect();
        assert_eq!(found, ["./a.js", "./b.js", "../c.js", "./d.js"]);
    }

    #[test]
    fn resolves_relative_specifiers_only() {
        assert_eq!(resolve("js/search-ui.js", "./search.js").as_deref(), Some("js/search.js"));
        assert_eq!(resolve("js/a/b.js", "../c.js").as_deref(), Some("js/c.js"));
        assert_eq!(resolve("a.js", "../b.js"), None);
        assert_eq!(resolve("js/a.js", "lodash"), None);
        assert_eq!(resolve("js/a.js", "/js/b.js"), None);
        assert_eq!(resolve("js/a.js", "./b.js?v=1"), None);
    }

    fn assets(files: &[(&str, &'static str)]) -> Assets {
        assets_with(files, true)
    }

    fn assets_with(files: &[(&str, &'static str)], minify_js: bool) -> Assets {
        let theme = Theme {
            statics: files
                .iter()
                .map(|(p, text)| {
                    let origin = Origin::Embedded(text.as_bytes());
                    (p.to_string(), crate::theme::ThemeFile { display: p.to_string(), origin })
                })
                .collect(),
            ..Theme::default()
        };
        Assets::new(Path::new("/nonexistent-site-root"), &theme, minify_js)
    }

    #[test]
    fn imports_are_rewritten_dependencies_first() {
        let a = assets(&[
            ("js/ui.js", "import { s } from './search.js';\nimport { t } from './tok.js';\n"),
            ("js/search.js", "import { t } from './tok.js';\nexport const s = t;\n"),
            ("js/tok.js", "export const t = 1;\n"),
        ]);
        let tok = hash(b"export const t = 1;\n");
        let search = format!("import {{ t }} from './tok.js?h={tok}';\nexport const s = t;\n");
        let rewritten: BTreeMap<&str, String> =
            a.rewritten().map(|(p, b)| (p.as_str(), String::from_utf8(b.to_vec()).unwrap())).collect();
        assert_eq!(rewritten["js/search.js"], search);
        let ui = format!(
            "import {{ s }} from './search.js?h={}';\nimport {{ t }} from './tok.js?h={tok}';\n",
            hash(search.as_bytes())
        );
        assert_eq!(rewritten["js/ui.js"], ui);
        assert!(!rewritten.contains_key("js/tok.js"), "nothing to rewrite");
        assert_eq!(a.query("js/ui.js").unwrap(), format!("?h={}", hash(ui.as_bytes())));
        assert_eq!(a.query("/js/tok.js").unwrap(), format!("?h={tok}"));
        assert!(a.query("js/missing.js").is_err());
    }

    #[test]
    fn an_import_cycle_is_left_as_written() {
        let a = assets(&[("a.js", "import './b.js';\n"), ("b.js", "import './a.js';\n")]);
        let rewritten: BTreeMap<&str, String> =
            a.rewritten().map(|(p, b)| (p.as_str(), String::from_utf8(b.to_vec()).unwrap())).collect();
        // a.js imports b.js rewritten (b's own import of a.js stays as written).
        assert_eq!(rewritten["a.js"], format!("import './b.js?h={}';\n", hash(b"import './a.js';\n")));
        assert!(!rewritten.contains_key("b.js"));
    }

    fn published(a: &Assets) -> BTreeMap<String, String> {
        a.rewritten().map(|(p, b)| (p.clone(), String::from_utf8(b.to_vec()).unwrap())).collect()
    }

    #[test]
    fn modules_are_compacted_and_hashed_as_written() {
        let files = [
            (
                "js/ui.js",
                "/** The page. */
import { t } from './tok.js'; // the tokenizer

export const u = t;
",
            ),
            (
                "js/tok.js",
                "// Tokens.
export const t = 1;
",
            ),
            ("js/odd.js", "const s = 'unterminated\n// kept\n"),
        ];
        let a = assets_with(&files, true);
        let out = published(&a);
        let tok = "export const t = 1;\n";
        assert_eq!(out["js/tok.js"], tok);
        let ui = format!("import {{ t }} from './tok.js?h={}';\nexport const u = t;\n", hash(tok.as_bytes()));
        assert_eq!(out["js/ui.js"], ui);
        assert_eq!(a.query("js/ui.js").unwrap(), format!("?h={}", hash(ui.as_bytes())));
        assert!(!out.contains_key("js/odd.js"), "what the lexer does not understand is published as written");

        let plain = assets_with(&files, false);
        let out = published(&plain);
        assert!(!out.contains_key("js/tok.js"));
        assert!(out["js/ui.js"].starts_with("/** The page. */\n"));
        assert_ne!(plain.key(), a.key(), "the render cache sees the switch");
    }

    /// `cp -p`, `rsync -t`, `tar x` and two saves in one clock tick leave a file with new
    /// bytes but its old size and modification time; the build memo carries the key from one
    /// process to the next, so the key must see the bytes.
    #[test]
    fn a_disk_static_edited_keeping_size_and_mtime_changes_the_key() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("site.css");
        std::fs::write(&file, "a{color:red}").expect("write");
        let theme = |p: &Path| Theme {
            statics: [(
                "css/site.css".to_string(),
                crate::theme::ThemeFile {
                    display: "static/css/site.css".into(),
                    origin: Origin::Disk(p.to_path_buf()),
                },
            )]
            .into_iter()
            .collect(),
            ..Theme::default()
        };
        let before = Assets::new(Path::new("/nonexistent-site-root"), &theme(&file), true);
        let old_query = before.query("css/site.css").expect("query");
        let mtime = std::fs::metadata(&file).and_then(|m| m.modified()).expect("mtime");
        std::fs::write(&file, "a{color:tan}").expect("edit");
        std::fs::File::options().write(true).open(&file).and_then(|f| f.set_modified(mtime)).expect("set mtime");
        let after = Assets::new(Path::new("/nonexistent-site-root"), &theme(&file), true);
        assert_ne!(before.key(), after.key());
        assert_ne!(old_query, after.query("css/site.css").expect("query"));
    }
}
