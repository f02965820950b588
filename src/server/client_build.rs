//! Which build of the client this server hands out.
//!
//! `make site` and `make release` name the client's files after one build id
//! (`/pkg/tillwise.<build>.js`, `.wasm`, `.css`; a hash of all three) and
//! write it to `pkg/build.txt`; the service worker is stamped with the same
//! id. A page therefore only ever loads the files of its own build, and a
//! till's service worker can keep them cache-first: a name never changes
//! its bytes, so new HTML can never meet an old WASM. Every answer names
//! the build (`X-Tillwise-Build`), so a worker keeps only pages of its own
//! build and notices when the server has moved on.
//!
//! A site laid out without the id (`cargo leptos watch`, or tests that never
//! built the client) keeps the plain names.

use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use leptos::config::LeptosOptions;
use std::path::Path;

/// The header every answer carries: the client build this server serves.
const BUILD_HEADER: HeaderName = HeaderName::from_static("x-tillwise-build");

/// The id `make site` wrote, if it is one (16 lowercase hex digits) and
/// the site was not laid out again since by something that does not name
/// its files (`cargo leptos watch` writes a plain `tillwise.wasm`).
fn read(options: &LeptosOptions) -> Option<String> {
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let file = pkg.join("build.txt");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    if let (Some(plain), Some(stamped)) = (
        modified(&pkg.join(format!("{}.wasm", options.output_name))),
        modified(&file),
    ) && plain > stamped
    {
        return None;
    }
    parse(&std::fs::read_to_string(file).ok()?)
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

/// `/pkg/tillwise.<build>.<ext>`, or one of the build's pieces
/// (`.split.js`, `.split_<page>.wasm`, `.chunk_<n>.wasm`): a file whose
/// bytes never change under its name.
pub fn is_build_file(path: &str) -> bool {
    path.strip_prefix("/pkg/tillwise.")
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(id, name)| is_build_id(id) && is_client_file(name))
}

/// The splitter's names for pieces, as `end2end/client_files.mjs` spells
/// them for the scripts that make and measure the build.
fn is_client_file(name: &str) -> bool {
    let piece = |stem: &str| {
        (stem.starts_with("split_") || stem.starts_with("chunk_"))
            && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    match name {
        "js" | "wasm" | "css" | "split.js" => true,
        _ => name.strip_suffix(".wasm").is_some_and(piece),
    }
}

/// Names the build on every answer, and lets browsers keep a build's files
/// a year without asking again, so one without the service worker (a
/// back-office PC) does not fetch megabytes on every visit over a shop's
/// Wi-Fi; a new build has new names. The files go out compressed as the
/// browser asked, so caches must key them by that too (`Vary`).
pub fn mark(build: Option<&HeaderValue>, build_file: bool, response: &mut Response) {
    let kept_long = build_file && response.status().is_success();
    let headers = response.headers_mut();
    if let Some(build) = build {
        headers.insert(BUILD_HEADER, build.clone());
    }
    if kept_long {
        headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
}

/// Points Leptos's hydration scripts and the stylesheet link at this
/// build's files (they are all named `<output_name>.<ext>`); returns the
/// build id as `mark_build` sends it, if the site has one.
pub fn apply(options: &mut LeptosOptions) -> Option<HeaderValue> {
    let build = read(options);
    if let Some(build) = &build {
        tracing::info!(%build, "serving the client build");
        options.output_name = format!("{}.{build}", options.output_name).into();
    } else {
        tracing::warn!(
            site = %options.site_root,
            "no pkg/build.txt under the site (or an older one): serving the client under its plain names"
        );
    }
    // 16 hex digits (`parse`): always a valid header value.
    build.and_then(|b| HeaderValue::from_str(&b).ok())
}

#[cfg(test)]
mod tests {
    use super::{is_build_file, parse, read};
    use leptos::config::LeptosOptions;
    use std::time::{Duration, SystemTime};

    #[test]
    fn a_plain_client_written_after_the_build_id_wins() {
        let site = std::env::temp_dir().join(format!("tillwise-site-{}", uuid::Uuid::now_v7()));
        let pkg = site.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        let options = LeptosOptions::builder()
            .output_name("tillwise")
            .site_root(site.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .build();
        std::fs::write(pkg.join("build.txt"), "0123456789abcdef\n").unwrap();
        assert_eq!(read(&options).as_deref(), Some("0123456789abcdef"));

        // `cargo leptos watch` lays the site out again, with plain names.
        let plain = std::fs::File::create(pkg.join("tillwise.wasm")).unwrap();
        plain
            .set_modified(SystemTime::now() + Duration::from_secs(5))
            .unwrap();
        assert_eq!(read(&options), None);
        std::fs::remove_dir_all(site).unwrap();
    }

    #[test]
    fn only_a_builds_own_files_are_kept_long() {
        assert!(is_build_file("/pkg/tillwise.0123456789abcdef.wasm"));
        assert!(is_build_file("/pkg/tillwise.0123456789abcdef.css"));
        assert!(is_build_file("/pkg/tillwise.0123456789abcdef.split.js"));
        assert!(is_build_file(
            "/pkg/tillwise.0123456789abcdef.split_products_route_view_123.wasm"
        ));
        assert!(is_build_file("/pkg/tillwise.0123456789abcdef.chunk_3.wasm"));
        assert!(!is_build_file("/pkg/tillwise.0123456789abcdef.chunk_3.js"));
        assert!(!is_build_file(
            "/pkg/tillwise.0123456789abcdef.split_a/b.wasm"
        ));
        assert!(!is_build_file("/pkg/tillwise.0123456789abcdef.main.wasm"));
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
