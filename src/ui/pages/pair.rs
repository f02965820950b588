use crate::api::auth::pair_till;
use crate::domain::error::FieldErrors;
use crate::till::toasts::use_toasts;
use crate::ui::components::field::Field;
use crate::ui::components::guard::SignedIn;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// A manager makes this browser a till of the store, so cashiers can switch
/// in on it with a PIN.
#[component]
pub fn PairPage() -> impl IntoView {
    let (toasts, navigate) = (use_toasts(), use_navigate());
    let name = RwSignal::new("Till 1".to_string());
    let errors = RwSignal::new(FieldErrors::new());
    let pair = Action::new(move |n: &String| pair_till(n.clone()));
    Effect::new(move |_| {
        if let Some(result) = pair.value().get() {
            match result {
                Ok(till) => {
                    toasts.success(format!("This browser is now the till “{till}”."));
                    navigate("/till", Default::default());
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.error(e.message);
                }
            }
        }
    });
    view! {
        <SignedIn manager=true>
            <section class="card narrow">
                <h1>"Pair this browser as a till"</h1>
                <p class="muted">"Cashiers can then switch in here with their PIN."</p>
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    pair.dispatch(name.get_untracked());
                }>
                    <Field label="Till name" name="name" value=name errors=errors autofocus=true/>
                    <button class="button primary big" type="submit" disabled=move || pair.pending().get()>"Pair till"</button>
                </form>
            </section>
        </SignedIn>
    }
}
