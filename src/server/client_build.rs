//! Which build of the client this server hands out.
//!
//! `make site` and `make release` name the client's files after one build id
//! (`/pkg/tillwise.<build>.js`, `.wasm`, `.css`; a hash of all three) and
//! write it to `pkg/build.txt`; the service worker is stamped with the same
//! id. A page therefore only ever loads the files of its own build, and a
//! till's service worker can keep them cache-first: a name never changes
//! its bytes, so new HTML can never meet an old WASM.
//!
//! A site laid out without the id (`cargo leptos watch`, or tests that never
//! built the client) keeps the plain names.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;
use std::path::Path;

/// The id `make site` wrote, if it is one: 16 lowercase hex digits.
pub fn read(options: &LeptosOptions) -> Option<String> {
    let file = Path::new(options.site_root.as_ref())
        .join(options.site_pkg_dir.as_ref())
        .join("build.txt");
    let text = std::fs::read_to_string(file).ok()?;
    parse(&text)
}

fn parse(text: &str) -> Option<String> {
    let id = text.trim();
    is_build_id(id).then(|| id.to_owned())
}

fn is_build_id(id: &str) -> bool {
    id.len() == 16
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `/pkg/tillwise.<build>.<ext>`: a file whose bytes never change under its name.
fn is_build_file(path: &str) -> bool {
    path.strip_prefix("/pkg/tillwise.")
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(id, ext)| is_build_id(id) && matches!(ext, "js" | "wasm" | "css"))
}

/// A build's files may be kept a year without asking again, so a browser
/// without the service worker (a back-office PC) does not fetch 2 MB on
/// every visit over a shop's Wi-Fi; a new build has new names.
pub async fn keep_build_files(request: Request, next: Next) -> Response {
    let build_file = is_build_file(request.uri().path());
    let mut response = next.run(request).await;
    if build_file && response.status().is_success() {
        response.headers_mut().insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

/// Points Leptos's hydration scripts and the stylesheet link at this
/// build's files: they are all named `<output_name>.<ext>`.
pub fn apply(options: &mut LeptosOptions) {
    if let Some(build) = read(options) {
        tracing::info!(%build, "serving the client build");
        options.output_name = format!("{}.{build}", options.output_name).into();
    } else {
        tracing::warn!(
            site = %options.site_root,
            "no pkg/build.txt under the site: serving the client under its plain names"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{is_build_file, parse};

    #[test]
    fn only_a_builds_own_files_are_kept_long() {
        assert!(is_build_file("/pkg/tillwise.0123456789abcdef.wasm"));
        assert!(is_build_file("/pkg/tillwise.0123456789abcdef.css"));
        assert!(!is_build_file("/pkg/tillwise.wasm"));
        assert!(!is_build_file("/pkg/tillwise.0123456789abcdef.html"));
        assert!(!is_build_file("/sw.js"));
        assert!(!is_build_file("/pkg/tillwise.0123456789abcdeg.js"));
    }

    #[test]
    fn only_a_build_id_is_taken() {
        assert_eq!(
            parse("0123456789abcdef\n").as_deref(),
            Some("0123456789abcdef")
        );
        assert_eq!(parse(""), None);
        assert_eq!(parse("0123456789ABCDEF"), None);
        assert_eq!(parse("../../etc/passwd"), None);
        assert_eq!(parse("0123456789abcdef0"), None);
    }
}
