//! Signing in: e-mail and password for managers and owners, a PIN on a
//! paired till for everyone with one. Sessions and device tokens are random
//! and stored only as SHA-256 hashes; passwords and PINs as Argon2id hashes.

use super::audit::{self, AuditDraft};
use super::realtime::Announcement;
use super::sign_in_limits;
use super::write_path::begin;
use super::{Actor, Db};
use crate::domain::auth::{
    Pin, PriceApproval, PriceApprovalRequest, SessionInfo, TillPairing, TillPerson,
};
use crate::domain::error::{AppError, ErrorCode};
use crate::domain::ids::new_id;
use crate::domain::permissions::{Action, Subject};
use crate::domain::sign_in_limit::{self, SignInLimits, retry_after_seconds};
use crate::server::db::entities::{device, employee, session, store};
use crate::server::error::{DbResultExt, internal};
use crate::server::request::RequestMeta;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Wrong PINs allowed before the employee is locked out.
pub const MAX_PIN_ATTEMPTS: i32 = 5;
/// How long a lockout lasts.
pub const PIN_LOCKOUT_MINUTES: i64 = 15;

pub fn hash_secret(secret: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|h| h.to_string())
        .map_err(internal)
}

fn verify_secret(hash: &str, secret: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Argon2 is slow on purpose; run it off the async worker threads.
async fn verify_blocking(hash: Option<String>, secret: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_secret(&h, &secret),
        None => {
            // Same work when there is nobody to check, so timing does not
            // tell which e-mails exist.
            let _ = hash_secret(&secret);
            false
        }
    })
    .await
    .map_err(internal)
}

/// A random token for a cookie, and the hash that is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new session: its cookie token and what the UI shows.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub info: SessionInfo,
    pub max_age_seconds: i64,
}

