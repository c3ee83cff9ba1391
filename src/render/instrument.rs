//! Template rewriting for the render budget ([`super::budget`]): the body of every
//! `{% for %}` loop and every `{% component %}` definition gets a check at its start, and every
//! list comprehension's condition runs one, before Tera parses the template.
//!
//! The rewrite follows Tera's lexer (comments, `{% raw %}`, strings, whitespace control: a
//! `-%}` moves onto the inserted check so trimming is unchanged); positions Tera reports in
//! the rewritten text are mapped back with [`Instrumented::original`]. A template the
//! rewrite would break (a bug here, never seen on Tera's own test templates) is loaded as
//! written, without checks.

/// The test the rewritten templates run; registered on every Tera instance.
pub(super) const TICK: &str = "__gazette_tick";

/// A template with budget checks inserted.
pub(super) struct Instrumented {
    /// The rewritten text, for Tera.
    pub text: String,
    /// Where text was inserted: (offset in `text`, length), in order.
    pub inserted: Vec<(usize, usize)>,
}

impl Instrumented {
    /// The byte offset in the template as written of `pos`, a byte offset in the rewritten
    /// text; a position inside inserted text maps to where it was inserted.
    pub fn original(inserted: &[(usize, usize)], pos: usize) -> usize {
        let mut shift = 0;
        for &(at, len) in inserted {
            if pos < at {
                break;
            }
            if pos < at + len {
                return at - shift;
            }
            shift += len;
        }
        pos - shift
    }
}

/// Inserts the budget checks into `src`. A template Tera's lexer would reject is returned
/// unchanged, so Tera reports the error against the text as written.
pub(super) fn instrument(src: &str) -> Instrumented {
    let mut edits = Vec::new();
    if scan(src, &mut edits).is_none() {
        return Instrumented { text: src.to_string(), inserted: Vec::new() };
    }
    // Stable: two insertions at one offset keep the order they were found in.
    edits.sort_by_key(|e| e.0);
    let mut text = String::with_capacity(src.len() + edits.iter().map(|e| e.1.len()).sum::<usize>());
    let mut inserted = Vec::with_capacity(edits.len());
    let mut copied = 0;
    for (at, insert) in edits {
        text.push_str(&src[copied..at]);
        inserted.push((text.len(), insert.len()));
        text.push_str(&insert);
        copied = at;
    }
    text.push_str(&src[copied..]);
    Instrumented { text, inserted }
}

/// The check starting a loop body; `trim` carries the loop tag's `-%}` over.
fn body_tick(at: usize, trim: bool) -> String {
    format!("{{% if {at} is {TICK} %}}{{% endif {}%}}", if trim { "-" } else { "" })
}

