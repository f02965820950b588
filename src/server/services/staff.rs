//! Employees. Hiring, editing, switching off and PIN resets go through the
//! write path; secrets are hashed before its transaction starts and never
//! appear in the feed or the audit.

use crate::domain::auth::Role;
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::mutation::{EntityKind, Op};
use crate::domain::staff::{Employee, EmployeeDraft};
use crate::server::db::entities::employee;
use crate::server::error::DbResultExt;
use crate::server::services::Actor;
use crate::server::services::auth::hash_secret;
use crate::server::services::feed::{FeedEntry, FeedOp};
use crate::server::services::versioned::id_taken;
use crate::server::services::write_path::{Target, Written, check_version, stale, to_json};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// An employee draft with its password and PIN already hashed.
#[derive(Debug)]
pub struct PreparedEmployee {
    draft: EmployeeDraft,
    password_hash: Option<String>,
    pin_hash: Option<String>,
}

impl PreparedEmployee {
    /// The fields the edit sets, named as on the wire, secrets left out.
    pub(super) fn edited(&self) -> crate::domain::conflict::Fields {
        let d = &self.draft;
        crate::domain::conflict::fields_of(&serde_json::json!({
            "name": d.name,
            "email": d.email.as_ref().map(|e| e.as_str()),
            "role": d.role,
            "active": d.active,
        }))
    }
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

/// The store's people, active first, by name.
pub async fn employees(db: &DatabaseConnection, actor: &Actor) -> Result<Vec<Employee>, AppError> {
    if !actor.role.is_manager() {
        return Err(AppError::forbidden());
    }
    Ok(employee::Entity::find()
        .filter(employee::Column::StoreId.eq(actor.store_id))
        .filter(employee::Column::DeletedAt.is_null())
        .order_by_desc(employee::Column::Active)
        .order_by_asc(employee::Column::Name)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(Employee::from)
        .collect())
}

pub async fn employee(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Employee, AppError> {
    if !actor.role.is_manager() {
        return Err(AppError::forbidden());
    }
    live(db, actor.store_id, id)
        .await?
        .map(Employee::from)
        .ok_or_else(|| AppError::not_found("employee"))
}

async fn live(
    db: &impl ConnectionTrait,
    store_id: Uuid,
    id: Uuid,
) -> Result<Option<employee::Model>, AppError> {
    employee::Entity::find_by_id(id)
        .filter(employee::Column::StoreId.eq(store_id))
        .filter(employee::Column::DeletedAt.is_null())
        .one(db)
        .await
        .or_internal()
}

async fn email_taken(
    txn: &DatabaseTransaction,
    t: &Target<'_>,
    email: &str,
) -> Result<bool, AppError> {
    let taken = employee::Entity::find()
        .filter(employee::Column::StoreId.eq(t.actor.store_id))
        .filter(employee::Column::DeletedAt.is_null())
        .filter(employee::Column::Email.eq(email))
        .filter(employee::Column::Id.ne(t.id))
        .count(txn)
        .await
        .or_internal()?;
    Ok(taken > 0)
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
    // A manager looks after cashiers; only an owner appoints, edits or
    // demotes managers and owners.
    let owner = t.actor.role == Role::Owner;
    if draft.role.is_manager() && !owner {
        return Err(AppError::forbidden());
    }
    if let Some(email) = &draft.email
        && email_taken(txn, t, email.as_str()).await?
    {
        return Err(AppError::field(
            "email",
            "another employee of this store has this e-mail",
        ));
    }
    let current = match t.op {
        Op::Create => None,
        Op::Update => {
            let current = live(txn, t.actor.store_id, t.id)
                .await?
                .ok_or_else(|| AppError::not_found("employee"))?;
            let was = Role::parse(&current.role).unwrap_or(Role::Owner);
            if was.is_manager() && !owner {
                return Err(AppError::forbidden());
            }
            if Some(t.id) == t.actor.employee_id && (!draft.active || draft.role != was) {
                return Err(AppError::field(
                    "active",
                    "you cannot switch off or change your own role; ask another owner",
                ));
            }
            let server = to_json(Employee::from(current.clone()));
            check_version(t, EntityKind::Employee, current.sync_version, &server)?;
            Some((current, server))
        }
        Op::Delete => {
            return Err(AppError::new(
                ErrorCode::Validation,
                "Employees are switched off, not deleted: their sales keep their name.",
            ));
        }
    };
    let keeps_password = current
        .as_ref()
        .is_some_and(|(c, _)| c.password_hash.is_some());
    if draft.role.is_manager() && password_hash.is_none() && !keeps_password {
        return Err(AppError::field(
            "password",
            "managers and owners need a password",
        ));
    }
    let version = current.as_ref().map_or(1, |(c, _)| c.sync_version + 1);
    let mut row = employee::ActiveModel {
        name: Set(draft.name),
        email: Set(draft.email.map(|e| e.as_str().to_string())),
        role: Set(draft.role.as_str().to_string()),
        active: Set(draft.active),
        updated_at: Set(t.now),
        sync_version: Set(version),
        last_synced_at: Set(t.now),
        ..Default::default()
    };
    if let Some(hash) = password_hash {
        row.password_hash = Set(Some(hash));
    }
    // A new PIN also lifts a lockout: the manager has checked who it is.
    if let Some(hash) = pin_hash {
        row.pin_hash = Set(Some(hash));
        row.failed_pin_attempts = Set(0);
        row.locked_until = Set(None);
    }
    let (before, model) = match current {
        None => {
            row.id = Set(t.id);
            row.store_id = Set(t.actor.store_id);
            row.created_at = Set(t.now);
            row.deleted_at = Set(None);
            if matches!(row.pin_hash, sea_orm::ActiveValue::NotSet) {
                row.pin_hash = Set(None);
            }
            if matches!(row.password_hash, sea_orm::ActiveValue::NotSet) {
                row.password_hash = Set(None);
            }
            row.failed_pin_attempts = Set(0);
            row.locked_until = Set(None);
            if employee::Entity::find_by_id(t.id)
                .count(txn)
                .await
                .or_internal()?
                > 0
            {
                return Err(id_taken(EntityKind::Employee));
            }
            let model = employee::Entity::insert(row)
                .exec_with_returning(txn)
                .await
                .or_internal()?;
            (None, model)
        }
        Some((current, server)) => {
            let result = employee::Entity::update_many()
                .set(row)
                .filter(employee::Column::Id.eq(t.id))
                .filter(employee::Column::SyncVersion.eq(current.sync_version))
                .exec(txn)
                .await
                .or_internal()?;
            if result.rows_affected != 1 {
                return Err(stale(
                    EntityKind::Employee,
                    current.sync_version,
                    version,
                    &server,
                ));
            }
            let model = live(txn, t.actor.store_id, t.id)
                .await?
                .ok_or_else(AppError::internal)?;
            (Some(server), model)
        }
    };
    Ok(Written {
        before,
        after: to_json(Employee::from(model)),
        version,
        feed: vec![FeedEntry {
            entity: EntityKind::Employee,
            id: t.id,
            op: FeedOp::Upsert,
            version,
        }],
    })
}
