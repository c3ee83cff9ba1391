//! No script from content: heading attributes, link and image destinations and the
//! front-matter `image` are allowed or dropped with located warnings, and the pages, feeds
//! and JSON-LD carry nothing that could run. `tests/browser/xss.test.mjs` loads the same
//! vectors in chromium.

mod common;

use common::{Site, attrs, diags};
use scraper::{Html, Selector};

const FILE: &str = "content/news/2024-05-20-a.md";

/// A site with a `news` section and one article `news/2024-05-20-a.md`.
fn site(front: &str, body: &str) -> Site {
    let front = if front.is_empty() { "title: 甲".to_string() } else { format!("title: 甲\n{front}") };
    Site::new().page("news/_index.md", "title: 新闻\nsort_by: date", "").page("news/2024-05-20-a.md", &front, body)
}

fn unsafe_site(front: &str, body: &str) -> Site {
    site(front, body)
        .file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\nmarkdown: {unsafe_html: true}\n")
}

/// Every attribute (element, name, value) of every element in the article body, in
/// document order and by name within an element.
fn body_attrs(doc: &Html) -> Vec<(String, String, String)> {
    let sel = Selector::parse("main article .content *").expect("selector");
    doc.select(&sel)
        .flat_map(|e| {
            let mut all: Vec<(String, String, String)> =
                e.value().attrs().map(|(k, v)| (e.value().name().to_string(), k.to_string(), v.to_string())).collect();
            all.sort();
            all
        })
        .collect()
}

fn hints(site: &Site) -> Vec<String> {
    site.build().diagnostics.sorted().iter().map(|d| d.hint.clone().unwrap_or_default()).collect()
}

const SAFE_HINT: &str = "a heading takes only `{#id .class}`; other attributes (event handlers, styles, URLs) \
                         could run scripts in readers' browsers";

#[test]
fn heading_attributes_other_than_id_and_class_are_dropped_with_a_located_warning() {
    let body = "\n## 标题 {onfocus=alert(1) autofocus=true}\n\n正文。\n\n\
                ### 小节 {#x .wide style=color:red ONCLICK=alert(2) href=javascript:alert(3) x/onmouseover=alert(4)}\n";
    let s = site("", body);
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            format!("warning {FILE}:5:1: heading attributes `onfocus`, `autofocus` dropped"),
            format!("warning {FILE}:9:1: heading attributes `style`, `ONCLICK`, `href`, `x/onmouseover` dropped"),
        ]
    );
    assert_eq!(hints(&s), vec![SAFE_HINT, SAFE_HINT]);
    let doc = s.html("news/a/index.html");
    assert_eq!(
        body_attrs(&doc),
        vec![
            ("h2".into(), "id".into(), "标题".into()),
            ("h3".into(), "class".into(), "wide".into()),
            ("h3".into(), "id".into(), "x".into()),
        ]
    );
    // The feed carries the same body: no attribute there either.
    let atom = s.read("atom.xml");
    assert!(atom.contains("&lt;h3 id=&quot;x&quot; class=&quot;wide&quot;&gt;"), "{atom}");
    for bad in ["onfocus", "autofocus", "style", "onclick", "javascript", "onmouseover"] {
        assert!(!atom.to_lowercase().contains(bad), "{bad} in {atom}");
    }
}

#[test]
fn heading_id_and_class_cannot_leave_their_attribute() {
    let s = site("", "## 标题 {#a\"onmouseover=alert(1) .b\"/onclick='alert(2)'}\n\n## 乙 {#x'/onclick=alert(3)}\n");
    s.build_clean();
    let doc = s.html("news/a/index.html");
    assert_eq!(
        body_attrs(&doc),
        vec![
            ("h2".into(), "class".into(), "b\"/onclick='alert(2)'".into()),
            ("h2".into(), "id".into(), "a\"onmouseover=alert(1)".into()),
            ("h2".into(), "id".into(), "x'/onclick=alert(3)".into()),
        ]
    );
}