/// Finds every loop, component definition and comprehension; `None` where Tera's lexer
/// would fail.
fn scan(src: &str, edits: &mut Vec<(usize, String)>) -> Option<()> {
    let b = src.as_bytes();
    let mut i = 0;
    while let Some(found) = b.get(i..)?.windows(2).position(|w| w == b"{{" || w == b"{%" || w == b"{#") {
        let start = i + found;
        let inner = start + 2 + usize::from(b.get(start + 2) == Some(&b'-'));
        i = match &b[start..start + 2] {
            b"{#" => inner + find(&b[inner..], b"#}")? + 2,
            b"{%" => match skip_tag(&src[inner..], "raw") {
                Some(len) => skip_raw(src, inner + len)?,
                None => expression(src, inner, Some(start), edits)?,
            },
            _ => expression(src, inner, None, edits)?,
        };
    }
    Some(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// As Tera's lexer: the length of `-? ws* name ws* -? %}` at the start of `s`, if it is one.
fn skip_tag(s: &str, name: &str) -> Option<usize> {
    let rest = s.strip_prefix('-').unwrap_or(s).trim_start_matches(|c: char| c.is_ascii_whitespace());
    let rest = rest.strip_prefix(name)?.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let rest = rest.strip_prefix('-').unwrap_or(rest).strip_prefix("%}")?;
    Some(s.len() - rest.len())
}

/// The offset after the `{% endraw %}` closing a raw block whose body starts at `body`.
fn skip_raw(src: &str, body: usize) -> Option<usize> {
    let mut at = body;
    loop {
        at += find(&src.as_bytes()[at..], b"{%")? + 2;
        if let Some(len) = skip_tag(&src[at..], "endraw") {
            return Some(at + len);
        }
    }
}

/// An open bracket inside a tag or variable, and the comprehension it holds, if any.
struct Bracket {
    /// `[`, `(`, `{`, or `?` for `?[`.
    open: u8,
    /// Offset of the comprehension's `for`, and whether its `if` was seen.
    comprehension: Option<(usize, bool)>,
}

/// Reads the tokens of a tag (`tag` = offset of its `{%`) or variable whose contents start
/// at `at`, as Tera's lexer does; returns the offset after its closing delimiter.
fn expression(src: &str, mut at: usize, tag: Option<usize>, edits: &mut Vec<(usize, String)>) -> Option<usize> {
    let b = src.as_bytes();
    let close: &[u8] = if tag.is_some() { b"%}" } else { b"}}" };
    // The tag's first word, when its first token is one.
    let mut first: Option<&str> = None;
    let mut tokens = 0;
    let mut after_dot = false;
    let mut open: Vec<Bracket> = Vec::new();
    loop {
        while b.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let rest = b.get(at..).filter(|r| !r.is_empty())?;
        let trim = rest[0] == b'-' && rest.get(1..3) == Some(close);
        if trim || rest.starts_with(close) {
            let end = at + 2 + usize::from(trim);
            if let (Some(tag), Some("for" | "component")) = (tag, first) {
                edits.push((end, body_tick(tag, trim)));
            }
            return Some(end);
        }
        let start = at;
        let mut dot = false;
        let two = rest.get(..2).unwrap_or_default();
        if rest.starts_with(b"...") {
            at += 3;
        } else if two == b"?[" {
            open.push(Bracket { open: b'?', comprehension: None });
            at += 2;
        } else if matches!(two, b"//" | b"**" | b"==" | b"!=" | b">=" | b"<=" | b"</" | b"?.") {
            dot = two == b"?.";
            at += 2;
        } else {
            match rest[0] {
                q @ (b'\'' | b'"' | b'`') => at += string_len(rest, q)?,
                c if c.is_ascii_digit() => at += number_len(rest),
                c @ (b'[' | b'(' | b'{') => {
                    open.push(Bracket { open: c, comprehension: None });
                    at += 1;
                }
                c @ (b']' | b')' | b'}') => {
                    if let Some(Bracket { open: b'[', comprehension: Some((for_at, has_if)) }) = open.pop()
                        && c == b']'
                    {
                        edits.push((at, comprehension_end(for_at, has_if)));
                    }
                    at += 1;
                }
                b'.' => {
                    dot = true;
                    at += 1;
                }
                b'+' | b'-' | b'*' | b'/' | b'%' | b'!' | b',' | b':' | b'~' | b'|' | b'=' | b'>' | b'<' | b'@' => {
                    at += 1
                }
                c if c == b'_' || c.is_ascii_alphabetic() => {
                    let len = rest.iter().take_while(|c| **c == b'_' || c.is_ascii_alphanumeric()).count();
                    let word = &src[at..at + len];
                    at += len;
                    if tokens == 0 {
                        first = Some(word);
                    }
                    if !after_dot {
                        comprehension_word(word, start, at, open.last_mut(), edits);
                    }
                }
                _ => return None,
            }
        }
        tokens += 1;
        after_dot = dot;
    }
}

/// Notes a comprehension's `for` (directly inside `[`) and puts the check before the rest of
/// its `if` condition.
fn comprehension_word(
    word: &str,
    start: usize,
    end: usize,
    innermost: Option<&mut Bracket>,
    edits: &mut Vec<(usize, String)>,
) {
    let Some(bracket) = innermost.filter(|b| b.open == b'[') else { return };
    match (word, &mut bracket.comprehension) {
        ("for", c @ None) => *c = Some((start, false)),
        ("if", Some((for_at, has_if @ false))) => {
            *has_if = true;
            edits.push((end, format!(" ({for_at} is {TICK}) and (")));
        }
        _ => {}
    }
}

/// What closes a comprehension's condition (opened by [`comprehension_word`]) or adds one.
fn comprehension_end(for_at: usize, has_if: bool) -> String {
    if has_if { ")".to_string() } else { format!(" if {for_at} is {TICK}") }
}

/// As Tera's lexer: the length of the string literal opening `rest`, quotes included.
fn string_len(rest: &[u8], quote: u8) -> Option<usize> {
    let mut escaped = false;
    let body = rest
        .iter()
        .skip(1)
        .take_while(|&&c| {
            if escaped {
                escaped = false;
                return true;
            }
            escaped = c == b'\\';
            c != quote
        })
        .count();
    (rest.get(body + 1) == Some(&quote)).then_some(body + 2)
}

/// As Tera's lexer: digits with at most one `.`.
fn number_len(rest: &[u8]) -> usize {
    let mut dot = false;
    rest.iter()
        .take_while(|&&c| {
            if !dot && c == b'.' {
                dot = true;
                true
            } else {
                c.is_ascii_digit()
            }
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::budget::line_col;

    fn rewritten(src: &str) -> String {
        instrument(src).text
    }

    #[test]
    fn loop_and_component_bodies_start_with_a_tick_that_keeps_whitespace_control() {
        assert_eq!(
            rewritten("a{% for x in xs %}b{% endfor %}"),
            "a{% for x in xs %}{% if 1 is __gazette_tick %}{% endif %}b{% endfor %}"
        );
        assert_eq!(rewritten("{%- for x in xs -%} b"), "{%- for x in xs -%}{% if 0 is __gazette_tick %}{% endif -%} b");
        assert_eq!(
            rewritten("{% component c(n) %}x{% endcomponent c %}"),
            "{% component c(n) %}{% if 0 is __gazette_tick %}{% endif %}x{% endcomponent c %}"
        );
        // Not a loop: another tag, text, a string, a comment, a raw block.
        for src in [
            "{% if for_x %}{% endif %}for",
            "{% set s = \"{% for x in y %}\" %}{{ 'for %}' }}",
            "{# {% for x in y %} #}",
            "{% raw %}{% for x in y %}{% endraw %}",
            "{{ x.for }}",
        ] {
            assert_eq!(rewritten(src), src);
        }
    }

    #[test]
    fn comprehensions_tick_in_their_condition() {
        assert_eq!(rewritten("{{ [x for x in xs] }}"), "{{ [x for x in xs if 6 is __gazette_tick] }}");
        assert_eq!(
            rewritten("{{ [x for x in xs if x > 1] }}"),
            "{{ [x for x in xs if (6 is __gazette_tick) and ( x > 1)] }}"
        );
        assert_eq!(
            rewritten("{{ [[y for y in x] for x in xs] }}"),
            "{{ [[y for y in x if 7 is __gazette_tick] for x in xs if 19 is __gazette_tick] }}"
        );
        // A subscript or a call is no comprehension.
        assert_eq!(rewritten("{{ a[i] ~ f(for=1) }}"), "{{ a[i] ~ f(for=1) }}");
    }

    #[test]
    fn positions_map_back_to_the_template_as_written() {
        let src = "{% for x in xs %}{{ x.y }}\n{% for z in x %}{{ z }}{% endfor %}{% endfor %}";
        let t = instrument(src);
        let at = |needle: &str| t.text.find(needle).expect(needle);
        assert_eq!(Instrumented::original(&t.inserted, at("x.y")), src.find("x.y").expect("x.y"));
        assert_eq!(Instrumented::original(&t.inserted, at("{{ z }}")), src.find("{{ z }}").expect("z"));
        // Inside an inserted call: where it was inserted.
        assert_eq!(Instrumented::original(&t.inserted, at("27 is __gazette_tick")), src.find("{{ z").expect("z"));
        assert_eq!(line_col(src, src.find("{{ z").expect("z")), Some((2, 17)));
        assert_eq!(line_col("标题\n 甲乙", "标题\n 甲乙".find('乙').expect("乙")), Some((2, 3)));
    }

    /// Renders `text` with the tick registered (always passing, no budget).
    fn render(text: &str) -> String {
        let mut tera = tera::Tera::new();
        tera.register_test(TICK, |_: u64, _: tera::Kwargs, _: &tera::State| -> tera::TeraResult<bool> { Ok(true) });
        tera.add_raw_template("t", text).expect("valid");
        let mut ctx = tera::Context::new();
        ctx.insert("xs", &[1, 2, 3]);
        ctx.insert("m", &std::collections::BTreeMap::from([("a", 1), ("b", 2)]));
        tera.render("t", &ctx).expect("renders")
    }

    #[test]
    fn rewritten_templates_render_as_written() {
        for src in [
            "{% raw %}{% for x in xs %}{% endraw %}{# {% for x in xs %} #}{% set q = \"{% for\" %}{{ q }}{% for x in xs %}{{ x }}{% endfor %}",
            "{% for x in xs -%}\n  {{ x }}\n{%- endfor %}|{%- for x in xs -%}  {%- if x %}a{% endif -%}  {%- endfor -%}",
            "{% for x in xs -%}   {#- c -#} {{ x }} {% endfor %}|{% for x in xs -%}{%- raw -%} r {%- endraw %} {% endfor %}",
            "{% for x in [] %}a{% else %}empty{% endfor %}|{% for k, v in m %}{{ k }}={{ v }};{% endfor %}",
            "{% for x in xs %}{{ loop.index }}{{ loop.first }}{{ loop.last }}{% if x == 2 %}{% continue %}{% endif %}{% endfor %}",
            "{% filter upper %}{% for x in xs %}a{{ x }}{% endfor %}{% endfilter %}|{% set b %}{% for x in xs %}{{ x }}{% endfor %}{% endset %}{{ b }}",
            "{% component C(n) %}<c>{% for x in range(end=n) %}{{ x }}{% endfor %}{{ body }}</c>{% endcomponent C %}{% <C n={2}> %}{% for y in xs %}y{% endfor %}{% </C> %}",
            "{% set __gazette_tick = 7 %}{% for x in xs %}{{ __gazette_tick }}{% endfor %}",
            "{{ [x if x > 1 else 0 for x in xs] }}|{{ [k ~ v for k, v in m] }}|{{ [x for x in xs if x == 1 or x == 3] }}|{{ [x for x in xs if not x == 2][0] }}",
        ] {
            let t = instrument(src);
            assert_ne!(t.text, src, "a loop was found in {src}");
            assert_eq!(render(&t.text), render(src), "{src}");
        }
    }

    #[test]
    fn what_tera_would_reject_is_left_as_written() {
        for src in ["{% for x in xs", "{{ 'open }}", "{# open", "{% raw %}{% for %}", "{{ x ^ y }}"] {
            assert_eq!(rewritten(src), src);
        }
    }
}
