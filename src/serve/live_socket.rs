//! The server side of live reload: one WebSocket per open page, told `reload`, `css` or
//! `search` after each rebuild.
//!
//! A page must not be able to hold the server's resources for ever: the server pings every
//! page (at once, then every 15 s) and closes one that has sent nothing (a Pong or any other
//! frame) for 30 s; a write that has not gone out after 10 s closes it too, so a page that
//! stopped reading never holds up the others. Browsers answer pings by themselves, even in a
//! background tab; a frozen page or a socket nobody reads does not. At most [`MAX_SOCKETS`]
//! are open at once: a new page beyond that takes the place of a stalled one, one that has
//! left a ping unanswered for 5 s (see [`Sockets::admit`]), so stalled tabs can never lock a
//! new one out, and a live page whose answer is on its way is never closed for a new one.

use axum::extract::ws::{Message, WebSocket};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio::sync::broadcast::{Receiver, error::RecvError};

/// Live-reload connections open at once.
const MAX_SOCKETS: usize = 64;

/// How often pages are pinged, how long one may stay silent, how long a write may take, how
/// long an answer to a ping may take before the page counts as stalled.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timing {
    ping: Duration,
    idle: Duration,
    write: Duration,
    answer: Duration,
}

impl Timing {
    /// Ping every 15 s, close after 30 s of silence, writes time out after 10 s, an answer
    /// later than 5 s is overdue. `GAZETTE_LIVE_PING_MS` (for tests) sets the ping interval
    /// and scales the others with it.
    pub(super) fn from_env() -> Timing {
        let ping = std::env::var("GAZETTE_LIVE_PING_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            .map_or(Duration::from_secs(15), Duration::from_millis);
        Timing { ping, idle: ping * 2, write: ping * 2 / 3, answer: ping / 3 }
    }
}

/// What the server knows of one page's liveness; times in milliseconds since the epoch.
#[derive(Debug)]
struct Liveness {
    /// When the page last sent anything (or connected).
    seen: AtomicU64,
    /// When the oldest ping the page has not answered was sent (connecting counts as one),
    /// or [`OWES_NOTHING`].
    owed_since: AtomicU64,
}

/// `owed_since` of a page that has answered every ping.
const OWES_NOTHING: u64 = u64::MAX;

impl Liveness {
    /// Whether the page has left a ping unanswered for `answer` ms or more at `now`.
    fn overdue(&self, now: u64, answer: u64) -> bool {
        let since = self.owed_since.load(Ordering::Relaxed);
        since != OWES_NOTHING && now.saturating_sub(since) >= answer
    }
}

/// The open connections.
pub(super) struct Sockets {
    /// What `seen` times count from.
    epoch: Instant,
    /// Milliseconds a page may take to answer a ping before a new page may take its place.
    answer: u64,
    next: u64,
    open: BTreeMap<u64, Connection>,
}

struct Connection {
    live: Arc<Liveness>,
    close: Arc<Notify>,
}

/// One admitted connection, for [`run`]. Dropping it (the page went away, or its upgrade
/// failed) removes it from the table.
pub(super) struct Admitted {
    id: u64,
    live: Arc<Liveness>,
    close: Arc<Notify>,
    epoch: Instant,
    table: Arc<Mutex<Sockets>>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        lock(&self.table).open.remove(&self.id);
    }
}

impl Sockets {
    pub(super) fn new(timing: Timing) -> Sockets {
        let answer = u64::try_from(timing.answer.as_millis()).unwrap_or(u64::MAX);
        Sockets { epoch: Instant::now(), answer, next: 0, open: BTreeMap::new() }
    }

    /// Registers a new connection. At the limit, the connection whose answer (to a ping, or
    /// to connecting) is overdue and that was heard from least recently is closed to make
    /// room. `None` when none is overdue: all 64 are pages that answer, and closing one (say
    /// between a ping and its pong) would only make it reconnect, reload, and close another.
    pub(super) fn admit(table: &Arc<Mutex<Sockets>>) -> Option<Admitted> {
        let mut this = lock(table);
        let now = millis_since(this.epoch);
        let (id, live, close) = this.insert(now)?;
        Some(Admitted { id, live, close, epoch: this.epoch, table: table.clone() })
    }

    fn insert(&mut self, now: u64) -> Option<(u64, Arc<Liveness>, Arc<Notify>)> {
        if self.open.len() >= MAX_SOCKETS {
            let stalled = self
                .open
                .iter()
                .filter(|(_, c)| c.live.overdue(now, self.answer))
                .min_by_key(|(_, c)| c.live.seen.load(Ordering::Relaxed))
                .map(|(id, _)| *id)?;
            if let Some(c) = self.open.remove(&stalled) {
                // Stored if the connection is busy sending: it sees it at its next wait.
                c.close.notify_one();
            }
        }
        let id = self.next;
        self.next += 1;
        let live = Arc::new(Liveness { seen: AtomicU64::new(now), owed_since: AtomicU64::new(now) });
        let close = Arc::new(Notify::new());
        self.open.insert(id, Connection { live: live.clone(), close: close.clone() });
        Some((id, live, close))
    }
}

