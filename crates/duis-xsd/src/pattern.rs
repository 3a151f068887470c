//! XSD 1.0 regular expressions (XML Schema Part 2, Appendix F) translated to Rust `regex`
//! syntax.
//!
//! The two dialects differ in ways that matter: XSD patterns are implicitly anchored; `^`
//! and `$` are ordinary characters; `.` excludes CR as well as LF; `\s` is only the four XML
//! whitespace characters; `\i`/`\c` are the XML name classes; `\p{IsBlock}` names Unicode
//! blocks (which `regex` does not know); and `[a-z-[aeiou]]` subtracts a class. The
//! translator therefore parses the XSD grammar and re-emits every construct explicitly
//! instead of passing text through, and anything it does not know is an error.

use std::fmt::Write as _;

/// Why a pattern could not be translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatternError {
    /// What is wrong.
    pub(crate) message: String,
    /// Character offset in the pattern.
    pub(crate) offset: usize,
}

/// Translate an XSD pattern into an anchored Rust regex.
/// A translated pattern, and whether it compiles only within [`SIZE_LIMIT`], not within
/// [`SMALL_SIZE_LIMIT`].
pub(crate) fn translate(xsd: &str) -> Result<(String, bool), PatternError> {
    // Checked before anything is built: a pattern of megabytes would take as much again to
    // compile before the size limit refused it.
    if xsd.len() > MAX_LENGTH {
        return Err(PatternError { message: format!("longer than {MAX_LENGTH} bytes"), offset: 0 });
    }
    let chars: Vec<char> = xsd.chars().collect();
    let mut p = Parser { chars: &chars, pos: 0, groups: 0, out: String::with_capacity(xsd.len() + 16) };
    p.out.push_str("^(?:");
    p.reg_exp()?;
    if p.pos < chars.len() {
        return Err(p.err("unbalanced ')'"));
    }
    p.out.push_str(")$");
    // Reject anything `regex` refuses now, so that lazy compilation cannot fail later.
    let refused = |e: regex::Error| PatternError {
        message: format!("translated pattern does not compile: {}", why(&e)),
        offset: 0,
    };
    let large = match regex::RegexBuilder::new(&p.out).size_limit(SMALL_SIZE_LIMIT).build() {
        Ok(_) => false,
        Err(regex::Error::CompiledTooBig(_)) => {
            build(&p.out).map_err(refused)?;
            true
        }
        Err(e) => return Err(refused(e)),
    };
    Ok((p.out, large))
}

/// What `regex` refused, without the translated pattern its syntax errors quote whole.
fn why(error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(text) => {
            text.lines().find_map(|l| l.trim().strip_prefix("error: ")).unwrap_or("a syntax error").to_owned()
        }
        other => other.to_string(),
    }
}

/// The most a compiled pattern may take: room for Unicode classes repeated a few dozen times
/// (`\w{1,64}`: XSD's `\w` is every character but punctuation, separators and others), while a
/// hostile schema's pattern cannot take tens of megabytes or seconds (`regex`'s default is
/// 10 MB).
pub(crate) const SIZE_LIMIT: usize = 4 * 1024 * 1024;

/// What an ordinary pattern fits in: the largest DUIS 5.4 pattern (RequestID's) takes under
/// 64 KiB. A schema may hold only a few patterns larger than this.
pub(crate) const SMALL_SIZE_LIMIT: usize = 256 * 1024;

/// Longest pattern, in bytes: the longest DUIS 5.4 pattern (RequestID's) has about 750.
const MAX_LENGTH: usize = 4096;

/// Deepest nesting of groups in a pattern. A translated group nests twice in `regex`'s count
/// (the group and the sequence inside it), whose own bound is 250: refused here first.
const MAX_GROUPS: usize = 100;

/// Compiles a translated pattern within [`SIZE_LIMIT`], as checked and as used.
pub(crate) fn build(regex: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(regex).size_limit(SIZE_LIMIT).build()
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    /// Groups open at `pos`.
    groups: usize,
    out: String,
}

/// XML 1.0 (5th edition) NameStartChar, as a class body.
const NAME_START: &str = ":A-Z_a-z\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{2FF}\\x{370}-\\x{37D}\\x{37F}-\\x{1FFF}\\x{200C}-\\x{200D}\\x{2070}-\\x{218F}\\x{2C00}-\\x{2FEF}\\x{3001}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFFD}\\x{10000}-\\x{EFFFF}";
/// NameChar minus NameStartChar, as a class body.
const NAME_REST: &str = "\\-.0-9\\x{B7}\\x{300}-\\x{36F}\\x{203F}-\\x{2040}";

