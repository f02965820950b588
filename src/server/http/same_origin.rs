//! Writes from other sites are refused. A form on another site can post to
//! `/rpc` or `/api` with the person's cookies (SameSite=Lax lets a
//! top-level POST through in some browsers, and a sign-in needs no cookie
//! at all): every state-changing request a browser marks as cross-site
//! (`Sec-Fetch-Site`), or whose `Origin` is not this server, is refused
//! before any handler runs. Requests without either header (a till's own
//! fetches in old browsers, scripts, the load drivers) are not browser
//! cross-site posts and pass.

use crate::domain::error::{AppError, ErrorCode};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Response};

/// The answer to a cross-site write: it is refused, before any handler runs.
pub fn refusal(req: &Request) -> Option<Response> {
    if !is_cross_site_write(req.method(), req.headers()) {
        return None;
    }
    tracing::warn!(path = %req.uri().path(), "cross-site write refused");
    Some(
        AppError::new(
            ErrorCode::Forbidden,
            "This request came from another site, so it was refused.",
        )
        .into_response(),
    )
}

fn is_cross_site_write(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        // "none": typed or bookmarked by the person themselves.
        return !matches!(site, "same-origin" | "none");
    }
    match text(header::ORIGIN) {
        None => false,
        Some(origin) => {
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            authority.is_none() || authority != text(header::HOST)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn only_writes_from_another_site_are_refused() {
        let host = ("host", "shop.test:3000");
        let post = Method::POST;
        assert!(
            !is_cross_site_write(&post, &headers(&[host])),
            "no browser headers"
        );
        assert!(!is_cross_site_write(
            &post,
            &headers(&[host, ("origin", "http://shop.test:3000")])
        ));
        assert!(is_cross_site_write(
            &post,
            &headers(&[host, ("origin", "http://evil.test")])
        ));
        assert!(is_cross_site_write(
            &post,
            &headers(&[host, ("origin", "null")])
        ));
        assert!(is_cross_site_write(
            &post,
            &headers(&[host, ("sec-fetch-site", "cross-site")])
        ));
        assert!(is_cross_site_write(
            &post,
            &headers(&[host, ("sec-fetch-site", "same-site")])
        ));
        assert!(!is_cross_site_write(
            &post,
            &headers(&[host, ("sec-fetch-site", "same-origin")])
        ));
        assert!(!is_cross_site_write(
            &Method::GET,
            &headers(&[host, ("sec-fetch-site", "cross-site")])
        ));
    }
}
