//! The database as services use it: the connection, where what a write
//! committed is announced (realtime), and the cache of reads it makes stale. It queries like the connection
//! it holds; the write path needs the whole of it, so no write can commit
//! without being announced (`Ledger::commit`).

use super::cache::Cache;
use super::checkpoints::Checkpoints;
use super::group_commit::Groups;
use super::realtime::Realtime;
use super::sessions::Sessions;
use super::statistics::Statistics;
use crate::server::audit_keys::AuditKeys;
use crate::server::db::statements::Statements;
use crate::server::settings::Settings;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};
use std::ops::Deref;

#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    /// Where groups of sales are written, if not on `conn`.
    group_writer: Option<DatabaseConnection>,
    realtime: Realtime,
    cache: Cache,
    sessions: Sessions,
    groups: Groups,
    statistics: Statistics,
    checkpoints: Checkpoints,
    statements: Statements,
    audit_keys: AuditKeys,
}

impl Db {
    /// Connects to the settings' database (migrating it) and starts this
    /// instance's realtime.
    pub async fn connect(settings: &Settings) -> Result<Db, DbErr> {
        // Before anything is written: no head may be left unsealed.
        let audit_keys =
            AuditKeys::load(settings).map_err(|e| DbErr::Custom(format!("audit key: {e}")))?;
        let mut conn = crate::server::db::connect_and_migrate(&settings.database_url).await?;
        // Before the connection is cloned, so every clone times its statements.
        let statements = Statements::new(std::time::Duration::from_millis(settings.slow_query_ms));
        let timed = |conn: &mut DatabaseConnection| {
            let statements = statements.clone();
            conn.set_metric_callback(move |info| statements.record(info.statement, info.elapsed));
        };
        timed(&mut conn);
        let mut group_writer =
            crate::server::db::connect_group_writer(&settings.database_url).await?;
        if let Some(writer) = &mut group_writer {
            timed(writer);
        }
        let sessions = Sessions::default();
        let realtime = Realtime::start(conn.clone(), settings, sessions.clone());
        let cache = Cache::start(settings);
        let statistics = Statistics::default();
        statistics.start(&conn);
        let checkpoints = Checkpoints::start(&conn);
        Ok(Db {
            conn,
            group_writer,
            realtime,
            cache,
            sessions,
            groups: Groups::new(std::time::Duration::from_micros(
                settings.group_commit_wait_us,
            )),
            statistics,
            checkpoints,
            statements,
            audit_keys,
        })
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// The connection groups of sales are written on: on SQLite one of
    /// its own (`db::connect_group_writer`), elsewhere the pool.
    pub fn group_writer(&self) -> &DatabaseConnection {
        self.group_writer.as_ref().unwrap_or(&self.conn)
    }

    pub fn realtime(&self) -> &Realtime {
        &self.realtime
    }

    /// The cache of reads, whose generations every commit moves on.
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// Live sessions remembered for a few seconds; what a commit changes
    /// of them is forgotten with it.
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }
}

impl Db {
    /// This instance's writers of online sales, one per busy store.
    pub fn groups(&self) -> &Groups {
        &self.groups
    }

    /// The statements this instance ran, timed (the slow ones for the
    /// index admin).
    pub fn statements(&self) -> &Statements {
        &self.statements
    }

    /// SQLite's log, copied back into the database file beside the writers.
    pub fn checkpoints(&self) -> &Checkpoints {
        &self.checkpoints
    }

    /// The planner's statistics, gathered while the database is young.
    pub fn statistics(&self) -> &Statistics {
        &self.statistics
    }

    /// What seals each store's audit head.
    pub fn audit_keys(&self) -> &AuditKeys {
        &self.audit_keys
    }
}

impl Deref for Db {
    type Target = DatabaseConnection;

    fn deref(&self) -> &DatabaseConnection {
        &self.conn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Db {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.conn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.conn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.conn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.conn.query_all_raw(stmt).await
    }
}
