//! Per-request facts every audit entry and error needs: a request id, the
//! caller's address and user agent. A middleware sets them once.

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderValue;
use axum::response::Response;
use std::net::SocketAddr;
use tracing::{Instrument, Span};

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Gives the request an id (a UUIDv7, or a sane one the caller sent) and
/// puts [`RequestMeta`] in its extensions; returns the id.
pub fn attach_meta(req: &mut Request) -> String {
    let request_id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_string)
        .unwrap_or_else(|| crate::domain::ids::new_id().to_string());
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    let user_agent = req
        .headers()
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(512).collect());
    req.extensions_mut().insert(RequestMeta {
        request_id: Some(request_id.clone()),
        ip,
        user_agent,
    });
    request_id
}

/// The tracing span request `request_id` is served in.
pub fn span(request_id: &str, req: &Request) -> Span {
    tracing::info_span!("request", request_id = %request_id, method = %req.method(), path = %req.uri().path())
}

/// Serves `answer` as request `request_id`: inside its `span`, with
/// [`current_request_id`] set, logging a failure, and echoing the id in
/// the response.
pub async fn serve_as(
    request_id: String,
    span: Span,
    answer: impl Future<Output = Response>,
) -> Response {
    let header = HeaderValue::from_str(&request_id);
    let mut response = REQUEST_ID
        .scope(request_id, answer.instrument(span.clone()))
        .await;
    span.in_scope(|| {
        let status = response.status();
        if status.is_server_error() {
            tracing::error!(%status, "request failed");
        } else {
            tracing::debug!(%status, "request done");
        }
    });
    if let Ok(value) = header {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}
