//! `wellspring demo`: CASE server, hub, wallet and ATS on loopback, running the whole story.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use reqwest::Method;
use serde_json::{json, Value};
use wellspring_http::guard::{BlockingNet, NetError, NetPolicy, Reply};

/// Start the four reference apps on loopback with demo data and run the Wellspring story:
///
///   1. the CASE server publishes the college's Diesel Technology outcomes and the employer's
///      Diesel Technician I job skills (linked by exactMatchOf / isRelatedTo associations);
///   2. the hub records the learner's results: the CASE items satisfied complete the last
///      program outcomes, so it issues their OpenBadgeCredentials and the program CLR;
///   3. the learner signs in to the wallet and connects it to the hub over OAuth 2.0
///      (discovery, registration, the hub's sign-in and consent pages, token, getCredentials);
///   4. the wallet shares the credentials with the ATS as a presentation signed by the learner's
///      did:key for the job's challenge and domain;
///   5. the ATS verifies every credential, follows the alignments through the CASE
///      associations to the job's skills, and ranks the learner with the evidence path.
///
/// Without --headless the apps stay up until Ctrl-C, at the printed URLs (demo logins:
/// learner@example.org / wellspring-demo at the hub and wallet, recruiter@example.org /
/// wellspring-demo at the ATS). --headless uses free ports, prints each step, and exits
/// 0 only if every step succeeded (1 if one failed, 2 if an app could not start).
///
/// Examples:
///   wellspring demo                 # then open the printed URLs
///   wellspring demo --headless      # the story as a smoke test
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct DemoArgs {
    /// Run the story, print each step's outcome and exit (free ports, temp databases).
    #[arg(long)]
    headless: bool,
    /// Keep the SQLite files here (default: a temporary folder removed at exit).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

struct Apps {
    case: wellspring_case_server::Running,
    hub: wellspring_hub::server::Running,
    wallet: wellspring_wallet::server::Running,
    ats: wellspring_ats::server::Running,
    case_url: String,
}

fn addr(headless: bool, port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], if headless { 0 } else { port }))
}

async fn start(dir: &std::path::Path, headless: bool) -> Result<Apps, String> {
    let mut c = wellspring_case_server::Config::new(dir.join("case.sqlite"));
    c.port = if headless { 0 } else { 8480 };
    c.demo = true;
    let case = wellspring_case_server::start(c)
        .await
        .map_err(|e| format!("CASE server: {e}"))?;
    let case_url = format!("http://{}", case.addr);

    let mut h = wellspring_hub::server::Config::new(dir.join("hub.sqlite"));
    h.listen = addr(headless, wellspring_hub::server::DEFAULT_PORT);
    h.demo = true;
    h.case_url = case_url.clone();
    let hub = wellspring_hub::server::start(h)
        .await
        .map_err(|e| format!("hub: {e}"))?;

    let mut w = wellspring_wallet::server::Config::new(dir.join("wallet.sqlite"));
    w.listen = addr(headless, wellspring_wallet::server::DEFAULT_PORT);
    w.demo = false;
    w.allow_private_network = true;
    let wallet = wellspring_wallet::server::start(w)
        .await
        .map_err(|e| format!("wallet: {e}"))?;

    let mut a = wellspring_ats::server::Config::new(dir.join("ats.sqlite"));
    a.listen = addr(headless, wellspring_ats::server::DEFAULT_PORT);
    a.demo = true;
    a.case_base = Some(case_url.clone());
    a.allow_private_network = true;
    let ats = wellspring_ats::server::start(a)
        .await
        .map_err(|e| format!("ATS: {e}"))?;
    Ok(Apps {
        case,
        hub,
        wallet,
        ats,
        case_url,
    })
}

/// One step of the story: what happened, or why it failed.
type Step = Result<String, String>;

struct Story<'a> {
    apps: &'a Apps,
    /// The story's browser: the guarded client with a cookie jar, private networks allowed
    /// (every app is on loopback), no redirect followed.
    browser: BlockingNet,
}

const LEARNER: &str = "learner@example.org";
const WALLET_PASSWORD: &str = "wellspring-demo";

fn origin(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}

