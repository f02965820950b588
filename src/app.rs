//! The HTML shell, the routes and the layout around every screen.

use crate::till::connection::provide_connection;
use crate::till::live::provide_live;
use crate::till::toasts::provide_toasts;
use crate::ui::components::layout::Layout;
use crate::ui::pages::{
    AuditRoute, CategoriesRoute, CheckoutPage, ClockRoute, ConflictsRoute, CreditsRoute,
    CustomersRoute, HomePage, LoginPage, PairPage, ProductsRoute, ReportsRoute, SalesRoute,
    SettingsRoute, StaffRoute, SystemRoute, TillPage,
};
use crate::ui::session::provide_session;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::Lazy;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// Registers the service worker (so the app boots offline after one online
/// visit), tells the app when a new version of it is installed and waiting
/// (`tillwise-update`), and gives the app `tillwiseActivateUpdate()` to
/// switch to it, which always ends in a reload (when the new worker takes
/// charge or is seen activated; at once if no worker waits any more, as the
/// page then loads whichever one is in charge). The browser lets the new
/// worker take over only once the running one has no work open, so that
/// one is told to drop the pages it is keeping, and the registration is
/// looked at again every two seconds (a newer version that arrived
/// meanwhile is asked in turn). It also asks the browser to keep
/// this site's storage, where unsent sales wait, even when the disk runs
/// low. Plain JavaScript, so it
/// runs before the WASM has loaded.
const REGISTER_SERVICE_WORKER: &str = r#"if ('serviceWorker' in navigator) {
  window.addEventListener('load', function () {
    navigator.serviceWorker.register('/sw.js').then(function (reg) {
      function ready() {
        if (reg.waiting && navigator.serviceWorker.controller) {
          window.tillwiseUpdateReady = true;
          window.dispatchEvent(new Event('tillwise-update'));
        }
      }
      ready();
      reg.addEventListener('updatefound', function () {
        var next = reg.installing;
        if (next) next.addEventListener('statechange', function () { if (next.state === 'installed') ready(); });
      });
    }).catch(function () {});
  });
  window.tillwiseActivateUpdate = function () {
    var reloaded = false, asked = null;
    function reload() { if (!reloaded) { reloaded = true; window.location.reload(); } }
    var running = navigator.serviceWorker.controller;
    if (running) running.postMessage({ type: 'stop-keeping' });
    navigator.serviceWorker.addEventListener('controllerchange', reload);
    function ask() {
      if (reloaded) return;
      navigator.serviceWorker.getRegistration().then(function (reg) {
        var next = reg && (reg.waiting || reg.installing);
        if (!next) { reload(); return; }
        if (next !== asked) {
          asked = next;
          next.addEventListener('statechange', function () { if (next.state === 'activated') reload(); });
          next.postMessage({ type: 'activate-now' });
        }
        setTimeout(ask, 2000);
      }).catch(reload);
    }
    ask();
  };
}
if (navigator.storage && navigator.storage.persist) { navigator.storage.persist().catch(function () {}); }"#;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1f6f5c"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" type="image/png" href="/icon-192.png"/>
                <link rel="apple-touch-icon" href="/icon-192.png"/>
                <script>{REGISTER_SERVICE_WORKER}</script>
                // This build's files (src/server/client_build.rs).
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toasts();
    provide_live();
    provide_session();
    provide_connection();
    crate::till::sale_in_progress::provide_sale_in_progress();
    crate::ui::components::conflict_resolver::provide_conflict_dialog();
    view! {
        <Title text="Tillwise"/>
        <Router>
            <Layout>
                <Routes fallback=|| view! { <p class="notice">"There is no such page."</p> }>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/checkout") view=CheckoutPage/>
                    <Route path=path!("/till") view=TillPage/>
                    <Route path=path!("/pair") view=PairPage/>
                    <Route path=path!("/products") view={Lazy::<ProductsRoute>::new()}/>
                    <Route path=path!("/categories") view={Lazy::<CategoriesRoute>::new()}/>
                    <Route path=path!("/sales") view={Lazy::<SalesRoute>::new()}/>
                    <Route path=path!("/reports") view={Lazy::<ReportsRoute>::new()}/>
                    <Route path=path!("/customers") view={Lazy::<CustomersRoute>::new()}/>
                    <Route path=path!("/credits") view={Lazy::<CreditsRoute>::new()}/>
                    <Route path=path!("/staff") view={Lazy::<StaffRoute>::new()}/>
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()}/>
                    <Route path=path!("/conflicts") view={Lazy::<ConflictsRoute>::new()}/>
                    <Route path=path!("/clock") view={Lazy::<ClockRoute>::new()}/>
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()}/>
                    <Route path=path!("/system") view={Lazy::<SystemRoute>::new()}/>
                </Routes>
            </Layout>
        </Router>
    }
}
