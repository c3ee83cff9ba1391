//! Incremental output: a rebuild writes only files whose bytes changed (the others keep their
//! mtime), removes only files an earlier build wrote, changes nothing when it fails, and after
//! a build killed at any point of its commit the next build equals a clean one byte for byte.

mod common;

use common::{Run, Site, tree};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

/// 2026-06-01T00:00:00+08:00, so that two builds a second apart see the same "now".
const EPOCH: &str = "1780243200";

/// The marker of a Gazette that kept no manifest and replaced its whole output on every build.
const LEGACY_MARKER: &str = "This folder is written by `gazette build` and replaced on every build.\n";

fn site() -> Site {
    let mut site = Site::new().page("news/_index.md", "title: 新闻", "");
    for i in 1..=12 {
        site = site.page(
            &format!("news/2024-05-{i:02}-a{i}.md"),
            &format!("title: 第{i}篇\ntags: [t{}]", i % 3),
            &format!("正文{i}，*强调*。"),
        );
    }
    site
}

fn build(site: &Site, args: &[&str]) -> Run {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let r = site.run_env(&all, &[("SOURCE_DATE_EPOCH", EPOCH)]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r
}

/// Each file's (mtime in ns, inode) under `dir`: what a rewrite changes.
fn stamps(dir: &Path) -> BTreeMap<String, (i128, u64)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().expect("stat");
            let rel = e.path().strip_prefix(dir).expect("prefix").to_string_lossy().into_owned();
            (rel, (i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()), m.ino()))
        })
        .collect()
}

