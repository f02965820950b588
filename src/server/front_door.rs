//! What every request passes through, in one layer: its id and audit facts
//! (`request`), the refusal of cross-site writes (`http::same_origin`), a
//! server function's status from its error's code (`http::rpc_status`),
//! and the client build on the answer (`client_build`).
//!
//! One layer, not four: each `from_fn` layer boxes the rest of the stack
//! and its own future and takes the request apart and back together, for
//! every request; on a cached read that was a measurable share of the
//! server's time (BENCHMARKS.md, "Cached reads").

use crate::server::http::{rpc_status, same_origin};
use crate::server::{client_build, request};
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub async fn every_request(
    State(build): State<Option<HeaderValue>>,
    mut req: Request,
    next: Next,
) -> Response {
    let request_id = request::attach_meta(&mut req);
    let span = request::span(&request_id, &req);
    let path = req.uri().path();
    let (build_file, rpc) = (client_build::is_build_file(path), rpc_status::is_rpc(path));
    let answer = async {
        if let Some(refused) = same_origin::refusal(&req) {
            return refused;
        }
        let mut response = next.run(req).await;
        client_build::mark(build.as_ref(), build_file, &mut response);
        if rpc {
            response = rpc_status::status_from_code(response).await;
        }
        response
    };
    request::serve_as(request_id, span, answer).await
}
