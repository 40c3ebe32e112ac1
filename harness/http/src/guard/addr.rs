//! The address guard: which IP addresses an outbound request may reach, the DNS hook that
//! applies it after resolution, and the redirect policy that applies it again on every hop.

use std::error::Error as StdError;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why an address is not reachable without `allow_private_network`, or `None` when it is public.
pub fn forbidden_ip(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let why = if ip.is_loopback() {
        "loopback"
    } else if ip.is_unspecified() || a == 0 {
        "unspecified (\"this network\")"
    } else if ip.is_private() {
        "private network"
    } else if ip.is_link_local() {
        "link-local (cloud metadata)"
    } else if a == 100 && (b & 0xc0) == 64 {
        "shared carrier-grade NAT"
    } else if ip.is_broadcast() {
        "broadcast"
    } else if ip.is_multicast() {
        "multicast"
    } else if a >= 240 {
        "reserved"
    } else if a == 192 && b == 0 && c == 0 {
        "IETF protocol assignment"
    } else if a == 198 && (b & 0xfe) == 18 {
        "benchmarking network"
    } else {
        return None;
    };
    Some(why)
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = embedded_v4(ip) {
        return forbidden_v4(v4).map(|_| "IPv6 form of a non-public IPv4 address");
    }
    let first = ip.segments()[0];
    let why = if ip.is_loopback() {
        "loopback"
    } else if ip.is_unspecified() {
        "unspecified"
    } else if ip.is_multicast() {
        "multicast"
    } else if (first & 0xffc0) == 0xfe80 {
        "link-local"
    } else if (first & 0xffc0) == 0xfec0 {
        "site-local"
    } else if (first & 0xfe00) == 0xfc00 {
        "unique-local (private network)"
    } else if first == 0x2001 && ip.segments()[1] == 0x0db8 {
        "documentation"
    } else {
        return None;
    };
    Some(why)
}

/// The IPv4 address an IPv6 address carries: mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`,
/// NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0; 5] && (s[5] == 0xffff || (s[5] == 0 && !tail.is_unspecified() && s[6] != 0)) {
        return Some(tail);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail);
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

/// The guard said no: the host and, when known, the address it stands for.
#[derive(Debug, Clone)]
pub struct Blocked {
    pub host: String,
    pub ip: Option<IpAddr>,
    pub why: String,
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ip {
            Some(ip) if ip.to_string() != self.host => {
                write!(f, "{} resolves to {ip}, {}", self.host, self.why)
            }
            _ => write!(f, "{} is {}", self.host, self.why),
        }
    }
}
impl StdError for Blocked {}

/// The redirect limit was reached.
#[derive(Debug, Clone, Copy)]
pub struct RedirectLimit(pub usize);

impl fmt::Display for RedirectLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "more than {} redirects", self.0)
    }
}
impl StdError for RedirectLimit {}

/// The rule applied to every destination: private networks allowed or not, and the origins
/// exempted from it (e.g. one internal service the operator names).
#[derive(Debug, Clone, Default)]
pub struct Guard {
    pub allow_private: bool,
    /// ASCII serializations of exempt origins (`http://10.1.2.3:8480`).
    exempt: Vec<String>,
    /// Host names among them: their addresses are not checked when resolved.
    exempt_names: Vec<String>,
}

impl Guard {
    pub fn new(allow_private: bool, exempt_origins: &[String]) -> Guard {
        let parsed: Vec<reqwest::Url> = exempt_origins
            .iter()
            .filter_map(|o| reqwest::Url::parse(o).ok())
            .collect();
        Guard {
            allow_private,
            exempt: parsed
                .iter()
                .map(|u| u.origin().ascii_serialization())
                .collect(),
            exempt_names: parsed
                .iter()
                .filter_map(|u| match u.host() {
                    Some(url::Host::Domain(d)) => Some(d.to_ascii_lowercase()),
                    _ => None,
                })
                .collect(),
        }
    }

    fn exempt_url(&self, url: &reqwest::Url) -> bool {
        !self.exempt.is_empty() && self.exempt.contains(&url.origin().ascii_serialization())
    }