/// Unicode blocks accepted by `\p{IsX}`; `regex` has no block support, so they are ranges.
const BLOCKS: &[(&str, &str)] = &[
    ("BasicLatin", "\\x{0}-\\x{7F}"),
    ("Latin-1Supplement", "\\x{80}-\\x{FF}"),
    ("LatinExtended-A", "\\x{100}-\\x{17F}"),
    ("LatinExtended-B", "\\x{180}-\\x{24F}"),
    ("IPAExtensions", "\\x{250}-\\x{2AF}"),
    ("SpacingModifierLetters", "\\x{2B0}-\\x{2FF}"),
    ("CombiningDiacriticalMarks", "\\x{300}-\\x{36F}"),
    ("Greek", "\\x{370}-\\x{3FF}"),
    ("Cyrillic", "\\x{400}-\\x{4FF}"),
    ("GeneralPunctuation", "\\x{2000}-\\x{206F}"),
    ("CurrencySymbols", "\\x{20A0}-\\x{20CF}"),
    ("LetterlikeSymbols", "\\x{2100}-\\x{214F}"),
    ("Arrows", "\\x{2190}-\\x{21FF}"),
    ("MathematicalOperators", "\\x{2200}-\\x{22FF}"),
];

const CATEGORIES: &[&str] = &[
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe", "Pi",
    "Pf", "Po", "Z", "Zs", "Zl", "Zp", "S", "Sm", "Sc", "Sk", "So", "C", "Cc", "Cf", "Co", "Cn",
];

