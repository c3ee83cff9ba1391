//! Patching body-only edits into the last build (`gazette serve`): a patch must give exactly
//! the files a full build of the same tree gives, touch only what shows the edited body, and
//! refuse every edit it cannot patch so the full build runs instead.

mod common;

use gazette::cache::BuildCache;
use gazette::output::Output;
use gazette::patch::{self, Last};
use gazette::{Request, generate};
use std::path::PathBuf;
use std::sync::Arc;

const CONFIG: &str = "title: 测试站\nbase_url: https://example.org/\npaginate_by: 3\n";

fn article(title: &str, date: &str, tags: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\n{body}\n")
}

/// Two sections, shared tags, pagination, a draft and a page scheduled after "now".
fn site() -> common::Site {
    let mut site = common::Site::empty()
        .file("gazette.yaml", CONFIG)
        .file("content/_index.md", "---\ntitle: 首页\n---\n")
        .file("content/news/_index.md", "---\ntitle: 新闻\n---\n")
        .file("content/kb/_index.md", "---\ntitle: 知识库\n---\n");
    for n in 1..=8 {
        let tags = if n % 2 == 0 { "工会, 就业" } else { "工会" };
        let body = format!("第{n}篇的导语，户外劳动者服务站点开放。\n\n<!-- more -->\n\n第{n}篇的正文。");
        site = site.file(
            &format!("content/news/2024-05-{:02}-a{n}.md", n + 10),
            &article(&format!("新闻{n}"), &format!("2024-05-{:02}", n + 10), tags, &body),
        );
    }
    site.file(
        "content/kb/hotline.md",
        &article("12351热线", "2024-04-01", "工会", "职工服务热线。见[新闻](@/news/2024-05-11-a1.md)。"),
    )
    .file(
        "content/news/2024/2024-05-02-deeper.md",
        &article("文件夹里的", "2024-05-02", "工会", "没有 _index.md 的文件夹。"),
    )
    .file(
        "content/misc/2024-05-03-moved.md",
        "---\ntitle: 指定栏目\ndate: 2024-05-03\nsection: kb\n---\n用 section 指定栏目。\n",
    )
    .file("content/news/2024-05-30-draft.md", "---\ntitle: 草稿\ndate: 2024-05-30\ndraft: true\n---\n草稿正文。\n")
}

fn request(site: &common::Site) -> Request {
    let mut r = site.request();
    r.options.drafts = true;
    r
}

/// What `gazette serve` keeps between builds: the last build's state and the cache.
struct Served {
    last: Last,
    cache: Arc<BuildCache>,
}

/// A first build the way `gazette serve` makes it: with a cache, keeping its state.
fn first_build(site: &common::Site) -> (Served, Output) {
    let mut r = request(site);
    let cache = Arc::new(BuildCache::default());
    r.cache = Some(cache.clone());
    let mut report = generate(&r);
    assert!(report.diagnostics.is_empty(), "{}", report.diagnostics.render());
    (Served { last: report.last.take().expect("a serve build keeps its state"), cache }, report.output)
}

fn try_patch(site: &common::Site, s: &mut Served, out: &Output, changed: &[&str]) -> Option<patch::Patched> {
    let paths: Vec<PathBuf> = changed.iter().map(|rel| site.path(rel)).collect();
    patch::patch(&mut s.last, site.root(), &request(site).options, Some(&s.cache), &paths, out)
}

/// Every file of `out` equals the same file of a fresh full build, and no file is missing.
fn assert_same_as_full_build(site: &common::Site, out: &Output) {
    let fresh = generate(&request(site));
    assert!(fresh.diagnostics.is_empty(), "{}", fresh.diagnostics.render());
    let paths: Vec<&String> = out.files.keys().collect();
    assert_eq!(paths, fresh.output.files.keys().collect::<Vec<_>>(), "same files");
    for path in paths {
        let (a, b) = (bytes(out, path), bytes(&fresh.output, path));
        assert!(a == b, "{path} differs from a full build:\n{}", String::from_utf8_lossy(&a));
    }
}

fn bytes(out: &Output, path: &str) -> Vec<u8> {
    out.read(path).expect("listed").expect("readable")
}

/// Output paths of the pages whose related articles differ from `before`, in page order (the
/// order a patch renders them in). Related articles are scored from every body's text, so
/// even an edit no list shows can reorder them.
fn related_moved(before: &[Vec<usize>], last: &Last) -> Vec<String> {
    let site = &last.site;
    (0..site.pages.len())
        .filter(|i| site.related[*i] != before[*i])
        .map(|i| format!("{}index.html", site.pages[i].path))
        .collect()
}

