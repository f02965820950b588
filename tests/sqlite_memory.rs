//! SQLite on mimalloc (`server::db::sqlite_memory`), as the server runs it:
//! rows that grow, shrink and go (allocations of every size, reallocated
//! and freed) read back exactly as written. A wrong block size or a block
//! freed twice would show here as other bytes or a crash.

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use std::collections::BTreeMap;
use tillwise::server::db::sqlite_memory::use_the_server_allocator;

fn body(id: i64, round: i64) -> String {
    let len = ((id * 7919 + round * 104_729) % 70_000) as usize;
    let letter = char::from(b'a' + ((id + round) % 26) as u8);
    std::iter::repeat_n(letter, len).collect()
}

#[tokio::test]
async fn sqlite_on_the_server_allocator_keeps_every_byte() {
    assert!(
        use_the_server_allocator(),
        "taken before any database is opened"
    );
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let run = |sql: &str, values: Vec<sea_orm::Value>| {
        Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
    };
    db.execute_unprepared("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .unwrap();
    let mut expected = BTreeMap::new();
    for id in 0..400 {
        let text = body(id, 0);
        db.execute_raw(run(
            "INSERT INTO rows (id, body) VALUES (?, ?)",
            vec![id.into(), text.clone().into()],
        ))
        .await
        .unwrap();
        expected.insert(id, text);
    }
    for round in 1..3 {
        for id in (0..400).filter(|id| id % 2 == round % 2) {
            let text = body(id, round);
            db.execute_raw(run(
                "UPDATE rows SET body = ? WHERE id = ?",
                vec![text.clone().into(), id.into()],
            ))
            .await
            .unwrap();
            expected.insert(id, text);
        }
    }
    for id in (0..400).filter(|id| id % 3 == 0) {
        db.execute_raw(run("DELETE FROM rows WHERE id = ?", vec![id.into()]))
            .await
            .unwrap();
        expected.remove(&id);
    }

    let rows = db
        .query_all_raw(run("SELECT id, body FROM rows ORDER BY id", vec![]))
        .await
        .unwrap();
    let found: BTreeMap<i64, String> = rows
        .iter()
        .map(|r| (r.try_get("", "id").unwrap(), r.try_get("", "body").unwrap()))
        .collect();
    assert_eq!(found.len(), expected.len());
    assert!(found == expected, "a row came back with other bytes");

    assert!(
        !use_the_server_allocator(),
        "refused once SQLite has started: it keeps the allocator it started with"
    );
}
