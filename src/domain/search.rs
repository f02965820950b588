//! Finding records by what a cashier types, on the till's own copy: every
//! word must appear somewhere, in any order, in any case.

/// Whether every word of `query` is in one of `texts`. An empty query
/// matches everything.
pub fn holds_every_word(query: &str, texts: &[&str]) -> bool {
    let haystack = texts.join(" ").to_lowercase();
    query
        .split_whitespace()
        .all(|word| haystack.contains(&word.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_word_somewhere_in_any_case() {
        let texts = ["Rosa Diaz", "+44 20 1234", "rosa@example.com"];
        assert!(holds_every_word("diaz ROSA", &texts));
        assert!(holds_every_word("1234", &texts));
        assert!(holds_every_word("", &texts));
        assert!(!holds_every_word("rosa smith", &texts));
    }

    proptest! {
        #[test]
        fn a_text_always_holds_its_own_words(text in "[a-zA-Z0-9 ]{0,40}") {
            prop_assert!(holds_every_word(&text, &[&text]));
            prop_assert!(holds_every_word(&text.to_uppercase(), &[&text]));
        }
    }
}
