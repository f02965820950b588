//! Building and running the server. `Application::build` takes settings and
//! binds the listener, so tests start the real app on port 0.

use crate::app::{App, shell};
use crate::server::services::Db;
use crate::server::settings::Settings;
use crate::server::{http, services};
use axum::Router;
use axum::extract::FromRef;
use axum::http::HeaderValue;
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// What every handler and server function can reach. The router clones it
/// for every request (each route, middleware and extractor holds its own),
/// so it is one `Arc`: a clone of the parts themselves was a quarter of a
/// cached read's CPU (BENCHMARKS.md, "Cached reads").
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] points to, made once at start-up.
pub struct Shared {
    /// The database, with this instance's realtime (what every write announces).
    pub db: Db,
    pub settings: Arc<Settings>,
    pub leptos_options: LeptosOptions,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("leptos configuration: {0}")]
    Leptos(String),
    #[error("demo data: {0}")]
    Seed(crate::domain::error::AppError),
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
}

impl Application {
    /// Connects and migrates the database, starts realtime (with its Redis
    /// fan-out if configured) and the cache (waiting up to 2 s for a
    /// configured Redis), seeds demo data when asked and the database is
    /// empty, binds the listener.
    pub async fn build(settings: Settings) -> Result<Application, StartupError> {
        let db = Db::connect(&settings).await?;
        if !db.cache().ready(std::time::Duration::from_secs(2)).await {
            tracing::warn!(
                "the cache's Redis does not answer yet; reads go to the database until it does"
            );
        }
        services::audit::seal_unsealed_heads(&db).await?;
        if settings.seed_demo
            && services::seed::seed_if_empty(&db)
                .await
                .map_err(StartupError::Seed)?
        {
            tracing::info!("seeded the demo stores");
        }
        if let Some(first) = &settings.first_owner
            && services::seed::first_store_if_empty(&db, first)
                .await
                .map_err(StartupError::Seed)?
        {
            tracing::info!(store = %first.store_name, owner = %first.email, "made the first store and its owner");
        }
        if services::stores::count(&db).await.unwrap_or(1) == 0 {
            tracing::warn!(
                "the database has no store yet: set TILLWISE_FIRST_OWNER_EMAIL and \
                 TILLWISE_FIRST_OWNER_PASSWORD (and TILLWISE_FIRST_STORE) to make the first one, \
                 or TILLWISE_SEED_DEMO=true for the demo stores"
            );
        }
        // Cargo.toml's [package.metadata.leptos], with LEPTOS_* variables on
        // top; a deployment without the source tree uses the variables alone.
        let source = std::path::Path::new("Cargo.toml")
            .exists()
            .then_some("Cargo.toml");
        let mut leptos_options = leptos::config::get_configuration(source)
            .map_err(|e| StartupError::Leptos(e.to_string()))?
            .leptos_options;
        leptos_options.site_addr = settings.site_addr;
        let client_build = crate::server::client_build::apply(&mut leptos_options);
        let listener = TcpListener::bind(settings.site_addr)
            .await
            .map_err(|source| StartupError::Bind {
                addr: settings.site_addr,
                source,
            })?;
        let state = AppState(Arc::new(Shared {
            db,
            settings: Arc::new(settings),
            leptos_options,
        }));
        Ok(Application {
            listener,
            router: router(state.clone(), client_build),
            state,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until `shutdown` completes.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}

fn router(state: AppState, client_build: Option<HeaderValue>) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    Router::new()
        .nest("/api", http::api_router())
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            client_build,
            crate::server::front_door::every_request,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(http::MAX_BODY_BYTES))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::AppState;

    /// Every request clones the state several times over: it must stay one
    /// pointer, whatever is added to `Shared`.
    #[test]
    fn the_state_every_request_clones_is_one_pointer() {
        assert_eq!(size_of::<AppState>(), size_of::<usize>());
    }
}
