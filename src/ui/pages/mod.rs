mod categories;
mod checkout;
mod home;
mod login;
mod pair;
mod products;
mod till;

pub use categories::CategoriesPage;
pub use checkout::CheckoutPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use pair::PairPage;
pub use products::ProductsPage;
pub use till::TillPage;
