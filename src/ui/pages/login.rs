use crate::api::auth::sign_in;
use crate::domain::error::FieldErrors;
use crate::till::toasts::use_toasts;
use crate::ui::components::field::Field;
use crate::ui::session::use_session;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn LoginPage() -> impl IntoView {
    let (session, toasts, navigate) = (use_session(), use_toasts(), use_navigate());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let submit = Action::new(move |(e, p): &(String, String)| sign_in(e.clone(), p.clone()));
    Effect::new(move |_| {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(info) => {
                    errors.set(FieldErrors::new());
                    session.refresh();
                    toasts.success(format!("Welcome, {}.", info.employee_name));
                    navigate("/products", Default::default());
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.error(e.message);
                }
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.dispatch((email.get_untracked(), password.get_untracked()));
    };
    view! {
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <p class="muted">"Managers and owners sign in with e-mail and password. Cashiers switch in on a paired till with their PIN."</p>
            <form on:submit=on_submit>
                <Field label="E-mail" name="email" value=email errors=errors kind="email" inputmode="email" autofocus=true/>
                <Field label="Password" name="password" value=password errors=errors kind="password"/>
                <button class="button primary big" type="submit" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}
