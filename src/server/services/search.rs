//! Text search over a table's name-like columns: FTS5 on SQLite (prefix
//! match on each typed word), trigram-indexed LIKE on PostgreSQL. The
//! migrations create both (m20261125_000003_text_search).

use crate::server::db::is_sqlite;
use sea_orm::sea_query::{Expr, ExprTrait, Func, IntoColumnRef, LikeExpr};
use sea_orm::{Condition, DatabaseConnection};

/// Rows of `table` whose `columns` match the words of `q`. `fts_table` is
/// the FTS5 index of `table` on SQLite; both names come from code, never
/// from input.
pub(super) fn text_match<C>(
    db: &DatabaseConnection,
    table: &'static str,
    fts_table: &'static str,
    q: &str,
    columns: &[C],
) -> Condition
where
    C: IntoColumnRef + Copy,
{
    if is_sqlite(db) {
        match fts_query(q) {
            Some(fts) => Condition::any().add(Expr::cust_with_values(
                format!(
                    "{table}.rowid IN (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH ?)"
                ),
                [fts],
            )),
            // Nothing searchable was typed: match nothing rather than everything.
            None => Condition::any().add(Expr::val(1).eq(0)),
        }
    } else {
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        columns.iter().fold(Condition::any(), |any, column| {
            any.add(
                Expr::expr(Func::lower(Expr::col(*column)))
                    .like(LikeExpr::new(pattern.clone()).escape('!')),
            )
        })
    }
}

/// What was typed in a search box, trimmed; `None` when nothing was.
pub(super) fn search_words(q: Option<&str>) -> Option<String> {
    q.map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_string)
}

/// Turns typed words into an FTS5 query that cannot be a syntax error:
/// each word quoted, as a prefix, all required.
pub(crate) fn fts_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Escapes LIKE wildcards, with `!` as the escape character.
fn escape_like(s: &str) -> String {
    s.replace('!', "!!").replace('%', "!%").replace('_', "!_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_become_a_safe_prefix_query() {
        assert_eq!(fts_query("green te").as_deref(), Some("\"green\"* \"te\"*"));
        assert_eq!(fts_query("\"; DROP *").as_deref(), Some("\"DROP\"*"));
        assert_eq!(fts_query("  -- "), None);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_off!"), "50!%!_off!!");
    }
}
