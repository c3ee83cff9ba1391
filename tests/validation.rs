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
