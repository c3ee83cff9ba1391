//! What content may put into an attribute. Articles are written by many hands and published
//! to every reader's browser, so nothing an article says may run there: this module decides
//! which URLs and which heading attributes from content reach the HTML, and words the
//! warning when one does not.
//!
//! It is used by the Markdown stage (link and image destinations, `## 标题 {…}` attributes)
//! and by the model (the front-matter `image`). Text is escaped where it is written (Tera,
//! pulldown-cmark, the feed and JSON-LD writers); what cannot be made harmless by escaping —
//! a `javascript:` URL, an `onfocus` attribute — is decided here, by allow-list where one
//! exists. This module never escapes and never reads files.

use crate::diagnostics::Diagnostic;
use pulldown_cmark::CowStr;

/// Image types a `data:` URL in `![…](data:…)` may carry: raster formats, which cannot hold
/// script (an SVG can, and `text/html` is a page of its own).
const INLINE_IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Schemes whose URLs run code when followed.
const SCRIPT_SCHEMES: &[&str] = &["javascript", "vbscript", "livescript"];

/// The scheme of `url` as a browser would read it, lowercased, or `None` for a relative URL.
///
/// Browsers drop leading control characters and spaces and every tab and newline before
/// they look for a scheme, and compare schemes ignoring case; this drops every whitespace and
/// control character anywhere, which finds the scheme in all of those spellings
/// (`jav&#x09;ascript:`, ` JaVaScRiPt:`) and errs only towards seeing one.
pub(crate) fn scheme(url: &str) -> Option<String> {
    let probe: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let (head, _) = probe.split_once(':')?;
    let mut chars = head.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| head.to_ascii_lowercase())
}

/// The media type of a `data:` URL (`image/png`), lowercased, without parameters.
fn data_type(url: &str) -> String {
    let probe: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let rest = probe.split_once(':').map_or("", |(_, r)| r);
    let end = rest.find([';', ',']).unwrap_or(rest.len());
    rest[..end].to_ascii_lowercase()
}

/// Why a Markdown link (`image` false) or image destination may not be written, as a
/// warning without a location; `None` when it may.
///
/// Script URLs are never written. `data:` URLs are refused in links (a reader would open a
/// page made by the URL itself) and in images unless they carry PNG, JPEG, GIF or WebP.
pub(crate) fn refused_destination(dest: &str, image: bool) -> Option<Diagnostic> {
    let scheme = scheme(dest)?;
    if SCRIPT_SCHEMES.contains(&scheme.as_str()) {
        return Some(Diagnostic::warning("script URL removed from link").hint("links may not run code"));
    }
    if scheme != "data" {
        return None;
    }
    if !image {
        return Some(
            Diagnostic::warning("data: URL removed from link")
                .hint("a link leads to an address; put the file in the site and link to its path"),
        );
    }
    let kind = data_type(dest);
    if INLINE_IMAGE_TYPES.contains(&kind.as_str()) {
        return None;
    }
    let kind = if kind.is_empty() { "text/plain".to_string() } else { shown(&kind) };
    Some(
        Diagnostic::warning(format!(
            "data: URL removed from image: only PNG, JPEG, GIF or WebP data may be inlined, not `{kind}`"
        ))
        .hint("save the image as a file beside the article and write its path"),
    )
}

/// Why a front-matter `image` may not be used, as a warning without a location; `None` when
/// it is a path or an http(s) URL. The value reaches `<img src>`, `og:image` and JSON-LD, and
/// feed readers and link previews fetch it: only addresses a browser loads as an image pass.
pub(crate) fn refused_lead_image(image: &str) -> Option<Diagnostic> {
    let scheme = scheme(image)?;
    if scheme == "http" || scheme == "https" {
        return None;
    }
    Some(
        Diagnostic::warning(format!("`image` ignored: `{}` is not a path or an http(s) address", shown(image)))
            .hint("write a path (`/images/x.jpg`, or a file name beside a bundle's index.md) or an https:// address"),
    )
}

/// Heading attributes allowed besides `{#id .class}` (separate fields of a heading, always
/// kept), and only with `markdown.unsafe_html: true`, where authors are trusted with raw
/// HTML. None of them is an event handler, a style or a URL.
const TRUSTED_HEADING_ATTRS: &[&str] = &["lang", "dir", "title", "translate", "role"];

