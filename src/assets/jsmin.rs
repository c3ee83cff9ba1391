//! Comment and indentation stripping for the JavaScript a site ships.
//!
//! The theme's modules are written to be read (long doc comments, deep indentation), but every
//! reader's first search downloads them. [`compact`] removes what no engine looks at: comments,
//! leading indentation, trailing whitespace and blank lines. It never joins lines (automatic
//! semicolon insertion depends on line breaks) and keeps whitespace inside a line as written, so
//! it changes no token and no line break between tokens: the code does what it did.
//!
//! It is a lexer, not a parser: it knows strings, template literals (with `${…}` nested to any
//! depth), regular expression literals and comments. Whether a `/` starts a regular expression
//! or divides is decided by the token before it, as tokenizers without a parser do; the few
//! ambiguous places lean towards a regular expression, whose body is copied unchanged. Anything
//! it does not understand (an unterminated literal, a backslash outside a literal, an HTML-like
//! comment of a classic script, an unbalanced `}`) makes it give up, and the file is published
//! as written.

/// `source` without comments, indentation, trailing whitespace or blank lines; `None` when it
/// cannot be sure of the source's tokens, so the caller keeps the bytes as they are.
pub fn compact(source: &str) -> Option<String> {
    let mut lexer = Lexer::new(source);
    lexer.run()?;
    Some(lexer.out)
}

/// What the last significant token was, which decides what a `/` means.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Prev {
    /// An operand ended here (a name, number, literal, `)` or `]`): `/` divides.
    Operand,
    /// An operator, an opening bracket, a keyword such as `return`, or nothing yet: `/` starts
    /// a regular expression.
    Operator,
    /// `.` or `?.`: the next name is a property, never a keyword.
    Dot,
}

/// What an open `{` or `(` was, so its closing bracket knows what follows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Open {
    /// `{` of a block or object.
    Brace,
    /// `${` inside a template literal: its `}` resumes the template's text.
    Substitution,
    /// `(` after `if`, `while`, `for` or `with`: a statement follows its `)`.
    Condition,
    /// Any other `(`.
    Paren,
}

/// After these words an expression starts, so a `/` begins a regular expression.
const EXPRESSION_KEYWORDS: &[&str] = &[
    "await",
    "case",
    "delete",
    "do",
    "else",
    "in",
    "instanceof",
    "new",
    "of",
    "return",
    "throw",
    "typeof",
    "void",
    "yield",
];

/// After these words a parenthesised condition comes, and a statement after its `)`.
const CONDITION_KEYWORDS: &[&str] = &["if", "while", "for", "with"];

