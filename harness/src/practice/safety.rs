//! The library's rule for `unsafe`, applied to attempts before they build: every `unsafe {}`
//! block carries a `// SAFETY:` comment on the lines just above it (or before it on its line),
//! as clippy's `undocumented_unsafe_blocks` demands. A quick scan of the source, so an attempt
//! need not go through clippy to be judged.

/// Where an `unsafe` block lacks its `// SAFETY:` comment: 1-based line numbers.
pub fn undocumented_unsafe_blocks(source: &str) -> Vec<usize> {
    let lines: Vec<&str> = source.lines().collect();
    unsafe_blocks(source)
        .into_iter()
        .filter(|&(line, column)| !documented(&lines, line, column))
        .map(|(line, _)| line + 1)
        .collect()
}

/// Whether the comment lines right above `line` (or its text before `column`) say `SAFETY:`.
fn documented(lines: &[&str], line: usize, column: usize) -> bool {
    let before = lines[line].get(..column).unwrap_or("");
    if before.contains("SAFETY:") {
        return true;
    }
    lines[..line]
        .iter()
        .rev()
        .map(|l| l.trim_start())
        .take_while(|l| l.starts_with("//") || l.starts_with("/*") || l.starts_with('*'))
        .any(|l| l.contains("SAFETY:"))
}

/// (line, byte column), both from 0, of every `unsafe` keyword in code (not in comments, strings
/// or character literals) that opens a block.
fn unsafe_blocks(source: &str) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let (mut i, mut found) = (0, Vec::new());
    let (mut line, mut line_start) = (0, 0);
    let newline = |at: usize, line: &mut usize, line_start: &mut usize| {
        *line += 1;
        *line_start = at + 1;
    };
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => newline(i, &mut line, &mut line_start),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < bytes.len() {
                    if bytes[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if bytes[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if bytes[i] == b'\n' {
                            newline(i, &mut line, &mut line_start);
                        }
                        i += 1;
                    }
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if bytes[i] == b'\n' {
                        newline(i, &mut line, &mut line_start);
                    }
                    i += 1;
                }
            }
            // A character literal ('x', '\n'), not a lifetime ('a).
            b'\'' if bytes.get(i + 2) == Some(&b'\'') || bytes.get(i + 1) == Some(&b'\\') => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'u' if bytes[i..].starts_with(b"unsafe")
                && !ident_byte(i.checked_sub(1).map(|p| bytes[p]))
                && !ident_byte(bytes.get(i + 6).copied()) =>
            {
                let rest = source[i + 6..].trim_start();
                if rest.starts_with('{') {
                    found.push((line, i - line_start));
                }
                i += 6;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

fn ident_byte(byte: Option<u8>) -> bool {
    byte.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_without_their_comment_and_nothing_else() {
        let source = r#"
pub fn f(x: &[f32]) -> f32 {
    // SAFETY: x is not empty, checked by the caller.
    let a = unsafe { *x.get_unchecked(0) };
    let b = unsafe { *x.get_unchecked(0) };
    /* SAFETY: as above */ let c = unsafe { *x.get_unchecked(0) };
    let s = "unsafe { in a string }"; // unsafe { in a comment }
    /* unsafe {
       in a block comment */
    let d = unsafe {
        *x.get_unchecked(0)
    };
    a + b + c + d + s.len() as f32
}

// SAFETY: the comment may span
// several lines.
unsafe fn g() {}
fn not_unsafe_block<'a>(x: &'a u8) -> char { let _ = x; '{' }
"#;
        assert_eq!(undocumented_unsafe_blocks(source), vec![5, 10]);
    }
}
