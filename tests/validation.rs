//! Input that is wrong or odd in ways a careless editor (or a hostile one) produces: dates
//! that cannot be written out, control characters, taxonomy terms spelled several ways,
//! missing images and file names that are not UTF-8. Each is reported with its file and line,
//! and none reaches the output as an empty or broken value.

mod common;

use common::{Site, diags};

/// Every diagnostic with its hint: `severity location: message | hint`.
fn with_hints(r: &gazette::Report) -> Vec<String> {
    diags(r)
        .into_iter()
        .zip(r.diagnostics.sorted())
        .map(|(line, d)| format!("{line} | {}", d.hint.as_deref().unwrap_or("-")))
        .collect()
}

const DATE_HINT: &str = "write a date as 2024-05-20, 2024-05-20 09:30 or 2024-05-20T09:30:00+08:00";

#[test]
fn an_offset_beyond_23_59_is_a_located_error_not_an_empty_date_in_the_output() {
    let site = Site::new()
        .page("a.md", "title: 时区错误\ndate: 2024-05-20T09:30:00+25:00", "正文。")
        .page("b.md", "title: 更新时区错误\ndate: 2024-05-20\nupdated: 2024-05-21 10:00 -24:00", "正文。")
        .page(
            "c.md",
            "title: 更正时区错误\ndate: 2024-05-20\ncorrections:\n  - {date: 2024-05-21T08:00+99:00, text: 更正}",
            "正文。",
        );
    let r = site.build();
    assert_eq!(
        with_hints(&r),
        vec![
            format!(
                "error content/a.md:3:7: invalid date `2024-05-20T09:30:00+25:00`: `+25:00` is not an offset from \
                 -23:59 to +23:59 such as +08:00 | {DATE_HINT}"
            ),
            format!(
                "error content/b.md:4:10: invalid date `2024-05-21 10:00 -24:00`: `-24:00` is not an offset from \
                 -23:59 to +23:59 such as +08:00 | {DATE_HINT}"
            ),
            format!(
                "error content/c.md:5:12: corrections[0]: invalid date `2024-05-21T08:00+99:00`: `+99:00` is not an offset from \
                 -23:59 to +23:59 such as +08:00 | {DATE_HINT}"
            ),
        ]
    );
    assert!(!site.exists("a/index.html"), "nothing is written");
}

#[test]
fn impossible_dates_are_located_errors_that_say_what_is_wrong() {
    let site = Site::new()
        .page("a.md", "title: 二月三十日\ndate: 2024-02-30", "")
        .page("b.md", "title: 十三月\ndate: 2024-13-01", "")
        .page("c.md", "title: 五位年份\ndate: 99999-01-01", "")
        .page("d.md", "title: 二十四点\ndate: \"2024-05-20 24:00\"", "")
        .page("e.md", "title: 中文日期\npublish_date: 2024年5月20日", "");
    let r = site.build();
    assert_eq!(
        with_hints(&r),
        vec![
            format!("error content/a.md:3:7: invalid date `2024-02-30`: February 2024 has 29 days | {DATE_HINT}"),
            format!("error content/b.md:3:7: invalid date `2024-13-01`: there is no month 13 | {DATE_HINT}"),
            format!(
                "error content/c.md:3:7: invalid date `99999-01-01`: the year 99999 is outside 0001–9999 | {DATE_HINT}"
            ),
            format!(
                "error content/d.md:3:8: invalid date `2024-05-20 24:00`: `24:00` is not a time of day from 00:00 \
                 to 23:59:59 | {DATE_HINT}"
            ),
            format!(
                "error content/e.md:3:15: invalid date `2024年5月20日`: expected YYYY-MM-DD, then optionally a time \
                 such as 09:30 and an offset such as +08:00 | {DATE_HINT}"
            ),
        ]
    );
}

#[test]
fn a_date_with_junk_after_its_seconds_or_an_empty_time_is_an_error() {
    let site = Site::new()
        .page("a.md", "title: 小数秒\ndate: 2024-05-20T09:30:00.abc+08:00", "")
        .page("b.md", "title: 空时间\ndate: 2024-05-20T", "")
        .page("c.md", "title: 正常小数秒\ndate: 2024-05-20T09:30:00.250+08:00", "");
    let r = site.build();
    assert_eq!(
        with_hints(&r),
        vec![
            format!(
                "error content/a.md:3:7: invalid date `2024-05-20T09:30:00.abc+08:00`: `09:30:00.abc` is not a time \
                 of day from 00:00 to 23:59:59 | {DATE_HINT}"
            ),
            format!(
                "error content/b.md:3:7: invalid date `2024-05-20T`: `T` must be followed by a time such as 09:30 \
                 | {DATE_HINT}"
            ),
        ]
    );
}

