//! The async guarded client (servers: wallet, ATS), and under the blocking one: the address
//! checks, redirect policy, deadline and capped body live here once.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::Value;

use super::addr::{redirect_policy, Guard, GuardResolver};
use super::{parse_json, user_agent, NetError, NetPolicy, Patience, Reply};

/// A guarded async client. Cheap to clone. Requests go only through [`Net::send`] /
/// [`Net::execute`] (or `oauth2`'s `request_async(&net)`), which apply the whole policy.
#[derive(Clone)]
pub struct Net {
    policy: NetPolicy,
    guard: Guard,
    client: reqwest::Client,
}

impl Net {
    pub fn new(policy: NetPolicy) -> Result<Net, NetError> {
        Net::with_agent(policy, user_agent())
    }

    pub fn with_agent(policy: NetPolicy, agent: &str) -> Result<Net, NetError> {
        Net::build(policy, agent, false)
    }

    /// The one client builder of the guarded layer (the blocking client wraps this one).
    pub(super) fn build(policy: NetPolicy, agent: &str, cookies: bool) -> Result<Net, NetError> {
        let client = reqwest::Client::builder()
            .cookie_store(cookies)
            .dns_resolver(Arc::new(GuardResolver {
                guard: policy.guard(),
            }))
            .redirect(redirect_policy(policy.max_redirects, policy.guard()))
            .no_proxy()
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .user_agent(agent)
            .build()
            .map_err(|e| NetError::Setup(e.to_string()))?;
        Ok(Net {
            guard: policy.guard(),
            policy,
            client,
        })
    }

    pub fn policy(&self) -> &NetPolicy {
        &self.policy
    }

    /// One request: `build` adds headers and a body to the request for `url`.
    pub async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<Reply, NetError> {
        let parsed = super::http_url(url)?;
        let req = build(self.client.request(method, parsed))
            .build()
            .map_err(|e| NetError::from_reqwest(url, &e, self.policy.timeout))?;
        self.execute(req).await
    }

    /// As [`Net::send`], trying again after a 429 or 503 as `patience` allows (`build` is
    /// called once per try).
    pub async fn send_patiently(
        &self,
        method: reqwest::Method,
        url: &str,
        build: impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
        patience: Patience,
    ) -> Result<Reply, NetError> {
        let mut tries = 0;
        loop {
            let r = self.send(method.clone(), url, &build).await?;
            match patience.wait_after(&r, tries) {
                Some(wait) => {
                    tries += 1;
                    tokio::time::sleep(wait).await;
                }
                None => return Ok(r),
            }
        }
    }

    /// GET a JSON document as [`Net::get_json`], waiting out a busy server as `patience` allows.
    pub async fn get_json_patiently(
        &self,
        url: &str,
        patience: Patience,
    ) -> Result<Value, NetError> {
        let r = self
            .send_patiently(
                reqwest::Method::GET,
                url,
                |r| r.header("accept", "application/json"),
                patience,
            )
            .await?
            .success()?;
        parse_json(url, &r.body, self.policy.max_json_depth)
    }

    /// GET with an `Accept` header; any status.
    pub async fn get(&self, url: &str, accept: &str) -> Result<Reply, NetError> {
        self.send(reqwest::Method::GET, url, |r| r.header("accept", accept))
            .await
    }

    /// GET a JSON document: 2xx required, nesting bounded.
    pub async fn get_json(&self, url: &str) -> Result<Value, NetError> {
        let r = self.get(url, "application/json").await?.success()?;
        parse_json(url, &r.body, self.policy.max_json_depth)
    }

    /// Sends a built request under the policy: address check, one deadline, capped body.
    pub async fn execute(&self, req: reqwest::Request) -> Result<Reply, NetError> {
        let url = req.url().to_string();
        self.guard
            .check_url(req.url())
            .map_err(|blocked| NetError::Refused {
                url: url.clone(),
                blocked,
            })?;
        let timeout = self.policy.timeout;
        let work = async {
            let resp = self
                .client
                .execute(req)
                .await
                .map_err(|e| NetError::from_reqwest(&url, &e, timeout))?;
            read_capped(&url, resp, self.policy.max_bytes, timeout).await
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(NetError::Timeout {
                url,
                after: timeout,
            }),
        }
    }
}

/// Reads the body chunk by chunk, refusing it as soon as it passes `max`.
async fn read_capped(
    url: &str,
    mut resp: reqwest::Response,
    max: usize,
    timeout: std::time::Duration,
) -> Result<Reply, NetError> {
    let status = resp.status().as_u16();
    let too_large = || NetError::TooLarge {
        url: url.to_owned(),
        max,
        status,
    };
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let final_url = resp.url().to_string();
    let headers = resp.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| NetError::from_reqwest(url, &e, timeout))?
    {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Reply {
        status,
        url: final_url,
        headers,
        body,
    })
}

impl<'c> oauth2::AsyncHttpClient<'c> for Net {
    type Error = NetError;
    type Future = Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, NetError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let url = request.uri().to_string();
            let req = reqwest::Request::try_from(request).map_err(|e| NetError::BadUrl {
                url: url.clone(),
                reason: e.to_string(),
            })?;
            let r = self.execute(req).await?;
            let mut b = oauth2::http::Response::builder().status(r.status);
            for (k, v) in &r.headers {
                b = b.header(k, v);
            }
            b.body(r.body).map_err(|e| NetError::Transport {
                url,
                detail: e.to_string(),
            })
        })
    }
}
