//! The wallet as a hostile client sees it (real servers on loopback, real HTTP): security
//! headers, cross-site form posts, sign-in floods, cookie flags, oversized uploads, the
//! RFC 9207 mix-up defence of its OAuth client, and the database file's mode.

use std::time::Duration;

use scraper::{Html, Selector};
use wellspring_serverkit::limit::Rate;
use wellspring_wallet::server::{self, Config, DEMO_EMAIL, DEMO_PASSWORD};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn wallet(
    rt: &tokio::runtime::Runtime,
    dir: &std::path::Path,
    f: impl FnOnce(&mut Config),
) -> server::Running {
    let mut c = Config::new(dir.join("wallet.sqlite"));
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.offline = true;
    c.demo = true;
    // the providers in these tests are on loopback
    c.allow_private_network = true;
    f(&mut c);
    rt.block_on(server::start(c)).unwrap()
}

fn browser() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn sign_in(
    b: &reqwest::blocking::Client,
    base: &str,
    origin: &str,
    password: &str,
) -> reqwest::blocking::Response {
    b.post(format!("{base}/login"))
        .header("origin", origin)
        .form(&[("email", DEMO_EMAIL), ("password", password)])
        .send()
        .unwrap()
}

#[test]
fn pages_carry_the_security_headers_and_no_inline_code() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let w = wallet(&rt, dir.path(), |_| {});
    let b = browser();
    let base = &w.base_url;
    assert_eq!(sign_in(&b, base, base, DEMO_PASSWORD).status(), 303);
    for path in [
        "/login",
        "/",
        "/import",
        "/share",
        "/connect",
        "/static/style.css",
        "/ims/ob/v3p0/discovery",
    ] {
        let r = b.get(format!("{base}{path}")).send().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        if !path.starts_with("/static") && !path.starts_with("/ims") {
            let html = r.text().unwrap();
            for inline in ["<script", "<style", " style=", " onclick="] {
                assert!(!html.contains(inline), "{path} has inline {inline}");
            }
        }
    }
    let r = b
        .post(format!("{base}/credentials/verify"))
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

#[test]
fn forms_posted_from_another_site_are_refused() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let w = wallet(&rt, dir.path(), |_| {});
    let b = browser();
    let base = &w.base_url;
    assert_eq!(
        sign_in(&b, base, "https://evil.example", DEMO_PASSWORD).status(),
        403
    );
    let r = b
        .post(format!("{base}/login"))
        .form(&[("email", DEMO_EMAIL), ("password", DEMO_PASSWORD)])
        .send()
        .unwrap();
    assert_eq!(r.status(), 403, "no Origin nor Referer");
    assert!(r.headers().get("set-cookie").is_none());
    // the learner signs in from the wallet's own page
    assert_eq!(sign_in(&b, base, base, DEMO_PASSWORD).status(), 303);
    // with the session cookie in the browser, another site posts an import and a share
    // A body of known length: the wallet refuses before reading it, and a streamed (chunked)
    // multipart body raced that refusal (the client saw the connection close mid-body).
    let r = b
        .post(format!("{base}/import"))
        .header("origin", "https://evil.example")
        .form(&[("text", "{}")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 403, "cross-site import");
    let r = b
        .post(format!("{base}/share"))
        .header("referer", "https://evil.example/x")
        .form(&[("send_to", "http://127.0.0.1:9/")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 403, "cross-site share");
    let r = b
        .post(format!("{base}/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .unwrap();
    assert_eq!(r.status(), 403, "cross-site sign-out");
}

#[test]
fn a_sign_in_flood_gets_429_with_retry_after() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let w = wallet(&rt, dir.path(), |c| {
        c.limits.sign_in = Rate {
            burst: 2,
            every: Duration::from_secs(3600),
        };
    });
    let b = browser();
    let base = &w.base_url;
    for _ in 0..2 {
        assert_eq!(sign_in(&b, base, base, "wrong password").status(), 401);
    }
    let r = sign_in(&b, base, base, "wrong password");
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
}

#[test]
fn session_cookies_are_http_only_lax_and_secure_behind_https() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let plain = wallet(&rt, dir.path(), |_| {});
    let b = browser();
    let r = sign_in(&b, &plain.base_url, &plain.base_url, DEMO_PASSWORD);
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http: {set}");
    let dir2 = tempfile::tempdir().unwrap();
    let tls = wallet(&rt, dir2.path(), |c| {
        c.public_url = Some("https://wallet.example".into())
    });
    // reached on loopback; the browser is on https://wallet.example behind a TLS proxy
    let direct = format!("http://{}", tls.addr);
    let r = sign_in(&browser(), &direct, "https://wallet.example", DEMO_PASSWORD);
    assert_eq!(r.status(), 303);
    let set = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        set.contains("; Secure") && set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
}

#[test]
fn an_oversized_import_is_refused() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let w = wallet(&rt, dir.path(), |_| {});
    let b = browser();
    let base = &w.base_url;
    assert_eq!(sign_in(&b, base, base, DEMO_PASSWORD).status(), 303);
    let part = reqwest::blocking::multipart::Part::bytes(vec![b' '; 5 * 1024 * 1024])
        .file_name("big.json");
    let sent = b
        .post(format!("{base}/import"))
        .header("origin", base)
        .multipart(reqwest::blocking::multipart::Form::new().part("file", part))
        .send();
    // refused as it streams in: a 413, or the connection closed before the upload ended
    match sent {
        Ok(r) => assert!(r.status() == 413 || r.status() == 400, "{}", r.status()),
        Err(e) => assert!(e.is_body() || e.is_request(), "{e}"),
    }
}

