//! Stage 2b: files under `content/` that would run script. Between load and the model, this
//! takes the non-Markdown files (bundle assets, section files) and withholds those a browser
//! would run on the site's own origin: HTML and JavaScript always, SVG and XML when they
//! carry script, event handlers or `javascript:` URLs, XSLT always.
//!
//! Why: with `markdown.unsafe_html: false` nothing an article says may run in a reader's
//! browser, yet `[图表](chart.svg)` beside an article would otherwise publish an
//! `<svg onload=…>` unchanged, and opening it runs that script with the site's cookies and
//! storage. Hugo and Zola copy such files as they are. Content is written by many hands;
//! `static/` and the theme are the publisher's own, so they are not checked. With
//! `unsafe_html: true` the site has chosen to trust its authors and every file is published.
//!
//! The SVG/XML check is a scan for markers of active content, not a parser: it errs towards
//! withholding (a text node that reads `onset=` is taken for a handler), and says so in the
//! warning, which names the file and what was found. It never deletes or changes a file.

use crate::diagnostics::{Diagnostic, Location};
use crate::load::{Asset, Content};

/// Extensions of files a browser renders as a page or runs as script, whatever they hold.
const ALWAYS_ACTIVE: &[&str] = &["html", "htm", "xhtml", "xht", "shtml", "js", "mjs", "xsl", "xslt"];

/// Extensions of XML files that can hold script (an SVG or XML document opened on its own).
const SCANNED: &[&str] = &["svg", "xml"];

/// Markers of script in SVG or XML text, looked for in the lowercased text.
const ACTIVE_MARKERS: &[&str] = &[
    "<script",
    "javascript:",
    "vbscript:",
    "<foreignobject",
    "<iframe",
    "<embed",
    "<object",
    "<?xml-stylesheet",
    "<!entity",
];

/// `content` with every active asset withheld (unless `unsafe_html`), and a warning for each.
pub fn withhold(mut content: Content, unsafe_html: bool) -> (Content, Vec<Diagnostic>) {
    if unsafe_html {
        return (content, Vec::new());
    }
    let mut diags = Vec::new();
    content.assets.retain(|a| match why_active(a) {
        Some(why) => {
            diags.push(warning(a, &why));
            false
        }
        None => true,
    });
    (content, diags)
}

/// Why a browser would run `asset`, or `None` when it would not.
fn why_active(asset: &Asset) -> Option<String> {
    let ext = asset.rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    if ALWAYS_ACTIVE.contains(&ext.as_str()) {
        return Some(format!("a .{ext} file runs as a page or script on the site's own address"));
    }
    if !SCANNED.contains(&ext.as_str()) {
        return None;
    }
    // Unreadable files are reported where they are copied; here they are not active.
    let bytes = std::fs::read(&asset.path).ok()?;
    active_marker(&String::from_utf8_lossy(&bytes))
        .map(|m| format!("this .{ext} file contains `{m}`, which runs script when the file is opened"))
}

/// The first marker of active content in SVG or XML `text`, as found.
fn active_marker(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    if let Some(m) = ACTIVE_MARKERS.iter().find(|m| lower.contains(*m)) {
        return Some(m.to_string());
    }
    event_handler(&lower)
}

/// An attribute that starts with `on` (`onload=`, `onclick =`), as an SVG event handler is
/// written: `on` after whitespace, a quote or `/`, then letters, optional spaces, then `=`.
fn event_handler(lower: &str) -> Option<String> {
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(i) = lower[from..].find("on").map(|i| i + from) {
        from = i + 2;
        let before = if i == 0 { b' ' } else { bytes[i - 1] };
        if !(before.is_ascii_whitespace() || matches!(before, b'"' | b'\'' | b'/')) {
            continue;
        }
        let name_end = i + 2 + bytes[i + 2..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let after = lower[name_end..].trim_start();
        if name_end > i + 2 && after.starts_with('=') {
            return Some(format!("{}=", &lower[i..name_end]));
        }
    }
    None
}

fn warning(asset: &Asset, why: &str) -> Diagnostic {
    Diagnostic::warning(format!("content/{} is not published: {why}", asset.rel))
        .at(Location::file(format!("content/{}", asset.rel)))
        .hint(
            "files beside articles may not run script in readers' browsers; remove the script, put a file you \
             trust in static/, or set `markdown: {unsafe_html: true}` to publish content files as they are",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_markers_are_found_in_any_case_and_spacing() {
        assert_eq!(active_marker("<svg onload=alert(1)>"), Some("onload=".into()));
        assert_eq!(active_marker("<svg><g/ONCLICK =x>"), Some("onclick=".into()));
        assert_eq!(active_marker("<svg><SCRIPT>x</SCRIPT>"), Some("<script".into()));
        assert_eq!(active_marker("<svg><a href=\"JavaScript:x\">"), Some("javascript:".into()));
        assert_eq!(active_marker("<svg><foreignObject>"), Some("<foreignobject".into()));
    }

    #[test]
    fn plain_svg_and_words_with_on_are_not_active() {
        let chart = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><text font=\"mono\">\
                     Monday once button</text><polygon points=\"1,2\"/></svg>";
        assert_eq!(active_marker(chart), None);
    }
}
