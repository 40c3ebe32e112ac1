//! Why a guarded fetch failed: a short public form and a detailed form.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use super::addr::{Blocked, RedirectLimit};

/// A failed outbound request. No variant carries remote body content.
#[derive(Debug, Clone)]
pub enum NetError {
    /// The client could not be built.
    Setup(String),
    /// Not an absolute http(s) URL.
    BadUrl {
        url: String,
        reason: String,
    },
    /// The address guard refused the host (first URL or a redirect target).
    Refused {
        url: String,
        blocked: Blocked,
    },
    /// The name did not resolve.
    Dns {
        url: String,
        detail: String,
    },
    /// No connection (refused, reset, TLS failure).
    Connect {
        url: String,
        detail: String,
    },
    /// The deadline passed.
    Timeout {
        url: String,
        after: Duration,
    },
    TooManyRedirects {
        url: String,
        max: usize,
    },
    /// The body is larger than the cap (announced or counted); the status it came with.
    TooLarge {
        url: String,
        max: usize,
        status: u16,
    },
    /// A non-2xx answer where success was required.
    Status {
        url: String,
        status: u16,
    },
    /// The exchange broke off (reading the body, a protocol error).
    Transport {
        url: String,
        detail: String,
    },
    NotText {
        url: String,
    },
    NotJson {
        url: String,
        detail: String,
    },
    TooDeep {
        url: String,
        max: usize,
    },
}

impl NetError {
    /// A short message for an untrusted caller: the kind of failure only (no addresses, no
    /// remote content, no inner error text).
    pub fn public(&self) -> String {
        match self {
            NetError::Setup(_) => "the outbound HTTP client is unavailable".into(),
            NetError::BadUrl { .. } => "not an http(s) URL".into(),
            NetError::Refused { .. } => {
                "refused: the address is on a private or local network".into()
            }
            NetError::Dns { .. } | NetError::Connect { .. } => {
                "the server could not be reached".into()
            }
            NetError::Timeout { .. } => "no complete answer in time".into(),
            NetError::TooManyRedirects { .. } => "too many redirects".into(),
            NetError::TooLarge { max, .. } => format!("the answer is larger than {max} bytes"),
            NetError::Status { status, .. } => format!("the server answered HTTP {status}"),
            NetError::Transport { .. } => "the exchange broke off".into(),
            NetError::NotText { .. } => "the answer is not UTF-8 text".into(),
            NetError::NotJson { .. } => "the answer is not JSON".into(),
            NetError::TooDeep { max, .. } => format!("the answer nests deeper than {max} levels"),
        }
    }

    /// True when the address guard refused the request.
    pub fn is_refused(&self) -> bool {
        matches!(self, NetError::Refused { .. })
    }

    /// Classifies a reqwest error (the guard's own refusals are found in its source chain).
    pub(crate) fn from_reqwest(url: &str, e: &reqwest::Error, timeout: Duration) -> NetError {
        let url = url.to_owned();
        let mut src: Option<&(dyn StdError + 'static)> = Some(e);
        while let Some(s) = src {
            if let Some(b) = s.downcast_ref::<Blocked>() {
                return NetError::Refused {
                    url,
                    blocked: b.clone(),
                };
            }
            if let Some(RedirectLimit(max)) = s.downcast_ref::<RedirectLimit>() {
                return NetError::TooManyRedirects { url, max: *max };
            }
            src = s.source();
        }
        let detail = chain(e);
        if e.is_timeout() {
            NetError::Timeout {
                url,
                after: timeout,
            }
        } else if e.is_builder() {
            NetError::BadUrl {
                url,
                reason: detail,
            }
        } else if e.is_connect() && detail.contains("dns error") {
            NetError::Dns { url, detail }
        } else if e.is_connect() {
            NetError::Connect { url, detail }
        } else {
            NetError::Transport { url, detail }
        }
    }
}

/// An error and its causes in one line.
fn chain(e: &dyn StdError) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !msg.contains(&t) {
            msg.push_str(": ");
            msg.push_str(&t);
        }
        src = s.source();
    }
    msg
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Setup(d) => write!(f, "cannot start the HTTP client: {d}"),
            NetError::BadUrl { url, reason } => write!(f, "{url}: {reason}"),
            NetError::Refused { url, blocked } => write!(
                f,
                "{url}: refused: {blocked} (--allow-private-network allows it for local test setups)"
            ),
            NetError::Dns { url, detail } => write!(f, "{url}: the name does not resolve ({detail})"),
            NetError::Connect { url, detail } => write!(f, "{url}: cannot connect ({detail})"),
            NetError::Timeout { url, after } => write!(
                f,
                "{url}: timed out after {} s (--timeout)",
                after.as_secs_f64()
            ),
            NetError::TooManyRedirects { url, max } => {
                write!(f, "{url}: more than {max} redirects")
            }
            NetError::TooLarge { url, max, .. } => write!(f, "{url}: response larger than {max} bytes"),
            NetError::Status { url, status } => write!(f, "{url}: HTTP {status}"),
            NetError::Transport { url, detail } => write!(f, "{url}: {detail}"),
            NetError::NotText { url } => write!(f, "{url}: response is not UTF-8"),
            NetError::NotJson { url, detail } => write!(f, "{url}: not JSON ({detail})"),
            NetError::TooDeep { url, max } => {
                write!(f, "{url}: JSON nested deeper than {max} levels")
            }
        }
    }
}

impl StdError for NetError {}