#[cfg(unix)]
#[test]
fn the_database_with_the_learners_keys_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let _w = wallet(&rt, dir.path(), |_| {});
    for f in ["wallet.sqlite", "wallet.sqlite-wal"] {
        let m = std::fs::metadata(dir.path().join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(m, 0o600, "{f}");
    }
}

// ---- the OAuth client: RFC 9207 ----------------------------------------------------------

fn form(html: &str) -> (String, Vec<(String, String)>) {
    let doc = Html::parse_document(html);
    let f = doc
        .select(&Selector::parse("form").unwrap())
        .next()
        .unwrap();
    let action = f.value().attr("action").unwrap_or_default().to_owned();
    let fields = f
        .select(&Selector::parse("input[name]").unwrap())
        .map(|i| {
            (
                i.value().attr("name").unwrap().to_owned(),
                i.value().attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    (action, fields)
}

fn origin(url: &str) -> String {
    url::Url::parse(url).unwrap().origin().ascii_serialization()
}

/// Connects the signed-in wallet to the hub through the hub's pages; the callback URL the hub
/// sends the browser back with.
fn authorize(b: &reqwest::blocking::Client, wallet: &str, hub: &str) -> String {
    let r = b
        .post(format!("{wallet}/connect"))
        .header("origin", wallet)
        .form(&[("base", hub), ("standard", "ob30")])
        .send()
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let (action, mut fields) = form(&b.get(&at).send().unwrap().text().unwrap());
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "username" => *v = wellspring_hub::server::DEMO_EMAIL.into(),
            "password" => *v = wellspring_hub::server::DEMO_PASSWORD.into(),
            _ => {}
        }
    }
    let page = b
        .post(format!("{}{action}", origin(&at)))
        .header("origin", origin(&at))
        .form(&fields)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let (action, mut fields) = form(&page);
    fields.push(("decision".into(), "approve".into()));
    let r = b
        .post(format!("{}{action}", origin(&at)))
        .header("origin", origin(&at))
        .form(&fields)
        .send()
        .unwrap();
    r.headers()["location"].to_str().unwrap().to_owned()
}

fn with_iss(callback: &str, iss: Option<&str>) -> String {
    let mut u = url::Url::parse(callback).unwrap();
    let kept: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| k != "iss")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = u.query_pairs_mut();
        q.clear().extend_pairs(kept);
        if let Some(i) = iss {
            q.append_pair("iss", i);
        }
    }
    u.to_string()
}