/// The only form of a page: its action and named inputs.
fn form(html: &str) -> Result<(String, Vec<(String, String)>), String> {
    let doc = scraper::Html::parse_document(html);
    let sel = |s: &str| scraper::Selector::parse(s).map_err(|e| e.to_string());
    let f = doc
        .select(&sel("form")?)
        .next()
        .ok_or("the page has no form")?;
    let action = f.value().attr("action").unwrap_or_default().to_owned();
    let fields = f
        .select(&sel("input[name]")?)
        .map(|i| {
            (
                i.value().attr("name").unwrap_or_default().to_owned(),
                i.value().attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    Ok((action, fields))
}

fn location(r: &Reply) -> Result<String, String> {
    r.header("location")
        .map(str::to_owned)
        .ok_or_else(|| format!("expected a redirect, got HTTP {}", r.status))
}

fn json_of(r: &Reply) -> Result<Value, String> {
    serde_json::from_slice(&r.body).map_err(|e| format!("HTTP {}: not JSON: {e}", r.status))
}

fn text_of(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

impl Story<'_> {
    fn results(&self) -> Step {
        let (catalog, _) = wellspring_hub::demo::catalog()?;
        let satisfied: Vec<Value> = catalog
            .iter()
            .flat_map(|(_, d)| d["requires"].as_array().cloned().unwrap_or_default())
            .collect();
        let hub = &self.apps.hub;
        let token = hub
            .admin_token
            .clone()
            .ok_or("the hub's admin API is off")?;
        let body = json!({"learner": LEARNER, "satisfied": satisfied});
        let r = self
            .browser
            .send(
                Method::POST,
                &format!("{}/admin/results", hub.base_url),
                |b| b.bearer_auth(token).json(&body),
            )
            .map_err(|e| e.to_string())?;
        let code = r.status;
        let v = json_of(&r)?;
        if !r.is_success() {
            return Err(format!("HTTP {code}: {v}"));
        }
        let issued: Vec<&str> = v["issued"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["achievement"].as_str())
            .collect();
        if v["programComplete"] != json!(true) {
            return Err(format!("the program is not complete: {v}"));
        }
        Ok(format!(
            "{} CASE items satisfied; the hub issued {} and the program CLR{}",
            satisfied.len(),
            if issued.is_empty() {
                "nothing new".to_owned()
            } else {
                issued.join(", ")
            },
            v["clr"]
                .as_str()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        ))
    }

    fn connect(&self) -> Step {
        let (b, wb, hub) = (
            &self.browser,
            &self.apps.wallet.base_url,
            &self.apps.hub.base_url,
        );
        let e = |e: NetError| e.to_string();
        let r = b
            .send(Method::POST, &format!("{wb}/login"), |b| {
                b.header("origin", wb.as_str())
                    .form(&[("email", LEARNER), ("password", WALLET_PASSWORD)])
            })
            .map_err(e)?;
        location(&r).map_err(|m| format!("wallet sign-in: {m}"))?;
        let r = b
            .send(Method::POST, &format!("{wb}/connect"), |b| {
                b.header("origin", wb.as_str())
                    .form(&[("base", hub.as_str()), ("standard", "ob30")])
            })
            .map_err(e)?;
        let authorize = location(&r).map_err(|m| format!("wallet connect: {m} {}", text_of(&r)))?;
        let (action, mut fields) = form(&text_of(
            &b.send(Method::GET, &authorize, |b| b).map_err(e)?,
        ))?;
        for (k, v) in fields.iter_mut() {
            match k.as_str() {
                "username" => *v = wellspring_hub::server::DEMO_EMAIL.into(),
                "password" => *v = wellspring_hub::server::DEMO_PASSWORD.into(),
                _ => {}
            }
        }
        let consent = text_of(
            &b.send(
                Method::POST,
                &format!("{}{action}", origin(&authorize)),
                |b| b.header("origin", origin(&authorize)).form(&fields),
            )
            .map_err(e)?,
        );
        let (action, mut fields) = form(&consent).map_err(|m| format!("hub consent page: {m}"))?;
        fields.push(("decision".into(), "approve".into()));
        let r = b
            .send(
                Method::POST,
                &format!("{}{action}", origin(&authorize)),
                |b| b.header("origin", origin(&authorize)).form(&fields),
            )
            .map_err(e)?;
        let callback = location(&r).map_err(|m| format!("hub consent: {m}"))?;
        let r = b.send(Method::GET, &callback, |b| b).map_err(e)?;
        let done = location(&r).map_err(|m| format!("wallet callback: {m}"))?;
        let msg = url::Url::parse(&format!("{wb}{done}"))
            .ok()
            .and_then(|u| {
                u.query_pairs()
                    .find(|(k, _)| k == "msg")
                    .map(|(_, v)| v.into_owned())
            })
            .unwrap_or(done);
        if !msg.contains("imported") {
            return Err(msg);
        }
        Ok(msg)
    }

    fn job(&self) -> Result<Value, String> {
        let jobs = json_of(
            &self
                .browser
                .send(
                    Method::GET,
                    &format!("{}/api/jobs", self.apps.ats.base_url),
                    |b| b,
                )
                .map_err(|e| e.to_string())?,
        )?;
        jobs.as_array()
            .into_iter()
            .flatten()
            .find(|j| j["title"] == wellspring_ats::server::DEMO_JOB_TITLE)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "the ATS has no {:?} job: {jobs}",
                    wellspring_ats::server::DEMO_JOB_TITLE
                )
            })
    }

    fn share(&self) -> Step {
        let job = self.job()?;
        let info = json_of(
            &self
                .browser
                .send(
                    Method::GET,
                    job["apply"].as_str().unwrap_or_default(),
                    |b| b,
                )
                .map_err(|e| e.to_string())?,
        )?;
        let learner = self
            .apps
            .wallet
            .store
            .learner_by_email(LEARNER)
            .map_err(|e| e.to_string())?
            .ok_or("no wallet learner")?;
        let held = self
            .apps
            .wallet
            .store
            .credentials(learner)
            .map_err(|e| e.to_string())?;
        // the JSON credentials: a VC-JWT inside a Data Integrity presentation would need the
        // VC 2.0 EnvelopedVerifiableCredential form, which the wallet does not build yet
        let held: Vec<_> = held.into_iter().filter(|c| c.format == "json").collect();
        let mut form: Vec<(String, String)> = held
            .iter()
            .map(|c| ("id".to_owned(), c.id.to_string()))
            .collect();
        for k in ["challenge", "domain"] {
            form.push((k.into(), info[k].as_str().unwrap_or_default().into()));
        }
        form.push(("email".into(), LEARNER.into()));
        form.push((
            "send_to".into(),
            info["applyUrl"].as_str().unwrap_or_default().into(),
        ));
        let r = self
            .browser
            .send(
                Method::POST,
                &format!("{}/share", self.apps.wallet.base_url),
                |b| {
                    b.header("origin", self.apps.wallet.base_url.as_str())
                        .form(&form)
                },
            )
            .map_err(|e| e.to_string())?;
        let code = r.status;
        let page = text_of(&r);
        if !r.is_success() || !page.contains("201") {
            let doc = scraper::Html::parse_document(&page);
            let why: String = scraper::Selector::parse(".error, pre")
                .ok()
                .and_then(|s| doc.select(&s).next().map(|e| e.text().collect::<String>()))
                .unwrap_or_default();
            return Err(format!(
                "the wallet's share did not reach the ATS (HTTP {code}): {}",
                why.chars().take(600).collect::<String>()
            ));
        }
        Ok(format!(
            "{} credential(s) presented to {:?} (HTTP 201)",
            held.len(),
            job["title"].as_str().unwrap_or_default()
        ))
    }

    fn ranking(&self) -> Step {
        let (b, ab) = (&self.browser, &self.apps.ats.base_url);
        let r = b
            .send(Method::POST, &format!("{ab}/login"), |b| {
                b.header("origin", ab.as_str()).form(&[
                    ("email", wellspring_ats::server::DEMO_EMAIL),
                    ("password", wellspring_ats::server::DEMO_PASSWORD),
                ])
            })
            .map_err(|e| e.to_string())?;
        location(&r).map_err(|m| format!("ATS sign-in: {m}"))?;
        let job = self.job()?;
        let rank = json_of(
            &b.send(
                Method::GET,
                &format!("{ab}/api/jobs/{}/ranking", job["id"]),
                |b| b,
            )
            .map_err(|e| e.to_string())?,
        )?;
        let first = rank["candidates"]
            .get(0)
            .ok_or(format!("nobody ranked: {rank}"))?;
        let score = first["score"].as_f64().unwrap_or(0.0);
        if score <= 0.0 {
            return Err(format!("the candidate scored 0: {first}"));
        }
        let mut lines = vec![format!(
            "rank {} of {}: score {score:.0} %, {} of {} credentials counted",
            first["rank"],
            rank["candidates"].as_array().map_or(0, Vec::len),
            first["counted"],
            first["credentials"]
        )];
        for r in first["requirements"].as_array().into_iter().flatten() {
            let label = r["label"].as_str().unwrap_or_default();
            match r["evidence"].as_object() {
                None => lines.push(format!("    {label}: no evidence")),
                Some(e) => {
                    let path: Vec<String> = e["path"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|h| {
                            format!(
                                "{} -{}-> {}",
                                h["from"].as_str().unwrap_or_default(),
                                h["association"].as_str().unwrap_or_default(),
                                h["to"].as_str().unwrap_or_default()
                            )
                        })
                        .collect();
                    let cred = match &e["credential"] {
                        Value::String(s) => s.clone(),
                        v => format!("credential {v}"),
                    };
                    lines.push(format!(
                        "    {label}\n        {cred}: {}",
                        if path.is_empty() {
                            "direct alignment".into()
                        } else {
                            path.join(" ; ")
                        }
                    ));
                }
            }
        }
        if !lines.iter().any(|l| l.contains("exactMatchOf")) {
            return Err(format!(
                "no evidence path through an exactMatchOf association:\n{}",
                lines.join("\n")
            ));
        }
        Ok(lines.join("\n"))
    }
}

