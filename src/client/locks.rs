//! Web Locks: one tab of the browser at a time does what must not be done
//! twice at once (pushing the outbox; holding the store's socket).

use std::cell::Cell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks.request(name, callback)`: runs `callback` while
    /// holding the lock `name`, across every tab of this site.
    #[wasm_bindgen(js_namespace = ["navigator", "locks"], js_name = request, catch)]
    fn request_lock(
        name: &str,
        callback: &Closure<dyn FnMut(JsValue) -> js_sys::Promise>,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// Runs `work` under the browser-wide lock `name` (or without it where the
/// browser has no Web Locks).
pub async fn with_lock(name: &str, work: impl std::future::Future<Output = ()> + 'static) {
    let work = Cell::new(Some(Box::pin(work)));
    let callback: Closure<dyn FnMut(JsValue) -> js_sys::Promise> =
        Closure::once(move |_lock: JsValue| {
            let work = work.take();
            wasm_bindgen_futures::future_to_promise(async move {
                if let Some(work) = work {
                    work.await;
                }
                Ok(JsValue::UNDEFINED)
            })
        });
    let promise = match request_lock(name, &callback) {
        Ok(promise) => Some(promise),
        Err(_) => callback
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .call1(&JsValue::NULL, &JsValue::NULL)
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok()),
    };
    if let Some(promise) = promise {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}