#[test]
fn heading_attributes_with_unsafe_html_still_refuse_handlers_styles_and_urls() {
    let s =
        unsafe_site("", "## 标题 {lang=en data-n=1 aria-label=x onfocus=alert(1) style=x src=x data-a/onclick=y}\n");
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![format!("warning {FILE}:4:1: heading attributes `onfocus`, `style`, `src`, `data-a/onclick` dropped")]
    );
    assert_eq!(
        hints(&s),
        vec![
            "a heading takes `{#id .class}`, and with unsafe_html also lang, dir, title, translate, role, aria-* and \
             data-*; event handlers, styles and URLs could run scripts in readers' browsers (write the heading as \
             raw HTML if you must)"
        ]
    );
    let doc = s.html("news/a/index.html");
    let names: Vec<String> = body_attrs(&doc).into_iter().map(|(_, k, v)| format!("{k}={v}")).collect();
    assert_eq!(names, vec!["aria-label=x", "data-n=1", "id=标题", "lang=en"]);
}

#[test]
fn data_urls_are_removed_from_links_and_from_images_unless_raster() {
    let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    let body = format!(
        "[a](data:text/html,<script>alert(1)</script>) ![b]({png})\n\
         ![c](data:image/svg+xml,%3Csvg%20onload=alert(2)%3E) ![d]( DATA:text/html;base64,PHNjcmlwdD4=)\n\
         [e](<data:image/png;base64,AAAA>) ![f](data:,x)\n"
    );
    let s = site("", &body);
    let r = s.build();
    let only = "data: URL removed from image: only PNG, JPEG, GIF or WebP data may be inlined, not";
    assert_eq!(
        diags(&r),
        vec![
            format!("warning {FILE}:4:1: data: URL removed from link"),
            format!("warning {FILE}:5:1: {only} `image/svg+xml`"),
            format!("warning {FILE}:5:54: {only} `text/html`"),
            format!("warning {FILE}:6:1: data: URL removed from link"),
            format!("warning {FILE}:6:35: {only} `text/plain`"),
        ]
    );
    let doc = s.html("news/a/index.html");
    assert_eq!(attrs(&doc, "main article .content img", "src"), vec![png.to_string()]);
    assert_eq!(attrs(&doc, "main article .content a", "href"), Vec::<String>::new());
}

