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

/// A sign-in try, counted before its password is checked: the rows it
/// holds stay as the failure if the password is wrong, and go if it is
/// right. Counting first is what keeps guesses sent at once from all
/// being checked: each sees the others in flight.
pub struct Try {
    rows: Vec<uuid::Uuid>,
}

/// Takes a try for each subject, then refuses (429, with how long to
/// wait) when any subject had used up its tries before this one; a
/// refused try is not counted.
pub async fn take_try(
    db: &DatabaseConnection,
    subjects: &[(Subject, SignInLimit)],
    now: DateTime<Utc>,
) -> Result<Try, AppError> {
    let taken = Try {
        rows: subjects.iter().map(|_| new_id()).collect(),
    };
    if subjects.is_empty() {
        return Ok(taken);
    }
    let rows =
        subjects
            .iter()
            .zip(&taken.rows)
            .map(|((subject, _), id)| sign_in_failure::ActiveModel {
                id: Set(*id),
                subject: Set(subject.key()),
                failed_at: Set(now),
            });
    sign_in_failure::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .or_internal()?;
    let since = subjects
        .iter()
        .map(|(_, l)| l.counts_since(now))
        .min()
        .unwrap_or(now);
    let keys: Vec<String> = subjects.iter().map(|(s, _)| s.key()).collect();
    let rows = sign_in_failure::Entity::find()
        .filter(sign_in_failure::Column::Subject.is_in(keys.clone()))
        .filter(sign_in_failure::Column::FailedAt.gt(since))
        .all(db)
        .await
        .or_internal()?;
    // Every try but this one: failures, and tries still being checked.
    let wait = subjects
        .iter()
        .zip(&keys)
        .filter_map(|((_, limit), key)| {
            let before: Vec<_> = rows
                .iter()
                .filter(|r| r.subject == *key && !taken.rows.contains(&r.id))
                .map(|r| r.failed_at)
                .collect();
            limit.wait(&before, now)
        })
        .max();
    match wait {
        Some(wait) => {
            forget(db, &taken).await?;
            Err(too_many(wait))
        }
        None => Ok(taken),
    }
}

/// The password was wrong: the try stays counted; rows no limit counts
/// any more go at the same time.
pub async fn failed(
    db: &DatabaseConnection,
    subjects: &[(Subject, SignInLimit)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(oldest) = subjects.iter().map(|(_, l)| l.counts_since(now)).min() {
        sign_in_failure::Entity::delete_many()
            .filter(sign_in_failure::Column::FailedAt.lte(oldest))
            .exec(db)
            .await
            .or_internal()?;
    }
    Ok(())
}

async fn forget(db: &DatabaseConnection, taken: &Try) -> Result<(), AppError> {
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::Id.is_in(taken.rows.clone()))
        .exec(db)
        .await
        .or_internal()?;
    Ok(())
}

/// A right password clears the account's count (not the address's: one
/// good sign-in from an address does not excuse the guesses made there).
pub async fn succeeded(
    db: &DatabaseConnection,
    taken: &Try,
    account: &Subject,
) -> Result<(), AppError> {
    forget(db, taken).await?;
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
