//! The screens that come as pieces of the client, each fetched when first
//! opened (and kept by the service worker with the rest of the build): the
//! back office, and the floor screens a till does not need to sell
//! (customers, store credit, the clock). A till's first load carries the
//! frame, the sync client, sign-in, pairing, the PIN switch and the
//! checkout (issue 17; docs/ARCHITECTURE.md, "The client comes in
//! pieces"). A piece that does not arrive leaves a notice with Try again,
//! not a stopped client (`components::piece`), and the checkout never
//! waits for one.

use super::{
    AuditPage, CategoriesPage, ClockPage, ConflictsPage, CreditsPage, CustomersPage, ProductsPage,
    ReportsPage, SalesPage, SettingsPage, StaffPage, SystemPage,
};
use crate::ui::components::piece::page_piece;

page_piece! {
    ProductsRoute, products_page => ProductsPage,
    CategoriesRoute, categories_page => CategoriesPage,
    SalesRoute, sales_page => SalesPage,
    ReportsRoute, reports_page => ReportsPage,
    StaffRoute, staff_page => StaffPage,
    AuditRoute, audit_page => AuditPage,
    ConflictsRoute, conflicts_page => ConflictsPage,
    SettingsRoute, settings_page => SettingsPage,
    SystemRoute, system_page => SystemPage,
    CustomersRoute, customers_page => CustomersPage,
    CreditsRoute, credits_page => CreditsPage,
    ClockRoute, clock_page => ClockPage,
}
