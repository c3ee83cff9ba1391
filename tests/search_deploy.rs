//! Safe across deploys and upgrades: every search file but `entry.json` is named by what it
//! holds (fragments by their block's documents), so a reader whose page still holds the
//! previous entry gets either the files that entry means or a 404, and reloads the entry; the
//! theme's scripts and style sheets have cache-busted URLs, modules importing each other
//! included. The client side runs in `tests/js/search_deploy.test.mjs` (needs `node` 20+).

mod common;
mod fixture_articles;

use gazette::assets::hash;
use std::path::Path;
use std::process::Command;

fn entry(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("search/entry.json")).expect("entry.json")).expect("json")
}

fn blocks(dir: &Path) -> Vec<String> {
    serde_json::from_value(entry(dir)["blocks"].clone()).expect("blocks")
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in common::tree(from) {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
}

/// Fragment paths under `search/f/` of the output at `dir`.
fn fragment_paths(dir: &Path) -> Vec<String> {
    common::tree(&dir.join("search/f")).into_iter().map(|(rel, _)| rel).collect()
}

/// A back-dated article, older than every fixture article, sharing their words.
const BACKDATED: &str = "title: \"补录：工会职工技能培训\"\ndate: 2021-06-01T08:00:00+08:00";

#[test]
fn fragments_live_in_block_folders_named_by_their_documents() {
    let site = fixture_articles::site(30);
    site.build_clean();
    let public = site.path("public");
    let first = blocks(&public);
    assert_eq!(first.len(), 1);
    assert!(first[0].len() == 12 && first[0].bytes().all(|b| b.is_ascii_hexdigit()), "{first:?}");
    let paths = fragment_paths(&public);
    assert_eq!(paths.len(), 30);
    assert!(paths.iter().all(|p| p.starts_with(&format!("{}/", first[0])) && p.ends_with(".json")), "{paths:?}");

    // An edit that changes no URL keeps the block; a back-dated article renumbers every doc
    // after it, so the block's folder changes and no old fragment path survives.
    let site = site.page("news/jiuye/a000.md", "title: 改过的标题\ndate: 2022-01-01T08:00:00+08:00", "新的正文。");
    site.build_clean();
    assert_eq!(blocks(&public), first);
    let site = site.page("news/jiuye/old.md", BACKDATED, "工会组织职工参加技能培训。");
    site.build_clean();
    let second = blocks(&public);
    assert_ne!(second, first);
    let now = fragment_paths(&public);
    assert_eq!(now.len(), 31);
    assert!(paths.iter().all(|p| !now.contains(p)), "old fragment paths are gone");
}

fn doc(num: usize, url: &str) -> gazette::search::index::SearchDoc {
    gazette::search::index::SearchDoc {
        num: num as u64,
        url: url.to_string(),
        title: String::new(),
        body: String::new(),
        tags: Vec::new(),
        section: String::new(),
        section_title: String::new(),
        date: 0,
        ymd: String::new(),
        ancestors: Vec::new(),
        boost: 1.0,
    }
}

fn numbered(urls: &[String]) -> Vec<gazette::search::index::SearchDoc> {
    urls.iter().enumerate().map(|(i, u)| doc(i, u)).collect()
}

#[test]
fn appending_changes_only_the_last_block_and_an_insert_the_blocks_after_it() {
    use gazette::search::export::{BLOCK, blocks};
    let urls: Vec<String> = (0..3000).map(|i| format!("/news/a{i}/")).collect();
    let before = blocks(&numbered(&urls));
    assert_eq!(before.len(), 3000usize.div_ceil(BLOCK as usize));
    let mut appended = urls.clone();
    appended.push("/news/new/".into());
    let after = blocks(&numbered(&appended));
    assert_eq!(after[..2], before[..2]);
    assert_ne!(after[2], before[2]);
    // A back-dated article numbered 1500 shifts the second block's tail and the third block.
    let mut inserted = urls.clone();
    inserted.insert(1500, "/news/old/".into());
    let after = blocks(&numbered(&inserted));
    assert_eq!(after[0], before[0]);
    assert!(after[1] != before[1] && after[2] != before[2]);
    // Ids differ from block to block even for the same URLs at the same offsets.
    let same: Vec<String> = (0..2048).map(|i| format!("/p{}/", i % 1024)).collect();
    let ids = blocks(&numbered(&same));
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn static_scripts_and_styles_have_cache_busted_urls() {
    let site = common::Site::new().page("news/a.md", "title: A\ndate: 2024-05-20", "正文");
    site.build_clean();
    let public = site.path("public");
    let read = |rel: &str| std::fs::read(public.join(rel)).expect(rel);
    let tok = hash(&read("js/gazette-tokenize.js"));
    let search = read("js/search.js");
    let search_text = String::from_utf8(search.clone()).expect("utf-8");
    assert!(search_text.contains(&format!("from './gazette-tokenize.js?h={tok}'")), "search.js imports by hash");
    let ui = String::from_utf8(read("js/search-ui.js")).expect("utf-8");
    assert!(ui.contains(&format!("from './search.js?h={}'", hash(&search))), "search-ui.js imports by hash");
    assert!(ui.contains(&format!("from './gazette-tokenize.js?h={tok}'")));

    let page = site.html("search/index.html");
    let ui_url = format!("/js/search-ui.js?h={}", hash(ui.as_bytes()));
    assert_eq!(common::attrs(&page, "script[type=module]", "src"), std::slice::from_ref(&ui_url));
    assert_eq!(
        common::attrs(&page, "link[rel=modulepreload]", "href"),
        [
            ui_url,
            format!("/js/search.js?h={}", hash(&search)),
            format!("/js/gazette-tokenize.js?h={tok}"),
            format!("/js/search-excerpt.js?h={}", hash(&read("js/search-excerpt.js"))),
        ]
    );
    assert_eq!(common::attrs(&page, "link[rel=preload]", "href"), ["/search/entry.json"]);
    let css = format!("/css/style.css?h={}", hash(&read("css/style.css")));
    assert_eq!(common::attrs(&site.html("index.html"), "link[rel=stylesheet]", "href"), [css]);

    // A site's own script changes the hash of every module importing it.
    let site = site.file("static/js/gazette-tokenize.js", "export const isHan = () => false;\n");
    site.build_clean();
    let tok2 = hash(&read("js/gazette-tokenize.js"));
    assert_ne!(tok2, tok);
    assert!(String::from_utf8(read("js/search.js")).expect("utf-8").contains(&format!("gazette-tokenize.js?h={tok2}")));
    assert_ne!(
        common::attrs(&site.html("search/index.html"), "script[type=module]", "src")[0],
        format!("/js/search-ui.js?h={}", hash(ui.as_bytes()))
    );
}

#[test]
fn get_url_cachebust_names_a_missing_file_at_the_template() {
    let site = common::Site::new()
        .page("news/a.md", "title: A\ndate: 2024-05-20\ntemplate: mine.html", "正文")
        .file("templates/mine.html", "<link href=\"{{ get_url(path='css/nope.css', cachebust=true) }}\">\n");
    let d = common::diags(&site.build());
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with("error templates/mine.html:1:"), "{d:?}");
    assert!(d[0].contains("cannot cache-bust `css/nope.css`: there is no such static file"), "{d:?}");
    let site = site.file("templates/mine.html", "{{ get_url(path='css/style.css', cachebust=false) }}");
    site.build_clean();
    assert_eq!(site.read("news/a/index.html"), "/css/style.css");
}

#[test]
fn a_client_holding_the_first_entry_never_shows_a_wrong_title() {
    let site = fixture_articles::site(60);
    site.build_clean();
    let v1 = site.path("v1");
    copy_tree(&site.path("public"), &v1);
    // Build again into the same output, with a back-dated article that renumbers every doc.
    let site = site.page("news/jiuye/old.md", BACKDATED, "补录的报道：工会组织户外劳动者和职工参加技能培训。");
    site.build_clean();
    assert_ne!(entry(&v1)["blocks"], entry(&site.path("public"))["blocks"]);

    let test = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/search_deploy.test.mjs");
    let out = Command::new("node")
        .arg("--test")
        .arg(&test)
        .env("GAZETTE_DEPLOY_V1", &v1)
        .env("GAZETTE_DEPLOY_V2", site.path("public"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): the deploy test needs Node.js 20 or later on PATH"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "node deploy test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("# fail 0") && stdout.contains("# skipped 0"), "the deploy test did not run:\n{stdout}");
}