/// Locks the connection table (a panic elsewhere leaves it usable).
fn lock(sockets: &Mutex<Sockets>) -> MutexGuard<'_, Sockets> {
    sockets.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Serves one page's connection until it goes away, stops answering, or is closed to make
/// room; then removes it from the table.
pub(super) async fn run(socket: WebSocket, rx: Receiver<&'static str>, conn: Admitted, timing: Timing) {
    let link = Link { socket, live: conn.live.clone(), epoch: conn.epoch, timing };
    link.serve(rx, &conn.close).await;
    drop(conn);
}

/// One live-reload connection.
struct Link {
    socket: WebSocket,
    live: Arc<Liveness>,
    epoch: Instant,
    timing: Timing,
}

impl Link {
    async fn serve(mut self, mut rx: Receiver<&'static str>, close: &Notify) {
        // The first tick is at once: a page proves it answers within a round trip.
        let mut ping = tokio::time::interval(self.timing.ping);
        loop {
            let sent = tokio::select! {
                () = close.notified() => return,
                _ = ping.tick() => {
                    if self.silent_for() >= self.timing.idle {
                        return;
                    }
                    // An earlier ping still unanswered keeps its time.
                    let now = millis_since(self.epoch);
                    let _ = self.live.owed_since.compare_exchange(OWES_NOTHING, now, Ordering::Relaxed, Ordering::Relaxed);
                    self.send(Message::Ping(Default::default())).await
                }
                msg = rx.recv() => match msg {
                    Ok(m) => self.send(Message::Text(m.into())).await,
                    // Missed messages: one reload covers them all.
                    Err(RecvError::Lagged(_)) => self.send(Message::Text("reload".into())).await,
                    Err(RecvError::Closed) => return,
                },
                incoming = self.socket.recv() => match incoming {
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                    Some(Ok(_)) => {
                        self.live.seen.store(millis_since(self.epoch), Ordering::Relaxed);
                        self.live.owed_since.store(OWES_NOTHING, Ordering::Relaxed);
                        true
                    }
                },
            };
            if !sent {
                return;
            }
        }
    }

    /// Sends one message; false when it failed or did not go out in time.
    async fn send(&mut self, msg: Message) -> bool {
        matches!(tokio::time::timeout(self.timing.write, self.socket.send(msg)).await, Ok(Ok(())))
    }

    fn silent_for(&self) -> Duration {
        Duration::from_millis(millis_since(self.epoch).saturating_sub(self.live.seen.load(Ordering::Relaxed)))
    }
}

fn millis_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(s: &Sockets, id: u64, at: u64) {
        let c = &s.open[&id];
        c.live.seen.store(at, Ordering::Relaxed);
        c.live.owed_since.store(OWES_NOTHING, Ordering::Relaxed);
    }

    #[test]
    fn a_full_table_makes_room_by_closing_the_stalest_page_whose_answer_is_overdue() {
        let timing = Timing {
            ping: Duration::from_millis(300),
            idle: Duration::ZERO,
            write: Duration::ZERO,
            answer: Duration::from_millis(100),
        };
        let mut s = Sockets::new(timing);
        for t in 0..MAX_SOCKETS as u64 {
            s.insert(t).expect("room");
        }
        // Pages 0 and 1 answered recently; 2 to 63 never did.
        answered(&s, 0, 500);
        answered(&s, 1, 600);
        let (new, ..) = s.insert(1000).expect("a stalled page makes room");
        assert_eq!(new, 64);
        assert!(!s.open.contains_key(&2) && s.open.contains_key(&0) && s.open.contains_key(&1));
        assert_eq!(s.open.len(), MAX_SOCKETS);
        // Once every page answers, a new one is refused rather than closing a live page.
        for id in s.open.keys().copied().collect::<Vec<_>>() {
            answered(&s, id, 2000);
        }
        assert!(s.insert(3000).is_none());
        assert_eq!(s.open.len(), MAX_SOCKETS);
    }

    /// With 65 live pages open, the one refused retries every second; a page caught between
    /// a ping and its answer used to be closed for it, then reloaded and closed another.
    #[test]
    fn a_live_page_pinged_a_moment_ago_is_not_closed_for_a_new_one() {
        let timing = Timing {
            ping: Duration::from_millis(300),
            idle: Duration::ZERO,
            write: Duration::ZERO,
            answer: Duration::from_millis(100),
        };
        let mut s = Sockets::new(timing);
        for t in 0..MAX_SOCKETS as u64 {
            s.insert(t).expect("room");
            answered(&s, t, 500);
        }
        // Page 7 was pinged at 990; its answer is on its way at 1000.
        s.open[&7].live.owed_since.store(990, Ordering::Relaxed);
        assert!(s.insert(1000).is_none(), "a live page was closed for a new one");
        // Unanswered for 100 ms, it counts as stalled.
        let (new, ..) = s.insert(1090).expect("an overdue page makes room");
        assert!(!s.open.contains_key(&7) && s.open.contains_key(&new));
    }
}