/// The output of a clean build of the site as it is now, into a fresh folder.
fn clean_build(site: &Site) -> Vec<(String, Vec<u8>)> {
    let fresh = site.path("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    let _ = std::fs::remove_dir_all(site.path(".fresh.gazette"));
    build(site, &["--output", "fresh"]);
    let t = tree(&fresh);
    std::fs::remove_dir_all(&fresh).expect("remove fresh");
    std::fs::remove_dir_all(site.path(".fresh.gazette")).expect("remove state");
    t
}

/// The summary line's counts: (written, unchanged, removed).
fn counts(r: &Run) -> (usize, usize, usize) {
    let line = r.stdout.lines().next().expect("summary");
    let num = |what: &str| -> usize {
        let end = line.find(&format!(" {what}")).expect(what);
        line[..end].rsplit(' ').next().expect("number").parse().expect("count")
    };
    (num("written"), num("unchanged"), num("removed"))
}

fn changes(site: &Site) -> String {
    std::fs::read_to_string(site.path(".public.gazette/changes.txt")).expect("changes.txt")
}

#[test]
fn a_rebuild_without_changes_writes_nothing_and_every_file_keeps_its_mtime() {
    let site = site();
    let first = build(&site, &[]);
    let (written, unchanged, removed) = counts(&first);
    assert!(written > 40 && unchanged == 0 && removed == 0, "{}", first.stdout);
    let before = stamps(&site.path("public"));
    let again = build(&site, &[]);
    assert_eq!(counts(&again), (0, written, 0), "{}", again.stdout);
    assert_eq!(stamps(&site.path("public")), before);
    assert_eq!(changes(&site), "");
}

#[test]
fn an_edit_rewrites_only_the_files_whose_bytes_changed_and_equals_a_clean_build() {
    let site = site();
    build(&site, &[]);
    let (old_tree, old_stamps) = (tree(&site.path("public")), stamps(&site.path("public")));
    let site = site.page("news/2024-05-03-a3.md", "title: 第3篇\ntags: [t0]", "改写后的正文。");
    let r = build(&site, &[]);
    let new_tree = tree(&site.path("public"));
    assert_eq!(new_tree, clean_build(&site));
    let old: BTreeMap<_, _> = old_tree.into_iter().collect();
    let changed: Vec<&String> = new_tree.iter().filter(|(p, b)| old.get(p) != Some(b)).map(|(p, _)| p).collect();
    let new_stamps = stamps(&site.path("public"));
    let touched: Vec<&String> =
        new_stamps.iter().filter(|(p, s)| old_stamps.get(*p) != Some(s)).map(|(p, _)| p).collect();
    assert_eq!(touched, changed, "exactly the files whose bytes changed are written");
    assert!(changed.iter().any(|p| p.as_str() == "news/a3/index.html"), "{changed:?}");
    assert!(!changed.iter().any(|p| p.as_str() == "news/a7/index.html"), "{changed:?}");
    assert_eq!(counts(&r).0, changed.len());
    let new: BTreeMap<_, _> = new_tree.iter().cloned().collect();
    let gone: Vec<&String> = old.keys().filter(|p| !new.contains_key(*p)).collect();
    assert_eq!(counts(&r).2, gone.len());
    let listed: Vec<String> =
        changed.iter().map(|p| format!("+ {p}\n")).chain(gone.iter().map(|p| format!("- {p}\n"))).collect();
    assert_eq!(changes(&site), listed.concat());
}

#[test]
fn a_deleted_articles_files_are_removed_and_a_file_gazette_did_not_write_stays() {
    let site = site();
    build(&site, &[]);
    std::fs::write(site.path("public/notes.txt"), "编辑部的笔记").expect("write");
    std::fs::write(site.path("public/news/a5/draft.txt"), "手放的文件").expect("write");
    std::fs::remove_file(site.path("content/news/2024-05-04-a4.md")).expect("remove");
    std::fs::remove_file(site.path("content/news/2024-05-05-a5.md")).expect("remove");
    let r = build(&site, &[]);
    assert!(!site.path("public/news/a4").exists(), "the folder a deleted page emptied goes too");
    assert!(!site.exists("news/a5/index.html"));
    assert_eq!(site.read("notes.txt"), "编辑部的笔记");
    assert_eq!(site.read("news/a5/draft.txt"), "手放的文件");
    let mut want = clean_build(&site);
    want.push(("news/a5/draft.txt".into(), "手放的文件".into()));
    want.push(("notes.txt".into(), "编辑部的笔记".into()));
    want.sort();
    assert_eq!(tree(&site.path("public")), want);
    let text = changes(&site);
    assert!(text.contains("- news/a4/index.html\n- news/a5/index.html\n"), "{text}");
    assert_eq!(counts(&r).2, text.lines().filter(|l| l.starts_with("- ")).count(), "{}", r.stdout);
}

#[test]
fn a_build_with_a_content_error_leaves_the_output_byte_identical_with_the_same_mtimes() {
    let site = site();
    build(&site, &[]);
    let before = (tree(&site.path("public")), stamps(&site.path("public")), tree(&site.path(".public.gazette")));
    let site = site.page("news/2024-05-06-a6.md", "title: [没有闭合", "正文。");
    let r = site.run_env(&["build"], &[("SOURCE_DATE_EPOCH", EPOCH)]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let after = (tree(&site.path("public")), stamps(&site.path("public")), tree(&site.path(".public.gazette")));
    assert!(after == before, "the failed build changed the output");
}

#[test]
fn clean_rewrites_every_file_and_still_removes_only_its_own() {
    let site = site();
    let first = build(&site, &[]);
    std::fs::write(site.path("public/notes.txt"), "编辑部的笔记").expect("write");
    let before = stamps(&site.path("public"));
    let r = build(&site, &["--clean"]);
    assert_eq!(counts(&r), (counts(&first).0, 0, 0), "{}", r.stdout);
    let after = stamps(&site.path("public"));
    assert_eq!(after.get("notes.txt"), before.get("notes.txt"));
    assert_eq!(after.get(".gazette-build"), before.get(".gazette-build"));
    assert!(after.iter().filter(|(p, s)| before.get(*p) == Some(s)).count() == 2);
    let again = build(&site, &[]);
    assert_eq!(counts(&again).0, 0, "a clean build leaves a manifest the next build trusts");
}

#[test]
fn an_output_an_older_gazette_wrote_is_adopted_without_losing_kept_files() {
    let site = site();
    build(&site, &[]);
    // No manifest and the old marker: the output of a Gazette that replaced its whole output
    // on every build.
    std::fs::remove_dir_all(site.path(".public.gazette")).expect("remove state");
    std::fs::write(site.path("public/.gazette-build"), LEGACY_MARKER).expect("write");
    std::fs::write(site.path("public/CNAME"), "news.example.org\n").expect("write");
    std::fs::write(site.path("public/stale.html"), "上一个版本留下的").expect("write");
    let r = build(&site, &[]);
    assert_eq!(counts(&r).2, 1, "{}", r.stdout);
    assert!(!site.exists("stale.html"));
    assert_eq!(site.read("CNAME"), "news.example.org\n");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

/// Starts a build that stops at `point` of its commit, then kills it.
fn kill_at(site: &Site, point: &str) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("build")
        .current_dir(site.root())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env(gazette::output::PAUSE_VAR, point)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let paused = lines.any(|l| l.is_ok_and(|l| l == format!("paused at {point}")));
    child.kill().expect("kill");
    child.wait().expect("wait");
    assert!(paused, "the build never reached {point}");
}

#[test]
fn a_build_killed_anywhere_in_its_commit_leaves_whole_files_and_the_next_build_equals_a_clean_one() {
    for point in ["staged", "pending", "commit:1", "commit:7", "manifest"] {
        let site = site();
        build(&site, &[]);
        std::fs::write(site.path("public/CNAME"), "news.example.org\n").expect("write");
        let old: BTreeMap<String, Vec<u8>> = tree(&site.path("public")).into_iter().collect();
        let site = site.page("news/2024-05-03-a3.md", "title: 第3篇\ntags: [t0]", "改写后的正文。").page(
            "news/2024-05-20-new.md",
            "title: 新来的\ntags: [t9]",
            "新文章。",
        );
        std::fs::remove_file(site.path("content/news/2024-05-04-a4.md")).expect("remove");
        let want = clean_build(&site);
        let new: BTreeMap<String, Vec<u8>> = want.iter().cloned().collect();
        kill_at(&site, point);
        for (path, bytes) in tree(&site.path("public")) {
            assert!(
                old.get(&path) == Some(&bytes) || new.get(&path) == Some(&bytes),
                "{point}: `{path}` is neither the old nor the new file"
            );
        }
        build(&site, &[]);
        let mut with_cname = want.clone();
        with_cname.push(("CNAME".into(), b"news.example.org\n".to_vec()));
        with_cname.sort();
        assert!(tree(&site.path("public")) == with_cname, "{point}: the output differs from a clean build");
        let entries: Vec<String> = std::fs::read_dir(site.root())
            .expect("read")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public"))
            .collect();
        assert_eq!(entries, [".public.gazette"], "{point}");
        assert_eq!(counts(&build(&site, &[])).0, 0, "{point}: the manifest after recovery is trusted");
    }
}

#[test]
fn files_a_killed_build_moved_in_are_still_listed_for_the_deploy() {
    let site = site();
    build(&site, &[]);
    let site = site.page("news/2024-05-03-a3.md", "title: 第3篇\ntags: [t0]", "改写后的正文。");
    kill_at(&site, "manifest");
    let r = build(&site, &[]);
    assert_eq!(counts(&r).0, 0, "everything was moved in already: {}", r.stdout);
    assert!(changes(&site).contains("+ news/a3/index.html\n"), "{}", changes(&site));
}

/// Builds, expecting success, and returns what the binary printed on stderr.
fn build_err(site: &Site) -> String {
    build(site, &[]).stderr
}

fn manifest_file(site: &Site) -> std::path::PathBuf {
    site.path(".public.gazette/manifest")
}

/// Regression: a lost or damaged manifest made the next build treat every file under the
/// marker as its own and delete files Gazette never wrote.
#[test]
fn a_missing_or_damaged_manifest_owns_nothing_and_the_build_says_so_in_one_note() {
    type Damage = fn(&Site);
    let damages: [(&str, Damage); 4] = [
        ("state folder deleted", |s| std::fs::remove_dir_all(s.path(".public.gazette")).expect("rm")),
        ("manifest cut short", |s| {
            let text = std::fs::read_to_string(manifest_file(s)).expect("read");
            std::fs::write(manifest_file(s), &text[..text.len() / 2]).expect("write");
        }),
        ("another header", |s| {
            let text = std::fs::read_to_string(manifest_file(s)).expect("read");
            let rest = text.split_once('\n').expect("header").1;
            std::fs::write(manifest_file(s), format!("gazette-manifest 9\n{rest}")).expect("write");
        }),
        ("one byte changed", |s| {
            let text = std::fs::read_to_string(manifest_file(s)).expect("read");
            std::fs::write(manifest_file(s), text.replacen("news/a1/", "news/a2/", 1)).expect("write");
        }),
    ];
    for (what, damage) in damages {
        let site = site();
        build(&site, &[]);
        std::fs::write(site.path("public/mine.txt"), "mine").expect("write");
        assert_eq!(build_err(&site), "", "{what}");
        damage(&site);
        std::fs::remove_file(site.path("content/news/2024-05-04-a4.md")).expect("remove");
        let stderr = build_err(&site);
        assert_eq!(site.read("mine.txt"), "mine", "{what}");
        assert!(site.exists("news/a4/index.html"), "{what}: nothing is removed on a record not trusted");
        // Files rewritten where the build cannot tell they are its own are warned about
        // (the pages listing the removed article); the record itself is one note.
        let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note: ")).collect();
        assert_eq!(notes.len(), 1, "{what}: {stderr}");
        assert!(stderr.starts_with("note: `"), "{what}: {stderr}");
        assert!(
            notes[0].ends_with(
                ", so this build removes nothing from `./public`: files earlier builds wrote there and this one no longer produces may remain"
            ),
            "{what}: {stderr}"
        );
        assert!(!stderr.contains("mine.txt"), "{what}: {stderr}");
        assert_eq!(build_err(&site), "", "{what}: the next build has a manifest again");
        assert_eq!(site.read("mine.txt"), "mine", "{what}");
    }
}

/// Regression: a stale file below a folder replaced by a link was deleted through the link,
/// outside the output.
#[test]
fn a_stale_file_below_a_link_is_never_removed_through_it() {
    let site = site().page("kb/dl.md", "title: 下载", "下载页。");
    build(&site, &[]);
    std::fs::remove_file(site.path("content/kb/dl.md")).expect("remove");
    std::fs::remove_dir_all(site.path("public/kb/dl")).expect("rm");
    let ext = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(ext.path().join("dl")).expect("mkdir");
    std::fs::write(ext.path().join("dl/index.html"), "别处的文件").expect("write");
    std::os::unix::fs::symlink(ext.path().join("dl"), site.path("public/kb/dl")).expect("link");
    let r = build(&site, &[]);
    assert_eq!(std::fs::read_to_string(ext.path().join("dl/index.html")).expect("read"), "别处的文件");
    assert_eq!(
        r.stderr,
        "warning: `./public/kb/dl/index.html` is no longer produced by the build but is left in place: \
         `./public/kb/dl` is a link, which is never followed\n \
         --> ./public/kb/dl/index.html\n  \
         = hint: delete it by hand if it should go\n\n\
         warning: 1 warning(s)\n"
    );
}

/// The manifest with one more entry, at `path`, and its checksum line (if it has one) made
/// right again: only the path can make it refused. Returns the entry's line number.
fn forge_entry(site: &Site, path: &str) -> usize {
    let text = std::fs::read_to_string(manifest_file(site)).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    let sum = lines.last().is_some_and(|l| l.starts_with("sum ")).then(|| lines.pop());
    let first = lines[1];
    let fields = first.matches(' ').count();
    let forged = format!("{} {path}", first.splitn(fields + 1, ' ').take(fields).collect::<Vec<_>>().join(" "));
    lines.push(&forged);
    let mut body = lines.join("\n") + "\n";
    if sum.is_some() {
        body += &format!("sum {:032x}\n", gazette::output::content_hash(body.as_bytes()));
    }
    std::fs::write(manifest_file(site), body).expect("write");
    lines.len()
}

/// Regression: a manifest line naming `../x` or an absolute path made the build delete that
/// file, wherever it was.
#[test]
fn a_manifest_naming_a_path_outside_the_output_is_refused_whole() {
    let outside = tempfile::tempdir().expect("temp dir");
    let victim = outside.path().join("victim.txt");
    let victim_path = victim.to_str().expect("utf-8").to_string();
    for path in ["../victim.txt", victim_path.as_str()] {
        let site = site();
        build(&site, &[]);
        std::fs::write(site.path("victim.txt"), "不是网站的").expect("write");
        std::fs::write(&victim, "不是网站的").expect("write");
        let line = forge_entry(&site, path);
        let stderr = build_err(&site);
        assert_eq!(std::fs::read_to_string(site.path("victim.txt")).expect("read"), "不是网站的", "{path}");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "不是网站的", "{path}");
        assert!(stderr.starts_with("note: `"), "{path}: {stderr}");
        let shown = path.escape_debug().to_string();
        assert!(
            stderr.contains(&format!("/.public.gazette/manifest` line {line}: `{shown}` is not a path inside the output folder, so this build removes nothing from `./public`")),
            "{path}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{path}: {stderr}");
    }
}

/// Regression: a file a build wrote and someone then replaced was deleted without a word
/// once its page went away.
#[test]
fn a_stale_file_changed_by_hand_is_kept_with_a_located_warning() {
    let site = site();
    build(&site, &[]);
    std::fs::write(site.path("public/news/a4/index.html"), "编辑改过的页").expect("write");
    std::fs::remove_file(site.path("content/news/2024-05-04-a4.md")).expect("remove");
    let r = build(&site, &[]);
    assert_eq!(site.read("news/a4/index.html"), "编辑改过的页");
    assert_eq!(
        r.stderr,
        "warning: `./public/news/a4/index.html` is no longer produced by the build but is left in place: \
         it has changed since an earlier build wrote it\n \
         --> ./public/news/a4/index.html\n  \
         = hint: delete it by hand if it should go\n\n\
         warning: 1 warning(s)\n"
    );
}

/// Regression: an edit in place that put the old mtime back was trusted as the file the
/// build wrote, so the output kept the edit.
#[test]
fn an_edit_in_place_that_restores_the_mtime_is_written_again() {
    use std::io::{Seek, Write};
    let site = site();
    build(&site, &[]);
    let file = site.path("public/news/a7/index.html");
    let meta = std::fs::metadata(&file).expect("stat");
    let mut f = std::fs::OpenOptions::new().write(true).open(&file).expect("open");
    f.seek(std::io::SeekFrom::Start(0)).expect("seek");
    f.write_all(b"<!-- edited -->").expect("write");
    f.set_modified(meta.modified().expect("mtime")).expect("set mtime");
    drop(f);
    let after = std::fs::metadata(&file).expect("stat");
    assert_eq!((after.len(), after.modified().ok()), (meta.len(), meta.modified().ok()));
    let r = build(&site, &[]);
    assert_eq!(counts(&r).0, 1, "{}", r.stdout);
    assert_eq!(tree(&site.path("public")), clean_build(&site));
}

/// Regression: a link at a path the build writes was replaced without a warning.
#[test]
fn a_link_where_the_build_writes_a_file_is_replaced_with_a_warning() {
    let site = site();
    build(&site, &[]);
    let ext = tempfile::tempdir().expect("temp dir");
    std::fs::write(ext.path().join("page.html"), "别处的页").expect("write");
    std::fs::create_dir_all(site.path("public/news/new")).expect("mkdir");
    std::os::unix::fs::symlink(ext.path().join("page.html"), site.path("public/news/new/index.html")).expect("link");
    let site = site.page("news/2024-05-20-new.md", "title: 新来的\ntags: [t9]", "新文章。");
    let r = build(&site, &[]);
    assert_eq!(
        r.stderr,
        "warning: `./public/news/new/index.html` is a link, not the file this build writes there \
         (from content/news/2024-05-20-new.md): the build's file replaces it\n \
         --> content/news/2024-05-20-new.md\n  \
         = hint: a file gazette did not write stays in the output only where the build writes nothing\n\n\
         warning: 1 warning(s)\n"
    );
    assert_eq!(std::fs::read_to_string(ext.path().join("page.html")).expect("read"), "别处的页");
    let meta = std::fs::symlink_metadata(site.path("public/news/new/index.html")).expect("stat");
    assert!(meta.is_file());
    assert_eq!(tree(&site.path("public")), clean_build(&site));
}
