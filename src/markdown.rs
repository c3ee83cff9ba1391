//! Stage 3b: Markdown. Renders one page body to HTML with pulldown-cmark, plus what the
//! templates need around it: a table of contents, the summary, plain text and a character
//! count.
//!
//! Between parsing and HTML output this stage rewrites the event stream: heading ids (Chinese
//! kept, de-duplicated), internal links (`@/news/x.md`, relative `.md`) resolved to final URLs,
//! site-absolute links given the base path, raw HTML dropped unless allowed, `javascript:`
//! and `data:` URLs and heading attributes other than id and class removed (`sanitize`
//! decides), and soft line breaks between CJK characters deleted (a newline inside a
//! Chinese sentence must not become a visible space). Content is never fed to Tera, so
//! template syntax in an article stays text. Positions in diagnostics are lines of the file.

use crate::diagnostics::{Diagnostic, Location, line_col};
use crate::paths;
use crate::sanitize;
use crate::wikilinks::{self, Resolution, WikiIndex};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;

mod raw_html;
mod relative;
mod soft_breaks;

/// One heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    /// 2 for `##`, …
    pub level: u8,
    /// The element id, without `#`.
    pub id: String,
    /// Heading text.
    pub title: String,
    /// Headings nested under this one.
    pub children: Vec<TocEntry>,
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The full HTML.
    pub html: String,
    /// HTML before `<!-- more -->`, when the marker is present.
    pub summary_html: Option<String>,
    /// Plain text before `<!-- more -->`, when the marker is present.
    pub summary_text: Option<String>,
    /// Headings as a tree.
    pub toc: Vec<TocEntry>,
    /// Number of headings (all levels).
    pub heading_count: usize,
    /// Plain text, blocks separated by newlines: for automatic summaries and search.
    pub text: String,
    /// Content paths of the pages and sections its internal links and wikilinks resolved to:
    /// the structure stage inverts them into backlinks.
    pub links: BTreeSet<String>,
    /// Image destinations as written, with where: checked against the files the site
    /// publishes ([`crate::images`]).
    pub images: Vec<(String, Location)>,
}

/// What link rewriting needs to know about the site.
pub struct LinkContext<'a> {
    /// The page's path relative to `content/`.
    pub source_rel: &'a str,
    /// The page's path for messages (`content/…`).
    pub display: &'a str,
    /// The whole file, for source lines in diagnostics.
    pub full_text: &'a str,
    /// Where the body starts in the file.
    pub body_offset: usize,
    /// True for `slug/index.md` bundles, whose assets sit beside the page's output.
    pub bundle: bool,
    /// `/` or `/sub/path/`.
    pub base_path: &'a str,
    /// Content path of every published Markdown file → its URL (percent-encoded, with base path).
    pub urls: &'a BTreeMap<String, String>,
    /// Content paths of Markdown files that exist but are not published (drafts, expired…):
    /// linking to them is an error with a clearer message.
    pub unpublished: &'a BTreeSet<String>,
    /// Content paths of Markdown files that exist but failed to parse; their own error is
    /// reported, so links to them are not reported again as broken.
    pub broken: &'a BTreeSet<String>,
    /// Titles and paths of every page, for wikilinks.
    pub wiki: &'a WikiIndex,
    /// Markdown options from the config.
    pub unsafe_html: bool,
    /// Typographic punctuation.
    pub smart_punctuation: bool,
}

/// Renders `body` (which starts at `ctx.body_offset` in the file).
pub fn render(body: &str, ctx: &LinkContext) -> (Rendered, Vec<Diagnostic>) {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        // `[[标题]]`, `[[kb/slug|文字]]`: links by title or path, resolved by `wikilinks`.
        | Options::ENABLE_WIKILINKS;
    if ctx.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(body, opts).into_offset_iter().collect();
    let mut rw = Rewriter {
        ctx,
        diags: Vec::new(),
        ids: HashSet::new(),
        headings: Vec::new(),
        targets: BTreeSet::new(),
        images: Vec::new(),
        dropped_tags: Vec::new(),
    };
    rw.unclosed_inline_comments(body, &events);
    let events = rw.rewrite(events);
    let events = soft_breaks::drop_cjk_soft_breaks(events);

    let more = events.iter().position(|e| matches!(e, Ev::More));
    let plain: Vec<Event> = events.into_iter().filter_map(Ev::into_event).collect();
    let mut out = Rendered { heading_count: rw.headings.len(), ..Default::default() };
    if let Some(cut) = more {
        let head = close_open_tags(&plain[..cut]);
        let mut s = String::new();
        pulldown_cmark::html::push_html(&mut s, head.iter().cloned());
        out.summary_html = Some(s);
        out.summary_text = Some(plain_text(&head));
    }
    out.text = plain_text(&plain);
    pulldown_cmark::html::push_html(&mut out.html, plain.into_iter());
    out.toc = build_toc(std::mem::take(&mut rw.headings));
    out.links = std::mem::take(&mut rw.targets);
    out.images = std::mem::take(&mut rw.images);
    (out, rw.diags)
}

