//! The back-office screens as lazy routes: each is its own piece of the
//! client, fetched when first opened (and kept by the service worker with
//! the rest of the build), so a till's first load carries only the floor
//! screens a cashier uses (issue 17; docs/ARCHITECTURE.md, "The client
//! comes in pieces"). The floor screens stay in the main module: a piece
//! that cannot be fetched stops Leptos 0.8's client, and a till must boot
//! offline.

use super::{
    AuditPage, CategoriesPage, ConflictsPage, ProductsPage, ReportsPage, SalesPage, SettingsPage,
    StaffPage, SystemPage,
};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A back-office page as a lazy route: `$route` is what `<Route view=…>`
/// names (`Lazy::<$route>::new()`), `$page` the page's component.
macro_rules! back_office_route {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($page), "`, loaded when first opened.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

back_office_route! {
    ProductsRoute => ProductsPage,
    CategoriesRoute => CategoriesPage,
    SalesRoute => SalesPage,
    ReportsRoute => ReportsPage,
    StaffRoute => StaffPage,
    AuditRoute => AuditPage,
    ConflictsRoute => ConflictsPage,
    SettingsRoute => SettingsPage,
    SystemRoute => SystemPage,
}
