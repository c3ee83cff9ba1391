//! The output folder is the publisher's: a build never deletes what it did not write (the
//! keep-list and `keep:`), what a killed build left is put back or removed by the next one,
//! two builds of a site never write at once, and every output path a source asks for is
//! checked before anything is written, with errors at the `slug:` or `aliases:` line.

mod common;

use common::{Run, Site, diags, tree};
use std::io::{BufRead, Write};
use std::path::Path;

fn site() -> Site {
    Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page("news/2024-05-20-first.md", "title: 第一篇", "正文一。")
        .page("news/2024-06-01-second.md", "title: 第二篇", "正文二。")
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// The files under `dir` whose paths start with one of `prefixes`, with their bytes.
fn files_under(dir: &Path, prefixes: &[&str]) -> Vec<(String, Vec<u8>)> {
    tree(dir).into_iter().filter(|(p, _)| prefixes.iter().any(|x| p.starts_with(x))).collect()
}

/// The names directly in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    v.sort();
    v
}

/// The pid of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}

// ---------------------------------------------------------------- the keep-list

const KEPT: [&str; 4] = [".git", "CNAME", ".nojekyll", ".well-known"];

#[test]
fn git_checkout_cname_nojekyll_and_well_known_survive_rebuilds_byte_identical() {
    let site = site();
    ok(&site.run(&["build"]));
    // A GitHub Pages deploy: the published branch checked out in public/.
    write(&site.path("public/.git/HEAD"), b"ref: refs/heads/gh-pages\n");
    write(&site.path("public/.git/objects/ab/cdef01"), &[0x78, 0x01, 0x00, 0xff, 0x0a]);
    write(&site.path("public/CNAME"), b"news.example.org\n");
    write(&site.path("public/.nojekyll"), b"");
    write(&site.path("public/.well-known/acme-challenge/t0ken"), b"t0ken.secret\n");
    let before = files_under(&site.path("public"), &KEPT);
    assert_eq!(before.len(), 5);
    std::fs::remove_file(site.path("content/news/2024-06-01-second.md")).expect("remove");
    ok(&site.run(&["build"]));
    assert_eq!(files_under(&site.path("public"), &KEPT), before);
    assert!(!site.exists("news/second/index.html"), "the build still removes pages it no longer writes");
    ok(&site.run(&["build"]));
    assert_eq!(files_under(&site.path("public"), &KEPT), before);
}

#[test]
fn a_git_file_in_the_output_survives_rebuilds() {
    let site = site();
    ok(&site.run(&["build"]));
    write(&site.path("public/.git"), b"gitdir: ../.git/worktrees/public\n");
    ok(&site.run(&["build"]));
    ok(&site.run(&["build"]));
    assert_eq!(std::fs::read(site.path("public/.git")).expect("read"), b"gitdir: ../.git/worktrees/public\n");
}

#[cfg(unix)]
#[test]
fn a_kept_link_to_a_folder_elsewhere_survives_rebuilds_and_its_folder_is_untouched() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    write(&elsewhere.path().join("acme-challenge/t0ken"), b"t0ken.secret\n");
    write(&elsewhere.path().join("docs/年报.pdf"), b"%PDF");
    let site = site().file("gazette.yaml", "title: t\nbase_url: https://example.org/\nkeep: [\"docs/*.pdf\"]\n");
    ok(&site.run(&["build"]));
    std::os::unix::fs::symlink(elsewhere.path(), site.path("public/.well-known")).expect("symlink");
    std::os::unix::fs::symlink(elsewhere.path().join("docs"), site.path("public/docs")).expect("symlink");
    let outside = tree(elsewhere.path());
    ok(&site.run(&["build"]));
    ok(&site.run(&["build"]));
    let link = std::fs::read_link(site.path("public/.well-known")).expect("`.well-known/` keeps a link to a folder");
    assert_eq!(link, elsewhere.path());
    // The build did not write the `docs` link, so it stays; nothing is taken out of the
    // folder it names.
    assert_eq!(std::fs::read_link(site.path("public/docs")).expect("link"), elsewhere.path().join("docs"));
    assert_eq!(tree(elsewhere.path()), outside);
}