/// `events` with end tags appended for every tag still open, so a `<!-- more -->` inside a
/// paragraph, list or quote still yields balanced HTML.
fn close_open_tags<'a>(events: &[Event<'a>]) -> Vec<Event<'a>> {
    let mut open: Vec<TagEnd> = Vec::new();
    for e in events {
        match e {
            Event::Start(tag) => open.push(tag.to_end()),
            Event::End(_) => {
                open.pop();
            }
            _ => {}
        }
    }
    let mut out = events.to_vec();
    out.extend(open.into_iter().rev().map(Event::End));
    out
}

/// An event, or the position of the `<!-- more -->` marker.
enum Ev<'a> {
    E(Event<'a>),
    More,
}

impl<'a> Ev<'a> {
    fn into_event(self) -> Option<Event<'a>> {
        match self {
            Ev::E(e) => Some(e),
            Ev::More => None,
        }
    }
}

struct Rewriter<'c> {
    ctx: &'c LinkContext<'c>,
    diags: Vec<Diagnostic>,
    ids: HashSet<String>,
    headings: Vec<(u8, String, String)>,
    /// Content paths internal links resolved to.
    targets: BTreeSet<String>,
    /// Image destinations as written, with where.
    images: Vec<(String, Location)>,
    /// Names of inline start tags dropped with a warning, so their end tags go quietly.
    dropped_tags: Vec<String>,
}

impl<'c> Rewriter<'c> {
    fn location(&self, range: &Range<usize>) -> Location {
        let (line, col) = line_col(self.ctx.full_text, self.ctx.body_offset + range.start);
        Location::at(self.ctx.display, line, col)
    }

    fn diag(&mut self, d: Diagnostic, range: &Range<usize>) {
        let loc = self.location(range);
        self.diags.push(d.at_source(loc, self.ctx.full_text));
    }