impl Parser<'_> {
    fn err(&self, message: &str) -> PatternError {
        PatternError { message: message.to_owned(), offset: self.pos }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn reg_exp(&mut self) -> Result<(), PatternError> {
        self.branch()?;
        while self.peek() == Some('|') {
            self.pos += 1;
            self.out.push('|');
            self.branch()?;
        }
        Ok(())
    }

    fn branch(&mut self) -> Result<(), PatternError> {
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.atom()?;
            self.quantifier()?;
        }
        Ok(())
    }

    fn quantifier(&mut self) -> Result<(), PatternError> {
        match self.peek() {
            Some(c @ ('?' | '*' | '+')) => {
                self.pos += 1;
                self.out.push(c);
            }
            Some('{') => {
                self.pos += 1;
                let min = self.number()?;
                let mut q = format!("{{{min}");
                if self.peek() == Some(',') {
                    self.pos += 1;
                    q.push(',');
                    if self.peek() != Some('}') {
                        let max = self.number()?;
                        if max < min {
                            return Err(self.err("quantifier {n,m} with m < n"));
                        }
                        let _ = write!(q, "{max}");
                    }
                }
                if self.next() != Some('}') {
                    return Err(self.err("expected '}' closing a quantifier"));
                }
                q.push('}');
                self.out.push_str(&q);
            }
            _ => return Ok(()),
        }
        // XSD has no reluctant or possessive quantifiers: `a*?` is an error there.
        if matches!(self.peek(), Some('?' | '*' | '+' | '{')) {
            return Err(self.err("quantifier follows a quantifier"));
        }
        Ok(())
    }

    fn number(&mut self) -> Result<u32, PatternError> {
        let start = self.pos;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.checked_mul(10).and_then(|n| n.checked_add(d)).ok_or_else(|| self.err("quantifier too large"))?;
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err("expected a number in a quantifier"));
        }
        Ok(n)
    }

    fn atom(&mut self) -> Result<(), PatternError> {
        let Some(c) = self.next() else {
            return Err(self.err("unexpected end of pattern"));
        };
        match c {
            '(' => {
                // The parser recurses once per group: bounded before it goes deeper.
                self.groups += 1;
                if self.groups > MAX_GROUPS {
                    return Err(self.err(&format!("groups nested more than {MAX_GROUPS} deep")));
                }
                self.out.push_str("(?:");
                self.reg_exp()?;
                if self.next() != Some(')') {
                    return Err(self.err("missing ')'"));
                }
                self.out.push(')');
                self.groups -= 1;
            }
            '[' => self.class_expr()?,
            '.' => self.out.push_str("[^\\n\\r]"),
            '\\' => {
                let item = self.escape()?;
                item.emit_outside(&mut self.out);
            }
            '?' | '*' | '+' | '{' => return Err(self.err("quantifier without an atom")),
            ')' | ']' | '}' => return Err(self.err("unbalanced bracket")),
            c => push_literal(&mut self.out, c),
        }
        Ok(())
    }

    /// After a backslash.
    fn escape(&mut self) -> Result<ClassItem, PatternError> {
        let Some(c) = self.next() else {
            return Err(self.err("pattern ends with '\\'"));
        };
        Ok(match c {
            'n' => ClassItem::Char('\n'),
            'r' => ClassItem::Char('\r'),
            't' => ClassItem::Char('\t'),
            '\\' | '|' | '.' | '?' | '*' | '+' | '(' | ')' | '{' | '}' | '-' | '[' | ']' | '^' => ClassItem::Char(c),
            's' => ClassItem::Class(" \\t\\n\\r".to_owned(), false),
            'S' => ClassItem::Class(" \\t\\n\\r".to_owned(), true),
            'd' => ClassItem::Raw("\\p{Nd}".to_owned()),
            'D' => ClassItem::Raw("\\P{Nd}".to_owned()),
            'w' => ClassItem::Class("\\p{P}\\p{Z}\\p{C}".to_owned(), true),
            'W' => ClassItem::Class("\\p{P}\\p{Z}\\p{C}".to_owned(), false),
            'i' => ClassItem::Class(NAME_START.to_owned(), false),
            'I' => ClassItem::Class(NAME_START.to_owned(), true),
            'c' => ClassItem::Class(format!("{NAME_START}{NAME_REST}"), false),
            'C' => ClassItem::Class(format!("{NAME_START}{NAME_REST}"), true),
            'p' | 'P' => {
                if self.next() != Some('{') {
                    return Err(self.err("expected '{' after \\p"));
                }
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '}') {
                    self.pos += 1;
                }
                let name: String = self.chars.get(start..self.pos).unwrap_or(&[]).iter().collect();
                if self.next() != Some('}') {
                    return Err(self.err("missing '}' after \\p{"));
                }
                let negated = c == 'P';
                if let Some(block) = name.strip_prefix("Is") {
                    let Some((_, range)) = BLOCKS.iter().find(|(b, _)| *b == block) else {
                        return Err(self.err(&format!("unsupported Unicode block \\p{{{name}}}")));
                    };
                    ClassItem::Class((*range).to_owned(), negated)
                } else if CATEGORIES.contains(&name.as_str()) {
                    ClassItem::Raw(format!("\\{c}{{{name}}}"))
                } else {
                    return Err(self.err(&format!("unknown character property \\p{{{name}}}")));
                }
            }
            other => {
                return Err(self.err(&format!("unknown escape '\\{other}'")));
            }
        })
    }

    /// After '['.
    fn class_expr(&mut self) -> Result<(), PatternError> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut body = String::new();
        let mut first = true;
        let mut subtract = None;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("missing ']'"));
            };
            match c {
                ']' if !first => {
                    self.pos += 1;
                    break;
                }
                '-' if self.peek_at(1) == Some('[') => {
                    // Subtraction must be the last thing in the group.
                    self.pos += 2;
                    let outer = std::mem::take(&mut self.out);
                    self.class_expr()?;
                    subtract = Some(std::mem::replace(&mut self.out, outer));
                    if self.next() != Some(']') {
                        return Err(self.err("subtraction must end the character class"));
                    }
                    break;
                }
                _ => {
                    let lo = self.class_char(first)?;
                    first = false;
                    match lo {
                        ClassItem::Char(lo)
                            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']' && c != '[') =>
                        {
                            self.pos += 1;
                            let ClassItem::Char(hi) = self.class_char(false)? else {
                                return Err(self.err("range ends with a class escape"));
                            };
                            if hi < lo {
                                return Err(self.err("character range out of order"));
                            }
                            push_class_char(&mut body, lo);
                            body.push('-');
                            push_class_char(&mut body, hi);
                        }
                        item => item.emit_inside(&mut body),
                    }
                }
            }
        }
        if body.is_empty() {
            return Err(self.err("empty character class"));
        }
        let group = format!("[{}{body}]", if negated { "^" } else { "" });
        match subtract {
            Some(sub) => {
                let _ = write!(self.out, "[{group}--{sub}]");
            }
            None => self.out.push_str(&group),
        }
        Ok(())
    }

    fn class_char(&mut self, first: bool) -> Result<ClassItem, PatternError> {
        let Some(c) = self.next() else {
            return Err(self.err("missing ']'"));
        };
        match c {
            '\\' => self.escape(),
            '[' => Err(self.err("'[' must be escaped inside a character class")),
            // A literal '-' is allowed first or last only (XSD 1.0 XmlCharIncDash).
            '-' if !first && self.peek() != Some(']') => {
                Err(self.err("'-' must be first or last in a character class"))
            }
            c => Ok(ClassItem::Char(c)),
        }
    }
}

/// One element of a class, or a class escape outside a class.
enum ClassItem {
    Char(char),
    /// A class body and whether it is negated.
    Class(String, bool),
    /// Already a complete Rust class atom (`\p{..}`).
    Raw(String),
}

impl ClassItem {
    fn emit_outside(&self, out: &mut String) {
        match self {
            ClassItem::Char(c) => push_literal(out, *c),
            ClassItem::Class(body, neg) => {
                let _ = write!(out, "[{}{body}]", if *neg { "^" } else { "" });
            }
            ClassItem::Raw(r) => out.push_str(r),
        }
    }