fn edit(site: &common::Site, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.path(rel)).expect("read");
    assert!(text.contains(from), "{rel} has {from}");
    std::fs::write(site.path(rel), text.replace(from, to)).expect("write");
}

/// Edits article a3 below its summary (same length, so its list view stays) and patches it;
/// returns the patch, the HTML files it wrote, and the ones expected besides an edition's:
/// the article and the pages whose related articles moved.
fn patch_below_summary(
    site: &common::Site,
    last: &mut Served,
    out: &Output,
) -> (patch::Patched, Vec<String>, Vec<String>) {
    edit(site, "content/news/2024-05-13-a3.md", "第3篇的正文。", "第3篇的全文。");
    let before = last.last.site.related.clone();
    let p = try_patch(site, last, out, &["content/news/2024-05-13-a3.md"]).expect("patched");
    let html = p.files.iter().filter(|f| !f.ends_with("atom.xml")).cloned().collect();
    let mut expected = vec!["news/a3/index.html".to_string()];
    expected.extend(related_moved(&before, &last.last));
    (p, html, expected)
}

#[test]
fn an_edit_that_lists_do_not_show_renders_the_page_and_its_feeds_only() {
    let site = site();
    let (mut last, out) = first_build(&site);
    // Below the summary, and the same number of characters: the list view is unchanged.
    let (p, html, expected) = patch_below_summary(&site, &mut last, &out);
    assert_eq!(html, expected, "the lists show the same summary");
    assert!(p.files.contains(&"atom.xml".to_string()) && p.files.contains(&"news/atom.xml".to_string()));
    assert!(String::from_utf8_lossy(&bytes(&p.output, "news/a3/index.html")).contains("第3篇的全文"));
    assert_same_as_full_build(&site, &p.output);

    // Patches chain: the next edit starts from the patched state.
    edit(&site, "content/news/2024-05-13-a3.md", "第3篇的全文", "第3篇的全文，加了一句：新闻");
    let p2 = try_patch(&site, &mut last, &p.output, &["content/news/2024-05-13-a3.md"]).expect("patched again");
    assert_same_as_full_build(&site, &p2.output);
}

#[test]
fn a_new_summary_renders_every_list_that_shows_it() {
    let site = site();
    let (mut last, out) = first_build(&site);
    edit(&site, "content/news/2024-05-14-a4.md", "第4篇的导语", "第4篇改过的导语");
    let p = try_patch(&site, &mut last, &out, &["content/news/2024-05-14-a4.md"]).expect("patched");
    for listed in ["index.html", "news/page/2/index.html", "tags/就业/index.html", "archives/2024/05/index.html"] {
        assert!(p.files.iter().any(|f| f == listed), "{listed} shows the summary: {:?}", p.files);
    }
    // Pages linking to it as previous/next or related show its view too.
    assert!(p.files.len() > 6, "{:?}", p.files);
    assert_same_as_full_build(&site, &p.output);
}

#[test]
fn several_bodies_in_one_change_are_patched_together() {
    let site = site();
    let (mut last, out) = first_build(&site);
    edit(&site, "content/news/2024-05-11-a1.md", "第1篇的导语", "第1篇新的导语");
    edit(&site, "content/kb/hotline.md", "职工服务热线。", "职工服务热线，全天接听。");
    let changed = ["content/news/2024-05-11-a1.md", "content/kb/hotline.md", "content/news/2024-05-11-a1.md"];
    let p = try_patch(&site, &mut last, &out, &changed).expect("patched");
    assert_eq!(p.pages.len(), 2);
    assert_same_as_full_build(&site, &p.output);
}

#[test]
fn pages_whose_section_is_not_their_folder_are_patched_too() {
    let site = site();
    let (mut last, out) = first_build(&site);
    edit(
        &site,
        "content/news/2024/2024-05-02-deeper.md",
        "没有 _index.md 的文件夹。",
        "改过：没有 _index.md 的文件夹。",
    );
    let p = try_patch(&site, &mut last, &out, &["content/news/2024/2024-05-02-deeper.md"])
        .expect("a folder without _index.md");
    assert_same_as_full_build(&site, &p.output);
    edit(&site, "content/misc/2024-05-03-moved.md", "用 section 指定栏目。", "改过：用 section 指定栏目。");
    let p = try_patch(&site, &mut last, &p.output, &["content/misc/2024-05-03-moved.md"]).expect("`section:`");
    assert_same_as_full_build(&site, &p.output);
}