#[test]
fn lead_image_with_another_scheme_than_http_is_ignored_with_a_warning() {
    let s = site("date: 2024-05-20\nimage: javascript:alert(1)\nimage_alt: 图", "正文。\n").page(
        "news/2024-05-21-b.md",
        "title: 乙\nimage: 'data:image/svg+xml,<svg onload=alert(1)>'",
        "正文。\n",
    );
    let r = s.build();
    assert_eq!(
        diags(&r),
        vec![
            format!("warning {FILE}:4:1: `image` ignored: `javascript:alert(1)` is not a path or an http(s) address"),
            "warning content/news/2024-05-21-b.md:3:1: `image` ignored: `data:image/svg+xml,<svg onload=alert(1)>` is \
             not a path or an http(s) address"
                .to_string(),
        ]
    );
    for page in ["news/a/index.html", "news/b/index.html", "news/index.html", "index.html"] {
        let html = s.read(page);
        assert!(!html.contains("javascript:") && !html.contains("data:image"), "{page}: {html}");
    }
    let doc = s.html("news/a/index.html");
    assert_eq!(attrs(&doc, r#"meta[property="og:image"]"#, "content"), Vec::<String>::new());
    // An http(s) address and a path are still used.
    let ok = site("image: https://cdn.example.org/a.jpg", "正文。\n");
    ok.build_clean();
    let doc = ok.html("news/a/index.html");
    assert_eq!(attrs(&doc, "main article figure img", "src"), vec!["https://cdn.example.org/a.jpg"]);
}

#[test]
fn feed_text_drops_characters_xml_forbids() {
    let s = site("date: 2024-05-20\nsummary: \"摘要\\uFFFE\\uFFFF完\"", "正文。\n");
    s.build_clean();
    let atom = s.read("atom.xml");
    assert!(atom.contains("<summary type=\"html\">&lt;p&gt;摘要完&lt;/p&gt;</summary>"), "{atom}");
}

/// Every element with attributes in `html` (a fragment), as `element[name=value …]`.
fn elements_with_attrs(html: &str) -> Vec<String> {
    let doc = Html::parse_fragment(html);
    let sel = Selector::parse("*").expect("selector");
    doc.select(&sel)
        .filter(|e| e.value().attrs().next().is_some())
        .map(|e| {
            let attrs: Vec<String> = e.value().attrs().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{}[{}]", e.value().name(), attrs.join(" "))
        })
        .collect()
}

/// The HTML inside the first `<content>` of an Atom feed, unescaped.
fn feed_content(atom: &str) -> String {
    let start = atom.find("<content").and_then(|i| atom[i..].find('>').map(|j| i + j + 1)).expect("a <content>");
    let end = start + atom[start..].find("</content>").expect("</content>");
    atom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Article text keeps its quotes unescaped (`甲 href="x/y`); the print view and the feeds,
/// which rewrite `href`, `src` and `id`, once took such text for an attribute. Cleaning that
/// "URL" dropped a `..` segment, with it the `>` of the `<hr />` that followed, and the next
/// paragraph became attributes of the rule: `onfocus` with `autofocus` ran on load.
#[test]
fn text_that_reads_like_an_attribute_stays_text_in_print_views_and_feeds() {
    let body = "\n甲 href=\"x/y\n\n---\n\n/../ tabindex=0 autofocus onfocus=alert(1) x=\"1\" [乙](/kb/) [注](#z)\n";
    let s = site("date: 2024-05-20\nissue: 12", body);
    s.build_clean();
    let texts = ["甲 href=\"x/y", "/../ tabindex=0 autofocus onfocus=alert(1) x=\"1\" 乙 注"];
    let print = s.html("issues/12/print/index.html");
    assert_eq!(common::texts(&print, "main article .content p"), texts);
    assert_eq!(
        elements_with_attrs(&common::inner(&print, "main article .content")),
        ["a[href=https://example.org/kb/]", "a[href=#a1-z]"]
    );
    let content = feed_content(&s.read("atom.xml"));
    assert_eq!(
        elements_with_attrs(&content),
        ["a[href=https://example.org/kb/]", "a[href=https://example.org/news/a/#z]"],
        "{content}"
    );
    let doc = Html::parse_fragment(&content);
    assert_eq!(common::texts(&doc, "p"), texts);
}

/// A bundle's SVG with an `onload`, an HTML page and a script beside an article would run on
/// the site's own address when opened; a plain chart SVG is published as before.
#[test]
fn content_files_that_would_run_script_are_withheld_with_a_warning() {
    let bundle = "content/news/2024-05-22-c";
    let s = Site::new()
        .page("news/_index.md", "title: 新闻", "")
        .page("news/2024-05-22-c/index.md", "title: 图表", "![图表](chart.svg)\n")
        .file(&format!("{bundle}/chart.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\"/></svg>")
        .file(&format!("{bundle}/evil.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>")
        .file(&format!("{bundle}/page.html"), "<script>alert(1)</script>")
        .file("content/news/tool.js", "alert(1)");
    let r = s.build();
    let why_svg = "this .svg file contains `onload=`, which runs script when the file is opened";
    let why = |ext: &str| format!("a .{ext} file runs as a page or script on the site's own address");
    assert_eq!(
        diags(&r),
        vec![
            format!("warning {bundle}/evil.svg: content/news/2024-05-22-c/evil.svg is not published: {why_svg}"),
            format!(
                "warning {bundle}/page.html: content/news/2024-05-22-c/page.html is not published: {}",
                why("html")
            ),
            format!("warning content/news/tool.js: content/news/tool.js is not published: {}", why("js")),
        ]
    );
    assert!(s.path("public/news/c/chart.svg").is_file());
    for gone in ["public/news/c/evil.svg", "public/news/c/page.html", "public/news/tool.js"] {
        assert!(!s.path(gone).exists(), "{gone} was published");
    }
    // A site that trusts its authors publishes them as they are.
    let trusted =
        s.file("gazette.yaml", "title: 测试站\nbase_url: https://example.org/\nmarkdown: {unsafe_html: true}\n");
    assert_eq!(diags(&trusted.build()), Vec::<String>::new());
    assert!(trusted.path("public/news/c/evil.svg").is_file());
}
