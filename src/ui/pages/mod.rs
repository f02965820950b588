mod audit;
mod categories;
mod checkout;
mod clock;
mod conflicts;
mod credits;
mod customers;
mod home;
mod login;
mod pair;
mod pieces;
mod products;
mod reports;
mod sales;
mod settings;
mod staff;
mod system;
mod till;
mod tills;

pub use audit::AuditPage;
pub use categories::CategoriesPage;
pub use checkout::CheckoutPage;
pub use clock::ClockPage;
pub use conflicts::ConflictsPage;
pub use credits::CreditsPage;
pub use customers::CustomersPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use pair::PairPage;
pub use pieces::{
    AuditRoute, CategoriesRoute, ClockRoute, ConflictsRoute, CreditsRoute, CustomersRoute,
    ProductsRoute, ReportsRoute, SalesRoute, SettingsRoute, StaffRoute, SystemRoute,
};
pub use products::ProductsPage;
pub use reports::ReportsPage;
pub use sales::SalesPage;
pub use settings::SettingsPage;
pub use staff::StaffPage;
pub use system::SystemPage;
pub use till::TillPage;
