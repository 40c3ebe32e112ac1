//! Which TLS version an https server negotiates: a handshake and nothing else (no request is
//! sent), to the address the guard allows, within the policy's deadline.
//!
//! The probe offers TLS 1.3 and 1.2, the only versions rustls (and so every client of this
//! layer) speaks. A server that answers with an older version, or alerts `protocol_version`,
//! does not negotiate TLS 1.2 or later: [`TlsSeen::Below12`]. The probe does not judge the
//! certificate (the requests of the suite do, through reqwest): it accepts whatever the server
//! presents and verifies no handshake signature, since it learns only the version and sends no
//! data over the connection.

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{AlertDescription, DigitallySignedStruct, PeerIncompatible, SignatureScheme};

use super::addr::forbidden_ip;
use super::NetPolicy;

/// What the handshake showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSeen {
    /// Negotiated: "TLS 1.3" or "TLS 1.2".
    Negotiated(&'static str),
    /// The server insists on a version below 1.2 (what it said, in words).
    Below12(String),
}

/// Accepts any certificate; verifies no signature (see the module comment).
#[derive(Debug)]
struct VersionOnly(Vec<SignatureScheme>);

impl ServerCertVerifier for VersionOnly {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.clone()
    }
}

/// The addresses of `host:port` the policy lets us reach.
fn allowed_addrs(host: &str, port: u16, policy: &NetPolicy) -> Result<Vec<SocketAddr>, String> {
    let found: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("{host} does not resolve: {e}"))?
        .collect();
    if found.is_empty() {
        return Err(format!("{host} has no address"));
    }
    if !policy.allow_private_network {
        if let Some((a, why)) = found
            .iter()
            .find_map(|a| forbidden_ip(a.ip()).map(|w| (a, w)))
        {
            return Err(format!(
                "{host} resolves to {} ({why}): refused without --allow-private-network",
                a.ip()
            ));
        }
    }
    Ok(found)
}

/// The rustls error under an I/O error, when there is one.
fn tls_error(e: &std::io::Error) -> Option<&rustls::Error> {
    e.get_ref().and_then(|x| x.downcast_ref::<rustls::Error>())
}

/// Whether a handshake error means "no TLS 1.2 or later on this server".
fn below_12(e: &rustls::Error) -> Option<String> {
    match e {
        rustls::Error::AlertReceived(AlertDescription::ProtocolVersion) => {
            Some("the server refused TLS 1.2 and 1.3 (alert protocol_version)".into())
        }
        rustls::Error::PeerIncompatible(
            p @ (PeerIncompatible::ServerDoesNotSupportTls12Or13
            | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig
            | PeerIncompatible::Tls12NotOffered
            | PeerIncompatible::Tls12NotOfferedOrEnabled),
        ) => Some(format!(
            "the server answered with a version below TLS 1.2 ({p:?})"
        )),
        _ => None,
    }
}

/// Handshakes with the https `url` and reports the version negotiated; `Err` when the
/// handshake could not be judged (unreachable, refused by the guard, another TLS failure).
pub fn tls_version(url: &str, policy: &NetPolicy) -> Result<TlsSeen, String> {
    let u = url::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
    if u.scheme() != "https" {
        return Err(format!("{url} is not an https URL"));
    }
    let host = u.host_str().ok_or_else(|| format!("{url} has no host"))?;
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = u.port_or_known_default().unwrap_or(443);
    let addrs = allowed_addrs(&host, port, policy)?;
    let mut sock = addrs
        .iter()
        .find_map(|a| TcpStream::connect_timeout(a, policy.timeout).ok())
        .ok_or_else(|| format!("cannot connect to {host}:{port}"))?;
    sock.set_read_timeout(Some(policy.timeout))
        .and_then(|_| sock.set_write_timeout(Some(policy.timeout)))
        .map_err(|e| e.to_string())?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let schemes = provider
        .signature_verification_algorithms
        .supported_schemes();
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(VersionOnly(schemes)))
        .with_no_client_auth();
    let name = ServerName::try_from(host.clone()).map_err(|e| format!("{host}: {e}"))?;
    let mut conn =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    while conn.is_handshaking() {
        match conn.complete_io(&mut sock) {
            Ok((0, 0)) => {
                return Err(format!(
                    "{host}:{port} closed the connection during the TLS handshake"
                ))
            }
            Ok(_) => continue,
            Err(e) => {
                if let Some(why) = tls_error(&e).and_then(below_12) {
                    return Ok(TlsSeen::Below12(why));
                }
                return Err(match e.kind() {
                    ErrorKind::WouldBlock | ErrorKind::TimedOut => {
                        format!("the TLS handshake with {host}:{port} timed out")
                    }
                    _ => format!("the TLS handshake with {host}:{port} failed: {e}"),
                });
            }
        }
    }
    match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => Ok(TlsSeen::Negotiated("TLS 1.3")),
        Some(rustls::ProtocolVersion::TLSv1_2) => Ok(TlsSeen::Negotiated("TLS 1.2")),
        other => Ok(TlsSeen::Below12(format!("negotiated {other:?}"))),
    }
}