    /// Scheme and literal-address check of a URL about to be requested. Names are checked by
    /// [`GuardResolver`] once resolved (reqwest does not resolve literal addresses, hence this).
    pub fn check_url(&self, url: &reqwest::Url) -> Result<(), Blocked> {
        let host = url.host_str().unwrap_or("").to_owned();
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Blocked {
                host,
                ip: None,
                why: format!(
                    "reached by {}: only http and https are fetched",
                    url.scheme()
                ),
            });
        }
        let ip = match url.host() {
            None => {
                return Err(Blocked {
                    host,
                    ip: None,
                    why: "not a host".into(),
                })
            }
            Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(url::Host::Domain(_)) => return Ok(()),
        };
        if self.allow_private || self.exempt_url(url) {
            return Ok(());
        }
        match forbidden_ip(ip) {
            Some(why) => Err(Blocked {
                host,
                ip: Some(ip),
                why: format!("a {why} address"),
            }),
            None => Ok(()),
        }
    }
}

/// reqwest's DNS hook: resolves with the system resolver, then refuses the name when any of its
/// addresses is not public (unless private networks are allowed). The connection goes to the
/// addresses checked here, so a second lookup cannot swap them (no DNS rebinding window).
#[derive(Debug, Clone)]
pub struct GuardResolver {
    pub guard: Guard,
}

impl Resolve for GuardResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let check = !self.guard.allow_private
            && !self.guard.exempt_names.contains(&host.to_ascii_lowercase());
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if found.is_empty() {
                return Err(format!("{host} has no address").into());
            }
            if check {
                for a in &found {
                    if let Some(why) = forbidden_ip(a.ip()) {
                        let b = Blocked {
                            host: host.clone(),
                            ip: Some(a.ip()),
                            why: format!("a {why} address"),
                        };
                        return Err(Box::new(b) as Box<dyn StdError + Send + Sync>);
                    }
                }
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// Redirects: none when `max` is 0 (the 3xx answer is returned as is), otherwise at most `max`,
/// each target checked like the first URL (scheme, literal address; names go through the
/// resolver again when connecting).
pub fn redirect_policy(max: usize, guard: Guard) -> reqwest::redirect::Policy {
    if max == 0 {
        return reqwest::redirect::Policy::none();
    }
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > max {
            return attempt.error(RedirectLimit(max));
        }
        match guard.check_url(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(b) => attempt.error(b),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(s: &str) -> bool {
        forbidden_ip(s.parse().unwrap()).is_some()
    }

    #[test]
    fn classifies_addresses() {
        for s in [
            "127.0.0.1",
            "127.9.9.9",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.1.2.3",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
        ] {
            assert!(bad(s), "{s} must be refused");
        }
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "169.255.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2002:808:808::",
        ] {
            assert!(!bad(s), "{s} is public");
        }
    }

    #[test]
    fn literal_hosts_and_schemes() {
        let u = |s: &str| reqwest::Url::parse(s).unwrap();
        let strict = Guard::new(false, &[]);
        let open = Guard::new(true, &[]);
        let check_url = |url: &reqwest::Url, allow: bool| {
            if allow {
                open.check_url(url)
            } else {
                strict.check_url(url)
            }
        };
        for s in [
            "http://127.0.0.1/",
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f.0.0.1/",
            "http://[::1]:8080/",
            "http://[::ffff:7f00:1]/",
            "https://10.0.0.1/x",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            let e = check_url(&u(s), false).unwrap_err();
            assert!(e.ip.is_some(), "{s}: {e}");
            assert!(check_url(&u(s), true).is_ok(), "{s} with allow");
        }
        assert!(check_url(&u("https://example.org/x"), false).is_ok());
        assert!(check_url(&u("ftp://example.org/x"), true).is_err());
        assert!(check_url(&u("file:///etc/passwd"), true).is_err());
        let one = Guard::new(false, &["http://10.1.2.3:8480/".to_owned()]);
        assert!(one.check_url(&u("http://10.1.2.3:8480/ims/case")).is_ok());
        assert!(one.check_url(&u("http://10.1.2.3:8481/")).is_err());
        assert!(one.check_url(&u("http://10.1.2.4:8480/")).is_err());
    }
}
