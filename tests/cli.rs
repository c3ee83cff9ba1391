//! The `gazette` binary: help, exit codes and exact stderr for build, check, init and new;
//! atomic output; refusal to write into dangerous output folders; config and encoding
//! errors.

mod common;

use common::{Run, Site, tree};
use std::path::Path;

/// A small site that builds cleanly: home, a news section with two articles, a KB page.
fn good_site() -> Site {
    Site::new()
        .page("news/_index.md", "title: 新闻\nsort_by: date", "")
        .page("news/2024-05-20-first.md", "title: 第一篇\ntags: [就业]", "正文一。")
        .page("news/2024-06-01-second.md", "title: 第二篇", "正文二。[第一篇](@/news/2024-05-20-first.md)")
        .page("kb/_index.md", "title: 知识库\nsort_by: weight", "")
        .page("kb/hotline.md", "title: 热线\nweight: 1", "12351。")
}

/// Adds three articles that each fail differently.
fn break_three(site: Site) -> Site {
    site.page("news/2024-07-01-yaml.md", "title: 关于: 通知\ndate: 2024-07-01", "正文。")
        .page("news/2024-07-02-field.md", "title: 字段\ntitel: 错字", "正文。")
        .page("news/2024-07-03-link.md", "title: 链接", "见[这里](@/news/missing.md)。")
}

/// The names of entries directly in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Asserts a run succeeded, showing its output otherwise.
fn ok(r: &Run) {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
}

/// stdout with the timing (`(N ms)`) blanked.
/// `s` with every duration (`123 ms`) written as `N ms`.
fn untimed(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split(" ms").enumerate() {
        if i > 0 {
            out.push_str(" ms");
        }
        let digits = part.len() - part.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        match digits {
            0 => out.push_str(part),
            _ => {
                out.push_str(&part[..part.len() - digits]);
                out.push('N');
            }
        }
    }
    out
}

// ---------------------------------------------------------------- help

#[test]
fn top_level_help_exits_zero_and_lists_every_command() {
    let r = Site::empty().run(&["--help"]);
    ok(&r);
    assert_eq!(r.stderr, "");
    for line in [
        "Usage: gazette <COMMAND>",
        "  build   Build the site into public/, writing only files whose bytes changed (a failed build leaves the old output untouched)",
        "  check   Run every check of a build without writing anything",
        "  search  Search the index written by the last `gazette build`",
        "  init    Create a new site in DIR (which must be new or empty)",
        "  new     Create an article from an archetype, e.g. `gazette new news/2024-05-20-slug.md`",
    ] {
        assert!(r.stdout.lines().any(|l| l == line), "missing {line:?} in:\n{}", r.stdout);
    }
}

#[test]
fn build_help_exits_zero_and_mentions_every_flag() {
    let r = Site::empty().run(&["build", "--help"]);
    ok(&r);
    assert_eq!(r.stderr, "");
    for flag in ["--root <ROOT>", "--output <OUTPUT>", "--drafts", "--future", "--base-url <BASE_URL>"] {
        assert!(r.stdout.contains(flag), "missing {flag} in:\n{}", r.stdout);
    }
    assert!(r.stdout.starts_with("Build the site into public/"), "{}", r.stdout);
}

