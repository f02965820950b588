//! Employees: versioned like the rest of the master data. Hiring, editing,
//! switching off and PIN resets are changes of this kind; secrets are
//! hashed before the write path's transaction starts and never appear in
//! the feed, the audit log or a conflict. Employees are switched off, not
//! deleted: their sales keep their name.

use crate::domain::error::AppError;
use crate::domain::mutation::{EntityKind, Mutation, Op};
use crate::domain::permissions::{Action, managing};
use crate::domain::staff::{Employee, EmployeeDraft};
use crate::server::db::entities::{employee, session};
use crate::server::error::DbResultExt;
use crate::server::services::auth::hash_secret;
use crate::server::services::staff::live_employees;
use crate::server::services::versioned::{Row, Versioned};
use crate::server::services::write_path::Target;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};

pub struct EmployeeKind;

/// An employee draft with its password and PIN already hashed.
#[derive(Debug)]
pub struct PreparedEmployee {
    draft: EmployeeDraft,
    password_hash: Option<String>,
    pin_hash: Option<String>,
}

/// Its wire form is the fields the edit sets, secrets left out: they are
/// never compared nor stored in a conflict.
impl serde::Serialize for PreparedEmployee {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = &self.draft;
        serde_json::json!({
            "name": d.name,
            "email": d.email.as_ref().map(|e| e.as_str()),
            "role": d.role,
            "active": d.active,
        })
        .serialize(s)
    }
}

/// Hashes the draft's secrets (Argon2id, off the async threads).
async fn prepare(draft: EmployeeDraft) -> Result<PreparedEmployee, AppError> {
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

impl Versioned for EmployeeKind {
    const KIND: EntityKind = EntityKind::Employee;
    type Entity = employee::Entity;
    type Draft = PreparedEmployee;
    type Wire = Employee;

    /// A new person needs a way in (a PIN, or a login); an edit's PIN or
    /// password is a reset, one left out stays.
    async fn parse(m: &Mutation) -> Result<PreparedEmployee, AppError> {
        let draft = match m.op {
            Op::Create => EmployeeDraft::parse(&m.data)?,
            _ => EmployeeDraft::parse_edit(&m.data)?,
        };
        prepare(draft).await
    }

    fn fill(row: &mut Row<Self>, prepared: PreparedEmployee) {
        let PreparedEmployee {
            draft,
            password_hash,
            pin_hash,
        } = prepared;
        row.name = Set(draft.name);
        row.email = Set(draft.email.map(|e| e.as_str().to_string()));
        row.role = Set(draft.role.as_str().to_string());
        row.active = Set(draft.active);
        if let Some(hash) = password_hash {
            row.password_hash = Set(Some(hash));
        }
        // A new PIN also lifts a lockout: the manager has checked who it is.
        if let Some(hash) = pin_hash {
            row.pin_hash = Set(Some(hash));
            row.failed_pin_attempts = Set(0);
            row.locked_until = Set(None);
        }
    }

    /// No secrets and no lockout until a draft brings them.
    fn fresh(row: &mut Row<Self>) {
        row.pin_hash = Set(None);
        row.password_hash = Set(None);
        row.failed_pin_attempts = Set(0);
        row.locked_until = Set(None);
    }

    /// Managers look after cashiers; only owners appoint, edit or demote
    /// managers and owners. Nobody switches themselves off or changes
    /// their own role. E-mails are unique in the store; whoever signs in
    /// by password has one.
    async fn check(
        txn: &DatabaseTransaction,
        t: &Target<'_>,
        prepared: &PreparedEmployee,
    ) -> Result<(), AppError> {
        let draft = &prepared.draft;
        let current = match t.op {
            Op::Update => Some(
                live_employees(t.actor.store_id)
                    .filter(employee::Column::Id.eq(t.id))
                    .one(txn)
                    .await
                    .or_internal()?
                    .ok_or_else(|| AppError::not_found(EntityKind::Employee.noun()))?,
            ),
            _ => None,
        };
        let was = current.as_ref().map(employee::Model::role);
        for role in [Some(draft.role), was].into_iter().flatten() {
            if let Some(action) = managing(role) {
                t.actor.must_on(EntityKind::Employee, action)?;
            }
        }
        if t.op == Op::Update && prepared.pin_hash.is_some() {
            t.actor.must_on(EntityKind::Employee, Action::ResetPin)?;
        }
        if let Some(was) = was
            && Some(t.id) == t.actor.employee_id
            && (!draft.active || draft.role != was)
        {
            return Err(AppError::field(
                "active",
                "you cannot switch off or change your own role; ask another owner",
            ));
        }
        if let Some(email) = &draft.email {
            let taken = live_employees(t.actor.store_id)
                .filter(employee::Column::Email.eq(email.as_str()))
                .filter(employee::Column::Id.ne(t.id))
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
        let keeps_password = current.is_some_and(|c| c.password_hash.is_some());
        if draft.role.signs_in_by_password() && prepared.password_hash.is_none() && !keeps_password
        {
            return Err(AppError::field(
                "password",
                "managers and owners need a password",
            ));
        }
        // A new password ends the person's sessions everywhere but the one
        // making the change (whoever knew the old one is signed out), in
        // the same transaction as the new hash. The instances' remembered
        // sessions are forgotten with any write to the employee.
        if t.op == Op::Update && prepared.password_hash.is_some() {
            let mut ended =
                session::Entity::delete_many().filter(session::Column::EmployeeId.eq(t.id));
            if let Some(mine) = t.actor.session_id {
                ended = ended.filter(session::Column::Id.ne(mine));
            }
            ended.exec(txn).await.or_internal()?;
        }
        Ok(())
    }
}
