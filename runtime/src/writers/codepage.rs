//! GP keeps most text in non-Unicode `char` columns, usually in Windows-1252 (our inference: the
//! research names no code page). A character outside it is replaced by `?` as GP itself does, or
//! rejected, as configured.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CodePage {
    #[default]
    Windows1252,
    /// Unicode columns: every character is kept.
    Unicode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unmappable {
    /// Write `?` for the character, as GP does.
    #[default]
    Replace,
    /// Fail the record as a validation failure.
    Reject,
}

/// The 27 characters Windows-1252 puts in 0x80..0x9F, where Latin-1 has control codes.
const CP1252_HIGH: &[char] = &[
    '€', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 'Ž', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 'ž', 'Ÿ',
];

impl CodePage {
    pub fn holds(self, c: char) -> bool {
        match self {
            CodePage::Unicode => true,
            CodePage::Windows1252 => (c as u32) < 0x80 || ((c as u32) >= 0xA0 && (c as u32) <= 0xFF) || CP1252_HIGH.contains(&c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_holds_latin_text_and_its_punctuation() {
        for c in ['a', 'é', 'ß', 'ÿ', '€', '’', '—', '\u{a0}'] {
            assert!(CodePage::Windows1252.holds(c), "{c}");
        }
        for c in ['ł', 'Ω', '中', '😀', '\u{80}', '\u{9f}'] {
            assert!(!CodePage::Windows1252.holds(c), "{c:?}");
        }
        assert!(CodePage::Unicode.holds('😀'));
    }
}
