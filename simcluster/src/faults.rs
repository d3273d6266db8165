//! Fault injection (dropped watches, 410 on the next watch, 429/500 bursts, latency) and the
//! request log, both usable in-process and through `/_sim/...`.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Error status a fault can answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultCode {
    /// 429 TooManyRequests
    TooManyRequests,
    /// 500 InternalError
    Internal,
}

#[derive(Debug, Default)]
struct ErrorFault {
    code: Option<FaultCode>,
    remaining: Option<u32>,
    until: Option<Instant>,
}

/// Switchable faults shared by every request handler.
#[derive(Debug)]
pub struct Faults {
    drop_tx: watch::Sender<u64>,
    stopped: AtomicBool,
    expire_next_watch: AtomicBool,
    latency_ms: AtomicU64,
    errors: Mutex<ErrorFault>,
    injected: AtomicU32,
    refuse_unpaged_lists: AtomicBool,
    list_pace_ms: AtomicU64,
    realistic: AtomicBool,
    /// Real (not dry-run) resize writes still to pass before one is refused; 0: off.
    refuse_resize_in: AtomicU32,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            drop_tx: watch::channel(0).0,
            stopped: AtomicBool::new(false),
            expire_next_watch: AtomicBool::new(false),
            latency_ms: AtomicU64::new(0),
            errors: Mutex::new(ErrorFault::default()),
            injected: AtomicU32::new(0),
            refuse_unpaged_lists: AtomicBool::new(false),
            list_pace_ms: AtomicU64::new(0),
            realistic: AtomicBool::new(false),
            refuse_resize_in: AtomicU32::new(0),
        }
    }
}

impl Faults {
    /// Closes every open watch connection now.
    pub fn drop_watches(&self) {
        self.drop_tx.send_modify(|n| *n += 1);
    }

    /// Marks the server stopped (every open watch is closed, and a watch whose handler was
    /// already running ends at once) or serving again.
    pub fn set_stopped(&self, stopped: bool) {
        self.stopped.store(stopped, Ordering::SeqCst);
        if stopped {
            self.drop_watches();
        }
    }

    /// Whether the server is stopped: a watch handler that started just before the stop
    /// must not go on streaming on a connection that outlives it.
    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// A receiver that changes whenever watches must be dropped.
    pub fn drop_signal(&self) -> watch::Receiver<u64> {
        self.drop_tx.subscribe()
    }

    /// The next watch request gets a 410 Expired ERROR event.
    pub fn expire_next_watch(&self) {
        self.expire_next_watch.store(true, Ordering::SeqCst);
    }

    /// Takes the pending "expire next watch" flag.
    pub fn take_expire(&self) -> bool {
        self.expire_next_watch.swap(false, Ordering::SeqCst)
    }

    /// Answers the next `count` API requests with `code`.
    pub fn fail_next(&self, code: FaultCode, count: u32) {
        *self.errors.lock().unwrap_or_else(PoisonError::into_inner) = ErrorFault {
            code: Some(code),
            remaining: Some(count),
            until: None,
        };
    }

    /// Answers every API request with `code` for `duration`.
    pub fn fail_for(&self, code: FaultCode, duration: Duration) {
        *self.errors.lock().unwrap_or_else(PoisonError::into_inner) = ErrorFault {
            code: Some(code),
            remaining: None,
            until: Some(Instant::now() + duration),
        };
    }

    /// Adds `latency` before every API answer (zero to turn off).
    pub fn set_latency(&self, latency: Duration) {
        self.latency_ms.store(
            u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
            Ordering::SeqCst,
        );
    }

    /// Current added latency.
    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms.load(Ordering::SeqCst))
    }

    /// Pod lists without `limit` are answered 500, as by a server that cannot serve one.
    /// (Not 429: the client retries that itself before the watch sees it.)
    pub fn refuse_unpaged_lists(&self, on: bool) {
        self.refuse_unpaged_lists.store(on, Ordering::SeqCst);
    }

    pub fn refuses_unpaged_lists(&self) -> bool {
        self.refuse_unpaged_lists.load(Ordering::SeqCst)
    }

    /// Realistic slow mode (`pacing.rs`): lists and initial watch events take a real
    /// server's time per object.
    pub fn set_realistic(&self, on: bool) {
        self.realistic.store(on, Ordering::SeqCst);
    }

    pub fn realistic(&self) -> bool {
        self.realistic.load(Ordering::SeqCst)
    }

    /// List bodies are sent in small chunks with `pause` between them, as a large list
    /// arrives from a real server (zero to turn off).
    pub fn pace_lists(&self, pause: Duration) {
        let ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX);
        self.list_pace_ms.store(ms, Ordering::SeqCst);
    }

    pub fn list_pace(&self) -> Option<Duration> {
        let ms = self.list_pace_ms.load(Ordering::SeqCst);
        (ms > 0).then(|| Duration::from_millis(ms))
    }

    /// Refuses the `nth` real (not dry-run) write to a `pods/NAME/resize` from now on with 409
    /// Conflict, as a server does when someone changed the pod between a client's dry run and
    /// its write: the way to test what a client does when the 2nd of 3 writes fails.
    pub fn refuse_resize_write(&self, nth: u32) {
        self.refuse_resize_in.store(nth, Ordering::SeqCst);
    }

    /// Counts one real resize write; `true` when it is the one to refuse.
    pub fn take_resize_refusal(&self) -> bool {
        let step = self
            .refuse_resize_in
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if step == Ok(1) {
            self.injected.fetch_add(1, Ordering::SeqCst);
        }
        step == Ok(1)
    }

    /// Clears every fault.
    pub fn clear(&self) {
        self.set_latency(Duration::ZERO);
        self.refuse_unpaged_lists(false);
        self.pace_lists(Duration::ZERO);
        self.expire_next_watch.store(false, Ordering::SeqCst);
        self.refuse_resize_in.store(0, Ordering::SeqCst);
        *self.errors.lock().unwrap_or_else(PoisonError::into_inner) = ErrorFault::default();
    }

    /// Number of requests answered by an injected error so far.
    pub fn injected_count(&self) -> u32 {
        self.injected.load(Ordering::SeqCst)
    }

    /// Whether this request must fail, and how.
    pub fn take_error(&self) -> Option<FaultCode> {
        let mut f = self.errors.lock().unwrap_or_else(PoisonError::into_inner);
        let code = f.code?;
        if let Some(until) = f.until
            && Instant::now() >= until
        {
            *f = ErrorFault::default();
            return None;
        }
        if let Some(left) = f.remaining {
            if left == 0 {
                *f = ErrorFault::default();
                return None;
            }
            f.remaining = Some(left - 1);
        }
        self.injected.fetch_add(1, Ordering::SeqCst);
        Some(code)
    }
}

/// One served request.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// `admin`, `viewer` or `anonymous`.
    pub identity: String,
    /// Response status code.
    pub status: u16,
}

/// Bounded log of served requests.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<LoggedRequest>>,
}

const LOG_CAP: usize = 100_000;

impl RequestLog {
    /// Appends one request.
    pub fn push(&self, entry: LoggedRequest) {
        let mut e = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if e.len() >= LOG_CAP {
            e.pop_front();
        }
        e.push_back(entry);
    }

    /// All logged requests, oldest first.
    pub fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    /// Forgets all entries.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}