async fn start_session(
    db: &Db,
    session_hours: i64,
    person: &employee::Model,
    device_id: Option<Uuid>,
    meta: &RequestMeta,
    action: &str,
) -> Result<SignedIn, AppError> {
    let store = store::Entity::find_by_id(person.store_id)
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(internal_store)?;
    let role = person.role();
    let (token, hash) = new_token();
    let now = Utc::now();
    let actor = Actor {
        store_id: store.id,
        employee_id: Some(person.id),
        employee_name: Some(person.name.clone()),
        role,
        device_id,
        session_id: None,
        meta: meta.clone(),
    };
    let txn = begin(db).await.or_internal()?;
    session::Entity::insert(session::ActiveModel {
        id: Set(new_id()),
        token_hash: Set(hash),
        store_id: Set(store.id),
        employee_id: Set(person.id),
        device_id: Set(device_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(session_hours)),
        last_seen_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await
    .or_internal()?;
    employee::Entity::update_many()
        .col_expr(
            employee::Column::FailedPinAttempts,
            sea_orm::sea_query::Expr::value(0),
        )
        .col_expr(
            employee::Column::LockedUntil,
            sea_orm::sea_query::Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(employee::Column::Id.eq(person.id))
        .exec(&txn)
        .await
        .or_internal()?;
    let draft = AuditDraft {
        action: action.to_string(),
        entity_type: "employee".into(),
        entity_id: Some(person.id),
        before: None,
        after: Some(serde_json::json!({ "device_id": device_id })),
    };
    audit::append_and_commit(db, txn, &actor, draft, now)
        .await
        .or_internal()?;
    Ok(SignedIn {
        token,
        max_age_seconds: session_hours * 3600,
        info: SessionInfo {
            employee_id: person.id,
            employee_name: person.name.clone(),
            role,
            store_id: store.id,
            prices_include_tax: store.prices_include_tax,
            currency: store.currency,
            time_zone: store.time_zone,
            store_name: store.name,
            device_id,
        },
    })
}

fn internal_store() -> AppError {
    internal("employee without a store")
}

fn wrong_login() -> AppError {
    AppError::new(
        ErrorCode::Unauthenticated,
        "That e-mail and password do not match. Please try again.",
    )
}

/// E-mail and password sign-in, for anyone who has a password. Wrong
/// passwords count against the account and the client's address; past
/// `limits`, even the right one waits (429) until old failures age out.
pub async fn login(
    db: &Db,
    session_hours: i64,
    limits: &SignInLimits,
    email: &str,
    password: &str,
    meta: &RequestMeta,
) -> Result<SignedIn, AppError> {
    let subjects = limits.subjects(email, meta.ip.as_deref());
    let taken = sign_in_limits::take_try(db, &subjects, Utc::now()).await?;
    let email = email.trim().to_lowercase();
    let candidates = employee::Entity::find()
        .filter(employee::Column::Email.eq(email.as_str()))
        .filter(employee::Column::Active.eq(true))
        .filter(employee::Column::DeletedAt.is_null())
        .filter(employee::Column::PasswordHash.is_not_null())
        .order_by_asc(employee::Column::CreatedAt)
        .all(db)
        .await
        .or_internal()?;
    if candidates.is_empty() {
        verify_blocking(None, password.to_string()).await?;
    }
    for person in candidates {
        if verify_blocking(person.password_hash.clone(), password.to_string()).await? {
            sign_in_limits::succeeded(db, &taken, &sign_in_limit::Subject::account(&email)).await?;
            return start_session(db, session_hours, &person, None, meta, "auth.login").await;
        }
    }
    sign_in_limits::failed(db, &subjects, Utc::now()).await?;
    Err(wrong_login())
}

/// A live session joined to its employee and store: one query, because
/// every signed-in request asks it before doing its own work.
#[derive(sea_orm::FromQueryResult)]
struct LiveSession {
    id: Uuid,
    device_id: Option<Uuid>,
    employee_id: Uuid,
    employee_name: String,
    role: String,
    store_id: Uuid,
    store_name: String,
    prices_include_tax: bool,
    currency: String,
    time_zone: String,
    expires_at: chrono::DateTime<Utc>,
    till_token_hash: Option<String>,
    till_expires_at: Option<chrono::DateTime<Utc>>,
}

/// A live session: who it is, and until when.
#[derive(Clone, Debug)]
pub struct Live {
    pub id: Uuid,
    pub info: SessionInfo,
    pub expires_at: chrono::DateTime<Utc>,
    /// For a PIN session, the hash of its till's device token: the session
    /// only counts on the browser that holds that till's cookie.
    pub till_token_hash: Option<String>,
}

impl Live {
    /// Whether a request carrying `device_token` (the device cookie) may
    /// use this session: any request for a password session, only the
    /// till's own browser for a PIN session.
    pub fn usable_with(&self, device_token: Option<&str>) -> bool {
        match &self.till_token_hash {
            None => true,
            Some(expected) => device_token.is_some_and(|t| token_hash(t) == *expected),
        }
    }
}

/// The session a cookie token names, if it is live and its employee still
/// is: remembered for a few seconds (`Sessions`), else read.
pub async fn session_for_token(db: &Db, token: &str) -> Result<Option<Live>, AppError> {
    let hash = token_hash(token);
    if let Some(live) = db.sessions().get(&hash) {
        return Ok(Some(live));
    }
    // Boxed: a query's state is kilobytes, and a cached session (nearly
    // every request) should not carry it.
    let live = Box::pin(live_session(
        db,
        session::Column::TokenHash.eq(hash.clone()),
    ))
    .await?;
    if let Some(live) = &live {
        db.sessions().keep(hash, live.clone());
    }
    Ok(live)
}

/// Session `id`, if it is still live and its employee still is (an open
/// socket asks, so a person switched off or given another role stops
/// hearing the store).
pub async fn session_by_id(db: &DatabaseConnection, id: Uuid) -> Result<Option<Live>, AppError> {
    live_session(db, session::Column::Id.eq(id)).await
}

async fn live_session(
    db: &DatabaseConnection,
    which: sea_orm::sea_query::SimpleExpr,
) -> Result<Option<Live>, AppError> {
    use sea_orm::{JoinType, QuerySelect};
    let to_employee = session::Entity::belongs_to(employee::Entity)
        .from(session::Column::EmployeeId)
        .to(employee::Column::Id)
        .into();
    let to_store = session::Entity::belongs_to(store::Entity)
        .from(session::Column::StoreId)
        .to(store::Column::Id)
        .into();
    let to_till = session::Entity::belongs_to(device::Entity)
        .from(session::Column::DeviceId)
        .to(device::Column::Id)
        .into();
    let now = Utc::now();
    // A PIN session lives only as long as its till's pairing.
    let till_paired = sea_orm::Condition::any()
        .add(session::Column::DeviceId.is_null())
        .add(
            sea_orm::Condition::all()
                .add(device::Column::RevokedAt.is_null())
                .add(device::Column::ExpiresAt.gt(now)),
        );
    let row = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .column(session::Column::DeviceId)
        .column(session::Column::EmployeeId)
        .column_as(employee::Column::Name, "employee_name")
        .column(employee::Column::Role)
        .column(session::Column::StoreId)
        .column_as(store::Column::Name, "store_name")
        .column(store::Column::PricesIncludeTax)
        .column(store::Column::Currency)
        .column(store::Column::TimeZone)
        .column(session::Column::ExpiresAt)
        .column_as(device::Column::TokenHash, "till_token_hash")
        .column_as(device::Column::ExpiresAt, "till_expires_at")
        .join(JoinType::InnerJoin, to_employee)
        .join(JoinType::InnerJoin, to_store)
        .join(JoinType::LeftJoin, to_till)
        .filter(which)
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(till_paired)
        .filter(employee::Column::Active.eq(true))
        .filter(employee::Column::DeletedAt.is_null())
        .into_model::<LiveSession>()
        .one(db)
        .await
        .or_internal()?;
    Ok(row.map(|s| Live {
        id: s.id,
        // A remembered PIN session ends with its till's pairing.
        expires_at: s
            .till_expires_at
            .map_or(s.expires_at, |end| end.min(s.expires_at)),
        till_token_hash: s.till_token_hash,
        info: SessionInfo {
            role: employee::stored_role(s.employee_id, &s.role),
            employee_id: s.employee_id,
            employee_name: s.employee_name,
            store_id: s.store_id,
            prices_include_tax: s.prices_include_tax,
            currency: s.currency,
            time_zone: s.time_zone,
            store_name: s.store_name,
            device_id: s.device_id,
        },
    }))
}

/// Ends the session `token` names; its sockets close, on every instance.
pub async fn logout(db: &Db, token: &str) -> Result<(), AppError> {
    let ended = session::Entity::find()
        .filter(session::Column::TokenHash.eq(token_hash(token)))
        .all(db.conn())
        .await
        .or_internal()?;
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(token_hash(token)))
        .exec(db.conn())
        .await
        .or_internal()?;
    for s in ended {
        let ended = Announcement::SessionsEnded {
            store_id: s.store_id,
            sessions: vec![s.id],
        };
        db.sessions().forget(&ended);
        db.realtime().announce(ended);
    }
    Ok(())
}

/// Pairs the browser a manager is using as a till of their store.
pub async fn pair_device(
    db: &Db,
    actor: &Actor,
    name: &str,
    pairing_days: std::num::NonZeroU16,
) -> Result<(device::Model, String), AppError> {
    actor.must(Subject::Tills, Action::Pair)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::field(
            "name",
            "give the till a name of 1 to 80 characters",
        ));
    }
    let paired_by = actor.employee_id.ok_or_else(AppError::forbidden)?;
    let (token, hash) = new_token();
    let now = Utc::now();
    let txn = begin(db).await.or_internal()?;
    let model = device::Entity::insert(device::ActiveModel {
        id: Set(new_id()),
        store_id: Set(actor.store_id),
        name: Set(name.to_string()),
        token_hash: Set(hash),
        paired_by: Set(paired_by),
        created_at: Set(now),
        revoked_at: Set(None),
        expires_at: Set(Some(now + Duration::days(i64::from(pairing_days.get())))),
    })
    .exec_with_returning(&txn)
    .await
    .or_internal()?;
    let draft = AuditDraft {
        action: "device.pair".into(),
        entity_type: "device".into(),
        entity_id: Some(model.id),
        before: None,
        after: Some(serde_json::json!({ "name": model.name, "expires_at": model.expires_at })),
    };
    audit::append_and_commit(db, txn, actor, draft, now)
        .await
        .or_internal()?;
    Ok((model, token))
}

