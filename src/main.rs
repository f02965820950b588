//! The Tillwise server: reads settings, starts the app, serves until Ctrl-C.

use tillwise::server::services::seed;
use tillwise::server::settings::{Settings, redact_url};
use tillwise::server::startup::Application;
use tillwise::server::telemetry;

/// Under fifty busy tills glibc's malloc and free took about a third of the
/// server's CPU (perf), much of it on the store writer's path; mimalloc
/// keeps per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    // Before anything opens a database.
    let sqlite_on_mimalloc = tillwise::server::db::sqlite_memory::use_the_server_allocator();
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tillwise: {e}");
            std::process::exit(2);
        }
    };
    telemetry::init(&settings);
    if !sqlite_on_mimalloc {
        tracing::warn!("{}", tillwise::server::db::sqlite_memory::KEPT_ITS_OWN);
    }
    let seed_demo = settings.seed_demo;
    let database = redact_url(&settings.database_url);
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "cannot start");
            eprintln!("tillwise: cannot start: {e}");
            std::process::exit(1);
        }
    };
    let addr = app.state.leptos_options.site_addr;
    println!("Tillwise is running at http://{addr}  (database: {database})");
    if seed_demo {
        println!(
            "Demo sign-ins: {} / {pw} (owner), {} / {pw} (manager), {} / {pw} (Second Store). \
             Cashiers on a paired till: Ana PIN 1111, Ben PIN 2222.",
            seed::DEMO_OWNER,
            seed::DEMO_MANAGER,
            seed::SECOND_OWNER,
            pw = seed::DEMO_PASSWORD
        );
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    if let Err(e) = app.run_until(shutdown).await {
        tracing::error!(error = %e, "server stopped with an error");
        std::process::exit(1);
    }
}
