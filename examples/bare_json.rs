//! The floor for the cached-read benchmark: a bare axum server that answers
//! every request with the same JSON bytes (and a session cookie, so the
//! peer's driver can "sign in"). `cargo run --release --features ssr
//! --example bare_json -- FILE ADDR`.

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("usage: bare_json FILE ADDR");
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3200".into());
    let json = Bytes::from(std::fs::read(&file).expect("the JSON file"));
    let app = Router::new().fallback(move || {
        let json = json.clone();
        async move {
            (
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (header::SET_COOKIE, "sid=bare; Path=/; HttpOnly"),
                ],
                json,
            )
                .into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
