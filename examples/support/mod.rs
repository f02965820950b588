//! What the benchmarks share: a database of their own, and percentiles.

use sea_orm::{ConnectionTrait, Database};
use std::time::Duration;
use tillwise::domain::ids::new_id;

/// The `p` quantile (0..=1) of `sorted`, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// A fresh database for `backend` ("sqlite" or "postgres"), dropped by
/// [`FreshDatabase::drop_it`]. PostgreSQL needs `BENCH_DATABASE_URL` (or
/// `TEST_DATABASE_URL`) naming a server whose user may create databases.
pub struct FreshDatabase {
    pub url: String,
    postgres: Option<(String, String)>,
}

impl FreshDatabase {
    pub async fn create(backend: &str) -> FreshDatabase {
        if backend == "postgres" {
            let admin = std::env::var("BENCH_DATABASE_URL")
                .or_else(|_| std::env::var("TEST_DATABASE_URL"))
                .expect("set BENCH_DATABASE_URL to a PostgreSQL server");
            let name = format!("tw_bench_{}", new_id().simple());
            let conn = Database::connect(&admin).await.expect("PostgreSQL answers");
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let (base, _) = admin.rsplit_once('/').expect("a database URL");
            FreshDatabase {
                url: format!("{base}/{name}"),
                postgres: Some((admin, name)),
            }
        } else {
            let dir = std::env::temp_dir().join(format!("tillwise-bench-{}", new_id().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            FreshDatabase {
                url: format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
                postgres: None,
            }
        }
    }

    /// Drops it (PostgreSQL; a SQLite file stays in the temporary folder).
    pub async fn drop_it(self) {
        if let Some((admin, name)) = self.postgres {
            let conn = Database::connect(&admin).await.unwrap();
            let _ = conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}
