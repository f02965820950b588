//! Employees. Creating one goes through the write path; secrets are hashed
//! before its transaction starts and never appear in the feed or the audit.

use crate::domain::auth::Role;
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{EntityKind, Op};
use crate::domain::staff::{Employee, EmployeeDraft};
use crate::server::db::entities::employee;
use crate::server::error::DbResultExt;
use crate::server::services::auth::hash_secret;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::write_path::{Target, Written};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};

/// An employee draft with its password and PIN already hashed.
#[derive(Debug)]
pub struct PreparedEmployee {
    draft: EmployeeDraft,
    password_hash: Option<String>,
    pin_hash: Option<String>,
}

/// Hashes the draft's secrets (Argon2id, off the async threads).
pub async fn prepare(draft: EmployeeDraft) -> Result<PreparedEmployee, AppError> {
    let password = draft.password.as_ref().map(|p| p.expose().to_string());
    let pin = draft.pin.as_ref().map(|p| p.expose().to_string());
    let (password_hash, pin_hash) = tokio::task::spawn_blocking(move || {
        (
            password.map(|p| hash_secret(&p)),
            pin.map(|p| hash_secret(&p)),
        )
    })
    .await
    .map_err(crate::server::error::internal)?;
    Ok(PreparedEmployee {
        draft,
        password_hash: password_hash.transpose()?,
        pin_hash: pin_hash.transpose()?,
    })
}

impl From<employee::Model> for Employee {
    fn from(m: employee::Model) -> Self {
        Employee {
            id: m.id,
            name: m.name,
            email: m.email,
            role: Role::parse(&m.role).unwrap_or(Role::Cashier),
            active: m.active,
            has_pin: m.pin_hash.is_some(),
            sync_version: m.sync_version,
        }
    }
}

pub(in crate::server::services) async fn write_employee(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    prepared: PreparedEmployee,
) -> Result<Written, AppError> {
    let PreparedEmployee {
        draft,
        password_hash,
        pin_hash,
    } = prepared;
    if t.op != Op::Create {
        return Err(AppError::new(
            ErrorCode::Validation,
            "Employees can only be created here.",
        ));
    }
    // A manager hires cashiers; only an owner appoints managers and owners.
    if draft.role.is_manager() && t.actor.role != Role::Owner {
        return Err(AppError::forbidden());
    }
    if let Some(email) = &draft.email {
        let taken = employee::Entity::find()
            .filter(employee::Column::StoreId.eq(t.actor.store_id))
            .filter(employee::Column::DeletedAt.is_null())
            .filter(employee::Column::Email.eq(email.as_str()))
            .count(txn)
            .await
            .or_internal()?;
        if taken > 0 {
            return Err(AppError::field(
                "email",
                "another employee of this store has this e-mail",
            ));
        }
    }
    let row = employee::ActiveModel {
        id: Set(t.id),
        store_id: Set(t.actor.store_id),
        name: Set(draft.name),
        email: Set(draft.email.map(|e| e.as_str().to_string())),
        role: Set(draft.role.as_str().to_string()),
        password_hash: Set(password_hash),
        pin_hash: Set(pin_hash),
        active: Set(true),
        failed_pin_attempts: Set(0),
        locked_until: Set(None),
        created_at: Set(t.now),
        updated_at: Set(t.now),
        deleted_at: Set(None),
        sync_version: Set(1),
        last_synced_at: Set(t.now),
    };
    let model = employee::Entity::insert(row)
        .exec_with_returning(txn)
        .await
        .or_internal()?;
    Ok(Written {
        before: None,
        after: serde_json::to_value(Employee::from(model)).unwrap_or_default(),
        version: 1,
        feed: vec![FeedEntry {
            entity: EntityKind::Employee,
            id: t.id,
            op: FeedOp::Upsert,
            version: 1,
        }],
    })
}
