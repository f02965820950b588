//! The back-office screens as lazy routes: each is its own piece of the
//! client, fetched when first opened (and kept by the service worker with
//! the rest of the build), so a till's first load carries only the floor
//! screens a cashier uses (issue 17; docs/ARCHITECTURE.md, "The client
//! comes in pieces"). A piece that does not arrive leaves a notice with Try
//! again, not a stopped client (`components::piece`). The floor screens
//! stay in the main module: a till must boot offline.

use super::{
    AuditPage, CategoriesPage, ConflictsPage, ProductsPage, ReportsPage, SalesPage, SettingsPage,
    StaffPage, SystemPage,
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
}