/// The paired till a device cookie names, while its pairing lasts.
pub async fn device_for_token(db: &Db, token: &str) -> Result<Option<device::Model>, AppError> {
    device::Entity::find()
        .filter(device::Column::TokenHash.eq(token_hash(token)))
        .filter(device::Column::RevokedAt.is_null())
        .filter(device::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await
        .or_internal()
}

/// The store's tills, paired or not any more, newest first.
pub async fn tills(db: &Db, actor: &Actor) -> Result<Vec<TillPairing>, AppError> {
    actor.must(Subject::Tills, Action::Read)?;
    let devices = device::Entity::find()
        .filter(device::Column::StoreId.eq(actor.store_id))
        .order_by_desc(device::Column::CreatedAt)
        .all(db)
        .await
        .or_internal()?;
    let names = super::names::employees(db.conn(), devices.iter().map(|d| d.paired_by)).await?;
    Ok(devices
        .into_iter()
        .map(|d| TillPairing {
            paired_by: names.get(&d.paired_by).cloned().unwrap_or_default(),
            device_id: d.id,
            name: d.name,
            paired_at: d.created_at,
            expires_at: d.expires_at,
            unpaired_at: d.revoked_at,
        })
        .collect())
}

/// Unpairs one of the store's tills at once: its cookie opens nothing
/// any more, and everyone switched in on it is signed out, on every
/// instance.
pub async fn unpair_till(db: &Db, actor: &Actor, device_id: Uuid) -> Result<(), AppError> {
    actor.must(Subject::Tills, Action::Delete)?;
    let till = device::Entity::find_by_id(device_id)
        .filter(device::Column::StoreId.eq(actor.store_id))
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("till"))?;
    if till.revoked_at.is_some() {
        return Ok(());
    }
    let now = Utc::now();
    let txn = begin(db).await.or_internal()?;
    let unpaired = device::Entity::update_many()
        .col_expr(
            device::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(device::Column::Id.eq(till.id))
        .filter(device::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .or_internal()?
        .rows_affected;
    if unpaired == 0 {
        // Another manager's unpairing got there first: audited once.
        return Ok(());
    }
    let ended: Vec<Uuid> = session::Entity::find()
        .filter(session::Column::DeviceId.eq(till.id))
        .all(&txn)
        .await
        .or_internal()?
        .into_iter()
        .map(|s| s.id)
        .collect();
    session::Entity::delete_many()
        .filter(session::Column::DeviceId.eq(till.id))
        .exec(&txn)
        .await
        .or_internal()?;
    let draft = AuditDraft {
        action: "device.unpair".into(),
        entity_type: "device".into(),
        entity_id: Some(till.id),
        before: Some(serde_json::json!({ "name": till.name })),
        after: Some(serde_json::json!({ "unpaired_at": now, "sessions_ended": ended.len() })),
    };
    audit::append_and_commit(db, txn, actor, draft, now)
        .await
        .or_internal()?;
    if !ended.is_empty() {
        let ended = Announcement::SessionsEnded {
            store_id: actor.store_id,
            sessions: ended,
        };
        db.sessions().forget(&ended);
        db.realtime().announce(ended);
    }
    Ok(())
}

/// The people who can switch in on this till: active, with a PIN.
pub async fn till_people(db: &Db, till: &device::Model) -> Result<Vec<TillPerson>, AppError> {
    let people = employee::Entity::find()
        .filter(employee::Column::StoreId.eq(till.store_id))
        .filter(employee::Column::Active.eq(true))
        .filter(employee::Column::DeletedAt.is_null())
        .filter(employee::Column::PinHash.is_not_null())
        .order_by_asc(employee::Column::Name)
        .all(db)
        .await
        .or_internal()?;
    Ok(people
        .into_iter()
        .map(|p| TillPerson {
            role: p.role(),
            employee_id: p.id,
            name: p.name,
        })
        .collect())
}

/// Switches a person in on a paired till by PIN. Five wrong PINs lock the
/// person out for fifteen minutes; every try is audited.
pub async fn pin_switch(
    db: &Db,
    session_hours: i64,
    till: &device::Model,
    employee_id: Uuid,
    pin: &str,
    meta: &RequestMeta,
) -> Result<SignedIn, AppError> {
    let person = person_with_pin(db, till, employee_id, pin, meta).await?;
    start_session(db, session_hours, &person, Some(till.id), meta, "auth.pin").await
}

/// Person `employee_id` of the till's store, if `pin` is theirs. A wrong
/// PIN counts towards the lockout and is audited, whatever it was typed
/// for (a switch or an approval).
async fn person_with_pin(
    db: &Db,
    till: &device::Model,
    employee_id: Uuid,
    pin: &str,
    meta: &RequestMeta,
) -> Result<employee::Model, AppError> {
    let pin = Pin::parse(pin).map_err(|problem| AppError::field("pin", problem))?;
    let person = employee::Entity::find_by_id(employee_id)
        .filter(employee::Column::StoreId.eq(till.store_id))
        .filter(employee::Column::Active.eq(true))
        .filter(employee::Column::DeletedAt.is_null())
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("employee"))?;
    let now = Utc::now();
    if let Some(until) = person.locked_until.filter(|until| *until > now) {
        return Err(locked_out(until - now));
    }
    // A try is taken before the PIN is checked, in one statement: guesses
    // sent at once each take one, so no more than MAX_PIN_ATTEMPTS are
    // ever checked before the lockout (checked first and counted after,
    // 24 guesses at once were all checked).
    use sea_orm::sea_query::{Expr, ExprTrait};
    let taken = employee::Entity::update_many()
        .col_expr(
            employee::Column::FailedPinAttempts,
            Expr::col(employee::Column::FailedPinAttempts).add(1),
        )
        .filter(employee::Column::Id.eq(person.id))
        .filter(employee::Column::FailedPinAttempts.lt(MAX_PIN_ATTEMPTS))
        .filter(no_live_lock(now))
        .exec(db)
        .await
        .or_internal()?
        .rows_affected;
    if taken == 0 {
        // All tries are taken but no lock was set (the try that reached the
        // limit was never counted: its request died): lock now, so the
        // lockout ends in fifteen minutes instead of never.
        lock_out(person.id, now)
            .filter(employee::Column::FailedPinAttempts.gte(MAX_PIN_ATTEMPTS))
            .filter(no_live_lock(now))
            .exec(db)
            .await
            .or_internal()?;
        return Err(locked_out(Duration::minutes(PIN_LOCKOUT_MINUTES)));
    }
    if verify_blocking(person.pin_hash.clone(), pin.expose().to_string()).await? {
        // Right: the tries start again.
        employee::Entity::update_many()
            .col_expr(employee::Column::FailedPinAttempts, Expr::value(0))
            .filter(employee::Column::Id.eq(person.id))
            .exec(db)
            .await
            .or_internal()?;
        return Ok(person);
    }
    Err(record_wrong_pin(db, till, &person, meta).await)
}

/// A manager's (or the owner's) PIN, typed on the till, approving a price
/// the cashier `asking` set on a line: audited as `sale.price_approved`
/// under the manager's name, with the shelf price and the new one. The
/// sale itself carries the price like any other; this is who allowed it.
pub async fn approve_price(
    db: &Db,
    till: &device::Model,
    asking: &Actor,
    request: &PriceApprovalRequest,
    meta: &RequestMeta,
) -> Result<PriceApproval, AppError> {
    let manager = person_with_pin(db, till, request.manager_id, &request.pin, meta).await?;
    if !manager.role().is_manager() {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "Only a manager or the owner can approve a price.",
        ));
    }
    let approving = Actor {
        store_id: till.store_id,
        employee_id: Some(manager.id),
        employee_name: Some(manager.name.clone()),
        role: manager.role(),
        device_id: Some(till.id),
        session_id: None,
        meta: meta.clone(),
    };
    let draft = AuditDraft {
        action: "sale.price_approved".into(),
        entity_type: "product".into(),
        entity_id: Some(request.product_id),
        before: Some(serde_json::json!({
            "name": request.name, "price_cents": request.shelf_price_cents,
        })),
        after: Some(serde_json::json!({
            "name": request.name, "price_cents": request.price_cents,
            "asked_by": asking.employee_name, "sale_id": request.sale_id,
        })),
    };
    let txn = begin(db).await.or_internal()?;
    audit::append_and_commit(db, txn, &approving, draft, Utc::now())
        .await
        .or_internal()?;
    Ok(PriceApproval {
        approved_by: manager.id,
        approved_by_name: manager.name,
    })
}