#[test]
fn edits_beyond_the_body_are_left_to_a_full_build() {
    let cases: [(&str, &str, &str); 6] = [
        ("content/news/2024-05-12-a2.md", "title: 新闻2", "title: 新闻二"),
        ("content/news/2024-05-12-a2.md", "tags: [工会, 就业]", "tags: [工会]"),
        ("content/news/2024-05-12-a2.md", "第2篇的正文。", "见[不存在](@/news/nope.md)。"),
        ("content/news/2024-05-12-a2.md", "---\ntitle", "---\ntitle: [\ntitle"),
        ("content/news/2024-05-30-draft.md", "draft: true", "draft: false"),
        ("content/news/_index.md", "title: 新闻", "title: 新闻频道"),
    ];
    for (rel, from, to) in cases {
        let site = site();
        let (mut last, out) = first_build(&site);
        edit(&site, rel, from, to);
        assert!(try_patch(&site, &mut last, &out, &[rel]).is_none(), "{rel}: {from} → {to} needs a full build");
    }
    let site = site();
    let (mut last, out) = first_build(&site);
    std::fs::remove_file(site.path("content/news/2024-05-12-a2.md")).expect("remove");
    assert!(try_patch(&site, &mut last, &out, &["content/news/2024-05-12-a2.md"]).is_none(), "deleted");
    let site = site.file("content/news/2024-05-31-new.md", &article("新文章", "2024-05-31", "工会", "新的。"));
    assert!(try_patch(&site, &mut last, &out, &["content/news/2024-05-31-new.md"]).is_none(), "created");
    assert!(try_patch(&site, &mut last, &out, &["gazette.yaml"]).is_none(), "config");
    assert!(try_patch(&site, &mut last, &out, &[""]).is_none(), "a rescan of the root");
}

#[test]
fn a_publish_date_passing_since_the_last_build_needs_a_full_build() {
    // Scheduled for a day after the tests' "now"; shown with --future, marked scheduled.
    let site = site().file("content/news/2026-06-02-later.md", &article("预告", "2026-06-02", "工会", "明天发布。"));
    let mut r = request(&site);
    r.options.future = true;
    r.cache = Some(Arc::new(BuildCache::default()));
    let mut report = generate(&r);
    let mut last = report.last.take().expect("kept");
    assert_eq!(last.site.next_due.as_ref().map(|d| d.at), Some(time::macros::datetime!(2026-06-02 00:00 +08:00)));
    edit(&site, "content/news/2024-05-11-a1.md", "第1篇的正文。", "改。");
    let changed = [site.path("content/news/2024-05-11-a1.md")];
    let mut later = r.options.clone();
    later.now += time::Duration::days(2);
    assert!(patch::patch(&mut last, site.root(), &later, None, &changed, &report.output).is_none());
    assert!(patch::patch(&mut last, site.root(), &r.options, None, &changed, &report.output).is_some());
}

/// Exported search files, sorted by path.
fn search_files(files: gazette::search::export::Files) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = files.into_iter().map(|(p, b)| (p, b.to_vec())).collect();
    v.sort();
    v
}

/// A fresh index and export of `site`'s documents, in a new folder.
fn fresh_export(site: &gazette::model::Site) -> Vec<(String, Vec<u8>)> {
    use gazette::search::{export, index};
    let dir = tempfile::tempdir().expect("temp dir");
    let docs = index::documents(site);
    index::write(&dir.path().join("index"), &docs).expect("index");
    search_files(export::export(&dir.path().join("index"), &docs).expect("export"))
}

