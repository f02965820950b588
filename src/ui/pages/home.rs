use crate::ui::session::use_session;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <section class="home">
            <h1>"Tillwise"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match session.current.await {
                        Ok(Some(s)) => view! {
                            <p>"Signed in as " <strong>{s.employee_name.clone()}</strong> " at " {s.store_name.clone()} "."</p>
                            <div class="tiles">
                                <A href="/checkout" attr:class="tile">"Checkout"</A>
                                <A href="/customers" attr:class="tile">"Customers"</A>
                                <A href="/credits" attr:class="tile">"Store credit"</A>
                                <A href="/clock" attr:class="tile">"Clock in / out"</A>
                                {s.role.is_manager().then(|| view! {
                                    <A href="/products" attr:class="tile">"Products"</A>
                                    <A href="/categories" attr:class="tile">"Categories"</A>
                                    <A href="/sales" attr:class="tile">"Sales history"</A>
                                    <A href="/reports" attr:class="tile">"Reports"</A>
                                    <A href="/staff" attr:class="tile">"Staff and shifts"</A>
                                    <A href="/audit" attr:class="tile">"Audit log"</A>
                                })}
                                <A href="/till" attr:class="tile">"Switch cashier"</A>
                            </div>
                        }
                            .into_any(),
                        _ => view! {
                            <div class="tiles">
                                <A href="/login" attr:class="tile">"Sign in (managers and owners)"</A>
                                <A href="/till" attr:class="tile">"Switch in with a PIN (cashiers)"</A>
                            </div>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