struct Lexer<'a> {
    src: &'a str,
    /// Byte offset of the next character.
    at: usize,
    out: String,
    /// Whitespace read inside the current line, written as it was only if more code follows
    /// on the line (a removed comment counts as one space).
    pending_space: String,
    /// Whether anything has been written since the last line break.
    line_has_code: bool,
    prev: Prev,
    /// The last name read, for keyword checks (empty after any other token).
    last_word: &'a str,
    /// The last punctuator, to tell `++`/`--` (after which `/` divides) from `+`/`-`.
    last_punct: char,
    open: Vec<Open>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            at: 0,
            out: String::with_capacity(src.len()),
            pending_space: String::new(),
            line_has_code: false,
            prev: Prev::Operator,
            last_word: "",
            last_punct: '\0',
            open: Vec::new(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.src[self.at..].chars().next()
    }

    fn peek_at(&self, skip: usize) -> Option<char> {
        self.src[self.at..].chars().nth(skip)
    }

    fn rest(&self) -> &'a str {
        &self.src[self.at..]
    }

    /// The whole source, in code mode; `None` on anything not understood.
    fn run(&mut self) -> Option<()> {
        if self.rest().starts_with("#!") {
            let end = self.rest().find(['\n', '\r', '\u{2028}', '\u{2029}']).map_or(self.src.len(), |i| self.at + i);
            self.out.push_str(&self.src[..end]);
            self.line_has_code = true;
            self.at = end;
        }
        while let Some(c) = self.peek() {
            self.code_char(c)?;
        }
        if !self.open.is_empty() {
            return None;
        }
        if self.line_has_code {
            self.out.push('\n');
        }
        Some(())
    }

    /// One token (or one whitespace character) of code starting with `c`.
    fn code_char(&mut self, c: char) -> Option<()> {
        match c {
            _ if is_line_break(c) => {
                self.at += c.len_utf8();
                self.line_break();
            }
            _ if is_space(c) => {
                self.at += c.len_utf8();
                self.pending_space.push(c);
            }
            '/' if self.rest().starts_with("//") => self.line_comment(),
            '/' if self.rest().starts_with("/*") => self.block_comment()?,
            '/' if self.prev != Prev::Operand => self.regex()?,
            '\'' | '"' => self.string(c)?,
            '`' => {
                self.emit_from(self.at, 1);
                self.template()?;
            }
            '0'..='9' => self.number(),
            '.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => self.number(),
            '\\' | '\u{85}' => return None,
            _ if is_word_char(c) => self.word(),
            _ => self.punct(c)?,
        }
        Some(())
    }

    /// Writes `len` bytes from `start` as code, after a space if one separated them from the
    /// code before on this line, and moves past them.
    fn emit_from(&mut self, start: usize, len: usize) {
        if self.line_has_code {
            self.out.push_str(&self.pending_space);
        }
        self.pending_space.clear();
        self.line_has_code = true;
        self.out.push_str(&self.src[start..start + len]);
        self.at = start + len;
    }

    /// A line break in code: ends the line if it held code; blank lines vanish.
    fn line_break(&mut self) {
        if self.line_has_code {
            self.out.push('\n');
        }
        self.line_has_code = false;
        self.pending_space.clear();
    }

    fn line_comment(&mut self) {
        let len = self.rest().find(['\n', '\r', '\u{2028}', '\u{2029}']).unwrap_or(self.rest().len());
        self.at += len;
        self.comment_space();
    }

    /// A `/* … */` comment: a space where it held no line break (so `a/**/b` stays two
    /// tokens), a line break where it held one (which ends a statement as the comment did).
    fn block_comment(&mut self) -> Option<()> {
        let len = self.rest()[2..].find("*/")? + 4;
        let body = &self.rest()[..len];
        self.at += len;
        if body.contains(is_line_break) {
            self.line_break();
        } else {
            self.comment_space();
        }
        Some(())
    }

    /// A comment within a line separates the tokens around it like a space.
    fn comment_space(&mut self) {
        if self.pending_space.is_empty() {
            self.pending_space.push(' ');
        }
    }

    fn string(&mut self, quote: char) -> Option<()> {
        let start = self.at;
        let mut chars = self.rest().char_indices().skip(1);
        let len = loop {
            match chars.next()? {
                (_, '\\') => {
                    let (_, escaped) = chars.next()?;
                    // A line continuation written as CR LF is one escape of two characters.
                    if escaped == '\r' {
                        let mut ahead = chars.clone();
                        if let Some((_, '\n')) = ahead.next() {
                            chars = ahead;
                        }
                    }
                }
                (_, '\n' | '\r') => return None,
                (i, c) if c == quote => break i + 1,
                _ => {}
            }
        };
        self.emit_from(start, len);
        self.operand();
        Some(())
    }

    /// The text of a template literal after its opening backtick (or after the `}` of a
    /// substitution), written unchanged up to its closing backtick or the next `${`.
    fn template(&mut self) -> Option<()> {
        let start = self.at;
        let mut chars = self.rest().char_indices();
        loop {
            match chars.next()? {
                (_, '\\') => {
                    chars.next()?;
                }
                (i, '`') => {
                    self.out.push_str(&self.src[start..start + i + 1]);
                    self.at = start + i + 1;
                    self.operand();
                    return Some(());
                }
                (i, '$') if self.src[start + i..].starts_with("${") => {
                    self.out.push_str(&self.src[start..start + i + 2]);
                    self.at = start + i + 2;
                    self.open.push(Open::Substitution);
                    self.operator('{');
                    return Some(());
                }
                _ => {}
            }
        }
    }

    /// A regular expression literal: written unchanged through its flags.
    fn regex(&mut self) -> Option<()> {
        let start = self.at;
        let mut chars = self.rest().char_indices().skip(1);
        let mut in_class = false;
        let mut len = loop {
            match chars.next()? {
                (_, '\\') => match chars.next()? {
                    (_, c) if is_line_break(c) => return None,
                    _ => {}
                },
                (_, c) if is_line_break(c) => return None,
                (_, '[') => in_class = true,
                (_, ']') => in_class = false,
                (i, '/') if !in_class => break i + 1,
                _ => {}
            }
        };
        len += self.rest()[len..].find(|c: char| !is_word_char(c)).unwrap_or(self.rest().len() - len);
        self.emit_from(start, len);
        self.operand();
        Some(())
    }

    fn number(&mut self) {
        let bytes = self.rest().as_bytes();
        let mut len = 1;
        while let Some(&b) = bytes.get(len) {
            let exponent_sign =
                (b == b'+' || b == b'-') && matches!(bytes[len - 1], b'e' | b'E') && !is_radix_prefixed(bytes);
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign {
                len += 1;
            } else {
                break;
            }
        }
        self.emit_from(self.at, len);
        self.operand();
    }

    fn word(&mut self) {
        let len = self.rest().find(|c: char| !is_word_char(c)).unwrap_or(self.rest().len());
        let start = self.at;
        let after_dot = self.prev == Prev::Dot;
        self.emit_from(start, len);
        let word = &self.src[start..start + len];
        self.last_word = if after_dot { "" } else { word };
        self.last_punct = '\0';
        self.prev = match after_dot || !EXPRESSION_KEYWORDS.contains(&word) {
            true => Prev::Operand,
            false => Prev::Operator,
        };
    }

    fn punct(&mut self, c: char) -> Option<()> {
        if self.rest().starts_with("<!--") || (!self.line_has_code && self.rest().starts_with("-->")) {
            return None;
        }
        let after_word = std::mem::take(&mut self.last_word);
        let joined = (c == '+' || c == '-') && self.last_punct == c && self.pending_space.is_empty();
        self.emit_from(self.at, c.len_utf8());
        match c {
            '{' => {
                self.open.push(Open::Brace);
                self.operator(c);
            }
            '(' => {
                let kind = if CONDITION_KEYWORDS.contains(&after_word) { Open::Condition } else { Open::Paren };
                self.open.push(kind);
                self.operator(c);
            }
            '}' => match self.open.pop()? {
                Open::Brace => self.operator(c),
                Open::Substitution => self.template()?,
                _ => return None,
            },
            ')' => match self.open.pop()? {
                Open::Condition => self.operator(c),
                Open::Paren => self.operand(),
                _ => return None,
            },
            ']' => self.operand(),
            '.' => {
                self.prev = Prev::Dot;
                self.last_punct = c;
            }
            // `a++ / b` divides; the second `+` of `++` is not an operator wanting an operand.
            '+' | '-' if joined => {
                self.prev = Prev::Operand;
                self.last_punct = '\0';
            }
            _ => self.operator(c),
        }
        Some(())
    }

    fn operand(&mut self) {
        self.prev = Prev::Operand;
        self.last_word = "";
        self.last_punct = '\0';
    }

    fn operator(&mut self, c: char) {
        self.prev = Prev::Operator;
        self.last_word = "";
        self.last_punct = c;
    }
}