#[test]
fn the_search_index_updated_in_place_equals_a_fresh_one() {
    use gazette::search::{export, index, live::Live};
    let site = site();
    let (mut last, out) = first_build(&site);
    let dir = site.path(".gazette/index-serve");
    let docs = index::documents(&last.last.site);
    index::write(&dir, &docs).expect("index");
    let (files, state) = export::export_state(&dir, &docs).expect("export");
    assert_eq!(search_files(files), fresh_export(&last.last.site));
    let mut live = Live::open(&dir, docs, state).expect("open");

    // New words (and a Han character no other article has), words gone from the whole site,
    // a longer body, then a second edit of the same article and one of another; last, Han
    // runs next to digits (boundary unigrams count in the field lengths) and Traditional text.
    let rel = "content/news/2024-05-15-a5.md";
    let edits = [
        (rel, "户外劳动者服务站点开放。", "新增鼹鼠一词，another word 2031。"),
        (rel, "第5篇的正文。", "第5篇的正文，写得更长一些：职工、工匠、技能培训、安全生产。"),
        ("content/kb/hotline.md", "职工服务热线。", "热线。"),
        ("content/kb/hotline.md", "热线。", "拨打12351热线，2024年起勞動者3人一组咨询。"),
    ];
    let mut out = out;
    for (rel, from, to) in edits {
        edit(&site, rel, from, to);
        let p = try_patch(&site, &mut last, &out, &[rel]).expect("patched");
        let files = live.update(&last.last.site).expect("bodies only").expect("updated");
        assert_eq!(search_files(files), fresh_export(&last.last.site), "after editing {rel}");
        out = p.output;
    }
    // A changed title is more than a body: the caller exports from scratch.
    edit(&site, rel, "title: 新闻5", "title: 新闻五");
    let (fresh, _) = first_build(&site);
    assert!(live.update(&fresh.last.site).is_none());
}

