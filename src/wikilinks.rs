//! Wikilinks (`[[标题]]`, `[[kb/slug]]`, `[[kb/slug|显示文字]]`): which page a wikilink names.
//!
//! Part of stage 4 (model): the model collects every page's title and paths into a
//! [`WikiIndex`] after front matter is parsed and before bodies are rendered, and the
//! Markdown stage asks it to [`WikiIndex::resolve`] each wikilink. Resolution is by exact
//! title first, then by path: the content path without `.md` (`kb/policy/hotline-12351`) or
//! the URL path (`kb/hotline-12351`). A title that several pages share is ambiguous, never
//! resolved to one of them by chance. This module reads no files and renders nothing; it
//! answers with plain data, and the Markdown stage turns failures into diagnostics with
//! [`unresolved`], [`ambiguous`] and [`unpublished`].

use crate::diagnostics::Diagnostic;
use std::collections::{BTreeMap, BTreeSet};

/// How many close matches an unresolved wikilink's hint names.
const CANDIDATES: usize = 3;

/// Every page a wikilink may name, published or not. Plain sorted maps, so it hashes the same
/// in every run (the serve cache keys body renderings on it).
#[derive(Debug, Clone, Default, Hash, PartialEq, Eq)]
pub struct WikiIndex {
    /// Published pages: trimmed title → content paths (sorted).
    titles: BTreeMap<String, Vec<String>>,
    /// Published pages: path forms → content path.
    paths: BTreeMap<String, String>,
    /// Published pages: content path → title, for link text and hints.
    title_of: BTreeMap<String, String>,
    /// Unpublished pages (drafts, scheduled, expired): title and path forms → content paths.
    hidden: BTreeMap<String, BTreeSet<String>>,
}