#[test]
fn check_help_mentions_its_flags_but_not_output() {
    let r = Site::empty().run(&["check", "--help"]);
    ok(&r);
    for flag in ["--root <ROOT>", "--drafts", "--future", "--base-url <BASE_URL>"] {
        assert!(r.stdout.contains(flag), "missing {flag} in:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains("--output"), "{}", r.stdout);
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let site = good_site();
    let r = site.run(&["build", "--nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error: unexpected argument '--nope' found\n"), "{}", r.stderr);
    assert!(!site.path("public").exists());
}

// ---------------------------------------------------------------- build

#[test]
fn build_on_a_good_site_exits_zero_and_reports_counts() {
    let site = good_site();
    let r = site.run(&["build"]);
    ok(&r);
    assert_eq!(r.stderr, "");
    let files = tree(&site.path("public")).len();
    let html =
        tree(&site.path("public")).iter().filter(|(p, _)| p.ends_with(".html") && !p.contains("page/1/")).count();
    assert_eq!(
        untimed(&r.stdout),
        format!(
            "built 3 pages in 3 sections: {html} HTML files rendered, 0 reused; {files} files in ./public, {} written, \
             0 unchanged, 0 removed (N ms)\nstages: load N ms, model N ms, search N ms, render N ms, assemble N ms, write N ms\n",
            files - 1
        ),
        "{}",
        r.stdout
    );
    assert!(site.exists("news/first/index.html"));
    assert!(site.exists(".gazette-build"));
}

#[test]
fn build_reports_the_next_scheduled_change_and_writes_it_for_cron() {
    // Far-future instants, so the test holds whatever day it runs.
    let site = good_site()
        .page("news/2099-01-01-later.md", "title: 定时\nexpiry_date: 2099-06-01", "稍后发布。")
        .page("news/2098-05-01-sooner.md", "title: 更早\npublish_date: 2098-05-01T08:30:00+08:00", "先发布。")
        .page("news/2024-01-01-ends.md", "title: 到期\nexpiry_date: 2097-12-31T23:00:00+08:00", "会下线。");
    let r = site.run(&["build"]);
    ok(&r);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(lines[1].starts_with("stages: load "), "{}", r.stdout);
    assert_eq!(
        lines[2],
        "next scheduled change: content/news/2024-01-01-ends.md is taken down at 2097-12-31T23:00:00+08:00 \
         (written to .gazette/next-due; build again then)"
    );
    let due = std::fs::read_to_string(site.path(".gazette/next-due")).expect("next-due written");
    assert_eq!(due, "2097-12-31T23:00:00+08:00\n");

    // Without the expiring page the scheduled publish is next; without any, the file goes.
    std::fs::remove_file(site.path("content/news/2024-01-01-ends.md")).expect("remove");
    let r = site.run(&["build"]);
    ok(&r);
    assert!(
        r.stdout.contains("content/news/2098-05-01-sooner.md is published at 2098-05-01T08:30:00+08:00"),
        "{}",
        r.stdout
    );
    assert_eq!(std::fs::read_to_string(site.path(".gazette/next-due")).expect("read"), "2098-05-01T08:30:00+08:00\n");
    std::fs::remove_file(site.path("content/news/2098-05-01-sooner.md")).expect("remove");
    std::fs::remove_file(site.path("content/news/2099-01-01-later.md")).expect("remove");
    let r = site.run(&["build"]);
    ok(&r);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    assert!(!site.path(".gazette/next-due").exists());
}

#[test]
fn preview_builds_with_drafts_or_future_pages_leave_the_cron_file_alone() {
    let site = good_site().page("news/2099-01-01-later.md", "title: 定时", "稍后发布。").page(
        "news/2098-01-01-draft.md",
        "title: 草稿\ndraft: true",
        "草稿。",
    );
    ok(&site.run(&["build"]));
    let due = || std::fs::read_to_string(site.path(".gazette/next-due")).expect("next-due");
    assert_eq!(due(), "2099-01-01T00:00:00+08:00\n");
    for flag in ["--drafts", "--future"] {
        let r = site.run(&["build", flag, "--output", "preview"]);
        ok(&r);
        assert_eq!(r.stdout.lines().count(), 2, "{flag}: {}", r.stdout);
        assert_eq!(due(), "2099-01-01T00:00:00+08:00\n", "{flag}");
    }
}

#[test]
fn three_broken_articles_give_three_located_errors_exit_one_and_keep_the_old_output() {
    let site = good_site();
    ok(&site.run(&["build"]));
    let before = tree(&site.path("public"));
    assert!(before.len() > 10);

    let site = break_three(site);
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let blocks: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(
        blocks,
        vec![
            "error: mapping values are not allowed in this context",
            "error: unknown field `titel`",
            "error: broken internal link `@/news/missing.md`: content/news/missing.md does not exist",
            "error: build failed with 3 error(s) and 0 warning(s)",
        ],
        "{}",
        r.stderr
    );
    let locations: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with(" --> ")).collect();
    assert_eq!(
        locations,
        vec![
            " --> content/news/2024-07-01-yaml.md:2:10",
            " --> content/news/2024-07-02-field.md:3:1",
            " --> content/news/2024-07-03-link.md:4:2",
        ],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.starts_with(
            "error: mapping values are not allowed in this context\n --> content/news/2024-07-01-yaml.md:2:10\n  |\n\
             2 | title: 关于: 通知\n  |            ^\n\n"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "error: unknown field `titel`\n --> content/news/2024-07-02-field.md:3:1\n  |\n3 | titel: 错字\n  | ^\n  \
             = hint: did you mean `title`?"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "error: broken internal link `@/news/missing.md`: content/news/missing.md does not exist\n \
             --> content/news/2024-07-03-link.md:4:2\n  |\n4 | 见[这里](@/news/missing.md)。\n  |   ^\n  \
             = hint: `@/` paths are relative to content/, e.g. `@/news/jiuye/2024-05-20-slug.md`\n"
        ),
        "{}",
        r.stderr
    );

    assert_eq!(tree(&site.path("public")), before, "public/ must be byte-identical after a failed build");
    // Only the manifest of the last good build is beside the output.
    let leftovers: Vec<String> = entries(site.root()).into_iter().filter(|n| n.starts_with(".public.")).collect();
    assert_eq!(leftovers, [".public.gazette"]);
}

#[test]
fn yaml_syntax_error_message_carries_no_position_relative_to_the_front_matter_block() {
    // The quoted scalar opens on line 2 of the file (line 1 of the YAML block); a position
    // counted from the block would send the reader to the `---` line.
    let site = good_site().page("news/2024-07-01-quote.md", "title: \"未闭合的引号", "正文。");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().take(2).collect();
    assert_eq!(
        lines,
        vec![
            "error: found unexpected end of stream, while scanning a quoted scalar",
            " --> content/news/2024-07-01-quote.md:3:1",
        ],
        "{}",
        r.stderr
    );
}

#[test]
fn duplicate_front_matter_key_points_at_the_repeated_line() {
    let site = good_site().page("news/2024-07-01-dup.md", "title: 甲\nsource: 本报讯\ntitle: 乙", "正文。");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().take(4).collect();
    assert_eq!(
        lines,
        vec!["error: duplicate field `title`", " --> content/news/2024-07-01-dup.md:4:1", "  |", "4 | title: 乙"],
        "{}",
        r.stderr
    );
}

#[test]
fn failed_build_without_previous_output_writes_nothing() {
    let site = break_three(good_site());
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(entries(site.root()), vec!["content", "gazette.yaml"]);
}

#[test]
fn rebuild_replaces_the_previous_output_and_leaves_no_staging_folder() {
    let site = good_site();
    ok(&site.run(&["build"]));
    std::fs::remove_file(site.path("content/kb/hotline.md")).expect("remove");
    let r = site.run(&["build"]);
    ok(&r);
    assert!(!site.exists("kb/hotline/index.html"), "stale pages are gone after a rebuild");
    // `.gazette/` holds the search index and the build memo (caches, git-ignored) and
    // `.public.gazette/` the manifest of what the build wrote; nothing else is left behind.
    assert_eq!(entries(site.root()), vec![".gazette", ".public.gazette", "content", "gazette.yaml", "public"]);
    assert_eq!(entries(&site.path(".gazette")), vec!["index", "memo"]);
}

#[test]
fn base_url_flag_overrides_the_config() {
    let site = good_site();
    ok(&site.run(&["build", "--base-url", "https://preview.example.org/pr-7/"]));
    let doc = site.html("news/second/index.html");
    let hrefs = common::attrs(&doc, "main article .content a", "href");
    assert_eq!(hrefs, vec!["/pr-7/news/first/"]);
    assert_eq!(
        common::attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://preview.example.org/pr-7/news/second/"]
    );
}

#[test]
fn drafts_flag_includes_drafts() {
    let site = good_site().page("news/2024-06-02-draft.md", "title: 草稿\ndraft: true", "未完成。");
    ok(&site.run(&["build"]));
    assert!(!site.exists("news/draft/index.html"));
    ok(&site.run(&["build", "--drafts"]));
    assert!(site.exists("news/draft/index.html"));
}

// ---------------------------------------------------------------- check

#[test]
fn check_reports_success_and_writes_nothing() {
    let site = good_site();
    let before = tree(site.root());
    let r = site.run(&["check"]);
    ok(&r);
    assert_eq!(r.stderr, "");
    assert_eq!(untimed(&r.stdout), "checked 3 pages in 3 sections: no errors (N ms)\n");
    assert!(!site.path("public").exists());
    assert_eq!(tree(site.root()), before);
}

#[test]
fn check_reports_every_error_exits_one_and_writes_nothing() {
    let site = break_three(good_site());
    let before = tree(site.root());
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr.lines().filter(|l| l.starts_with(" --> content/news/2024-07-0")).count(), 3, "{}", r.stderr);
    assert!(r.stderr.ends_with("error: build failed with 3 error(s) and 0 warning(s)\n"), "{}", r.stderr);
    assert_eq!(entries(site.root()), vec!["content", "gazette.yaml"]);
    assert_eq!(tree(site.root()), before);
}

