pub mod field;
pub mod guard;
pub mod layout;
pub mod product_editor;
pub mod receipt;
pub mod stock_dialog;
pub mod toast;
