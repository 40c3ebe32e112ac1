//! TLS servers on loopback for the provider suite's TLS check: rustls servers that negotiate
//! TLS 1.3 or only TLS 1.2, and two that behave like a server stuck on TLS 1.0 (its first
//! flight: a ServerHello of version 1.0, or the `protocol_version` alert such a server sends to
//! a client offering only 1.2 and 1.3). They complete handshakes and nothing else.
//!
//! The rustls servers present a placeholder certificate (the probe under test reads only the
//! negotiated version) and sign with an Ed25519 key made from a fixed seed.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// How the server handshakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsServer {
    /// rustls, TLS 1.3 and 1.2 offered (negotiates 1.3).
    Tls13,
    /// rustls, TLS 1.2 only.
    Tls12Only,
    /// Answers any ClientHello with a TLS 1.0 ServerHello.
    AnswersTls10,
    /// Answers any ClientHello with a fatal `protocol_version` alert.
    AlertsProtocolVersion,
}

#[derive(Debug)]
struct OneKey(Arc<CertifiedKey>);

impl ResolvesServerCert for OneKey {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// PKCS #8 v1 of an Ed25519 private key (RFC 8410): the fixed prefix, then the seed.
fn ed25519_pkcs8(seed: [u8; 32]) -> Vec<u8> {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&seed);
    der
}

fn server_config(tls12_only: bool) -> Arc<rustls::ServerConfig> {
    let p = provider();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ed25519_pkcs8([42; 32])));
    let signer = p.key_provider.load_private_key(key).expect("Ed25519 key");
    let cert = CertificateDer::from(b"wellspring test placeholder certificate".to_vec());
    let certified = Arc::new(CertifiedKey::new(vec![cert], signer));
    let versions: &[&rustls::SupportedProtocolVersion] = if tls12_only {
        &[&rustls::version::TLS12]
    } else {
        &[&rustls::version::TLS13, &rustls::version::TLS12]
    };
    let c = rustls::ServerConfig::builder_with_provider(p)
        .with_protocol_versions(versions)
        .expect("versions")
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(OneKey(certified)));
    Arc::new(c)
}

/// A TLS 1.0 ServerHello record (TLS_RSA_WITH_AES_128_CBC_SHA, no extensions).
fn tls10_server_hello() -> Vec<u8> {
    let mut body = vec![0x03, 0x01];
    body.extend_from_slice(&[7u8; 32]); // random
    body.extend_from_slice(&[0x00, 0x00, 0x2f, 0x00]); // no session id, suite, null compression
    let mut hs = vec![0x02, 0x00, 0x00, body.len() as u8];
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, 0x03, 0x01, 0x00, hs.len() as u8];
    rec.extend_from_slice(&hs);
    rec
}

/// Reads what the client sends first (its ClientHello record, as far as it has arrived).
fn read_hello(s: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = s.read(&mut buf);
}

fn handle(kind: TlsServer, mut s: TcpStream) {
    let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(10)));
    match kind {
        TlsServer::AnswersTls10 => {
            read_hello(&mut s);
            let _ = s.write_all(&tls10_server_hello());
        }
        TlsServer::AlertsProtocolVersion => {
            read_hello(&mut s);
            let _ = s.write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]);
        }
        TlsServer::Tls13 | TlsServer::Tls12Only => {
            let cfg = server_config(kind == TlsServer::Tls12Only);
            let Ok(mut conn) = rustls::ServerConnection::new(cfg) else {
                return;
            };
            while conn.is_handshaking() {
                match conn.complete_io(&mut s) {
                    Ok((0, 0)) | Err(_) => return,
                    Ok(_) => {}
                }
            }
            conn.send_close_notify();
            let _ = conn.complete_io(&mut s);
        }
    }
    // let the client read everything before the connection closes
    let mut rest = [0u8; 1024];
    let _ = s.read(&mut rest);
}

/// Starts `kind` on a loopback port for `connections` handshakes: its `https://` base URL.
pub fn serve(kind: TlsServer, connections: usize) -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("loopback port");
    let base = format!(
        "https://127.0.0.1:{}",
        l.local_addr().expect("address").port()
    );
    std::thread::spawn(move || {
        for s in l.incoming().take(connections).flatten() {
            handle(kind, s);
        }
    });
    base
}
