pub mod field;
pub mod guard;
pub mod layout;
pub mod on_till;
pub mod product_editor;
pub mod receipt;
pub mod stock_dialog;
pub mod toast;