/// True when `{name=…}` may be written on a heading: never without `unsafe_html`. Names are
/// compared lowercased, as HTML reads them; `aria-*` and `data-*` names must be plain
/// letters, digits and `-`, so a name such as `data-x/onclick` (which a browser reads as
/// two attributes) never passes.
fn heading_attr_allowed(name: &str, unsafe_html: bool) -> bool {
    if !unsafe_html {
        return false;
    }
    let name = name.to_ascii_lowercase();
    if TRUSTED_HEADING_ATTRS.contains(&name.as_str()) {
        return true;
    }
    ["aria-", "data-"].iter().any(|p| {
        name.strip_prefix(p).is_some_and(|rest| {
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
    })
}

/// A heading's `{key=value}` attributes.
pub(crate) type HeadingAttrs<'a> = Vec<(CowStr<'a>, Option<CowStr<'a>>)>;

/// The attributes of a heading that may be written, and a warning (without a location)
/// naming the ones dropped, if any.
pub(crate) fn heading_attrs<'a>(attrs: &HeadingAttrs<'a>, unsafe_html: bool) -> (HeadingAttrs<'a>, Option<Diagnostic>) {
    let (kept, dropped): (HeadingAttrs, HeadingAttrs) =
        attrs.iter().cloned().partition(|(name, _)| heading_attr_allowed(name, unsafe_html));
    if dropped.is_empty() {
        return (kept, None);
    }
    let names: Vec<String> = dropped.iter().map(|(n, _)| format!("`{}`", shown(n))).collect();
    let what = if names.len() == 1 { "attribute" } else { "attributes" };
    let hint = if unsafe_html {
        "a heading takes `{#id .class}`, and with unsafe_html also lang, dir, title, translate, role, aria-* and \
         data-*; event handlers, styles and URLs could run scripts in readers' browsers (write the heading as raw \
         HTML if you must)"
    } else {
        "a heading takes only `{#id .class}`; other attributes (event handlers, styles, URLs) could run scripts in \
         readers' browsers"
    };
    (kept, Some(Diagnostic::warning(format!("heading {what} {} dropped", names.join(", "))).hint(hint)))
}

/// `s` as it may appear in a one-line message: at most 40 characters, control characters
/// (a tab hidden in `jav\tascript:`) written as escapes.
fn shown(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_is_found_through_case_whitespace_and_control_characters() {
        for url in ["javascript:x", " JaVaScRiPt:x", "jav\tascript:x", "java\nscript:x", "\u{1}javascript:x"] {
            assert_eq!(scheme(url).as_deref(), Some("javascript"), "{url:?}");
        }
        for url in ["/a:b", "./javascript:x", "#javascript:x", "a/b:c", "图:1.png", "?q=a:b", ""] {
            assert_eq!(scheme(url), None, "{url:?}");
        }
    }

    #[test]
    fn image_data_urls_pass_only_for_raster_types() {
        assert!(refused_destination("data:image/png;base64,iVBORw0KGgo=", true).is_none());
        assert!(refused_destination("DATA:Image/JPEG,xx", true).is_none());
        for url in ["data:image/svg+xml,<svg onload=alert(1)>", "data:text/html,<script>", "data:,x"] {
            assert!(refused_destination(url, true).is_some(), "{url}");
        }
        assert!(refused_destination("data:image/png;base64,iVBORw0KGgo=", false).is_some());
    }

    #[test]
    fn heading_attributes_pass_by_allow_list_only() {
        for name in ["onfocus", "ONCLICK", "style", "autofocus", "href", "src", "formaction", "tabindex", "id"] {
            assert!(!heading_attr_allowed(name, false) && !heading_attr_allowed(name, true), "{name}");
        }
        for name in ["lang", "data-x", "aria-label"] {
            assert!(!heading_attr_allowed(name, false) && heading_attr_allowed(name, true), "{name}");
        }
        for name in ["data-", "data-x/onclick", "aria-x\"y"] {
            assert!(!heading_attr_allowed(name, true), "{name}");
        }
    }
}