fn locked_out(wait: Duration) -> AppError {
    AppError {
        details: serde_json::json!({ "retry_after_seconds": retry_after_seconds(wait) }),
        ..AppError::new(
            ErrorCode::RateLimited,
            format!(
                "Too many wrong PINs. Try again in {PIN_LOCKOUT_MINUTES} minutes or ask a manager."
            ),
        )
    }
}

async fn record_wrong_pin(
    db: &Db,
    till: &device::Model,
    person: &employee::Model,
    meta: &RequestMeta,
) -> AppError {
    match count_wrong_pin(db, till, person, meta).await {
        Ok(refused) | Err(refused) => refused,
    }
}

/// The person is not locked out at `now`.
fn no_live_lock(now: chrono::DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::any()
        .add(employee::Column::LockedUntil.is_null())
        .add(employee::Column::LockedUntil.lte(now))
}

/// Locks `person` out for `PIN_LOCKOUT_MINUTES` from `now`, with a fresh
/// count of tries for when it ends.
fn lock_out(person: Uuid, now: chrono::DateTime<Utc>) -> sea_orm::UpdateMany<employee::Entity> {
    use sea_orm::sea_query::Expr;
    employee::Entity::update_many()
        .col_expr(employee::Column::FailedPinAttempts, Expr::value(0))
        .col_expr(
            employee::Column::LockedUntil,
            Expr::value(Some(now + Duration::minutes(PIN_LOCKOUT_MINUTES))),
        )
        .filter(employee::Column::Id.eq(person))
}

