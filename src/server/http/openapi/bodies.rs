//! The request bodies as the wire carries them, for the document only.
//! The server reads each body field by field (`domain::fields`) and names
//! the field that is wrong; these types describe what it reads, they do
//! not parse anything. Record kinds whose edit form is a domain draft
//! (`ProductDraft`, …) are described by that draft instead.

// Described, never built: the server reads bodies field by field.
#![allow(dead_code)]

use crate::domain::auth::Role;
use crate::domain::catalog::StockReason;
use crate::domain::sale::PaymentMethod;
use crate::domain::shift::ShiftStatus;
use chrono::{NaiveDate, NaiveTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Password sign-in (managers and owners). Ten wrong passwords for one
/// account, or fifty from one address, within the window are refused with
/// 429 and `Retry-After`.
#[derive(ToSchema)]
pub struct SignIn {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(max_length = 200)]
    pub password: String,
}

/// Switching in with a PIN on a paired till. Five wrong PINs lock the
/// person out for a while (429).
#[derive(ToSchema)]
pub struct PinSwitch {
    pub employee_id: Uuid,
    #[schema(pattern = "^[0-9]{4,6}$")]
    pub pin: String,
}

/// Pairing this browser as a till of the manager's store.
#[derive(ToSchema)]
pub struct PairTill {
    #[schema(max_length = 80)]
    pub name: String,
}

/// A record made offline brings its own UUIDv7; otherwise the server
/// makes one.
#[derive(ToSchema)]
pub struct OwnId {
    pub id: Option<Uuid>,
}

/// An edit names the version it started from; a stale one is merged or
/// answered with 409 and the conflict.
#[derive(ToSchema)]
pub struct AtVersion {
    #[schema(minimum = 1)]
    pub sync_version: i64,
}

/// A new employee: cashiers need a PIN, managers and owners an e-mail and
/// a password. On an edit every field is optional; a new `pin` or
/// `password` replaces the old one.
#[derive(ToSchema)]
pub struct EmployeeBody {
    #[schema(max_length = 120)]
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    #[schema(min_length = 8)]
    pub password: Option<String>,
    #[schema(pattern = "^[0-9]{4,6}$")]
    pub pin: Option<String>,
    pub active: Option<bool>,
}

/// A tab from before the shop used Tillwise. Only `due_date` can be
/// edited later: the amount owed changes by payments.
#[derive(ToSchema)]
pub struct CreditBody {
    pub customer_id: Uuid,
    #[schema(minimum = 1)]
    pub amount_cents: i64,
    pub due_date: Option<NaiveDate>,
}

/// A planned shift.
#[derive(ToSchema)]
pub struct ShiftBody {
    pub employee_id: Uuid,
    pub shift_date: NaiveDate,
    #[schema(value_type = String, example = "09:00")]
    pub start_time: NaiveTime,
    #[schema(value_type = String, example = "17:00")]
    pub end_time: NaiveTime,
    pub status: Option<ShiftStatus>,
    pub notes: Option<String>,
}

/// A stock adjustment of the product in the path.
#[derive(ToSchema)]
pub struct StockBody {
    /// Units in (positive) or out (negative); never 0.
    #[schema(minimum = -1000000, maximum = 1000000)]
    pub delta: i64,
    pub reason: StockReason,
    pub note: Option<String>,
}

/// A payment on the credit in the path. A till brings its own `id`, so a
/// retry after a lost answer is not recorded twice.
#[derive(ToSchema)]
pub struct CreditPaymentBody {
    pub id: Option<Uuid>,
    #[schema(minimum = 1)]
    pub amount_cents: i64,
    pub method: PaymentMethod,
}

/// One line of a sale as the till sends it.
#[derive(ToSchema)]
pub struct SaleLineBody {
    pub product_id: Uuid,
    #[schema(minimum = 1)]
    pub quantity: i64,
    /// The shelf price when left out.
    pub unit_price_cents: Option<i64>,
    pub discount_cents: Option<i64>,
}

/// A sale rung up at a till. The till makes its UUIDv7 `id`: a sale sent
/// twice is recorded once (201, then 200 with the stored sale).
#[derive(ToSchema)]
pub struct SaleBody {
    pub id: Uuid,
    pub lines: Vec<SaleLineBody>,
    pub payments: Vec<crate::domain::sale::Payment>,
    pub customer_id: Option<Uuid>,
    pub discount_cents: Option<i64>,
    /// When the till rang it up (UTC); now when left out.
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Which line and how many of it to hand back.
#[derive(ToSchema)]
pub struct RefundLineBody {
    pub line_no: i32,
    #[schema(minimum = 1)]
    pub quantity: i64,
}

/// A refund of the sale in the path: the lines named, or everything not
/// yet refunded. Its own `id` makes a retry safe.
#[derive(ToSchema)]
pub struct RefundBody {
    pub id: Uuid,
    pub lines: Option<Vec<RefundLineBody>>,
    pub method: Option<PaymentMethod>,
}

/// A void of the sale in the path, undone as it was paid.
#[derive(ToSchema)]
pub struct VoidBody {
    pub id: Uuid,
}

/// The store's settings, at the version the edit started from.
#[derive(ToSchema)]
pub struct SettingsBody {
    #[schema(minimum = 1)]
    pub sync_version: i64,
    pub name: Option<String>,
    pub prices_include_tax: Option<bool>,
}
