//! TLS 1.2 or later on an https target (1EdTech Security Framework, required by OB 3.0 / CLR
//! 2.0 API security). The version comes from a handshake of its own
//! (`wellspring_http::guard::tls`): the suite's requests go through rustls, which speaks only
//! TLS 1.2 and 1.3, so a provider stuck below 1.2 could never be reached at all; the probe tells
//! that apart from an unreachable provider and names the version a good one negotiates.

use super::*;
use wellspring_http::guard::tls::{tls_version, TlsSeen};

/// The `tls` check for the provider at `target` (its base URL).
pub fn tls_result(standard: Standard, target: &str, policy: &NetPolicy) -> CheckResult {
    let d = Api::of(standard).defs.TLS;
    if !target.starts_with("https://") {
        return CheckResult::new(
            &d,
            Verdict::Skip,
            "the target is http (a local test setup): no TLS to judge; an https target is handshaken",
        );
    }
    match tls_version(target, policy) {
        Ok(TlsSeen::Negotiated(v)) => {
            CheckResult::new(&d, Verdict::Pass, format!("{v} negotiated with {target}"))
                .with("negotiated", v)
        }
        Ok(TlsSeen::Below12(why)) => CheckResult::new(
            &d,
            Verdict::Fail,
            format!("{target} negotiates no TLS 1.2 or later: {why}"),
        ),
        Err(e) => CheckResult::new(
            &d,
            Verdict::Warn,
            format!("the TLS version could not be judged: {e}"),
        ),
    }
}
