//! Rewrites attribute values in HTML the Markdown stage wrote: the feeds make `href` and
//! `src` absolute, the edition print view prefixes `id`s and in-page links.
//!
//! Only attributes of real tags are visited. Article text reaches the HTML with `<`, `>` and
//! `&` escaped but not quotes, so a paragraph may well read `href="x/../…`; a search for
//! ` href="` that took it for an attribute would rewrite text up to the next real quote,
//! and URL clean-up there (dropping `..` segments) could cut a real tag's `>` and make the
//! rest of the paragraph attributes of that tag — `onfocus` included. Walking tags the way a
//! browser does leaves text alone whatever it says.

/// Elements whose content is raw text to a browser: a `<` inside them opens no tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"];

/// `html` with the value of every attribute of every start tag passed to `f(name, value)`
/// (name lowercased, value as written, entities and all) and replaced by what it returns,
/// written in double quotes; `None` keeps the attribute as it was. Text, comments, end tags
/// and the content of raw-text elements (`<script>` …, only in raw HTML) are copied as is.
pub fn rewrite(html: &str, mut f: impl FnMut(&str, &str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|k| i + k) {
        out.push_str(&html[i..lt]);
        let rest = &html[lt..];
        let next = rest[1..].chars().next();
        i = if let Some(comment) = rest.strip_prefix("<!--") {
            let end = comment.find("-->").map_or(html.len(), |k| lt + 4 + k + 3);
            out.push_str(&html[lt..end]);
            end
        } else if matches!(next, Some('!' | '?' | '/')) {
            // A declaration, a processing instruction or an end tag: copied to its `>`.
            let end = tag_end(html, lt + 1);
            out.push_str(&html[lt..end]);
            end
        } else if next.is_some_and(|c| c.is_ascii_alphabetic()) {
            let (end, name) = start_tag(html, lt, &mut out, &mut f);
            if RAW_TEXT.contains(&name.as_str()) { skip_raw_text(html, end, &name, &mut out) } else { end }
        } else {
            // A `<` that opens nothing (only in raw HTML: Markdown text has it escaped).
            out.push('<');
            lt + 1
        };
    }
    out.push_str(&html[i..]);
    out
}

/// The offset after the `>` that ends the tag starting before `from`, quotes respected.
fn tag_end(html: &str, from: usize) -> usize {
    let bytes = html.as_bytes();
    let mut quote = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return k + 1,
            _ => {}
        }
    }
    html.len()
}

/// Copies the start tag at `lt` into `out` with its attributes rewritten by `f`; returns
/// the offset after it and the element's name, lowercased.
fn start_tag(
    html: &str,
    lt: usize,
    out: &mut String,
    f: &mut impl FnMut(&str, &str) -> Option<String>,
) -> (usize, String) {
    let bytes = html.as_bytes();
    let is_name_end = |b: u8| b.is_ascii_whitespace() || matches!(b, b'/' | b'>');
    let mut k = lt + 1;
    while k < bytes.len() && !is_name_end(bytes[k]) {
        k += 1;
    }
    let name = html[lt + 1..k].to_ascii_lowercase();
    out.push_str(&html[lt..k]);
    loop {
        // Between attributes: spaces and the `/` of `<img … />`.
        let from = k;
        while k < bytes.len() && (bytes[k].is_ascii_whitespace() || bytes[k] == b'/') {
            k += 1;
        }
        out.push_str(&html[from..k]);
        if k >= bytes.len() {
            return (k, name);
        }
        if bytes[k] == b'>' {
            out.push('>');
            return (k + 1, name);
        }
        let name_start = k;
        k += 1;
        while k < bytes.len() && !is_name_end(bytes[k]) && bytes[k] != b'=' {
            k += 1;
        }
        let attr = html[name_start..k].to_ascii_lowercase();
        let mut eq = k;
        while eq < bytes.len() && bytes[eq].is_ascii_whitespace() {
            eq += 1;
        }
        if eq >= bytes.len() || bytes[eq] != b'=' {
            // An attribute without a value.
            out.push_str(&html[name_start..k]);
            continue;
        }
        let mut v = eq + 1;
        while v < bytes.len() && bytes[v].is_ascii_whitespace() {
            v += 1;
        }
        let (value, end) = match bytes.get(v) {
            Some(&q @ (b'"' | b'\'')) => {
                let close = html[v + 1..].find(q as char).map_or(html.len(), |c| v + 1 + c);
                (&html[v + 1..close], (close + 1).min(html.len()))
            }
            _ => {
                let close = html[v..].find(|c: char| c.is_ascii_whitespace() || c == '>').map_or(html.len(), |c| v + c);
                (&html[v..close], close)
            }
        };
        match f(&attr, value) {
            Some(new) => {
                out.push_str(&html[name_start..k]);
                out.push_str("=\"");
                out.push_str(&new.replace('"', "&quot;"));
                out.push('"');
            }
            None => out.push_str(&html[name_start..end]),
        }
        k = end;
    }
}

/// Copies the content of raw-text element `name` (starting at `from`) up to its end tag,
/// which is left for the caller; returns where the end tag starts.
fn skip_raw_text(html: &str, from: usize, name: &str, out: &mut String) -> usize {
    let close = format!("</{name}");
    let lower = html[from..].to_ascii_lowercase();
    let end = lower.find(&close).map_or(html.len(), |k| from + k);
    out.push_str(&html[from..end]);
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper_urls(html: &str) -> String {
        rewrite(html, |name, value| (name == "href" || name == "src").then(|| value.to_uppercase()))
    }

    #[test]
    fn only_attributes_of_tags_are_rewritten() {
        let html = "<p>a href=\"x/y</p>\n<hr />\n<p>/../ onfocus=alert(1) x=\"1\"</p>\n\
                    <p><a href=\"a/b\" title=\"t\">c</a><img src=\"d.png\" alt=\"src=&quot;e\" /></p>";
        assert_eq!(
            upper_urls(html),
            "<p>a href=\"x/y</p>\n<hr />\n<p>/../ onfocus=alert(1) x=\"1\"</p>\n\
             <p><a href=\"A/B\" title=\"t\">c</a><img src=\"D.PNG\" alt=\"src=&quot;e\" /></p>"
        );
    }

    #[test]
    fn raw_html_quotes_comments_and_raw_text_are_respected() {
        let html = "<!-- <a href=\"c\"> --><A HREF='x\"y' data-x=1 hidden src = z>t</a>\
                    <script>if (a <b href=\"s\") {}</script><p>1 < 2</p>";
        assert_eq!(
            upper_urls(html),
            "<!-- <a href=\"c\"> --><A HREF=\"X&quot;Y\" data-x=1 hidden src=\"Z\">t</a>\
             <script>if (a <b href=\"s\") {}</script><p>1 < 2</p>"
        );
    }

    #[test]
    fn unfinished_markup_ends_the_copy_without_panicking() {
        for html in ["<a href=\"x", "<a href=", "<a", "<", "<!--", "<script>x", "</p", "<a b c"] {
            assert!(!upper_urls(html).is_empty(), "{html}");
        }
    }
}