/// Whether a number starts with `0x`, `0o` or `0b`, where `e` is a digit, not an exponent.
fn is_radix_prefixed(bytes: &[u8]) -> bool {
    bytes.len() > 1 && bytes[0] == b'0' && matches!(bytes[1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
}

/// JavaScript's line terminators.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// JavaScript's white space: tab, vertical tab, form feed, space, no-break space, the byte
/// order mark and Unicode's space separators.
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | ' ' | '\u{a0}' | '\u{feff}')
        || (c as u32 >= 0x1680 && c.is_whitespace() && !is_line_break(c))
}

/// A character of a name: ASCII letters, digits, `_`, `$`, `#` (private names) and anything
/// beyond ASCII that is not white space or a line break.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '_' | '$' | '#')
        || (!c.is_ascii() && !is_space(c) && !is_line_break(c) && c != '\u{85}')
}

#[cfg(test)]
mod tests {
    use super::compact;

    fn c(src: &str) -> String {
        compact(src).unwrap_or_else(|| panic!("gave up on {src:?}"))
    }

    #[test]
    fn drops_comments_indentation_and_blank_lines() {
        let src = "/**\n * Doc.\n */\nexport function f(a) {\n    // why\n\n    return a + 1; // inline  \n}\n";
        assert_eq!(c(src), "export function f(a) {\nreturn a + 1;\n}\n");
    }

    #[test]
    fn keeps_every_line_break_between_statements() {
        assert_eq!(c("let a = b\n(c)\nreturn\nx\n"), "let a = b\n(c)\nreturn\nx\n");
        assert_eq!(c("a\r\n\r\n  b\u{2028}c"), "a\nb\nc\n");
    }

    #[test]
    fn a_block_comment_spanning_lines_still_breaks_the_line() {
        // `return /*\n*/ x` returns undefined: the comment's line break ends the statement.
        assert_eq!(c("return /* one\n two */ x;\n"), "return\nx;\n");
        assert_eq!(c("a/* same line */b\n"), "a b\n");
        assert_eq!(c("a = 1; /* a\n\n*/\n\nb = 2;"), "a = 1;\nb = 2;\n");
    }

