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