#[test]
fn a_timezone_beyond_23_59_is_a_located_config_error() {
    let site = Site::new().file("gazette.yaml", &format!("{}timezone: \"+25:00\"\n", common::CONFIG));
    let r = site.build();
    assert_eq!(
        with_hints(&r),
        vec![
            "error gazette.yaml:3:11: timezone must be an offset like +08:00, found `+25:00` | offsets run from -23:59 \
             to +23:59 and are written `+08:00` (China), `-05:00`, `Z` or `UTC`"
                .to_string()
        ]
    );
}

#[test]
fn a_file_name_that_starts_with_an_impossible_date_is_an_error() {
    let site = Site::new().page("news/2024-02-30-x.md", "title: 文件名日期", "");
    let r = site.build();
    assert_eq!(
        with_hints(&r),
        vec![
            "error content/news/2024-02-30-x.md: the file name starts with `2024-02-30-`, which is not a date: \
             February 2024 has 29 days | rename the file to start with a real date (`2024-05-20-slug.md`); the date \
             prefix sets the article's date and is left out of its URL"
                .to_string()
        ]
    );
}

#[test]
fn dates_at_the_end_of_the_calendar_never_panic_or_print_empty() {
    // In UTC+08:00 this instant is already in the year 10000, which no date type here holds.
    let site = Site::new().page(
        "end.md",
        "title: 日历尽头\ndate: 9999-12-31T23:00:00-05:00\ncorrections:\n  - {date: 9999-12-31, text: 更正}",
        "正文。",
    );
    let r = site.build();
    assert_eq!(
        diags(&r),
        vec!["error content/end.md:4:1: correction 1 is dated in the future (9999-12-31T00:00:00+08:00)"]
    );
    let site = Site::new().page("end.md", "title: 日历尽头\ndate: 9999-12-31T23:00:00-05:00", "正文。");
    let mut req = site.request();
    req.options.future = true;
    let r = gazette::build(&req);
    assert!(r.diagnostics.is_empty(), "{}", r.diagnostics.render());
    let page = site.read("end/index.html");
    assert!(page.contains("datetime=\"9999-12-31T23:00:00-05:00\""), "{page}");
    assert!(!page.contains("datetime=\"\""));
    assert!(site.read("atom.xml").contains("<published>9999-12-31T23:00:00-05:00</published>"));
}

