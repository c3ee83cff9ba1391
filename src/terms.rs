//! Taxonomy terms written more than one way.
//!
//! `ＡＩ` (full-width letters), `AI` and `ai` are one tag to a reader, but would be three term
//! pages, three feeds and three entries in the tag list. A term's key is the slug of its NFKC
//! form (compatibility characters become their plain forms; the slug is lowercase), so all
//! three are `/tags/ai/`. The term is shown as it was first written, "first" in the order of
//! source paths, and every page names it that way. Spellings that fold together (also
//! `C++` and `C`, whose slugs are equal) are reported in one warning per term, listing each
//! spelling and where it was used, so an editor can make them agree.

use crate::config::SlugPolicy;
use crate::diagnostics::{Diagnostic, Location};
use crate::front_matter::PageFrontMatter;
use crate::load::Source;
use crate::model::{Page, Site, Taxonomy};
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// The key (and URL segment) of term `value`.
pub fn slug(value: &str, policy: SlugPolicy) -> String {
    crate::paths::slugify(&value.nfkc().collect::<String>(), policy)
}

/// The values written for taxonomy `name` in a page's front matter.
fn written<'a>(fm: &'a PageFrontMatter, name: &str) -> &'a [String] {
    let list = match name {
        "tags" => fm.tags.as_ref(),
        "topics" => fm.topics.as_ref(),
        "regions" => fm.regions.as_ref(),
        _ => None,
    };
    list.or_else(|| fm.taxonomies.get(name)).map_or(&[], Vec::as_slice)
}

/// Gives `page`'s terms the names their terms are shown under in `taxonomies`.
pub fn show_as_named(page: &mut Page, taxonomies: &[Taxonomy]) {
    for tax in taxonomies {
        for (name, slug) in page.terms.get_mut(&tax.name).into_iter().flatten() {
            if let Some(term) = tax.terms.get(slug.as_str()) {
                name.clone_from(&term.name);
            }
        }
    }
}

/// One warning per term written more than one way on the published pages of `site`
/// (`sources`: the files read, sorted by path, for locations).
pub fn spellings(site: &Site, sources: &[Source], policy: SlugPolicy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for tax in &site.taxonomies {
        // slug → spelling → where, in page order (pages are sorted by source path).
        let mut seen: BTreeMap<String, Vec<(String, Vec<Location>)>> = BTreeMap::new();
        for page in &site.pages {
            let Ok(i) = sources.binary_search_by(|s| s.rel.as_str().cmp(&page.rel)) else { continue };
            let text = &sources[i].text;
            for value in written(&page.fm, &tax.name).iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
                let spellings = seen.entry(slug(value, policy)).or_default();
                let at = crate::front_matter::value_location(text, &page.display, &tax.name, value);
                match spellings.iter_mut().find(|(s, _)| s == value) {
                    Some((_, places)) => places.push(at),
                    None => spellings.push((value.to_string(), vec![at])),
                }
            }
        }
        for (slug, spellings) in seen.into_iter().filter(|(_, s)| s.len() > 1) {
            let shown = tax.terms.get(&slug).map_or(spellings[0].0.as_str(), |t| t.name.as_str());
            out.push(warning(&tax.name, shown, &spellings, sources));
        }
    }
    out
}

/// The warning for one term of taxonomy `tax` written as each of `spellings`, shown as `shown`.
fn warning(tax: &str, shown: &str, spellings: &[(String, Vec<Location>)], sources: &[Source]) -> Diagnostic {
    let others: Vec<&(String, Vec<Location>)> = spellings.iter().filter(|(s, _)| s != shown).collect();
    let quoted: Vec<String> = others.iter().map(|(s, _)| format!("`{s}`")).collect();
    let places: Vec<String> = others
        .iter()
        .map(|(s, at)| {
            let mut list: Vec<String> = at.iter().take(3).map(Location::to_string).collect();
            if at.len() > 3 {
                list.push(format!("{} more", at.len() - 3));
            }
            format!("`{s}` in {}", list.join(", "))
        })
        .collect();
    let first = others.first().and_then(|(_, at)| at.first()).cloned();
    let mut d = Diagnostic::warning(format!(
        "{tax} `{shown}` is also written {}: they are one term, shown as `{shown}`",
        join_and(&quoted)
    ))
    .hint(format!("{}; write it one way everywhere", places.join("; ")));
    if let Some(at) = first {
        let text = sources.iter().find(|s| s.display == at.file).map_or("", |s| s.text.as_str());
        d = d.at_source(at, text);
    }
    d
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case_fold_to_one_key() {
        for v in ["AI", "ai", "ＡＩ", "Ａｉ"] {
            assert_eq!(slug(v, SlugPolicy::Keep), "ai", "{v}");
        }
        assert_eq!(slug("就业", SlugPolicy::Keep), "就业");
    }
}
