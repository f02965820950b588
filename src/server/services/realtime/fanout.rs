//! Events between instances, through Redis pub/sub: each instance publishes
//! what it committed on one channel (`<prefix>:events`) and hears the
//! others' there. Its own come back too and are skipped (its sockets heard
//! them straight away).
//!
//! Redis is never on a write's path: publishing is a queue drained by one
//! task. While Redis is down, what is published is lost to the other
//! instances (logged once per outage); when it is back, the subscriber is
//! resubscribed and this instance's sockets are told to pull, which brings
//! them whatever they missed.

use super::Announcement;
use super::deliver::resync;
use super::hub::Hub;
use crate::domain::ids::new_id;
use fred::clients::SubscriberClient;
use fred::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;
use uuid::Uuid;

/// Announcements waiting to be published, at most (beyond that they are
/// dropped: the other instances' tills will pull).
const OUTBOX: usize = 8_192;
/// Messages Redis may deliver faster than this instance takes them.
const INBOX: usize = 8_192;

/// What travels on the channel, as sent.
#[derive(Serialize)]
struct Sent<'a> {
    /// The instance that published it.
    from: Uuid,
    announcement: &'a Announcement,
}

/// What travels on the channel, as read.
#[derive(Deserialize)]
struct Envelope {
    from: Uuid,
    announcement: Announcement,
}

pub struct FanOut {
    instance: Uuid,
    outbox: mpsc::Sender<Arc<Announcement>>,
    publisher: Client,
    subscriber: SubscriberClient,
    /// The last publish went through.
    published: Arc<AtomicBool>,
}

impl FanOut {
    /// Connects in the background (reconnecting for ever), subscribes, and
    /// starts the publishing task. Only a URL fred cannot use is an error.
    pub fn start(
        url: &str,
        prefix: &str,
        local: mpsc::Sender<Arc<Announcement>>,
        hub: Arc<Hub>,
    ) -> Result<FanOut, fred::error::Error> {
        let channel = format!("{prefix}:events");
        let config = Config {
            // Down at start-up: keep trying in the background.
            fail_fast: false,
            ..Config::from_url(url)?
        };
        let builder = |inbox: usize| {
            let mut b = Builder::from_config(config.clone());
            b.with_connection_config(|c| {
                c.connection_timeout = Duration::from_secs(2);
                c.internal_command_timeout = Duration::from_secs(2);
            })
            .with_performance_config(|p| {
                p.default_command_timeout = Duration::from_secs(1);
                p.broadcast_channel_capacity = inbox;
            })
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 5_000, 2));
            b
        };
        let (outbox, queued) = mpsc::channel(OUTBOX);
        let fanout = FanOut {
            instance: new_id(),
            outbox,
            publisher: builder(32).build()?,
            subscriber: builder(INBOX).build_subscriber_client()?,
            published: Arc::new(AtomicBool::new(true)),
        };
        tokio::spawn(publish(
            fanout.publisher.clone(),
            channel.clone(),
            fanout.instance,
            queued,
            fanout.published.clone(),
        ));
        tokio::spawn(listen(
            fanout.subscriber.clone(),
            channel,
            fanout.instance,
            local,
            hub,
        ));
        Ok(fanout)
    }

    /// Queues `announcement` for the other instances; never waits.
    pub fn publish(&self, announcement: Arc<Announcement>) {
        if self.outbox.try_send(announcement).is_err() {
            tracing::debug!("redis fan-out queue full; dropping an announcement");
        }
    }

    /// Whether events reach the other instances now.
    pub fn is_up(&self) -> bool {
        self.publisher.is_connected()
            && self.subscriber.is_connected()
            && self.published.load(Ordering::Relaxed)
    }
}

async fn publish(
    client: Client,
    channel: String,
    instance: Uuid,
    mut queued: mpsc::Receiver<Arc<Announcement>>,
    published: Arc<AtomicBool>,
) {
    let _connecting = client.init().await;
    while let Some(announcement) = queued.recv().await {
        let sent = Sent {
            from: instance,
            announcement: &announcement,
        };
        let Ok(text) = serde_json::to_string(&sent) else {
            continue;
        };
        match client.publish::<i64, _, _>(channel.as_str(), text).await {
            Ok(_) => {
                if !published.swap(true, Ordering::Relaxed) {
                    tracing::info!("redis fan-out is back");
                }
            }
            Err(e) => {
                if published.swap(false, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "redis fan-out is down; events stay on this instance until it is back");
                }
            }
        }
    }
}

async fn listen(
    subscriber: SubscriberClient,
    channel: String,
    instance: Uuid,
    local: mpsc::Sender<Arc<Announcement>>,
    hub: Arc<Hub>,
) {
    // Told before anything can be lost: every (re)connection after the
    // first one tells this instance's sockets to pull.
    let mut reconnects = subscriber.reconnect_rx();
    let mut messages = subscriber.message_rx();
    if let Err(e) = subscriber.init().await {
        tracing::warn!(error = %e, "redis subscriber could not connect");
    }
    let _resubscribing = subscriber.manage_subscriptions();
    if let Err(e) = subscriber.subscribe(channel.as_str()).await {
        tracing::warn!(error = %e, "redis subscribe failed; it is retried on reconnect");
    }
    let mut first = true;
    loop {
        tokio::select! {
            server = reconnects.recv() => match server {
                Ok(_) if first => first = false,
                Ok(_) => {
                    tracing::info!("redis subscriber reconnected; sockets here will pull");
                    hub.send_all(resync());
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            },
            message = messages.recv() => match message {
                Ok(message) => {
                    let Some(text) = message.value.as_str() else { continue };
                    match serde_json::from_str::<Envelope>(&text) {
                        Ok(envelope) if envelope.from == instance => {}
                        Ok(envelope) => {
                            if local.send(Arc::new(envelope.announcement)).await.is_err() {
                                return;
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "an unreadable realtime message on Redis"),
                    }
                }
                // Messages were lost here: the sockets catch up by pulling.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "realtime fell behind Redis; sockets here will pull");
                    hub.send_all(resync());
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}