#[test]
fn an_output_through_a_missing_folder_and_dotdot_is_refused_as_the_site_root() {
    let site = site().file(".git/HEAD", "ref: refs/heads/main\n");
    let before = tree(site.root());
    let r = site.run(&["build", "--output", "nothere/.."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: refusing to write into `nothere/..`: it is the site root or contains it\n  \
         = hint: use an output folder inside the site, such as public/\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
    assert_eq!(tree(site.root()), before);
}

#[cfg(unix)]
#[test]
fn an_output_inside_a_content_folder_kept_elsewhere_through_a_link_is_refused() {
    let articles = tempfile::tempdir().expect("temp dir");
    write(&articles.path().join("_index.md"), "---\ntitle: 首页\n---\n".as_bytes());
    let site = Site::empty().file("gazette.yaml", common::CONFIG);
    std::os::unix::fs::symlink(articles.path(), site.path("content")).expect("symlink");
    let r = site.run(&["build", "--output", "content/public"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: refusing to write into `content/public`: it is inside content/\n  \
         = hint: use an output folder such as public/\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
    assert_eq!(entries(articles.path()), vec!["_index.md"]);
}

#[test]
fn an_output_folder_holding_only_kept_files_is_built_into() {
    // A fresh checkout of an empty gh-pages branch: no marker, nothing gazette could lose.
    let site = site().file("public/.git/HEAD", "ref: refs/heads/gh-pages\n").file("public/CNAME", "news.example.org\n");
    let before = files_under(&site.path("public"), &KEPT);
    ok(&site.run(&["build"]));
    assert_eq!(files_under(&site.path("public"), &KEPT), before);
    assert!(site.exists("index.html") && site.exists(".gazette-build"));
}

#[test]
fn an_output_folder_with_a_git_checkout_and_other_files_but_no_marker_is_refused() {
    let site = site().file("public/.git/HEAD", "ref: refs/heads/main\n").file("public/index.html", "手写的首页");
    let before = tree(site.root());
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: refusing to replace `./public`: it is not empty and was not written by gazette\n  \
         = hint: empty it, or choose another --output; gazette's own output carries a .gazette-build file\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
    assert_eq!(tree(site.root()), before);
}

#[test]
fn keep_in_the_config_carries_folders_and_globs_over_and_other_files_stay_too() {
    let site = site().file(
        "gazette.yaml",
        "title: t\nbase_url: https://example.org/\nkeep: [downloads/, \"**/*.pdf\", google1234.html]\n",
    );
    ok(&site.run(&["build"]));
    write(&site.path("public/downloads/2024/年报.docx"), b"docx");
    write(&site.path("public/news/first/附件.pdf"), b"%PDF-1.7");
    write(&site.path("public/google1234.html"), b"google-site-verification");
    write(&site.path("public/notes.txt"), b"not on the list");
    let kept = ["downloads", "news/first/附件.pdf", "google1234.html"];
    let before = files_under(&site.path("public"), &kept);
    assert_eq!(before.len(), 3);
    ok(&site.run(&["build"]));
    assert_eq!(files_under(&site.path("public"), &kept), before);
    assert!(site.exists("news/first/index.html"));
    assert_eq!(site.read("notes.txt"), "not on the list", "a build removes only files a build wrote");
}

#[test]
fn a_bad_keep_entry_is_a_located_config_error() {
    let site = site().file(
        "gazette.yaml",
        "title: t\nbase_url: https://example.org/\nkeep:\n  - downloads/\n  - /srv/www\n  - a/../b\n",
    );
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: keep entry `/srv/www` is not a path relative to the output folder\n \
         --> gazette.yaml:5:5\n  |\n5 |   - /srv/www\n  |     ^\n  \
         = hint: list paths relative to the output folder, such as `downloads/` or `**/*.pdf`\n\n\
         error: keep entry `a/../b` has an empty, `.` or `..` segment\n \
         --> gazette.yaml:6:5\n  |\n6 |   - a/../b\n  |     ^\n  \
         = hint: list paths relative to the output folder, such as `downloads/` or `**/*.pdf`\n\n\
         error: build failed with 2 error(s) and 0 warning(s)\n"
    );
}

#[test]
fn a_kept_file_the_build_also_writes_is_replaced_with_a_warning() {
    let site = site();
    ok(&site.run(&["build"]));
    write(&site.path("public/CNAME"), b"old.example.org\n");
    let site = site.file("static/CNAME", "news.example.org\n");
    let r = site.run(&["build"]);
    ok(&r);
    assert_eq!(
        r.stderr,
        "warning: `./public/CNAME` differs from the file this build writes there (from static/CNAME): the build's file replaces it\n \
         --> static/CNAME\n  \
         = hint: a kept file is carried into the new output only where the build writes nothing\n\n\
         warning: 1 warning(s)\n"
    );
    assert_eq!(site.read("CNAME"), "news.example.org\n");
    let again = site.run(&["build"]);
    ok(&again);
    assert_eq!(again.stderr, "", "the same bytes give no warning");
}

#[test]
fn a_kept_folder_where_the_build_writes_a_file_stops_the_build_and_keeps_the_old_output() {
    let site = site().file("gazette.yaml", "title: t\nbase_url: https://example.org/\nkeep: [downloads/]\n");
    ok(&site.run(&["build"]));
    write(&site.path("public/downloads/年报.pdf"), b"%PDF");
    let site = site.file("static/downloads", "a file, not a folder");
    let before = tree(&site.path("public"));
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: cannot keep the folder `./public/downloads`: this build writes a file there (from static/downloads)\n  \
         = hint: move it out of the output folder by hand, or stop the build writing that path; the previous output was left as it was\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
    assert_eq!(tree(&site.path("public")), before);
    assert_eq!(
        entries(site.root()),
        vec![".gazette", ".public.gazette", "content", "gazette.yaml", "public", "static"]
    );
}

#[test]
fn a_build_that_fails_at_the_swap_leaves_no_search_index_folder_behind() {
    let site = site().file("gazette.yaml", "title: t\nbase_url: https://example.org/\nkeep: [CNAME]\n");
    ok(&site.run(&["build"]));
    let index = entries(&site.path(".gazette"));
    // A kept file where the build now needs a folder: found only once everything is staged.
    write(&site.path("public/CNAME"), b"news.example.org\n");
    let site = site.file("static/CNAME/x.txt", "x");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.starts_with("error: cannot keep the file `./public/CNAME`"), "{}", r.stderr);
    assert_eq!(entries(&site.path(".gazette")), index);
}

// ---------------------------------------------------------------- killed builds

#[test]
fn folders_a_killed_build_left_are_removed_but_look_alikes_are_not() {
    let site = site();
    ok(&site.run(&["build"]));
    let (pid, other) = (dead_pid(), dead_pid());
    // Killed while writing (a staging folder), or while deleting the previous output.
    let site = site
        .file(&format!(".public.staging-{pid}/.gazette-build"), "x")
        .file(&format!(".public.staging-{pid}/news/index.html"), "半成品")
        .file(&format!(".public.old-{pid}/.gazette-build"), "x")
        .file(&format!(".public.old-{pid}/index.html"), "旧版");
    // Not gazette's: no marker; not a pid; a build that is running (it holds its marker).
    let me = std::process::id();
    let site = site
        .file(&format!(".public.staging-{other}/notes.txt"), "别人的文件")
        .file(".public.old-backup/.gazette-build", "x")
        .file(&format!(".public.staging-{me}/.gazette-build"), "x");
    let held = std::fs::File::open(site.path(&format!(".public.staging-{me}/.gazette-build"))).expect("open");
    held.lock().expect("lock");
    let r = site.run(&["build"]);
    drop(held);
    ok(&r);
    assert_eq!(
        r.stderr,
        format!(
            "warning: removed `.public.old-{pid}`, left behind by a build that was interrupted (pid {pid})\n\n\
             warning: removed `.public.staging-{pid}`, left behind by a build that was interrupted (pid {pid})\n\n\
             warning: 2 warning(s)\n"
        )
    );
    let mut want = vec![
        ".gazette".to_string(),
        ".public.gazette".into(),
        ".public.old-backup".into(),
        format!(".public.staging-{me}"),
        format!(".public.staging-{other}"),
        "content".into(),
        "gazette.yaml".into(),
        "public".into(),
    ];
    want.sort();
    assert_eq!(entries(site.root()), want);
    assert_eq!(
        std::fs::read_to_string(site.path(&format!(".public.staging-{other}/notes.txt"))).expect("read"),
        "别人的文件"
    );
}

/// Puts `public/` into the state a build killed between its two renames leaves: the kept
/// files moved into its staging folder (and listed in its journal), the output renamed to
/// `.public.old-PID`, the new output not yet in place.
fn kill_between_renames(site: &Site, pid: u32) {
    let staging = site.path(&format!(".public.staging-{pid}"));
    write(&staging.join(".gazette-build"), b"x");
    write(&staging.join("index.html"), b"the interrupted build's page");
    std::fs::rename(site.path("public/CNAME"), staging.join("CNAME")).expect("move");
    std::fs::rename(site.path("public/.git"), staging.join(".git")).expect("move");
    write(&staging.join(".gazette-kept"), b".git\0CNAME\0");
    std::fs::rename(site.path("public"), site.path(&format!(".public.old-{pid}"))).expect("move aside");
}

#[test]
fn a_build_killed_between_its_renames_is_rolled_back_by_the_next_and_kept_files_return() {
    let site = site();
    ok(&site.run(&["build"]));
    write(&site.path("public/CNAME"), b"news.example.org\n");
    write(&site.path("public/.git/HEAD"), b"ref: refs/heads/gh-pages\n");
    let kept = files_under(&site.path("public"), &KEPT);
    let pid = dead_pid();
    kill_between_renames(&site, pid);
    assert!(!site.path("public").exists());
    let r = site.run(&["build"]);
    ok(&r);
    assert_eq!(
        r.stderr,
        format!(
            "warning: removed `.public.staging-{pid}`, left behind by a build that was interrupted (pid {pid})\n\n\
             warning: restored `./public` from `.public.old-{pid}`, where a build that was interrupted (pid {pid}) had moved it\n\n\
             warning: 2 warning(s)\n"
        )
    );
    assert_eq!(files_under(&site.path("public"), &KEPT), kept);
    assert!(site.read("index.html").contains("第二篇"));
    assert_eq!(entries(site.root()), vec![".gazette", ".public.gazette", "content", "gazette.yaml", "public"]);
}

#[test]
fn a_killed_builds_folders_are_recovered_even_when_its_pid_now_runs_another_process() {
    let site = site();
    ok(&site.run(&["build"]));
    write(&site.path("public/CNAME"), b"news.example.org\n");
    write(&site.path("public/.git/HEAD"), b"ref: refs/heads/gh-pages\n");
    let kept = files_under(&site.path("public"), &KEPT);
    // The pid of the killed build, reused: this test's process is running, and is no build.
    let pid = std::process::id();
    kill_between_renames(&site, pid);
    let r = site.run(&["build"]);
    ok(&r);
    assert_eq!(
        r.stderr,
        format!(
            "warning: removed `.public.staging-{pid}`, left behind by a build that was interrupted (pid {pid})\n\n\
             warning: restored `./public` from `.public.old-{pid}`, where a build that was interrupted (pid {pid}) had moved it\n\n\
             warning: 2 warning(s)\n"
        )
    );
    assert_eq!(files_under(&site.path("public"), &KEPT), kept);
    assert_eq!(entries(site.root()), vec![".gazette", ".public.gazette", "content", "gazette.yaml", "public"]);
}

#[test]
fn a_build_killed_while_moving_kept_files_gives_them_back_before_anything_else() {
    let site = site();
    ok(&site.run(&["build"]));
    write(&site.path("public/CNAME"), b"news.example.org\n");
    let pid = dead_pid();
    let staging = site.path(&format!(".public.staging-{pid}"));
    write(&staging.join(".gazette-build"), b"x");
    write(&staging.join(".gazette-kept"), b"CNAME\0.nojekyll\0");
    std::fs::rename(site.path("public/CNAME"), staging.join("CNAME")).expect("move");
    // With `check`, nothing is recovered: only a build, holding the lock, touches the output.
    ok(&site.run(&["check"]));
    assert!(!site.exists("CNAME"));
    let r = site.run(&["build"]);
    ok(&r);
    assert_eq!(site.read("CNAME"), "news.example.org\n");
    assert!(!staging.exists(), "{}", r.stderr);
}

#[test]
fn a_build_killed_while_it_writes_leaves_nothing_after_the_next_build() {
    let site = site();
    ok(&site.run(&["build"]));
    write(&site.path("public/CNAME"), b"news.example.org\n");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("build")
        .current_dir(site.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it once its staging folder is there (or once it has ended, on a fast machine).
    let staging = site.path(&format!(".public.staging-{}", child.id()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !staging.exists() && child.try_wait().expect("try_wait").is_none() && std::time::Instant::now() < deadline {
        std::thread::yield_now();
    }
    child.kill().expect("kill");
    child.wait().expect("wait");
    let r = site.run(&["build"]);
    ok(&r);
    assert_eq!(site.read("CNAME"), "news.example.org\n", "{}", r.stderr);
    assert_eq!(
        entries(site.root()),
        vec![".gazette", ".public.gazette", "content", "gazette.yaml", "public"],
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------- one build at a time

#[test]
fn a_second_build_waits_for_the_one_holding_the_lock_and_names_its_pid() {
    let site = site();
    let lock = site.path(".gazette/build.lock");
    std::fs::create_dir_all(lock.parent().expect("parent")).expect("mkdir");
    let mut held = std::fs::File::create(&lock).expect("create");
    held.lock().expect("lock");
    writeln!(held, "{}", std::process::id()).expect("write pid");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("build")
        .current_dir(site.root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let _ = tx.send(line.expect("utf-8"));
        }
    });
    // A deadline for the line, not a pause: the build prints it before it waits.
    let first = rx.recv_timeout(std::time::Duration::from_secs(120)).expect("a line on stderr before the lock is free");
    assert_eq!(
        first,
        format!(
            "waiting for another build of this site to finish (pid {} holds .gazette/build.lock)",
            std::process::id()
        )
    );
    assert!(!site.path("public").exists(), "a waiting build writes nothing");
    drop(held);
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(rx.iter().collect::<Vec<_>>(), Vec::<String>::new());
    assert!(site.exists("index.html"));
    assert!(!lock.exists(), "the lock file goes with the build that held it");
}

// ---------------------------------------------------------------- output paths

/// Builds `site` with the binary, expecting exit 1 and nothing written.
fn fails(site: &Site) -> String {
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!site.path("public").exists());
    assert_eq!(entries(site.root()).iter().filter(|e| e.starts_with(".public")).count(), 0);
    r.stderr
}

const FOLDER_HINT: &str = "  = hint: change the `slug:` or the alias, or rename the file, so that no output file takes the name of a folder another one needs\n";

#[test]
fn a_build_with_errors_leaves_no_folder_it_created_for_an_output_outside_the_site() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let out = elsewhere.path().join("www/2024/public");
    let site = site().page("a.md", "title: a\naliases: [\"/robots.txt\"]", "x");
    let r = site.run(&["build", "--output", out.to_str().expect("utf-8")]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(entries(elsewhere.path()), Vec::<String>::new());
}

#[test]
fn a_slug_naming_a_generated_file_is_an_error_at_the_slug_line() {
    let site = site().page("sitemap.md", "title: 网站地图\nslug: sitemap.xml", "x");
    assert_eq!(
        fails(&site),
        format!(
            "error: `sitemap.xml` cannot be both a file (from the sitemap) and a folder (for `sitemap.xml/index.html` from content/sitemap.md)\n \
             --> content/sitemap.md:3:7\n  |\n3 | slug: sitemap.xml\n  |       ^\n{FOLDER_HINT}\n\
             error: build failed with 1 error(s) and 0 warning(s)\n"
        )
    );
}

#[test]
fn a_slug_naming_its_sections_feed_is_an_error_at_the_slug_line() {
    let site = site().page("news/feed.md", "title: 订阅\nslug: atom.xml", "x");
    assert_eq!(
        fails(&site),
        format!(
            "error: `news/atom.xml` cannot be both a file (from feeds) and a folder (for `news/atom.xml/index.html` from content/news/feed.md)\n \
             --> content/news/feed.md:3:7\n  |\n3 | slug: atom.xml\n  |       ^\n{FOLDER_HINT}\n\
             error: build failed with 1 error(s) and 0 warning(s)\n"
        )
    );
}

#[test]
fn an_alias_onto_robots_txt_or_another_page_is_an_error_at_the_alias_entry() {
    let site = site().page("news/a.md", "title: 甲\naliases:\n  - /old/a/\n  - /robots.txt\n  - /news/second/", "x");
    assert_eq!(
        fails(&site),
        format!(
            "error: `robots.txt` cannot be both a file (from robots.txt) and a folder (for `robots.txt/index.html` from content/news/a.md (alias `/robots.txt`))\n \
             --> content/news/a.md:5:5\n  |\n5 |   - /robots.txt\n  |     ^\n{FOLDER_HINT}\n\
             error: content/news/a.md (alias `/news/second/`) and content/news/2024-06-01-second.md both produce the same output path: `news/second/index.html`\n \
             --> content/news/a.md:6:5\n  |\n6 |   - /news/second/\n  |     ^\n  \
             = hint: change the `slug:` or the alias of one of them, or rename a file\n\n\
             error: build failed with 2 error(s) and 0 warning(s)\n"
        )
    );
}

#[test]
fn a_nul_in_an_alias_is_an_error_at_the_alias_entry() {
    let site = site().page("news/a.md", "title: 甲\naliases: [/ok/, \"/a\\0b/\", /c%01/]", "x");
    assert_eq!(
        fails(&site),
        "error: alias `/a\\0b/` contains a control character (U+0000)\n \
         --> content/news/a.md:3:17\n  |\n3 | aliases: [/ok/, \"/a\\0b/\", /c%01/]\n  |                 ^\n  \
         = hint: an alias is a site path such as `/2023/old-url/`\n\n\
         error: alias `/c%01/` contains a control character (U+0001)\n \
         --> content/news/a.md:3:27\n  |\n3 | aliases: [/ok/, \"/a\\0b/\", /c%01/]\n  |                           ^\n  \
         = hint: an alias is a site path such as `/2023/old-url/`\n\n\
         error: build failed with 2 error(s) and 0 warning(s)\n"
    );
}

#[test]
fn a_name_too_long_for_the_file_system_is_an_error_at_the_slug_line() {
    let slug = "长".repeat(100);
    let site = site().page("news/a.md", &format!("title: 甲\nslug: {slug}"), "x");
    assert_eq!(
        fails(&site),
        format!(
            "error: output path `news/{}…/index.html` (from content/news/a.md) has a name of 300 bytes; file systems allow at most 255\n \
             --> content/news/a.md:3:7\n  |\n3 | slug: {}…\n  |       ^\n  \
             = hint: shorten the `slug:`, the alias or the file name\n\n\
             error: build failed with 1 error(s) and 0 warning(s)\n",
            "长".repeat(40),
            "长".repeat(34)
        )
    );
}

#[test]
fn a_term_too_long_for_a_folder_name_is_an_error_at_its_taxonomy_line() {
    let site = site().page("news/a.md", &format!("title: 甲\ntags: [就业, {}]", "x".repeat(256)), "x");
    assert_eq!(
        fails(&site),
        format!(
            "error: tags term `{}…` makes a folder name of 256 bytes; file systems allow at most 255\n \
             --> content/news/a.md:3:1\n  |\n3 | tags: [就业, {}…\n  | ^\n  = hint: shorten the term\n\n\
             error: build failed with 1 error(s) and 0 warning(s)\n",
            "x".repeat(40),
            "x".repeat(29)
        )
    );
}

#[test]
fn a_term_named_like_the_taxonomy_list_page_is_an_error_at_its_taxonomy_line() {
    let site = site().page("news/a.md", "title: 甲\ntags: [就业, Index.HTML]", "x");
    assert_eq!(
        fails(&site),
        "error: tags term `Index.HTML` would be published at tags/index.html, where the list of all tags is\n \
         --> content/news/a.md:3:1\n  |\n3 | tags: [就业, Index.HTML]\n  | ^\n  = hint: write the term another way\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
}

#[test]
fn a_path_too_long_for_the_kernel_is_an_error_at_the_alias_entry() {
    let alias = format!("/{}/", vec!["x".repeat(200); 21].join("/"));
    let site = site().page("news/a.md", &format!("title: 甲\naliases:\n  - {alias}"), "x");
    let stderr = fails(&site);
    let bytes = alias.len() - 1 + "index.html".len();
    assert!(
        stderr.starts_with(&format!("error: output path `{}", "x".repeat(40)))
            && stderr.contains(&format!(" (from content/news/a.md (alias `{alias}`)) is {bytes} bytes long; inside the output folder a path may have "))
            && stderr.contains(" --> content/news/a.md:4:5\n"),
        "{stderr}"
    );
}

#[test]
fn slugs_that_had_to_be_cleaned_are_located_warnings() {
    let site = site()
        .page("news/a.md", "title: 甲\nslug: ../../x", "x")
        .page("news/b.md", "title: 乙\nslug: a/b", "x")
        .page("news/c.md", "title: 丙\nslug: \"c\\0d\"", "x")
        .page("news/d.md", "title: 丁\nslug: CON", "x");
    let r = site.run(&["build"]);
    ok(&r);
    let cleaned = |file: &str, written: &str, line: &str, slug: &str| {
        format!(
            "warning: slug `{written}` was cleaned to `{slug}`\n --> content/news/{file}:3:7\n  |\n3 | {line}\n  |       ^\n  \
             = hint: a slug is one URL segment: letters are lowercased, and `/`, `..`, control characters and other \
             punctuation are dropped; write `slug: {slug}` if that is the URL you want\n\n"
        )
    };
    assert_eq!(
        r.stderr,
        [
            cleaned("a.md", "../../x", "slug: ../../x", "x"),
            cleaned("b.md", "a/b", "slug: a/b", "a-b"),
            cleaned("c.md", "c\\0d", "slug: \"c\\0d\"", "cd"),
            cleaned("d.md", "CON", "slug: CON", "con"),
            "warning: slug `con` is a device name on Windows\n --> content/news/d.md:3:7\n  |\n3 | slug: CON\n  |       ^\n  \
             = hint: the output could not be copied to a Windows machine; choose another slug, such as `con-1`\n\n"
                .into(),
            "warning: 5 warning(s)\n".into(),
        ]
        .concat()
    );
    assert!(
        site.exists("news/x/index.html") && site.exists("news/a-b/index.html") && site.exists("news/cd/index.html")
    );
}

/// An alias through `.git/` would write a page into the repository the site is deployed from.
#[test]
fn an_alias_into_the_git_folder_is_an_error_at_the_alias_entry() {
    let site = Site::new().page("news/_index.md", "title: 新闻", "").page(
        "news/a.md",
        "title: 甲\ndate: 2024-05-20\naliases:\n  - /ok/\n  - /.git/hooks/",
        "正文。\n",
    );
    let r = site.build();
    assert_eq!(
        diags(&r),
        vec![
            "error content/news/a.md:6:5: output path `.git/hooks/index.html` (from content/news/a.md (alias `/.git/hooks/`)) \
             is inside a `.git` folder, which belongs to the deployment, not the site"
                .to_string()
        ]
    );
    assert!(!site.path("public").exists());
}

/// `search.index_dir` names a folder every build replaces; one holding the user's files was
/// deleted without a word. It is refused before anything is written.
#[test]
fn a_search_index_folder_holding_other_files_is_refused_and_nothing_is_deleted() {
    let config = "title: 测试站\nbase_url: https://example.org/\nsearch: {index_dir: data}\n";
    let site = Site::new().file("gazette.yaml", config).file("data/notes.txt", "编辑部的笔记\n");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: refusing to replace `./data` with the search index: it holds files gazette did not write\n \
         --> gazette.yaml\n  = hint: set `search.index_dir` to a folder of its own, such as .gazette/index; \
         every build replaces it\n\nerror: build failed with 1 error(s) and 0 warning(s)\n"
    );
    assert_eq!(std::fs::read_to_string(site.path("data/notes.txt")).expect("kept"), "编辑部的笔记\n");
    assert!(!site.path("public").exists());
    // An index gazette wrote, even one from before the marker (tantivy's own file), is replaced.
    let site = site.file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\n");
    assert_eq!(site.run(&["build"]).code, 0);
    std::fs::remove_file(site.path(".gazette/index/.gazette-index")).expect("marker");
    let again = site.run(&["build"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(site.path(".gazette/index/.gazette-index").is_file());
}

#[test]
fn a_search_index_folder_that_is_the_site_or_an_input_is_a_located_config_error() {
    for (dir, why) in [
        ("content", "is, or is inside, a folder the site's sources or output live in"),
        ("./static/idx", "is, or is inside, a folder the site's sources or output live in"),
        (".", "must be a folder inside the site, not the site or above it"),
        ("../elsewhere", "must be a folder inside the site, not the site or above it"),
        ("/tmp/idx", "must be a folder inside the site"),
    ] {
        let config = format!("title: 测试站\nbase_url: https://example.org/\nsearch:\n  index_dir: {dir}\n");
        let site = Site::new().file("gazette.yaml", &config);
        let r = site.build();
        assert_eq!(diags(&r), vec![format!("error gazette.yaml:4:14: search.index_dir `{dir}` {why}")]);
        assert!(site.path("content/_index.md").is_file());
    }
}
