//! How long to wait after a failed list or watch, by kind of failure. kube's default backoff
//! grows to 30 s, so a server that came back minutes later was noticed up to 30 s late; a
//! refused credential, on the other hand, does not get better by asking twice a second.

use kube::runtime::watcher;
use std::time::Duration;

/// What went wrong, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 401/403: the credentials are refused; only new ones (a re-read kubeconfig) help.
    Unauthorized,
    /// No answer: connection refused, reset, TLS handshake failed, timeout.
    Transport,
    /// The server answered with an error (429, 5xx, ...).
    Server,
}

fn status_code(err: &watcher::Error) -> Option<u16> {
    match err {
        watcher::Error::InitialListFailed(kube::Error::Api(status))
        | watcher::Error::WatchStartFailed(kube::Error::Api(status))
        | watcher::Error::WatchFailed(kube::Error::Api(status)) => Some(status.code),
        watcher::Error::WatchError(status) => Some(status.code),
        _ => None,
    }
}

pub fn classify(err: &watcher::Error) -> Failure {
    match status_code(err) {
        Some(401 | 403) => Failure::Unauthorized,
        Some(_) => Failure::Server,
        None => match err {
            watcher::Error::InitialListFailed(kube::Error::Auth(_))
            | watcher::Error::WatchStartFailed(kube::Error::Auth(_)) => Failure::Unauthorized,
            _ => Failure::Transport,
        },
    }
}

/// Delays between attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// First delay after a failure; doubled per consecutive failure up to the caps.
    pub first: Duration,
    /// Cap for transport failures: a restarted server is seen within this long.
    pub transport_cap: Duration,
    /// Cap for error answers: the server is up but struggling, so ask less often.
    pub server_cap: Duration,
    /// Fixed delay after a refused credential.
    pub unauthorized: Duration,
    /// Consecutive transport failures after which the client is rebuilt from the kubeconfig
    /// (a restarted server may have a new certificate, address or CA).
    pub rebuild_after: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first: Duration::from_millis(500),
            transport_cap: Duration::from_secs(2),
            server_cap: Duration::from_secs(5),
            unauthorized: Duration::from_secs(30),
            rebuild_after: 2,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `failures + 1`, after `failures` consecutive failures.
    pub fn delay(&self, failure: Failure, failures: u32) -> Duration {
        let doubled = || {
            let shift = failures.saturating_sub(1).min(16);
            self.first.saturating_mul(1 << shift)
        };
        match failure {
            Failure::Unauthorized => self.unauthorized,
            Failure::Transport => doubled().min(self.transport_cap),
            Failure::Server => doubled().min(self.server_cap),
        }
    }

    /// Whether to re-read the kubeconfig and build a new client before the next attempt.
    pub fn rebuild(&self, failure: Failure, failures: u32) -> bool {
        match failure {
            Failure::Unauthorized => true,
            Failure::Transport => failures >= self.rebuild_after,
            Failure::Server => false,
        }
    }
}

/// The header's one line for a failure: refused credentials said plainly.
pub fn describe(failure: Failure, err: &watcher::Error, policy: &RetryPolicy) -> String {
    let text = super::client::one_line(err);
    match failure {
        Failure::Unauthorized => format!(
            "not authorized: {text}; re-reading kubeconfig every {}s",
            policy.unauthorized.as_secs()
        ),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(code: u16) -> watcher::Error {
        let status = kube::core::Status::failure("no", "Unauthorized").with_code(code);
        watcher::Error::InitialListFailed(kube::Error::Api(Box::new(status)))
    }

    #[test]
    fn refused_credentials_are_not_transient() {
        let policy = RetryPolicy::default();
        assert_eq!(classify(&api_error(401)), Failure::Unauthorized);
        assert_eq!(classify(&api_error(403)), Failure::Unauthorized);
        assert_eq!(classify(&api_error(500)), Failure::Server);
        assert!(policy.delay(Failure::Unauthorized, 1) >= Duration::from_secs(30));
        assert!(policy.rebuild(Failure::Unauthorized, 1));
        let text = describe(Failure::Unauthorized, &api_error(401), &policy);
        assert!(text.starts_with("not authorized: "), "{text}");
        assert!(text.contains("re-reading kubeconfig"), "{text}");
    }

    #[test]
    fn transport_backoff_is_capped_at_a_few_seconds() {
        let policy = RetryPolicy::default();
        let delays: Vec<_> = (1..=20)
            .map(|n| policy.delay(Failure::Transport, n))
            .collect();
        assert_eq!(delays[0], Duration::from_millis(500));
        assert!(delays.windows(2).all(|w| w[0] <= w[1]), "{delays:?}");
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(3)));
        assert!(!policy.rebuild(Failure::Transport, 1));
        assert!(policy.rebuild(Failure::Transport, 2));
        assert!(!policy.rebuild(Failure::Server, 9));
        assert!(policy.delay(Failure::Server, 9) <= Duration::from_secs(5));
    }
}