#[test]
fn control_characters_in_titles_and_bodies_are_dropped_with_a_located_warning() {
    let site = Site::new()
        .file("content/a.md", "---\ntitle: 标\u{7}题\u{1b}[31m\n---\n正文\u{85}一。\u{0}\n")
        .file("content/b.md", "---\ntitle: \"乙\\e[0m乙\"\nsummary: \"摘\\u0007要\"\n---\n正文二。\n");
    let r = site.build();
    assert_eq!(
        with_hints(&r),
        vec![
            "warning content/a.md:2:9: 4 control characters dropped (U+0000, U+0007, U+001B, U+0085) | they are \
             invisible, usually pasted from a PDF, a word processor or a terminal; delete them in the file to silence \
             this warning",
            "warning content/b.md:2:1: control characters dropped from `title` (U+001B) | they are invisible; YAML \
             escapes such as `\\e` or `\\u0007` write them: remove those from the value",
            "warning content/b.md:3:1: control characters dropped from `summary` (U+0007) | they are invisible; YAML \
             escapes such as `\\e` or `\\u0007` write them: remove those from the value",
        ]
    );
    // The warning quotes the line without the control characters.
    let first = r.diagnostics.sorted()[0].source_line.clone();
    assert_eq!(first.as_deref(), Some("title: 标题[31m"));
    assert_eq!(common::texts(&site.html("a/index.html"), "main h1"), vec!["标题[31m"]);
    assert_eq!(common::texts(&site.html("b/index.html"), "main h1"), vec!["乙[0m乙"]);
    for file in ["a/index.html", "b/index.html", "atom.xml", "search/entry.json"] {
        if site.exists(file) {
            let text = site.read(file);
            assert!(!text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')), "{file}");
        }
    }
}

#[test]
fn a_term_written_in_full_width_or_other_case_folds_into_the_first_spelling_with_a_warning() {
    let site = Site::new()
        .page("a.md", "title: 甲\ndate: 2024-05-20\ntags: [AI, 就业]", "正文。")
        .page("b.md", "title: 乙\ndate: 2024-05-21\ntags: [ＡＩ]", "正文。")
        .page("c.md", "title: 丙\ndate: 2024-05-22\ntags:\n  - 就业\n  - ai", "正文。")
        .page("d.md", "title: 丁\ndate: 2024-05-23\ntags: [ai]", "正文。");
    let r = site.build();
    assert_eq!(
        with_hints(&r),
        vec![
            "warning content/b.md:4:8: tags `AI` is also written `ＡＩ` and `ai`: they are one term, shown as `AI` | \
             `ＡＩ` in content/b.md:4:8; `ai` in content/c.md:6:5, content/d.md:4:8; write it one way everywhere"
        ]
    );
    assert!(site.exists("tags/ai/index.html"));
    assert!(!site.exists("tags/ａｉ/index.html"));
    let term = site.html("tags/ai/index.html");
    assert_eq!(common::texts(&term, "main h1"), vec!["标签 AI"]);
    let listed = site.read("tags/ai/index.html");
    assert!(["甲", "乙", "丙", "丁"].iter().all(|t| listed.contains(t)), "{listed}");
    // Every page names the term as first written.
    let b = site.html("b/index.html");
    assert!(common::texts(&b, "main a[href='/tags/ai/']").iter().all(|t| t == "AI"));
    assert!(!site.read("b/index.html").contains("ＡＩ"));
}

#[test]
fn a_missing_image_is_a_warning_at_the_line_that_names_it() {
    let site = Site::new()
        .bytes("static/images/logo.png", b"png")
        .bytes("content/news/ok.jpg", b"jpg")
        .bytes("content/news/b/cover.jpg", b"jpg")
        .page("news/_index.md", "title: 新闻", "![栏目图](banner.png)\n")
        .page(
            "news/a.md",
            "title: 甲\nimage: /images/missing.png",
            "![照片](photo.jpg) ![标志](/images/logo.png) ![好](ok.jpg)\n\n\
             ![远程](https://example.org/x.png) ![内嵌](data:image/png;base64,AAAA) ![锚](#x)\n\n\
             ```\n![代码里的](nothing.png)\n```\n",
        )
        .page("news/b/index.md", "title: 乙\nimage: cover.jpg", "正文\n\n![缺](missing.png)\n")
        .page("c.md", "title: 丙", "![上级](../../x.png)\n");
    let r = site.build();
    assert_eq!(
        with_hints(&r),
        vec![
            "warning content/c.md:4:1: image `../../x.png` points outside the site | a relative path starts from the \
             article's folder; write a site path such as `/images/x.png`",
            "warning content/news/_index.md:4:1: image `banner.png` not found: no file is published at \
             /news/banner.png | a relative path starts from the article's folder: put the file at \
             content/news/banner.png or static/news/banner.png",
            "warning content/news/a.md:3:8: image `/images/missing.png` not found: no file is published at \
             /images/missing.png | a path starting with `/` is looked up from the site root: put the file at \
             static/images/missing.png",
            "warning content/news/a.md:5:1: image `photo.jpg` not found: no file is published at /news/photo.jpg | \
             a relative path starts from the article's folder: put the file at content/news/photo.jpg or \
             static/news/photo.jpg",
            "warning content/news/b/index.md:7:1: image `missing.png` not found: no file is published at \
             /news/b/missing.png | a relative path starts from the bundle's folder: put the file at \
             content/news/b/missing.png",
        ]
    );
}

#[test]
fn a_file_name_that_is_not_utf8_is_a_warning_naming_the_lossy_path() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::new();
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.md");
    std::fs::write(site.path("content").join(name), "---\ntitle: 坏名字\n---\n正文。\n").expect("write");
    std::fs::create_dir_all(site.path("static")).expect("static");
    std::fs::write(site.path("static").join(std::ffi::OsStr::from_bytes(b"img\xfe.png")), b"png").expect("write");
    let r = site.build();
    assert_eq!(
        with_hints(&r),
        vec![
            "warning content/bad\u{FFFD}.md: the name `content/bad\u{FFFD}.md` is not valid UTF-8 (� marks the bytes \
             that are not); the file is used under that name | rename it in UTF-8 (`convmv -f GBK -t UTF-8 \
             --notest` renames names written in GBK)",
            "warning static/img\u{FFFD}.png: the name `static/img\u{FFFD}.png` is not valid UTF-8 (� marks the bytes \
             that are not); the file is used under that name | rename it in UTF-8 (`convmv -f GBK -t UTF-8 \
             --notest` renames names written in GBK)",
        ]
    );
    assert_eq!(common::texts(&site.html("bad/index.html"), "main h1"), vec!["坏名字"]);
    assert_eq!(std::fs::read(site.path("public/img\u{FFFD}.png")).expect("copied"), b"png");
}