    fn rewrite<'a>(&mut self, events: Vec<(Event<'a>, Range<usize>)>) -> Vec<Ev<'a>> {
        let mut out = Vec::with_capacity(events.len());
        // Link/image ends to drop because their start was dropped (nesting depth).
        let mut dropped_links: Vec<bool> = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let (ev, range) = &events[i];
            match ev {
                Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                    let end = find_end(&events, i);
                    let title = heading_text(&events[i + 1..end]);
                    let new_id = self.heading_id(id.as_deref(), &title);
                    self.headings.push((heading_num(*level), new_id.clone(), title));
                    // `{onfocus=… autofocus}` would run script: only allowed attributes pass.
                    let (attrs, dropped) = sanitize::heading_attrs(attrs, self.ctx.unsafe_html);
                    if let Some(d) = dropped {
                        self.diag(d, range);
                    }
                    out.push(Ev::E(Event::Start(Tag::Heading {
                        level: *level,
                        id: Some(CowStr::from(new_id)),
                        classes: classes.clone(),
                        attrs,
                    })));
                }
                Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. }) => {
                    let end = find_end(&events, i);
                    self.wikilink(dest_url, *has_pothole, &events[i..=end.min(events.len() - 1)], &mut out);
                    i = end;
                }
                Event::Start(Tag::Image { link_type: LinkType::WikiLink { .. }, .. }) => {
                    self.diag(
                        Diagnostic::error("image wikilinks `![[…]]` are not supported")
                            .hint("write an image as `![说明](path/to/image.png)`"),
                        range,
                    );
                    dropped_links.push(true);
                }
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    match self.link(dest_url, *link_type, false, range) {
                        Some(url) => {
                            dropped_links.push(false);
                            out.push(Ev::E(Event::Start(Tag::Link {
                                link_type: *link_type,
                                dest_url: url.into(),
                                title: title.clone(),
                                id: id.clone(),
                            })));
                        }
                        None => dropped_links.push(true),
                    }
                }
                Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                    self.images.push((dest_url.to_string(), self.location(range)));
                    match self.link(dest_url, *link_type, true, range) {
                        Some(url) => {
                            dropped_links.push(false);
                            out.push(Ev::E(Event::Start(Tag::Image {
                                link_type: *link_type,
                                dest_url: url.into(),
                                title: title.clone(),
                                id: id.clone(),
                            })));
                        }
                        None => dropped_links.push(true),
                    }
                }
                Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                    if !dropped_links.pop().unwrap_or(false) {
                        out.push(Ev::E(ev.clone()));
                    }
                }
                Event::Start(Tag::HtmlBlock) => {
                    let end = find_end(&events, i).min(events.len() - 1);
                    self.html_block(&events[i..=end], &mut out);
                    i = end;
                }
                // pulldown-cmark puts every `Html` event inside an HTML block; this is a fallback.
                Event::Html(_) => self.html_block(&[(ev.clone(), range.clone())], &mut out),
                Event::InlineHtml(html) => self.inline_html(html, range, &mut out),
                // pulldown-cmark's checkbox has no accessible name; screen readers would say
                // only "checkbox". This markup is ours, not the author's, so it is safe.
                Event::TaskListMarker(done) => {
                    let html = if *done {
                        r#"<input type="checkbox" disabled checked aria-label="已完成"> "#
                    } else {
                        r#"<input type="checkbox" disabled aria-label="未完成"> "#
                    };
                    out.push(Ev::E(Event::InlineHtml(CowStr::Borrowed(html))));
                }
                _ => out.push(Ev::E(ev.clone())),
            }
            i += 1;
        }
        out
    }

    /// The final URL for a link or image (`image`) destination, or `None` to drop the link
    /// (keeping its text) after reporting why.
    fn link(&mut self, dest: &str, kind: LinkType, image: bool, range: &Range<usize>) -> Option<String> {
        if matches!(kind, LinkType::Email) {
            return Some(dest.to_string());
        }
        if let Some(refused) = sanitize::refused_destination(dest, image) {
            self.diag(refused, range);
            return None;
        }
        if let Some(rest) = dest.strip_prefix("@/") {
            return self.internal(rest, dest, range);
        }
        if has_scheme(dest) || dest.starts_with('#') || dest.starts_with("//") || dest.is_empty() {
            return Some(dest.to_string());
        }
        if let Some(abs) = dest.strip_prefix('/') {
            // Site-absolute: give it the base path so a sub-path deployment keeps working.
            // `bp` is percent-encoded; the author may have written it raw (`/劳动/…`).
            let bp = self.ctx.base_path;
            if bp != "/" && paths::encode_written_path(dest).starts_with(bp) {
                return Some(dest.to_string());
            }
            return Some(format!("{bp}{abs}"));
        }
        self.relative(dest, range)
    }

    fn internal(&mut self, rest: &str, dest: &str, range: &Range<usize>) -> Option<String> {
        let (path, suffix) = relative::split_path(rest);
        match paths::normalize(&paths::decode_path(path)) {
            Some(p) => self.resolve(&p, suffix, dest, range),
            None => {
                self.broken(dest, "it points outside content/", range);
                None
            }
        }
    }

    /// The URL of the page built from `target`, with `suffix` (the link's `?query#fragment`).
    fn resolve(&mut self, target: &str, suffix: &str, dest: &str, range: &Range<usize>) -> Option<String> {
        if let Some(url) = self.ctx.urls.get(target) {
            self.targets.insert(target.to_string());
            return Some(format!("{url}{suffix}"));
        }
        if self.ctx.broken.contains(target) {
            return Some("#".to_string());
        }
        let why = if self.ctx.unpublished.contains(target) {
            format!("content/{target} exists but is not published (draft, scheduled or expired)")
        } else {
            format!("content/{target} does not exist")
        };
        self.broken(dest, &why, range);
        None
    }

    fn broken(&mut self, dest: &str, why: &str, range: &Range<usize>) {
        self.diag(
            Diagnostic::error(format!("broken internal link `{dest}`: {why}"))
                .hint("`@/` paths are relative to content/, e.g. `@/news/jiuye/2024-05-20-slug.md`"),
            range,
        );
    }

    /// A wikilink (`events` runs from its start to its end): a link to the page it names, its
    /// text the display text after `|` or else the page's title; or, after reporting why, its
    /// text alone.
    fn wikilink<'a>(
        &mut self,
        dest: &str,
        has_pothole: bool,
        events: &[(Event<'a>, Range<usize>)],
        out: &mut Vec<Ev<'a>>,
    ) {
        let range = &events[0].1;
        let start = self.ctx.body_offset + range.start;
        let written = self.ctx.full_text.get(start..self.ctx.body_offset + range.end).unwrap_or(dest).to_string();
        let inner = if events.len() > 2 { self.rewrite(events[1..events.len() - 1].to_vec()) } else { Vec::new() };
        // In a table the pipe before display text is written `\|`; the parser leaves the
        // backslash on the target.
        let target = dest.trim().trim_end_matches('\\').trim_end();
        let (wiki, urls) = (self.ctx.wiki, self.ctx.urls);
        let (resolution, frag) = match (wiki.resolve(target), target.split_once('#')) {
            (Resolution::Missing, Some((name, frag))) => (wiki.resolve(name.trim()), frag),
            (r, _) => (r, ""),
        };
        let found = match resolution {
            Resolution::Page { rel, title } => urls.get(rel).map(|url| (rel, title, url)),
            Resolution::Ambiguous(rels) => {
                self.diag(wikilinks::ambiguous(&written, target, rels), range);
                None
            }
            Resolution::Unpublished(rels) => {
                self.diag(wikilinks::unpublished(&written, &rels), range);
                None
            }
            Resolution::Missing => {
                let candidates = wiki.candidates(target);
                self.diag(wikilinks::unresolved(&written, target, &candidates), range);
                None
            }
        };
        let Some((rel, title, url)) = found else {
            out.extend(inner);
            return;
        };
        self.targets.insert(rel.to_string());
        let href = if frag.is_empty() { url.clone() } else { format!("{url}#{frag}") };
        let link = Tag::Link {
            link_type: LinkType::WikiLink { has_pothole },
            dest_url: href.into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        };
        out.push(Ev::E(Event::Start(link)));
        let shown = inner.iter().any(|e| matches!(e, Ev::E(Event::Text(t) | Event::Code(t)) if !t.trim().is_empty()));
        if has_pothole && shown {
            out.extend(inner);
        } else {
            out.push(Ev::E(Event::Text(CowStr::from(title.to_string()))));
        }
        out.push(Ev::E(Event::End(TagEnd::Link)));
    }

    fn heading_id(&mut self, explicit: Option<&str>, title: &str) -> String {
        let base = match explicit {
            Some(id) => id.to_string(),
            None => heading_slug(title),
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let s = &dest[..i];
            !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

fn find_end(events: &[(Event, Range<usize>)], start: usize) -> usize {
    let mut depth = 0;
    for (j, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len()
}

fn heading_text(events: &[(Event, Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s.trim().to_string()
}

fn heading_num(level: HeadingLevel) -> u8 {
    level as u8
}

/// A heading id: Chinese kept, ASCII lowercased, spaces to `-`, punctuation dropped.
pub fn heading_slug(title: &str) -> String {
    let mut out = String::new();
    for ch in title.chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if (ch.is_whitespace() || ch == '-' || ch == '_') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "section".to_string() } else { out }
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    let mut in_footnote = 0;
    for e in events {
        match e {
            Event::Start(Tag::FootnoteDefinition(_)) => in_footnote += 1,
            Event::End(TagEnd::FootnoteDefinition) => in_footnote -= 1,
            _ if in_footnote > 0 => {}
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow | TagEnd::BlockQuote(_),
            ) => s.push('\n'),
            Event::End(TagEnd::TableCell) => s.push(' '),
            _ => {}
        }
    }
    s
}

fn build_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    // The page's own title is the h1; a `#` heading in the body is still listed, at its level.
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        insert_toc(&mut root, TocEntry { level, id, title, children: Vec::new() });
    }
    root
}

fn insert_toc(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < entry.level => insert_toc(&mut last.children, entry),
        _ => list.push(entry),
    }
}

/// A summary from plain text: the opening sentences up to about `max` characters, cut after
/// a sentence end (。！？ or . ! ?), never mid-sentence unless the first sentence is too long.
pub fn auto_summary(text: &str, max: usize) -> String {
    let para = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let chars: Vec<char> = para.chars().collect();
    if chars.len() <= max {
        return para.to_string();
    }
    let mut cut = None;
    for (i, c) in chars.iter().enumerate().take(max) {
        if matches!(c, '。' | '！' | '？' | '!' | '?')
            || (*c == '.' && chars.get(i + 1).is_none_or(|n| n.is_whitespace()))
        {
            cut = Some(i + 1);
        }
    }
    match cut {
        Some(n) => chars[..n].iter().collect(),
        None => {
            let mut s: String = chars[..max].iter().collect();
            s.push('…');
            s
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Characters of Chinese text plus words of other text: the basis of reading time.
pub fn count_chars(text: &str) -> (usize, usize) {
    let mut han = 0;
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        if paths::is_han(c) {
            han += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    (han, words)
}

/// Minutes to read: 400 Chinese characters or 200 other words a minute, at least 1.
pub fn reading_minutes(han: usize, words: usize) -> usize {
    let minutes = han as f64 / 400.0 + words as f64 / 200.0;
    (minutes.ceil() as usize).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    static WIKI: std::sync::LazyLock<WikiIndex> = std::sync::LazyLock::new(WikiIndex::default);

    fn ctx<'a>(urls: &'a BTreeMap<String, String>, empty: &'a BTreeSet<String>, text: &'a str) -> LinkContext<'a> {
        LinkContext {
            source_rel: "news/a.md",
            display: "content/news/a.md",
            full_text: text,
            body_offset: 0,
            bundle: false,
            base_path: "/sub/",
            urls,
            unpublished: empty,
            broken: empty,
            wiki: &WIKI,
            unsafe_html: false,
            smart_punctuation: false,
        }
    }

    #[test]
    fn cjk_soft_break_vanishes_but_latin_keeps_space() {
        let (u, e) = (BTreeMap::new(), BTreeSet::new());
        let text = "工人\n日报 and\nmore";
        let (r, _) = render(text, &ctx(&u, &e, text));
        assert_eq!(r.html, "<p>工人日报 and\nmore</p>\n");
    }

    #[test]
    fn headings_keep_chinese_and_deduplicate() {
        let (u, e) = (BTreeMap::new(), BTreeSet::new());
        let text = "## 就业 服务\n\n## 就业 服务\n\n### Sub {#x}\n";
        let (r, _) = render(text, &ctx(&u, &e, text));
        assert!(r.html.contains(r#"<h2 id="就业-服务">"#));
        assert!(r.html.contains(r#"<h2 id="就业-服务-1">"#));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[1].children[0].id, "x");
    }

    #[test]
    fn links_resolve_or_error_with_location() {
        let mut u = BTreeMap::new();
        u.insert("kb/b.md".to_string(), "/sub/kb/b/".to_string());
        let e = BTreeSet::new();
        let text = "[a](@/kb/b.md#x) [b](../kb/b.md)\n\n[c](@/kb/missing.md)\n";
        let (r, d) = render(text, &ctx(&u, &e, text));
        assert!(r.html.contains(r#"href="/sub/kb/b/#x""#));
        assert!(r.html.contains(r#"href="/sub/kb/b/""#));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "broken internal link `@/kb/missing.md`: content/kb/missing.md does not exist");
        assert_eq!(d[0].location, Some(Location::at("content/news/a.md", 3, 1)));
    }

    #[test]
    fn script_urls_and_raw_html_are_dropped() {
        let (u, e) = (BTreeMap::new(), BTreeSet::new());
        let text = "[x](javascript:alert(1)) <b>hi</b>\n\n<script>alert(1)</script>\n";
        let (r, d) = render(text, &ctx(&u, &e, text));
        assert!(!r.html.contains("javascript"), "{}", r.html);
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<b>"), "{}", r.html);
        // The script URL, `<b>` (its `</b>` goes quietly) and the `<script>` block.
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn summary_cuts_at_sentence_end() {
        assert_eq!(auto_summary("第一句。第二句很长很长。", 8), "第一句。");
        assert_eq!(auto_summary("短", 8), "短");
    }
}