/// What a wikilink's target text names.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution<'a> {
    /// One published page: its content path and title.
    Page {
        /// Content path (`kb/hotline-12351.md`).
        rel: &'a str,
        /// Its title, the link text when the wikilink gives none.
        title: &'a str,
    },
    /// A title shared by several published pages: their content paths.
    Ambiguous(&'a [String]),
    /// Only unpublished pages match: their content paths.
    Unpublished(Vec<&'a str>),
    /// Nothing matches.
    Missing,
}

impl WikiIndex {
    /// Adds one page. `rel` is its content path, `url_path` its output folder (`kb/x/`).
    pub fn add(&mut self, rel: &str, title: &str, url_path: &str, published: bool) {
        let title = title.trim();
        let forms = path_forms(rel, url_path);
        if !published {
            for key in forms.into_iter().chain([title.to_string()]).filter(|k| !k.is_empty()) {
                self.hidden.entry(key).or_default().insert(rel.to_string());
            }
            return;
        }
        let list = self.titles.entry(title.to_string()).or_default();
        if let Err(at) = list.binary_search_by(|r| r.as_str().cmp(rel)) {
            list.insert(at, rel.to_string());
        }
        // URL paths first, so a content path wins when another page's URL path spells the same.
        for form in forms.into_iter().rev() {
            self.paths.insert(form, rel.to_string());
        }
        self.title_of.insert(rel.to_string(), title.to_string());
    }

    /// Resolves a wikilink's target (the text before `|`, trimmed by the caller).
    pub fn resolve(&self, target: &str) -> Resolution<'_> {
        if let Some(rels) = self.titles.get(target) {
            if let [rel] = rels.as_slice() {
                return Resolution::Page { rel, title: self.title(rel) };
            }
            return Resolution::Ambiguous(rels);
        }
        let key = normalize_path(target);
        if let Some(rel) = self.paths.get(&key) {
            return Resolution::Page { rel, title: self.title(rel) };
        }
        let hidden: BTreeSet<&str> =
            [target, key.as_str()].iter().filter_map(|k| self.hidden.get(*k)).flatten().map(String::as_str).collect();
        if hidden.is_empty() { Resolution::Missing } else { Resolution::Unpublished(hidden.into_iter().collect()) }
    }

    fn title<'s>(&'s self, rel: &'s str) -> &'s str {
        self.title_of.get(rel).map(String::as_str).unwrap_or(rel)
    }

    /// Up to [`CANDIDATES`] published pages whose title or content path is close to `target`,
    /// best first, each as the wikilink to write and the file: `([[标题]], content/kb/x.md)`.
    pub fn candidates(&self, target: &str) -> Vec<(String, String)> {
        let mut scored: Vec<(Closeness, &str)> = self
            .title_of
            .iter()
            .filter_map(|(rel, title)| {
                let by_path = closeness(target, rel.trim_end_matches(".md"));
                let best = closeness(target, title).max(by_path);
                (best > Closeness::default()).then_some((best, rel.as_str()))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(CANDIDATES)
            .map(|(_, rel)| {
                let title = self.title(rel);
                // A shared title would be ambiguous again; suggest the path form then.
                let form = if self.titles.get(title).is_some_and(|r| r.len() == 1) {
                    title.to_string()
                } else {
                    rel.trim_end_matches(".md").to_string()
                };
                (format!("[[{form}]]"), format!("content/{rel}"))
            })
            .collect()
    }
}

/// How close a candidate is to what was written: containment either way first, then how many
/// of the written characters it shares. The default (zero) means "not close".
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Closeness {
    contains: bool,
    shared: usize,
}

fn closeness(target: &str, candidate: &str) -> Closeness {
    let (t, c) = (target.to_lowercase(), candidate.to_lowercase());
    if t.is_empty() || c.is_empty() {
        return Closeness::default();
    }
    let contains = c.contains(&t) || t.contains(&c);
    let wanted: BTreeSet<char> = t.chars().filter(|ch| !ch.is_whitespace()).collect();
    let have: BTreeSet<char> = c.chars().collect();
    let shared = wanted.intersection(&have).count();
    // "Shares most characters": more than half of the distinct characters written.
    if contains || shared * 2 > wanted.len() { Closeness { contains, shared } } else { Closeness::default() }
}

/// The path forms of a page: content path without `.md`, and its URL path without slashes.
/// A bundle (`x/index.md`) is also named by its folder.
fn path_forms(rel: &str, url_path: &str) -> Vec<String> {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let mut forms = vec![stem.to_string()];
    if let Some(folder) = stem.strip_suffix("/index") {
        forms.push(folder.to_string());
    }
    forms.push(url_path.trim_matches('/').to_string());
    forms.retain(|f| !f.is_empty());
    forms
}

/// A written path as the index keys it: no leading `@/`, `/` or trailing `/`, no `.md`.
fn normalize_path(target: &str) -> String {
    let t = target.trim().trim_start_matches("@/").trim_matches('/');
    t.strip_suffix(".md").unwrap_or(t).to_string()
}

/// How to write a wikilink, for hints.
const FORMS: &str = "a wikilink names a page by its exact title (`[[12351 职工服务热线]]`), its path under \
                     content/ without `.md` (`[[kb/hotline-12351]]`) or its URL path; add `|text` to choose \
                     the link text";

/// The error for a wikilink that names no page.
pub fn unresolved(written: &str, target: &str, candidates: &[(String, String)]) -> Diagnostic {
    let message = format!("unresolved wikilink `{written}`: no page has the title or path `{target}`");
    let hint = if candidates.is_empty() {
        FORMS.to_string()
    } else {
        let list: Vec<String> = candidates.iter().map(|(form, file)| format!("`{form}` ({file})")).collect();
        format!("did you mean {}? {FORMS}", list.join(", "))
    };
    Diagnostic::error(message).hint(hint)
}

/// The error for a title several pages share.
pub fn ambiguous(written: &str, target: &str, rels: &[String]) -> Diagnostic {
    let files: Vec<String> = rels.iter().map(|r| format!("content/{r}")).collect();
    let example = rels.first().map(|r| r.trim_end_matches(".md")).unwrap_or("kb/slug");
    Diagnostic::error(format!(
        "ambiguous wikilink `{written}`: {} pages have the title `{target}`: {}",
        rels.len(),
        files.join(", ")
    ))
    .hint(format!("write the path form instead, e.g. `[[{example}|{target}]]`"))
}

/// The error for a wikilink to pages that exist but are not published.
pub fn unpublished(written: &str, rels: &[&str]) -> Diagnostic {
    let files: Vec<String> = rels.iter().map(|r| format!("content/{r}")).collect();
    Diagnostic::error(format!(
        "broken wikilink `{written}`: {} exists but is not published (draft, scheduled or expired)",
        files.join(", ")
    ))
    .hint("publish the page first, or link to it once it is out; `gazette build --drafts` shows drafts")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> WikiIndex {
        let mut w = WikiIndex::default();
        w.add("kb/policy/hotline-12351.md", "12351 职工服务热线", "kb/hotline-12351/", true);
        w.add("news/a.md", "同名", "news/a/", true);
        w.add("news/b.md", "同名", "news/b/", true);
        w.add("news/draft.md", "草稿", "news/draft/", false);
        w
    }

    #[test]
    fn titles_and_both_path_forms_resolve() {
        let w = index();
        let page = Resolution::Page { rel: "kb/policy/hotline-12351.md", title: "12351 职工服务热线" };
        assert_eq!(w.resolve("12351 职工服务热线"), page);
        assert_eq!(w.resolve("kb/policy/hotline-12351"), page);
        assert_eq!(w.resolve("kb/hotline-12351"), page);
        assert_eq!(w.resolve("/kb/hotline-12351/"), page);
        assert_eq!(w.resolve("同名"), Resolution::Ambiguous(&["news/a.md".to_string(), "news/b.md".to_string()]));
        assert_eq!(w.resolve("草稿"), Resolution::Unpublished(vec!["news/draft.md"]));
        assert_eq!(w.resolve("news/draft"), Resolution::Unpublished(vec!["news/draft.md"]));
        assert_eq!(w.resolve("没有"), Resolution::Missing);
    }

    #[test]
    fn candidates_contain_the_text_or_share_most_characters() {
        let w = index();
        assert_eq!(
            w.candidates("12351热线"),
            vec![("[[12351 职工服务热线]]".to_string(), "content/kb/policy/hotline-12351.md".to_string())]
        );
        // A shared title is suggested in its path form.
        assert_eq!(w.candidates("同").first().map(|c| c.0.as_str()), Some("[[news/a]]"));
        assert!(w.candidates("毫不相干").is_empty());
    }
}