#[test]
fn an_edit_that_changes_a_body_s_link_targets_is_a_full_build_that_updates_backlinks() {
    let site = site();
    let (mut last, out) = first_build(&site);
    let rel = "content/news/2024-05-13-a3.md";
    // A wikilink to the hotline adds a backlink on the hotline's page: not a body-only edit.
    edit(&site, rel, "第3篇的正文。", "第3篇的正文，见[[12351热线]]。");
    assert!(try_patch(&site, &mut last, &out, &[rel]).is_none(), "new link target");
    let (mut last, out) = first_build(&site);
    let hotline = String::from_utf8_lossy(&bytes(&out, "kb/hotline/index.html")).into_owned();
    assert!(hotline.contains(r#"<li><a href="/news/a3/">新闻3</a>"#), "{hotline}");
    assert_same_as_full_build(&site, &out);

    // The same target written another way is still a body-only edit, and patches.
    edit(&site, rel, "见[[12351热线]]", "见[[kb/hotline|热线]]");
    let p = try_patch(&site, &mut last, &out, &[rel]).expect("same targets");
    assert_same_as_full_build(&site, &p.output);

    // Removing the link takes the backlink away again, through a full build.
    edit(&site, rel, "见[[kb/hotline|热线]]", "不再链接");
    assert!(try_patch(&site, &mut last, &p.output, &[rel]).is_none(), "target gone");
}

/// `site()` with articles 3 and 4 in edition 7 (3 on 第1版, 4 on 第2版).
fn edition_site() -> common::Site {
    let body = |n: u32| format!("第{n}篇的导语，户外劳动者服务站点开放。\n\n<!-- more -->\n\n第{n}篇的正文。");
    site()
        .file(
            "content/news/2024-05-13-a3.md",
            &format!("---\ntitle: 新闻3\ndate: 2024-05-13\ntags: [工会]\nissue: 7\npage: 1\n---\n{}\n", body(3)),
        )
        .file(
            "content/news/2024-05-14-a4.md",
            &format!("---\ntitle: 新闻4\ndate: 2024-05-14\ntags: [工会, 就业]\nissue: 7\npage: 2\n---\n{}\n", body(4)),
        )
}

#[test]
fn a_body_edit_of_an_article_in_an_edition_renders_its_print_view_again() {
    let site = edition_site();
    let (mut last, out) = first_build(&site);
    // Below the summary: no list shows it, but the print view holds the whole body.
    let (p, html, mut expected) = patch_below_summary(&site, &mut last, &out);
    expected.push("issues/7/print/index.html".into());
    assert_eq!(html, expected);
    assert!(String::from_utf8_lossy(&bytes(&p.output, "issues/7/print/index.html")).contains("第3篇的全文"));
    assert_same_as_full_build(&site, &p.output);

    // A new summary also reaches the edition page, which shows it for the lead.
    edit(&site, "content/news/2024-05-13-a3.md", "第3篇的导语", "第3篇改过的导语");
    let p = try_patch(&site, &mut last, &p.output, &["content/news/2024-05-13-a3.md"]).expect("patched again");
    assert!(p.files.iter().any(|f| f == "issues/7/index.html"), "{:?}", p.files);
    assert!(!p.files.iter().any(|f| f == "issues/atom.xml"), "the edition feed shows no bodies");
    assert_same_as_full_build(&site, &p.output);
}

#[test]
fn moving_an_article_to_another_edition_or_page_needs_a_full_build() {
    for (from, to) in [("issue: 7", "issue: 8"), ("page: 1", "page: 3")] {
        let site = edition_site();
        let (mut last, out) = first_build(&site);
        edit(&site, "content/news/2024-05-13-a3.md", from, to);
        assert!(try_patch(&site, &mut last, &out, &["content/news/2024-05-13-a3.md"]).is_none(), "{from} → {to}");
    }
}

/// Three articles with no tags: two about outdoor workers' rest stations, one about mine
/// safety, so related articles come from the text alone.
fn related_site() -> common::Site {
    let page = |title: &str, date: &str, body: &str| format!("---\ntitle: {title}\ndate: {date}\n---\n{body}\n");
    common::Site::empty()
        .file("gazette.yaml", CONFIG)
        .file("content/_index.md", "---\ntitle: 首页\n---\n")
        .file("content/news/_index.md", "---\ntitle: 新闻\n---\n")
        .file(
            "content/news/2024-05-01-yizhan.md",
            &page("户外劳动者驿站开放", "2024-05-01", "街道的户外劳动者驿站为环卫工人和快递员提供饮水、休息和充电。"),
        )
        .file(
            "content/news/2024-05-02-kuangshan.md",
            &page("矿山安全检查", "2024-05-02", "应急管理部门检查煤矿井下通风和瓦斯监测，整改安全隐患。"),
        )
        .file("content/news/2024-05-03-other.md", &page("社区新闻", "2024-05-03", "社区举办读书会和书法展览。"))
}

#[test]
fn a_body_edit_that_changes_other_pages_related_articles_renders_them_again() {
    let site = related_site();
    let (mut last, out) = first_build(&site);
    let before = last.last.site.related.clone();
    let other = |last: &Last| last.site.pages.iter().position(|p| p.rel.ends_with("other.md")).expect("page");
    assert!(before[other(&last.last)].is_empty(), "nothing in common yet: {before:?}");
    // The community article now talks about rest stations for outdoor workers too.
    edit(
        &site,
        "content/news/2024-05-03-other.md",
        "社区举办读书会和书法展览。",
        "社区新设户外劳动者驿站，环卫工人可以休息饮水。",
    );
    let p = try_patch(&site, &mut last, &out, &["content/news/2024-05-03-other.md"]).expect("patched");
    let moved = related_moved(&before, &last.last);
    assert!(moved.contains(&"news/yizhan/index.html".to_string()), "{moved:?}");
    for path in &moved {
        assert!(p.files.contains(path), "{path} rendered again: {:?}", p.files);
    }
    let yizhan = String::from_utf8_lossy(&bytes(&p.output, "news/yizhan/index.html")).into_owned();
    assert!(yizhan.contains("href=\"/news/other/\""), "the edited article is now related");
    assert_same_as_full_build(&site, &p.output);
}

/// A page that starts listing another through a patch shows that page's view from then on:
/// the next edit of the listed page renders it again (here with a theme that shows the
/// summaries of related articles).
#[test]
fn a_page_related_by_a_patch_is_rendered_again_when_the_related_page_changes_next() {
    let site = related_site().file(
        "templates/page.html",
        "<h1>{{ page.title }}</h1>{% for r in page.related %}<p>{{ r.url }} {{ r.summary_text }}</p>{% endfor %}\n",
    );
    let (mut last, out) = first_build(&site);
    let rel = "content/news/2024-05-03-other.md";
    edit(&site, rel, "社区举办读书会和书法展览。", "社区新设户外劳动者驿站，环卫工人可以休息饮水。");
    let p = try_patch(&site, &mut last, &out, &[rel]).expect("patched");
    let shown = |out: &Output| String::from_utf8_lossy(&bytes(out, "news/yizhan/index.html")).into_owned();
    assert!(shown(&p.output).contains("/news/other/ 社区新设户外劳动者驿站"), "{}", shown(&p.output));
    // Still related, with another summary.
    edit(&site, rel, "社区新设户外劳动者驿站", "社区街角新设户外劳动者驿站");
    let p = try_patch(&site, &mut last, &p.output, &[rel]).expect("patched again");
    assert!(shown(&p.output).contains("/news/other/ 社区街角新设"), "{}", shown(&p.output));
    assert_same_as_full_build(&site, &p.output);
}