/// Counts a wrong PIN; `Ok` is the refusal to give (`Err` when counting
/// itself failed).
async fn count_wrong_pin(
    db: &Db,
    till: &device::Model,
    person: &employee::Model,
    meta: &RequestMeta,
) -> Result<AppError, AppError> {
    let now = Utc::now();
    let txn = begin(db).await.or_internal()?;
    // The try was taken before the check; re-read inside the write lock to
    // see where the count stands with every try made at once.
    let current = employee::Entity::find_by_id(person.id)
        .one(&txn)
        .await
        .or_internal()?
        .ok_or_else(internal_store)?;
    let attempts = current.failed_pin_attempts;
    // Another wrong PIN of the same burst may have locked the person
    // already: that lock stands (writing this try's view over it unlocked
    // the person, and more guesses were checked).
    let already_locked = current.locked_until.filter(|until| *until > now);
    let locked = already_locked.is_none() && attempts >= MAX_PIN_ATTEMPTS;
    if locked {
        lock_out(person.id, now).exec(&txn).await.or_internal()?;
    }
    let role = person.role();
    let actor = Actor {
        store_id: till.store_id,
        employee_id: Some(person.id),
        employee_name: Some(person.name.clone()),
        role,
        device_id: Some(till.id),
        session_id: None,
        meta: meta.clone(),
    };
    let draft = AuditDraft {
        action: if locked {
            "auth.pin_locked".into()
        } else {
            "auth.pin_failed".into()
        },
        entity_type: "employee".into(),
        entity_id: Some(person.id),
        before: None,
        after: Some(serde_json::json!({ "attempts": attempts, "device_id": till.id })),
    };
    audit::append_and_commit(db, txn, &actor, draft, now)
        .await
        .or_internal()?;
    if let Some(until) = already_locked {
        return Ok(locked_out(until - now));
    }
    if locked {
        return Ok(locked_out(Duration::minutes(PIN_LOCKOUT_MINUTES)));
    }
    let left = (MAX_PIN_ATTEMPTS - attempts).max(1);
    Ok(AppError::new(
        ErrorCode::Unauthenticated,
        format!(
            "Wrong PIN. {left} {} left before a {PIN_LOCKOUT_MINUTES}-minute lockout.",
            if left == 1 { "try" } else { "tries" }
        ),
    ))
}
