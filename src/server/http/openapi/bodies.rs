//! The request bodies as the wire carries them, for the document only.
//! The server reads each body field by field (`domain::fields`, in each
//! kind's `parse`) and names the field that is wrong; these types describe
//! what those parsers read (required fields, defaults, limits), they parse
//! nothing. Keep them beside the parser they describe when either changes;
//! the API fuzzer (`make fuzz`) sends what they describe.

// Described, never built.
#![allow(dead_code)]

use crate::domain::auth::Role;
use crate::domain::shift::ShiftStatus;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use utoipa::ToSchema;
use uuid::Uuid;

/// How a till takes money in or hands it back (store credit is its own
/// route).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Tender {
    Cash,
    Card,
}

/// Why stock is adjusted by hand (sales move stock themselves).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AdjustmentReason {
    Received,
    Count,
    Damaged,
    Returned,
    Other,
}

/// Password sign-in (managers and owners). Ten wrong passwords for one
/// account, or fifty from one address, within the window are refused with
/// 429 and `Retry-After`.
#[derive(ToSchema)]
pub struct SignIn {
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 200)]
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
    #[schema(min_length = 1, max_length = 80)]
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

/// A person. Cashiers need a PIN; managers and owners an e-mail and a
/// password (on an edit, a new `pin` or `password` replaces the old one;
/// left out, it stays). `name` and `role` are sent on an edit too.
#[derive(ToSchema)]
pub struct EmployeeBody {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    pub role: Role,
    #[schema(min_length = 8, max_length = 200)]
    pub password: Option<String>,
    #[schema(pattern = "^[0-9]{4,6}$")]
    pub pin: Option<String>,
    /// True when left out.
    pub active: Option<bool>,
}

/// A product. Prices are cents; tax is in basis points (2000 = 20 %).
#[derive(ToSchema)]
pub struct ProductBody {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9._/-]+$")]
    pub sku: String,
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9._/-]*$")]
    pub barcode: Option<String>,
    pub category_id: Option<Uuid>,
    #[schema(minimum = 0, maximum = 100000000)]
    pub price_cents: i64,
    /// 0 when left out.
    #[schema(minimum = 0, maximum = 100000000)]
    pub cost_cents: Option<i64>,
    /// 0 when left out.
    #[schema(minimum = 0, maximum = 10000)]
    pub tax_rate_bp: Option<i64>,
    /// True when left out.
    pub active: Option<bool>,
    /// 5 when left out.
    #[schema(minimum = 0, maximum = 1000000)]
    pub low_stock_threshold: Option<i64>,
}

/// A category of products.
#[derive(ToSchema)]
pub struct CategoryBody {
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// 0 when left out.
    #[schema(minimum = 0, maximum = 10000)]
    pub sort_order: Option<i64>,
}

/// A customer.
#[derive(ToSchema)]
pub struct CustomerBody {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[schema(max_length = 32, pattern = "^[0-9 +()-]*$")]
    pub phone: Option<String>,
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(max_length = 1000)]
    pub notes: Option<String>,
}

/// A note for the store's people.
#[derive(ToSchema)]
pub struct NoteBody {
    #[schema(min_length = 1, max_length = 120)]
    pub title: String,
    /// Empty when left out.
    #[schema(max_length = 2000)]
    pub body: Option<String>,
    /// False when left out.
    pub pinned: Option<bool>,
}

/// A tab from before the shop used Tillwise.
#[derive(ToSchema)]
pub struct CreditBody {
    pub customer_id: Uuid,
    #[schema(minimum = 1, maximum = 2147483647)]
    pub amount_cents: i64,
    pub due_date: Option<NaiveDate>,
}

/// An edit of a credit: its due date alone (the amount owed changes by
/// payments). `null` clears it.
#[derive(ToSchema)]
pub struct CreditDueBody {
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
    /// `scheduled` when left out.
    pub status: Option<ShiftStatus>,
    #[schema(max_length = 500)]
    pub notes: Option<String>,
}

/// A stock adjustment of the product in the path.
#[derive(ToSchema)]
pub struct StockBody {
    /// Units in (positive) or out (negative); never 0.
    #[schema(minimum = -1000000, maximum = 1000000)]
    pub delta: i64,
    pub reason: AdjustmentReason,
    #[schema(max_length = 200)]
    pub note: Option<String>,
}

/// A payment on the credit in the path. A till brings its own `id`, so a
/// retry after a lost answer is not recorded twice.
#[derive(ToSchema)]
pub struct CreditPaymentBody {
    pub id: Option<Uuid>,
    #[schema(minimum = 1, maximum = 2147483647)]
    pub amount_cents: i64,
    /// Cash when left out.
    pub method: Option<Tender>,
}

/// One line of a sale as the till sends it.
#[derive(ToSchema)]
pub struct SaleLineBody {
    pub product_id: Uuid,
    #[schema(minimum = 1, maximum = 100000)]
    pub quantity: i64,
    /// The price the till charged for one.
    #[schema(minimum = 0, maximum = 100000000)]
    pub unit_price_cents: i64,
    /// 0 when left out.
    #[schema(minimum = 0)]
    pub discount_cents: Option<i64>,
}

/// A sale rung up at a till. The till makes its UUIDv7 `id`: a sale sent
/// twice is recorded once (201, then 200 with the stored sale).
#[derive(ToSchema)]
pub struct SaleBody {
    pub id: Uuid,
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<SaleLineBody>,
    #[schema(min_items = 1, max_items = 500)]
    pub payments: Vec<crate::domain::sale::Payment>,
    pub customer_id: Option<Uuid>,
    /// 0 when left out.
    #[schema(minimum = 0)]
    pub discount_cents: Option<i64>,
    /// When the till rang it up (UTC); now when left out.
    pub created_at: Option<DateTime<Utc>>,
}

/// Which line and how many of it to hand back.
#[derive(ToSchema)]
pub struct RefundLineBody {
    #[schema(minimum = 1, maximum = 500)]
    pub line_no: i32,
    #[schema(minimum = 1, maximum = 100000)]
    pub quantity: i64,
}

/// A refund of the sale in the path: the lines named, or everything not
/// yet refunded. Its own `id` makes a retry safe.
#[derive(ToSchema)]
pub struct RefundBody {
    pub id: Uuid,
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Option<Vec<RefundLineBody>>,
    /// Cash when left out.
    pub method: Option<Tender>,
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
    #[schema(nullable = false, min_length = 1, max_length = 120)]
    pub name: Option<String>,
    #[schema(nullable = false)]
    pub prices_include_tax: Option<bool>,
    /// IANA name, e.g. `Europe/London`.
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 64,
        example = "Europe/London"
    )]
    pub time_zone: Option<String>,
    /// Blank clears it.
    #[schema(nullable = false, max_length = 300)]
    pub address: Option<String>,
    #[schema(nullable = false, max_length = 40)]
    pub tax_number: Option<String>,
    #[schema(nullable = false, max_length = 300)]
    pub receipt_footer: Option<String>,
    /// Changes only while the store has no sales.
    #[schema(nullable = false, example = "USD")]
    pub currency: Option<String>,
}
