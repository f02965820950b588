//! The password sign-in limit (`domain::sign_in_limit`) held in the
//! database: each wrong password is a row per subject (the account, the
//! client address), so the limit survives a restart and holds across
//! instances that share nothing but the database.

use crate::domain::error::{AppError, ErrorCode};
use crate::domain::ids::new_id;
use crate::domain::sign_in_limit::{SignInLimit, Subject, retry_after_seconds};
use crate::server::db::entities::sign_in_failure;
use crate::server::error::DbResultExt;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// Refuses (429, with how long to wait) when any subject has used up its
/// tries.
pub async fn check(
    db: &DatabaseConnection,
    subjects: &[(Subject, SignInLimit)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(since) = subjects.iter().map(|(_, l)| l.counts_since(now)).min() else {
        return Ok(());
    };
    let keys: Vec<String> = subjects.iter().map(|(s, _)| s.key()).collect();
    let rows = sign_in_failure::Entity::find()
        .filter(sign_in_failure::Column::Subject.is_in(keys.clone()))
        .filter(sign_in_failure::Column::FailedAt.gt(since))
        .all(db)
        .await
        .or_internal()?;
    let wait = subjects
        .iter()
        .zip(&keys)
        .filter_map(|((_, limit), key)| {
            let failed: Vec<_> = rows
                .iter()
                .filter(|r| r.subject == *key)
                .map(|r| r.failed_at)
                .collect();
            limit.wait(&failed, now)
        })
        .max();
    match wait {
        Some(wait) => Err(too_many(wait)),
        None => Ok(()),
    }
}

/// A wrong password: one row per subject; rows no limit counts any more
/// go at the same time.
pub async fn failed(
    db: &DatabaseConnection,
    subjects: &[(Subject, SignInLimit)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let rows = subjects
        .iter()
        .map(|(subject, _)| sign_in_failure::ActiveModel {
            id: Set(new_id()),
            subject: Set(subject.key()),
            failed_at: Set(now),
        });
    sign_in_failure::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .or_internal()?;
    if let Some(oldest) = subjects.iter().map(|(_, l)| l.counts_since(now)).min() {
        sign_in_failure::Entity::delete_many()
            .filter(sign_in_failure::Column::FailedAt.lte(oldest))
            .exec(db)
            .await
            .or_internal()?;
    }
    Ok(())
}

/// A right password clears the account's count (not the address's: one
/// good sign-in from an address does not excuse the guesses made there).
pub async fn succeeded(db: &DatabaseConnection, account: &Subject) -> Result<(), AppError> {
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::Subject.eq(account.key()))
        .exec(db)
        .await
        .or_internal()?;
    Ok(())
}

/// The 429: plain words, and `retry_after_seconds` for the `Retry-After`
/// header.
pub fn too_many(wait: Duration) -> AppError {
    let seconds = retry_after_seconds(wait);
    let minutes = (seconds + 59) / 60;
    AppError {
        details: serde_json::json!({ "retry_after_seconds": seconds }),
        ..AppError::new(
            ErrorCode::RateLimited,
            format!(
                "Too many wrong passwords. Try again in {minutes} minute{}, or ask the owner to reset your password.",
                if minutes == 1 { "" } else { "s" }
            ),
        )
    }
}
