//! Standard Markdown comes out of a build exactly as pulldown-cmark renders it.
//!
//! Gazette rewrites the event stream between parsing and HTML (heading ids, internal links,
//! raw HTML, CJK line breaks); none of that may change anything else. Each snippet below is
//! built as a bundle page (so relative links stay as written) and its article body compared,
//! byte for byte, with `pulldown_cmark::html::push_html` over the same options. The only
//! difference allowed here is a documented one: HTML comments are dropped. Snippets avoid
//! the other documented differences (headings, raw HTML, links to other pages, line breaks
//! between Chinese characters, task lists) — their own tests live in tests/markdown.rs.

mod common;

use common::{Site, raw_content};
use pulldown_cmark::{Options, Parser};

/// Options `markdown::render` parses with (`smart_punctuation` is off by default).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// (name, Markdown) — names only make failures readable.
const SNIPPETS: &[(&str, &str)] = &[
    ("emphasis", "*em* **strong** ***both*** _u_ __uu__\n"),
    ("intraword emphasis", "a*b*c foo__bar__ *a **b** c*\n"),
    ("strikethrough", "~~删去~~ and ~single~\n"),
    ("code spans", "`code` ``a ` b`` `<b>&amp;`\n"),
    ("hard breaks", "line  \nnext\\\nthird\n"),
    ("latin soft break", "one\ntwo\n"),
    ("curly quotes across lines", "“yes”\n“no”, wait…\nwhat — ‘so’\n‘be it’\n"),
    ("backslash escapes", "\\*not em\\* \\_ \\# \\[x\\] \\\\ \\<b\\>\n"),
    ("entities", "&copy; &amp; &#x4E2D; &#20013; &nbsp;x &bogus; &lt;!-- x --&gt;\n"),
    ("html-special text", "a < b > c & d \"q\" 'a'\n"),
    ("tight list", "- a\n- b\n  - c\n"),
    ("ordered list", "3. x\n4. y\n"),
    ("loose list", "- a\n\n- b\n"),
    ("nested quotes", "> a\n>> b\n"),
    ("fenced code", "```rust\nfn main() {}\n<b>&amp;</b>\n\n<!-- kept -->\n```\n"),
    ("indented code", "    x < y\n"),
    ("thematic break", "a\n\n***\n\nb\n"),
    ("aligned table", "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n"),
    ("table with inline markup", "| 工种 | 说明 |\n|---|---|\n| *焊工* | `code` \\| 竖线 |\n"),
    ("footnotes", "Text[^1] and[^n].\n\n[^1]: One.\n[^n]: Two *em*.\n"),
    ("url autolink", "<https://example.com/a?b=1&c=2>\n"),
    ("email autolink", "<news@example.org>\n"),
    ("link with title", "[a](https://example.com/x \"标题 \\\"q\\\"\")\n"),
    ("link with query and fragment", "[b](https://example.com/s?q=中文&x=1#frag)\n"),
    ("link with percent escapes", "[c](https://example.com/a%20b/%E4%B8%AD)\n"),
    ("relative links", "[d](report.pdf?page=2) [e](foo%20b&auml;) [f](<a b.pdf> 'T') [g](?tab=2)\n"),
    ("reference links", "[g][ref] [ref] [H][]\n\n[ref]: https://example.com/r?x=1 \"Ref\"\n[h]: /about/\n"),
    ("external image", "![alt *x*](https://example.com/i.png \"t\")\n"),
    ("fragment links", "[top](#top) [中](#中文) [e](#a%20b)\n"),
    ("mailto", "[m](mailto:a@b.cn?subject=hi)\n"),
    ("entity in destination", "[q](https://example.com/?a=1&amp;b=2)\n"),
    ("link in emphasis", "**[x](https://example.com/)** _[y](https://example.com/y)_\n"),
    ("chinese without breaks", "全国总工会发布通知，要求各地做好“六一”活动。\n"),
    ("inline comments", "a <!-- x --> b <!-- y\nz --> c<!---->d\n"),
    ("block comments", "<!-- note -->\n\npara\n\n<!--\nmulti\nline\n-->\n\nend\n"),
    ("text after a comment", "<!-- 注 -->*bar* &amp; baz\n\nnext\n"),
    ("comment inside a list", "- a\n\n  <!-- c\n  d -->\n- b\n"),
    ("comment inside a quote", "> a\n>\n> <!-- c\n> d -->\n>\n> b\n"),
];

/// `html` without its comments, by CommonMark's rule for where one ends; a comment that
/// filled its line takes the line break with it.
fn without_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        let c = &rest[i..];
        let len = if c.starts_with("<!-->") {
            5
        } else if c.starts_with("<!--->") {
            6
        } else {
            c[4..].find("-->").map_or(c.len(), |p| p + 7)
        };
        rest = &c[len..];
        if (out.is_empty() || out.ends_with('\n')) && rest.starts_with('\n') {
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn standard_markdown_renders_as_pulldown_cmark_renders_it() {
    let mut site = Site::new().page("news/_index.md", "title: 新闻\nsort_by: date", "");
    for (i, (_, md)) in SNIPPETS.iter().enumerate() {
        site = site.page(&format!("news/2024-05-01-p{i:02}/index.md"), &format!("title: 例{i}"), md);
    }
    // Files the relative links point at, so only rendering is compared.
    let bundle = SNIPPETS.iter().position(|(n, _)| *n == "relative links").expect("snippet");
    for file in ["report.pdf", "foo bä", "a b.pdf"] {
        site = site.file(&format!("content/news/2024-05-01-p{bundle:02}/{file}"), "x");
    }
    let report = site.build();
    let mut differ = Vec::new();
    for (i, (name, md)) in SNIPPETS.iter().enumerate() {
        let mut expected = String::new();
        pulldown_cmark::html::push_html(&mut expected, Parser::new_ext(md, options()));
        let expected = without_comments(&expected).trim().to_string();
        let built = raw_content(&site.read(&format!("news/p{i:02}/index.html")));
        if built != expected {
            differ.push(format!("{name}:\n  built:    {built:?}\n  expected: {expected:?}"));
        }
    }
    assert!(differ.is_empty(), "{} of {} snippets differ:\n{}", differ.len(), SNIPPETS.len(), differ.join("\n"));
    assert_eq!(common::diags(&report), Vec::<String>::new(), "standard Markdown builds without warnings");
}

#[test]
fn the_comment_normaliser_removes_comments_only() {
    assert_eq!(without_comments("<!-- a -->\n<p>x <!-- b\nc --> y<!---->z<!-->w</p>\n"), "<p>x  yzw</p>\n");
    assert_eq!(
        without_comments("<pre><code>&lt;!-- kept --&gt;\n</code></pre>"),
        "<pre><code>&lt;!-- kept --&gt;\n</code></pre>"
    );
}
