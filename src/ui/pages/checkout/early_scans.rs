//! Scans made before the app came alive on the checkout (the WASM client
//! loads and hydrates a second or so after the page shows): the form's own
//! inline handler holds them, and keeps the browser from submitting the
//! form natively (a reload that would lose them), until the app takes over.

/// The form's `onsubmit` until the app is alive: hold the code, empty
/// the field, do not submit. Once the app has set `twScanReady`, it
/// leaves the form to the app.
pub const HOLD: &str = "if(!window.twScanReady){event.preventDefault();var f=this.elements.scan;(window.twScans=window.twScans||[]).push(f.value);f.value='';}";

/// The held scans, in order; from now on the app handles the form.
pub fn take() -> Vec<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let window = js_sys::global();
        let _ = js_sys::Reflect::set(&window, &"twScanReady".into(), &JsValue::TRUE);
        let held = js_sys::Reflect::get(&window, &"twScans".into()).unwrap_or(JsValue::UNDEFINED);
        let _ = js_sys::Reflect::delete_property(&window, &"twScans".into());
        if !js_sys::Array::is_array(&held) {
            return Vec::new();
        }
        js_sys::Array::from(&held)
            .iter()
            .filter_map(|code| code.as_string())
            .map(|code| code.trim().to_string())
            .filter(|code| !code.is_empty())
            .collect()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

/// What is in the barcode field as the app comes alive (typed before,
/// not yet sent), so hydrating does not wipe it.
pub fn typed() -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("scan"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}
