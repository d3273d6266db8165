//! Realistic slow mode (`podsize sim --realistic`, `SimConfig::realistic`): the simulator
//! spends server-side time per object the way a real kube-apiserver does, so the scale
//! benchmark ranks the initial-list strategies as a real server does (issue #17).
//!
//! The simulator holds every object's JSON already encoded, so without this it hands out a
//! list at memory speed and hides what a real server costs. The calibration is the measured
//! speed of each list path on a real kube-apiserver v1.35.0 with 10,001 pods (61.5 MB of
//! compact JSON, loopback TLS, 2 cores), `shared/docs/real-apiserver-facts.md`, "Speed of the
//! list paths":
//!
//! | path | measured for 10,001 pods | per object here |
//! |---|---|---|
//! | one LIST, compact JSON | 0.55–0.73 s | 64 µs |
//! | one LIST with `Accept-Encoding: gzip` | 0.47–0.58 s | 52 µs |
//! | streaming list, to the `initial-events-end` bookmark | 0.87–0.88 s | 87 µs |
//! | pages of 500 (`limit` + `continue`) | ~2.4 s | 240 µs |
//!
//! Each figure is the middle of its range divided by 10,001. On a real server gzip is a net
//! gain (a fifth of the bytes to write) and a watch event costs more than a list item
//! (each object is encoded as its own event). The time is spent by sleeping towards a deadline
//! from the request's arrival, so the simulator's own work counts towards it rather than on
//! top of it; the server's CPU is not imitated (sleeping leaves both cores to the client,
//! where a real server on the same machine would use one: the client side is flattered).
//! Off by default: tests pay nothing unless they ask for it.

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;
use std::time::Duration;
use tokio::time::Instant;

/// How the objects of an answer are being sent, each with its own cost on a real server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListPath {
    /// One unpaged LIST, uncompressed.
    List,
    /// One unpaged LIST, gzip.
    ListGzip,
    /// Initial events of a watch (`sendInitialEvents`, or a watch from resourceVersion 0).
    WatchEvents,
    /// One page of a paged LIST (`limit`).
    Page,
}

impl ListPath {
    /// The calibrated server time per object (see the module comment for the source).
    pub fn per_object(self) -> Duration {
        Duration::from_micros(match self {
            Self::List => 64,
            Self::ListGzip => 52,
            Self::WatchEvents => 87,
            Self::Page => 240,
        })
    }

    /// Server time for `objects` objects sent this way.
    pub fn server_time(self, objects: usize) -> Duration {
        self.per_object()
            .saturating_mul(u32::try_from(objects).unwrap_or(u32::MAX))
    }

    /// The path of a pod list answer.
    pub fn of_list(paged: bool, gzip: bool) -> Self {
        match (paged, gzip) {
            (true, _) => Self::Page,
            (false, true) => Self::ListGzip,
            (false, false) => Self::List,
        }
    }
}

/// The number of objects in a list answer, put in its extensions by the list handler so the
/// pacing knows what the body holds.
#[derive(Clone, Copy, Debug)]
pub struct ObjectCount(pub usize);

/// Deadlines from the request's arrival: object `n` may leave no earlier than
/// `start + n × per_object`.
#[derive(Clone, Copy, Debug)]
pub struct Pacer {
    start: Instant,
    path: ListPath,
}

impl Pacer {
    pub fn start(path: ListPath) -> Self {
        Self {
            start: Instant::now(),
            path,
        }
    }

    /// The same arrival time, for a path known only once the request is read.
    pub fn with_path(self, path: ListPath) -> Self {
        Self { path, ..self }
    }

    pub fn path(&self) -> ListPath {
        self.path
    }

    /// When `objects` objects may have been sent.
    pub fn deadline(&self, objects: usize) -> Instant {
        self.start + self.path.server_time(objects)
    }

    /// Waits until `objects` objects may have been sent. Deadlines less than a millisecond
    /// away are not slept for (the timer's resolution): later deadlines catch up.
    pub async fn until(&self, objects: usize) {
        let at = self.deadline(objects);
        if at > Instant::now() + Duration::from_millis(1) {
            tokio::time::sleep_until(at).await;
        }
    }
}

/// Bytes per chunk of a paced list body.
const CHUNK: usize = 16 * 1024;

/// Sends a finished list body (already gzipped when asked) in chunks, each no earlier than
/// its share of the objects' server time.
pub fn paced_body(pacer: Pacer, body: Bytes, objects: usize) -> Body {
    let len = body.len().max(1);
    let chunks: Vec<(usize, Bytes)> = (0..body.len())
        .step_by(CHUNK)
        .map(|at| {
            let end = (at + CHUNK).min(body.len());
            // The objects wholly before this chunk's end, assuming objects of even size.
            let done = u128::from(end as u64) * objects as u128 / len as u128;
            (
                usize::try_from(done).unwrap_or(objects),
                body.slice(at..end),
            )
        })
        .collect();
    let stream = futures::stream::iter(chunks).then(move |(done, chunk)| async move {
        pacer.until(done).await;
        Ok::<Bytes, std::convert::Infallible>(chunk)
    });
    Body::from_stream(stream)
}