// ---------------------------------------------------------------- init and new

#[test]
fn init_creates_a_site_that_builds_cleanly() {
    let dir = Site::empty();
    let r = dir.run(&["init", "mysite"]);
    ok(&r);
    assert_eq!(r.stdout, "created a new site in mysite (8 files)\nnext: cd mysite && gazette build\n");
    let r = dir.run(&["build", "--root", "mysite"]);
    ok(&r);
    assert_eq!(r.stderr, "", "no errors and no warnings");
    assert!(r.stdout.starts_with("built 2 pages in 3 sections: "), "{}", r.stdout);
    let out = dir.path("mysite/public");
    for f in
        ["index.html", "atom.xml", "sitemap.xml", "robots.txt", "404.html", "css/style.css", "news/welcome/index.html"]
    {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let home = std::fs::read_to_string(out.join("index.html")).expect("index");
    assert!(home.contains("网站开通"), "the starter article is on the home page");
}

#[test]
fn init_into_a_non_empty_folder_exits_two_and_writes_nothing() {
    let dir = Site::empty().file("taken/notes.txt", "mine");
    let before = tree(dir.root());
    let r = dir.run(&["init", "taken"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "error: `taken` is not empty; `gazette init` only writes into a new or empty folder\n");
    assert_eq!(tree(dir.root()), before);
}

#[test]
fn init_into_an_existing_empty_folder_works() {
    let dir = Site::empty();
    std::fs::create_dir(dir.path("empty")).expect("mkdir");
    ok(&dir.run(&["init", "empty"]));
    assert!(dir.path("empty/gazette.yaml").is_file());
}

#[test]
fn new_creates_a_draft_article_from_the_file_name() {
    let site = Site::new();
    let r = site.run(&["new", "news/2024-05-20-hello-world.md"]);
    ok(&r);
    assert_eq!(r.stdout, "created ./content/news/2024-05-20-hello-world.md\n");
    let text = std::fs::read_to_string(site.path("content/news/2024-05-20-hello-world.md")).expect("article");
    assert_eq!(
        text,
        "---\ntitle: \"hello world\"\ndate: 2024-05-20\ndraft: true\ntags: []\n---\n\n在这里写导语。\n\n<!-- more -->\n\n正文。\n"
    );
    let r = site.run(&["build", "--drafts"]);
    ok(&r);
    assert_eq!(r.stderr, "");
    assert!(site.exists("news/hello-world/index.html"));
}

#[test]
fn new_refuses_to_overwrite_and_exits_two() {
    let site = Site::new();
    ok(&site.run(&["new", "news/2024-05-20-hello-world.md"]));
    let path = site.path("content/news/2024-05-20-hello-world.md");
    std::fs::write(&path, "edited").expect("edit");
    let r = site.run(&["new", "news/2024-05-20-hello-world.md"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "error: `./content/news/2024-05-20-hello-world.md` already exists\n");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "edited");
}

#[test]
fn new_uses_the_section_archetype() {
    let site = Site::new().file("archetypes/kb.md", "---\ntitle: \"{title}\"\nweight: 10\n---\n\n条目。\n");
    ok(&site.run(&["new", "kb/加班费.md"]));
    let text = std::fs::read_to_string(site.path("content/kb/加班费.md")).expect("article");
    assert_eq!(text, "---\ntitle: \"加班费\"\nweight: 10\n---\n\n条目。\n");
}

#[test]
fn new_rejects_paths_outside_content() {
    let site = Site::new();
    let before = tree(site.root());
    let r = site.run(&["new", "../escape.md"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: `../escape.md` must be a path under content/ ending in .md, such as news/2024-05-20-slug.md\n"
    );
    assert_eq!(tree(site.root()), before);
    assert!(!site.root().parent().expect("parent").join("escape.md").exists());
}

// ---------------------------------------------------------------- output safety

#[test]
fn output_at_the_site_root_is_refused() {
    let site = good_site();
    let before = tree(site.root());
    let r = site.run(&["build", "--output", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "error: refusing to write into `.`: it is the site root or contains it\n  \
         = hint: use an output folder inside the site, such as public/\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
    assert_eq!(tree(site.root()), before);
    assert_eq!(entries(site.root()), vec!["content", "gazette.yaml"]);
}

#[test]
fn output_above_the_site_root_is_refused() {
    let site = good_site();
    let parent = site.root().parent().expect("parent").to_path_buf();
    let r = site.run(&["build", "--output", ".."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("error: refusing to write into `..`: it is the site root or contains it\n"),
        "{}",
        r.stderr
    );
    assert!(!parent.join(".gazette-build").exists());
}

#[test]
fn output_inside_content_is_refused() {
    let site = good_site();
    let before = tree(site.root());
    for out in ["content/x", "content"] {
        let r = site.run(&["build", "--output", out]);
        assert_eq!(r.code, 2, "{out}: {}", r.stderr);
        assert_eq!(
            r.stderr,
            format!(
                "error: refusing to write into `{out}`: it is inside content/\n  \
                 = hint: use an output folder such as public/\n\n\
                 error: build failed with 1 error(s) and 0 warning(s)\n"
            )
        );
    }
    assert!(!site.path("content/x").exists());
    assert_eq!(tree(site.root()), before);
}

#[test]
fn output_into_a_foreign_non_empty_folder_is_refused() {
    let site = good_site().file("docs/keep.txt", "不要删除").file("docs/sub/more.txt", "x");
    let before = tree(site.root());
    let r = site.run(&["build", "--output", "docs"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: refusing to replace `docs`: it is not empty and was not written by gazette\n  \
         = hint: empty it, or choose another --output; gazette's own output carries a .gazette-build file\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
    assert_eq!(tree(site.root()), before);
    assert_eq!(entries(site.root()), vec!["content", "docs", "gazette.yaml"]);
}

#[test]
fn output_into_a_new_folder_then_a_rebuild_there_works() {
    let site = good_site();
    let r = site.run(&["build", "--output", "dist"]);
    ok(&r);
    assert!(r.stdout.starts_with("built 3 pages in 3 sections: "), "{}", r.stdout);
    assert!(r.stdout.contains(" files in dist, "), "{}", r.stdout);
    assert!(site.path("dist/.gazette-build").is_file());
    ok(&site.run(&["build", "--output", "dist"]));
    assert!(site.path("dist/index.html").is_file());
    assert!(!site.path("public").exists());
}

// ---------------------------------------------------------------- config

#[test]
fn missing_config_exits_two() {
    let site = Site::empty().file("content/_index.md", "---\ntitle: 首页\n---\n");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "error: cannot read gazette.yaml: No such file or directory (os error 2)\n --> gazette.yaml\n  \
         = hint: run `gazette init DIR` to create a site, or pass --root DIR\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
    assert!(!site.path("public").exists());
}

#[test]
fn unknown_config_key_exits_one_with_a_located_error() {
    let site = good_site().file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\npaginate: 10\n");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let first = r.stderr.lines().take(5).collect::<Vec<_>>().join("\n");
    assert_eq!(first, "error: unknown field `paginate`\n --> gazette.yaml:3:1\n  |\n3 | paginate: 10\n  | ^");
    assert!(
        r.stderr.contains(
            "\n  = hint: did you mean `paginate_by`? Custom data goes under `extra:`; known keys: title, description, \
             base_url, language, timezone, theme, taxonomies, paginate_by, archives, slug, markdown, feed, search, \
             related, publisher, news_sitemap, templates, keep, minify_js, extra\n"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.ends_with("error: build failed with 1 error(s) and 0 warning(s)\n"), "{}", r.stderr);
    assert!(!site.path("public").exists());
}

// ---------------------------------------------------------------- encodings

#[test]
fn gbk_article_is_reported_as_not_utf8_with_a_gb18030_hint() {
    let site = good_site().bytes("content/news/2024-07-01-gbk.md", b"---\ntitle: \xB1\xEA\xCC\xE2\n---\n");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: file is not valid UTF-8\n --> content/news/2024-07-01-gbk.md:2:8\n  \
         = hint: the bytes look like GB18030/GBK; convert the file to UTF-8, e.g. `iconv -f GB18030 -t UTF-8`\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
}

#[test]
fn utf16_article_with_a_bom_gets_a_utf16_hint() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "---\ntitle: 标题\n---\n正文\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let site = good_site().bytes("content/news/2024-07-01-utf16.md", &bytes);
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: file is not valid UTF-8\n --> content/news/2024-07-01-utf16.md:1:1\n  \
         = hint: the bytes look like UTF-16; convert the file to UTF-8, e.g. `iconv -f UTF-16 -t UTF-8`\n\n\
         error: build failed with 1 error(s) and 0 warning(s)\n"
    );
}

#[test]
fn utf8_article_with_a_bom_builds() {
    let site = good_site().file("content/news/2024-07-01-bom.md", "\u{feff}---\ntitle: 带BOM\n---\n正文。\n");
    let r = site.run(&["build"]);
    ok(&r);
    assert_eq!(r.stderr, "");
    assert_eq!(common::texts(&site.html("news/bom/index.html"), "main h1"), vec!["带BOM"]);
}