    #[test]
    fn whitespace_inside_a_line_is_kept() {
        assert_eq!(c("x  =  [1,   2];\t\n"), "x  =  [1,   2];\n");
        assert_eq!(c("a = b - -c; d = e + +f; g = h++ + i;\n"), "a = b - -c; d = e + +f; g = h++ + i;\n");
    }

    #[test]
    fn comment_markers_inside_strings_are_text() {
        let src = "const u = 'http://x/*y*/'; // gone\nconst v = \"a // b\";\n";
        assert_eq!(c(src), "const u = 'http://x/*y*/';\nconst v = \"a // b\";\n");
        assert_eq!(c("s = 'it\\'s // kept'\n"), "s = 'it\\'s // kept'\n");
        assert_eq!(c("s = 'line \\\n  continued // kept'\n"), "s = 'line \\\n  continued // kept'\n");
    }

    #[test]
    fn regex_after_operators_and_keywords() {
        assert_eq!(c("f(/\\/\\/ x/g, y) // c\n"), "f(/\\/\\/ x/g, y)\n");
        assert_eq!(c("x = /[/*]  '/; // c\n"), "x = /[/*]  '/;\n");
        assert_eq!(c("x = a ? /'/ : /\"/;\n"), "x = a ? /'/ : /\"/;\n");
        assert_eq!(
            c("function f() {\n  return /a\\/\\/b/.test(s);\n}\n"),
            "function f() {\nreturn /a\\/\\/b/.test(s);\n}\n"
        );
        assert_eq!(c("if (a) /'/.test(s) && t('//')\n"), "if (a) /'/.test(s) && t('//')\n");
        assert_eq!(c("x = typeof /a/ // c\n"), "x = typeof /a/\n");
        assert_eq!(c("x => /[/]/.test(y) // c\n"), "x => /[/]/.test(y)\n");
    }

    #[test]
    fn division_after_operands() {
        assert_eq!(c("x = a / b / c; // half\n"), "x = a / b / c;\n");
        assert_eq!(c("x = (a) / 2 // two\n"), "x = (a) / 2\n");
        assert_eq!(c("x = a[0] / 2 /* two */\n"), "x = a[0] / 2\n");
        assert_eq!(c("x = 1e-3 / 2; y = i++ / 2 // c\n"), "x = 1e-3 / 2; y = i++ / 2\n");
        assert_eq!(c("x = o.return / 2 // c\n"), "x = o.return / 2\n");
        assert_eq!(c("x = 'a' / 2 // c\n"), "x = 'a' / 2\n");
    }

    #[test]
    fn template_literals_keep_their_text_and_nest() {
        let src = "t = `line one\n    // not a comment\n\n    ${a /* gone */} /* kept */`;\n";
        assert_eq!(c(src), "t = `line one\n    // not a comment\n\n    ${a } /* kept */`;\n");
        assert_eq!(c("t = `${ '}' } // kept`; // gone\n"), "t = `${ '}' } // kept`;\n");
        assert_eq!(c("t = `a${ `b${ {c: 1}.c }` }d` // x\n"), "t = `a${ `b${ {c: 1}.c }` }d`\n");
        assert_eq!(c("t = `\\` // kept \\${ x }`\n"), "t = `\\` // kept \\${ x }`\n");
        assert_eq!(c("t = `${\n    x // gone\n  }`\n"), "t = `${\nx\n}`\n");
    }

    #[test]
    fn gives_up_on_what_it_does_not_understand() {
        for src in [
            "s = 'unterminated\n",
            "t = `unterminated",
            "x = /unterminated\n/",
            "/* unterminated",
            "a = {",
            "a = }",
            "t = `${ a `",
            "var \\u0061 = 1",
            "x = 1 <!-- y\n",
            "x = 1\n--> y\n",
        ] {
            assert_eq!(compact(src), None, "{src:?}");
        }
    }

    #[test]
    fn keeps_a_hashbang_and_non_ascii() {
        assert_eq!(c("#!/usr/bin/env node\n// x\nconst 名 = '中文';\n"), "#!/usr/bin/env node\nconst 名 = '中文';\n");
        assert_eq!(c("\u{feff}\u{3000}x = 1\n"), "x = 1\n");
        assert_eq!(c(""), "");
    }

    #[test]
    fn is_idempotent_and_deterministic() {
        let src = "// a\nfunction f(x) {\n  /* b */ return x / 2; // c\n}\n";
        let once = c(src);
        assert_eq!(c(&once), once);
        assert_eq!(c(src), once);
    }
}