#[test]
fn the_wallet_refuses_an_authorization_response_from_another_issuer() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let mut h = wellspring_hub::server::Config::new(dir.path().join("hub.sqlite"));
    h.listen = "127.0.0.1:0".parse().unwrap();
    h.demo = true;
    let hub = rt.block_on(wellspring_hub::server::start(h)).unwrap();
    let w = wallet(&rt, dir.path(), |_| {});
    let b = browser();
    let wb = &w.base_url;
    assert_eq!(sign_in(&b, wb, wb, DEMO_PASSWORD).status(), 303);

    let cb = authorize(&b, wb, &hub.base_url);
    assert!(cb.contains("iss="), "the hub names itself: {cb}");
    let r = b
        .get(with_iss(&cb, Some("https://evil.example")))
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().unwrap().contains("mix-up"));

    let cb = authorize(&b, wb, &hub.base_url);
    let r = b.get(with_iss(&cb, None)).send().unwrap();
    assert_eq!(
        r.status(),
        400,
        "the hub promised iss; a response without it is refused"
    );

    let cb = authorize(&b, wb, &hub.base_url);
    let r = b.get(&cb).send().unwrap();
    let done = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        done.contains("imported"),
        "the honest response connects: {done}"
    );
    rt.block_on(hub.stop());
}

// ---- what the pages show of a credential ----------------------------------------------------

/// Markup and quotes an issuer (or whoever made the credential) may put in its fields.
const HOSTILE: &str = "<script>alert(1)</script>\"'&";
/// The same, as it must reach the browser (text and double-quoted attribute values).
const HOSTILE_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;'&amp;";

#[test]
fn the_pages_escape_what_an_imported_credential_says() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let w = wallet(&rt, dir.path(), |_| {});
    let b = browser();
    let base = &w.base_url;
    assert_eq!(sign_in(&b, base, base, DEMO_PASSWORD).status(), 303);
    let cred = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("Badge {HOSTILE}"),
        "description": format!("About {HOSTILE}"),
        "image": format!("https://img.example/{HOSTILE}"),
        "issuer": {"id": "https://issuer.example/", "type": ["Profile"], "name": format!("Issuer {HOSTILE}")},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"]},
    });
    let r = b
        .post(format!("{base}/import"))
        .header("origin", base.as_str())
        .multipart(reqwest::blocking::multipart::Form::new().text("text", cred.to_string()))
        .send()
        .unwrap();
    assert_eq!(r.status(), 303, "stored (unverified) all the same");
    let view = r.headers()["location"].to_str().unwrap().to_owned();
    let get = |path: &str| {
        b.get(format!("{base}{path}"))
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    let name = format!("Badge {HOSTILE_ESCAPED}");
    let issuer = format!("<b>Issuer {HOSTILE_ESCAPED}</b>");
    let image = format!("<img src=\"https://img.example/{HOSTILE_ESCAPED}\"");
    for (path, wanted) in [
        (
            view.as_str(),
            vec![
                format!("<title>{name} · Wellspring Wallet</title>"),
                format!("<h2>{name}</h2>"),
                format!("<p>About {HOSTILE_ESCAPED}</p>"),
                issuer.clone(),
                image.clone(),
            ],
        ),
        (
            "/",
            vec![
                format!("\">{name}</a></h2>"),
                format!("About {HOSTILE_ESCAPED}</div>"),
                issuer,
                image,
            ],
        ),
        ("/share", vec![format!(" {name} <span")]),
    ] {
        let page = get(path);
        for want in wanted {
            assert!(page.contains(&want), "{path}: {want} in {page}");
        }
        assert!(!page.contains("<script"), "{path}: {page}");
    }
}
