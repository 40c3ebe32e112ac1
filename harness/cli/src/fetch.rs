//! The network, used only with `--online` (and by the commands that test a server): every
//! request goes through the guarded layer of `wellspring_http::guard` (address guard after DNS
//! and on every redirect, one deadline for the whole request, body cap, redirect cap).

use std::time::Duration;

use wellspring_http::guard::{self, NetPolicy};
use wellspring_verify::loader::Fetch;

/// Largest remote document accepted.
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// Fetches raw bytes (URL inputs may be baked PNGs).
pub use wellspring_http::guard::FetchBytes;

/// The CLI's policy: `--timeout`, the 4 MiB cap, private networks only with
/// `--allow-private-network`.
pub fn policy(timeout: Duration, allow_private_network: bool) -> NetPolicy {
    NetPolicy::default()
        .with_timeout(timeout)
        .with_max_bytes(MAX_BODY)
        .allow_private(allow_private_network)
}

pub fn http_fetch_bytes(
    timeout: Duration,
    allow_private_network: bool,
) -> Result<FetchBytes, String> {
    guard::fetch_bytes(policy(timeout, allow_private_network)).map_err(|e| e.to_string())
}

/// Text documents (contexts, keys, status lists, schemas) for the verification core.
pub fn http_fetch(bytes: FetchBytes) -> Fetch {
    guard::text_of(bytes)
}