#[test]
fn a_lead_image_the_check_finds_is_the_url_the_page_uses() {
    let site = Site::new()
        .file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/sub/\n")
        .bytes("static/img/a.png", b"png")
        .bytes("static/img/a b.png", b"png")
        .bytes("content/c/in.png", b"png")
        .page("a.md", "title: 甲\nimage: /sub/img/a.png", "正文。")
        .page("b.md", "title: 乙\nimage: /img/a%20b.png", "正文。")
        .page("c/index.md", "title: 丙\nimage: in.png?v=2#top", "正文。");
    let r = site.build();
    assert_eq!(diags(&r), Vec::<String>::new(), "every image is found");
    let og = |page: &str| common::attrs(&site.html(page), r#"meta[property="og:image"]"#, "content");
    assert_eq!(og("a/index.html"), vec!["https://example.org/sub/img/a.png"]);
    assert_eq!(og("b/index.html"), vec!["https://example.org/sub/img/a%20b.png"]);
    assert_eq!(og("c/index.html"), vec!["https://example.org/sub/c/in.png?v=2#top"]);
}

#[test]
fn an_image_under_a_chinese_base_path_written_encoded_is_found() {
    let site = Site::new()
        .file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/劳动/\n")
        .bytes("static/img/a.png", b"png")
        .page(
            "a.md",
            "title: 甲\nimage: /劳动/img/a.png",
            "![图](/%E5%8A%B3%E5%8A%A8/img/a.png) ![图](/劳动/img/a.png)\n",
        );
    let r = site.build();
    assert_eq!(diags(&r), Vec::<String>::new(), "the image is found");
    let doc = site.html("a/index.html");
    assert_eq!(common::attrs(&doc, "main p img", "src"), vec!["/%E5%8A%B3%E5%8A%A8/img/a.png"; 2]);
    let og = common::attrs(&doc, r#"meta[property="og:image"]"#, "content");
    assert_eq!(og, vec!["https://example.org/%E5%8A%B3%E5%8A%A8/img/a.png"]);
}

#[test]
fn control_characters_in_section_and_site_titles_are_dropped_with_a_located_warning() {
    let site = Site::new()
        .file("gazette.yaml", "title: \"测试\\a站\"\ndescription: \"简\\e介\"\nbase_url: https://example.org/\n")
        .file("content/news/_index.md", "---\ntitle: \"新\\e闻\"\ndescription: \"栏目\\u0007简介\"\n---\n")
        .page("news/a.md", "title: 甲\ndate: 2024-05-20", "正文。");
    let r = site.build();
    let hint = "they are invisible; YAML escapes such as `\\e` or `\\u0007` write them: remove those from the value";
    assert_eq!(
        with_hints(&r),
        vec![
            format!("warning content/news/_index.md:2:1: control characters dropped from `title` (U+001B) | {hint}"),
            format!(
                "warning content/news/_index.md:3:1: control characters dropped from `description` (U+0007) | {hint}"
            ),
            format!("warning gazette.yaml:1:8: control characters dropped from `title` (U+0007) | {hint}"),
            format!("warning gazette.yaml:2:14: control characters dropped from `description` (U+001B) | {hint}"),
        ]
    );
    assert_eq!(common::texts(&site.html("news/index.html"), "main h1"), vec!["新闻"]);
    for file in ["index.html", "news/index.html", "news/a/index.html", "atom.xml", "news/atom.xml"] {
        let text = site.read(file);
        assert!(!text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')), "{file}");
    }
}

#[test]
fn terminal_controls_and_bidi_overrides_in_messages_are_printed_as_escapes() {
    let site = Site::new()
        .file("content/a.md", "---\ntitle: 甲\n\"ti\\e[2Jtle\": x\n---\n正文。\n")
        .file("content/b.md", "---\ntitle: 乙\n---\n见[链接](@/\u{202E}dm.txt.md)。\n");
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1);
    assert!(!r.stderr.chars().any(|c| c == '\u{1b}' || c == '\u{202E}'), "{}", r.stderr);
    assert!(r.stderr.contains("error: unknown field `ti\\u{1b}[2Jtle`\n"), "{}", r.stderr);
    let link = "error: broken internal link `@/\\u{202e}dm.txt.md`: content/\\u{202e}dm.txt.md does not exist\n \
                --> content/b.md:4:2\n  |\n4 | 见[链接](@/\\u{202e}dm.txt.md)。\n  |   ^\n";
    assert!(r.stderr.contains(link), "{}", r.stderr);
}