fn run_story(apps: &Apps) -> bool {
    let policy = NetPolicy::local()
        .with_timeout(Duration::from_secs(60))
        .with_redirects(0);
    let browser = match BlockingNet::browser(policy) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("HTTP client: {e}");
            return false;
        }
    };
    let s = Story { apps, browser };
    let steps: [(&str, &dyn Fn() -> Step); 4] = [
        ("hub issues from CASE results", &|| s.results()),
        (
            "wallet connects to the hub (OAuth 2.0 + PKCE) and imports",
            &|| s.connect(),
        ),
        ("wallet shares a signed presentation with the ATS", &|| {
            s.share()
        }),
        ("ATS ranks the learner for Diesel Technician I", &|| {
            s.ranking()
        }),
    ];
    for (i, (name, step)) in steps.iter().enumerate() {
        match step() {
            Ok(m) => println!("✔ {}. {name}: {m}", i + 1),
            Err(m) => {
                println!("✘ {}. {name}: {m}", i + 1);
                return false;
            }
        }
    }
    true
}

pub fn run(a: DemoArgs) -> u8 {
    // the temporary folder (when no --dir) lives as long as the demo
    let (dir, _tmp) = match demo_dir(&a) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("wellspring demo: {e}");
            return 2;
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wellspring demo: {e}");
            return 2;
        }
    };
    let apps = match rt.block_on(start(&dir, a.headless)) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("wellspring demo: could not start: {e}");
            return 2;
        }
    };
    print_urls(&apps);
    if let Err(e) = ensure_learner(&apps) {
        eprintln!("wellspring demo: wallet learner: {e}");
        return 2;
    }
    let ok = rt.block_on(async { tokio::task::block_in_place(|| run_story(&apps)) });
    if a.headless {
        rt.block_on(async {
            apps.ats.stop().await;
            apps.wallet.stop().await;
            apps.hub.stop().await;
            let _ = apps.case.stop().await;
        });
        return if ok { 0 } else { 1 };
    }
    println!(
        "\n{} Open the URLs above; Ctrl-C stops the demo.",
        if ok {
            "The story ran."
        } else {
            "A step failed (above)."
        }
    );
    rt.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    if ok {
        0
    } else {
        1
    }
}