/// Uncompressed bytes per gzip chunk: each is sync-flushed, so larger keeps the ratio.
const GZIP_CHUNK: usize = 64 * 1024;

/// Like `paced_body`, gzip-compressing as it sends (each chunk sync-flushed), as a real
/// server compresses while it encodes: the first items leave before the last is compressed.
pub fn paced_gzip_body(pacer: Pacer, body: Bytes, objects: usize) -> Body {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let len = body.len().max(1);
    let encoder = GzEncoder::new(Vec::new(), Compression::fast());
    let stream = futures::stream::unfold((encoder, 0, false), move |(mut enc, at, done)| {
        let body = body.clone();
        async move {
            if done {
                return None;
            }
            let end = (at + GZIP_CHUNK).min(body.len());
            let last = end >= body.len();
            let written = enc.write_all(&body[at..end]);
            // A failure ends the body early: the client sees a truncated gzip stream.
            written
                .and_then(|()| if last { enc.try_finish() } else { enc.flush() })
                .ok()?;
            let out = Bytes::from(std::mem::take(enc.get_mut()));
            let sent = u128::from(end as u64) * objects as u128 / len as u128;
            pacer.until(usize::try_from(sent).unwrap_or(objects)).await;
            Some((Ok::<Bytes, std::convert::Infallible>(out), (enc, end, last)))
        }
    });
    Body::from_stream(stream)
}

/// The object count a list handler recorded on its answer (0 when none: nothing to pace).
pub fn objects_of(resp: &Response) -> usize {
    resp.extensions().get::<ObjectCount>().map_or(0, |c| c.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTS_PODS: usize = 10_001;

    fn secs(path: ListPath) -> f64 {
        path.server_time(FACTS_PODS).as_secs_f64()
    }

    /// real-apiserver-facts.md, "Speed of the list paths": gzip LIST < LIST < streaming list
    /// < pages of 500, each within its measured range for 10,001 pods.
    #[test]
    fn calibrated_times_rank_and_fall_within_the_measured_ranges() {
        let (gz, list, watch, pages) = (
            secs(ListPath::ListGzip),
            secs(ListPath::List),
            secs(ListPath::WatchEvents),
            secs(ListPath::Page),
        );
        assert!(
            gz < list && list < watch && watch < pages,
            "{gz} {list} {watch} {pages}"
        );
        assert!((0.47..=0.58).contains(&gz), "gzip LIST {gz}");
        assert!((0.55..=0.73).contains(&list), "LIST {list}");
        assert!((0.87..=0.88).contains(&watch), "streaming list {watch}");
        assert!((2.3..=2.5).contains(&pages), "pages {pages}");
    }

    #[test]
    fn paths_of_list_answers_and_absurd_counts_saturate() {
        assert_eq!(ListPath::of_list(true, true), ListPath::Page);
        assert_eq!(ListPath::of_list(false, true), ListPath::ListGzip);
        assert_eq!(ListPath::of_list(false, false), ListPath::List);
        assert!(ListPath::Page.server_time(usize::MAX) > Duration::from_secs(3600));
    }

    /// Chunk deadlines grow with the body and end at the whole answer's server time.
    #[tokio::test]
    async fn a_paced_body_ends_no_earlier_than_its_server_time() {
        let pacer = Pacer::start(ListPath::List);
        let body = Bytes::from(vec![b'x'; 5 * CHUNK + 7]);
        let bytes = axum::body::to_bytes(paced_body(pacer, body.clone(), 1_000), usize::MAX)
            .await
            .unwrap();
        assert_eq!(bytes, body);
        // A lower bound only (sleeps never end early); nothing here bounds a time from above.
        assert!(Instant::now() + Duration::from_millis(1) >= pacer.deadline(1_000));
    }

    /// Compressed as sent, the body still decodes to the list the server built.
    #[tokio::test]
    async fn a_paced_gzip_body_decodes_to_the_original() {
        use std::io::Read;
        let body: Vec<u8> = (0..300_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        for body in [Bytes::from(body), Bytes::new()] {
            let pacer = Pacer::start(ListPath::ListGzip);
            let gz = paced_gzip_body(pacer, body.clone(), 10);
            let gz = axum::body::to_bytes(gz, usize::MAX).await.unwrap();
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, body);
        }
    }
}
