//! The theme's JavaScript as published: compacted (no comments, indentation or blank lines),
//! cache-busted by the hash of the bytes written, byte-identical across builds, shipped as
//! written with `minify_js: false`, and still passing the Node tests of the theme's modules
//! when those tests import the published copies instead of the sources (needs `node` 20+).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const MODULES: &[&str] =
    &["gazette-tokenize.js", "search-excerpt.js", "search-suggest.js", "search-ui.js", "search.js"];

/// The Node tests that need nothing but the theme's modules and tests/data.
const NODE_TESTS: &[&str] = &["tokenizer.test.mjs", "forgive.test.mjs", "search_ui.test.mjs"];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn source(name: &str) -> String {
    std::fs::read_to_string(repo().join("themes/default/static/js").join(name)).expect("theme module")
}

fn site(config_extra: &str) -> common::Site {
    common::Site::new()
        .file("gazette.yaml", &format!("{}{config_extra}", common::CONFIG))
        .page("news/a.md", "title: 劳动者\ndate: 2026-05-01", "工会为户外劳动者服务。\n")
        .file("static/js/site.js", "/* The site's own script. */\nexport const x = 1; // one\n")
}

#[test]
fn published_modules_are_compacted_and_cache_busted_by_their_written_bytes() {
    let s = site("");
    s.build_clean();
    for name in MODULES {
        let (written, original) = (s.read(&format!("js/{name}")), source(name));
        assert!(written.len() * 10 < original.len() * 8, "{name}: {} of {} bytes", written.len(), original.len());
        assert!(!written.contains("\n\n") && !written.contains("\n ") && !written.starts_with("/*"), "{name}");
    }
    assert_eq!(s.read("js/site.js"), "export const x = 1;\n", "the site's own modules too");

    // Each `?h=` is the hash of the file as written, in the page and in the importing modules.
    let written = |name: &str| std::fs::read(s.path(&format!("public/js/{name}"))).expect("written module");
    let page = s.read("search/index.html");
    assert!(page.contains(&format!("js/search-ui.js?h={}", gazette::assets::hash(&written("search-ui.js")))));
    assert!(page.contains(&format!("js/search.js?h={}", gazette::assets::hash(&written("search.js")))));
    let tokenize = format!("./gazette-tokenize.js?h={}", gazette::assets::hash(&written("gazette-tokenize.js")));
    assert!(s.read("js/search.js").contains(&tokenize));

    // Deterministic: a second build writes the same bytes.
    let first: Vec<Vec<u8>> = MODULES.iter().map(|m| written(m)).collect();
    s.build_clean();
    assert_eq!(first, MODULES.iter().map(|m| written(m)).collect::<Vec<_>>());
}

#[test]
fn minify_js_false_ships_modules_as_written() {
    let s = site("minify_js: false\n");
    s.build_clean();
    // gazette-tokenize.js imports nothing, so nothing of it is rewritten either.
    assert_eq!(s.read("js/gazette-tokenize.js"), source("gazette-tokenize.js"));
    assert_eq!(s.read("js/site.js"), "/* The site's own script. */\nexport const x = 1; // one\n");
    assert!(s.read("js/search.js").len() > source("search.js").len(), "only the imports gain `?h=`");
}

#[test]
fn node_tests_pass_against_the_published_modules() {
    let s = site("");
    s.build_clean();
    // A copy of the repository's layout whose theme modules are the published ones.
    let mirror = tempfile::tempdir().expect("temp dir");
    let copy = |from: &Path, to: &str| {
        let to: PathBuf = mirror.path().join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    };
    // Without their `?h=` queries: with them, a test importing `search.js` and `search-ui.js`
    // would get two instances of `search.js` (and two `SearchError` classes), as no page does.
    for name in MODULES {
        let to = mirror.path().join("themes/default/static/js").join(name);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::write(&to, without_queries(&s.read(&format!("js/{name}")))).expect("write module");
    }
    for name in NODE_TESTS {
        copy(&repo().join("tests/js").join(name), &format!("tests/js/{name}"));
    }
    for data in ["tokenizer-vectors.json", "forgive-vectors.json"] {
        copy(&repo().join("tests/data").join(data), &format!("tests/data/{data}"));
    }
    copy(&repo().join("src/search/ts-fold.txt"), "src/search/ts-fold.txt");

    let out = Command::new("node")
        .arg("--test")
        .args(NODE_TESTS.iter().map(|t| format!("tests/js/{t}")))
        .current_dir(mirror.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): this test needs Node.js 20 or later on PATH"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node tests failed on the published modules:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("# fail 0") && !stdout.contains("# pass 0"), "{stdout}");
}

/// `text` with every `?h=` and the 16 hex digits after it removed.
fn without_queries(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("?h=") {
        out.push_str(&rest[..i]);
        let hex = rest[i + 3..].bytes().take_while(u8::is_ascii_hexdigit).count();
        assert_eq!(hex, 16, "a cache-busting query: {}", &rest[i..]);
        rest = &rest[i + 3 + hex..];
    }
    out + rest
}
