//! Redis, when configured. The app never fails a request because Redis is
//! down: callers treat an error here as "not available right now".

use fred::prelude::*;
use std::time::Duration;

pub type Redis = fred::clients::Client;

/// Builds a client for `url` and starts connecting in the background, with
/// reconnects forever; the first connection is awaited for at most 2 s.
pub async fn connect(url: &str) -> Result<Redis, fred::error::Error> {
    let config = Config::from_url(url)?;
    let client = Builder::from_config(config)
        .with_connection_config(|c| {
            c.connection_timeout = Duration::from_secs(2);
            c.internal_command_timeout = Duration::from_secs(2);
        })
        .with_performance_config(|p| p.default_command_timeout = Duration::from_secs(1))
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 5_000, 2))
        .build()?;
    client.init().await?;
    Ok(client)
}

/// "ok", or "down" when Redis does not answer a PING within a second.
pub async fn status(client: &Redis) -> &'static str {
    match tokio::time::timeout(Duration::from_secs(1), client.ping::<String>(None)).await {
        Ok(Ok(_)) => "ok",
        _ => "down",
    }
}