    fn emit_inside(&self, out: &mut String) {
        match self {
            ClassItem::Char(c) => push_class_char(out, *c),
            ClassItem::Class(body, false) => out.push_str(body),
            ClassItem::Class(body, true) => {
                let _ = write!(out, "[^{body}]");
            }
            ClassItem::Raw(r) => out.push_str(r),
        }
    }
}

fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == ' ' || c == ',' || c == ':' || c == '_' {
        out.push(c);
    } else if c.is_ascii_punctuation() {
        out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
    } else {
        let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
    }
}

fn push_class_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == ' ' || c == ',' || c == ':' || c == '_' {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
    }
}

#[cfg(test)]
mod tests {
    use super::translate;

    fn matches(xsd: &str, s: &str) -> bool {
        let t = translate(xsd).unwrap_or_else(|e| panic!("{xsd}: {e:?}")).0;
        regex::Regex::new(&t).unwrap().is_match(s)
    }

    #[test]
    fn implicit_anchoring() {
        assert!(matches("[0-9]{4}", "1234"));
        assert!(!matches("[0-9]{4}", "12345"));
        assert!(!matches("[0-9]{4}", "a1234"));
        assert!(matches("plain|encrypted", "plain"));
        assert!(!matches("plain|encrypted", "plainencrypted"));
        assert_eq!(translate("ab").unwrap(), ("^(?:ab)$".to_owned(), false));
    }

    #[test]
    fn caret_and_dollar_are_literals() {
        assert!(matches("^a$", "^a$"));
        assert!(!matches("^a$", "a"));
    }

    #[test]
    fn dot_excludes_cr_and_lf() {
        assert!(matches(".", "x"));
        assert!(!matches(".", "\r"));
        assert!(!matches(".", "\n"));
    }

    #[test]
    fn name_classes() {
        assert!(matches("\\i\\c*", "_a-b.c"));
        assert!(!matches("\\i\\c*", "-a"));
        assert!(matches("\\I", "1"));
        assert!(matches("[\\i-[:]][\\c-[:]]*", "ncname"));
        assert!(!matches("[\\i-[:]][\\c-[:]]*", "a:b"));
    }

    #[test]
    fn subtraction() {
        assert!(matches("[a-z-[aeiou]]+", "bcd"));
        assert!(!matches("[a-z-[aeiou]]+", "bad"));
        assert!(matches("[^a-z-[0-9]]", "A"));
        assert!(!matches("[^a-z-[0-9]]", "5"));
    }

    #[test]
    fn escapes_and_ranges() {
        assert!(matches("[ -~]+", "Hello, World!"));
        assert!(!matches("[ -~]+", "caf\u{e9}"));
        assert!(matches("\\d+\\.\\d", "12.5"));
        assert!(matches("[\\-+]?1", "-1"));
        assert!(matches("[a-]", "-"));
        assert!(matches("\\s\\S", " x"));
        assert!(!matches("\\s", "\u{a0}"));
        assert!(matches("\\p{IsBasicLatin}+", "abc"));
        assert!(!matches("\\p{IsBasicLatin}", "\u{e9}"));
        assert!(matches("\\p{Lu}\\P{Lu}", "Ab"));
        assert!(matches("a{2,}b{0,1}", "aaab"));
        assert!(matches("\\(\\)\\{\\}\\[\\]\\|\\\\", "(){}[]|\\"));
        assert!(matches("&&~~--", "&&~~--"));
        assert!(matches("[&~]+", "&~&"));
    }

    #[test]
    fn rejects_what_xsd_rejects() {
        for bad in [
            "a**",
            "a*?",
            "(a",
            "a)",
            "[a",
            "[]",
            "\\q",
            "\\p{IsKlingon}",
            "\\p{Xx}",
            "{1}",
            "a{2,1}",
            "[a-[b]x]",
            "[z-a]",
        ] {
            assert!(translate(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn duis_patterns() {
        let eui = "[A-Fa-f0-9]{2}-[A-Fa-f0-9]{2}-[A-Fa-f0-9]{2}-[A-Fa-f0-9]{2}-[A-Fa-f0-9]{2}-[A-Fa-f0-9]{2}-[A-Fa-f0-9]{2}-[A-Fa-f0-9]{2}";
        assert!(matches(eui, "00-DB-12-34-56-78-90-A0"));
        assert!(!matches(eui, "00-DB-12-34-56-78-90-A"));
        let list = format!("({eui},)*({eui})");
        assert!(matches(&list, "00-DB-12-34-56-78-90-A0,00-DB-12-34-56-78-90-A1"));
        assert!(!matches(&list, "00-DB-12-34-56-78-90-A0,"));
    }
}