/// The folder the servers keep their data in: --dir (created), or a temporary one (returned
/// too, so that it is removed when the demo ends).
fn demo_dir(a: &DemoArgs) -> Result<(PathBuf, Option<tempfile::TempDir>), String> {
    match &a.dir {
        Some(d) => {
            std::fs::create_dir_all(d)
                .map_err(|e| format!("cannot create {}: {e}", d.display()))?;
            Ok((d.clone(), None))
        }
        None => {
            let t = tempfile::tempdir().map_err(|e| format!("no temp folder: {e}"))?;
            Ok((t.path().to_owned(), Some(t)))
        }
    }
}

/// Where each server is, and who signs in.
fn print_urls(apps: &Apps) {
    println!("CASE server  {}", apps.case_url);
    println!(
        "hub          {}   (learner@example.org / wellspring-demo)",
        apps.hub.base_url
    );
    println!(
        "wallet       {}   (learner@example.org / wellspring-demo)",
        apps.wallet.base_url
    );
    println!(
        "ATS          {}   (recruiter@example.org / wellspring-demo)",
        apps.ats.base_url
    );
}

/// The demo learner's wallet account (made unless it exists).
fn ensure_learner(apps: &Apps) -> Result<(), String> {
    let exists = apps
        .wallet
        .store
        .learner_by_email(LEARNER)
        .ok()
        .flatten()
        .is_some();
    if !exists {
        apps.wallet
            .store
            .add_learner(LEARNER, WALLET_PASSWORD)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
