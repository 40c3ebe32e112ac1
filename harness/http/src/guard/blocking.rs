//! The blocking guarded client (CLI, suites, matrix, fuzz targets).

use std::io::Read;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use super::addr::{redirect_policy, Guard, GuardResolver};
use super::{parse_json, user_agent, NetError, NetPolicy, Reply};

/// A guarded blocking client. Cheap to clone. Not for use inside an async runtime (reqwest's
/// blocking client rule); servers use [`super::Net`].
#[derive(Clone)]
pub struct BlockingNet {
    policy: NetPolicy,
    guard: Guard,
    client: reqwest::blocking::Client,
}

impl BlockingNet {
    pub fn new(policy: NetPolicy) -> Result<BlockingNet, NetError> {
        BlockingNet::with_agent(policy, user_agent())
    }

    pub fn with_agent(policy: NetPolicy, agent: &str) -> Result<BlockingNet, NetError> {
        BlockingNet::build(policy, agent, false)
    }

    /// A client that keeps cookies between requests (drives web sign-in forms).
    pub fn browser(policy: NetPolicy) -> Result<BlockingNet, NetError> {
        BlockingNet::build(policy, user_agent(), true)
    }

    fn build(policy: NetPolicy, agent: &str, cookies: bool) -> Result<BlockingNet, NetError> {
        let client = reqwest::blocking::Client::builder()
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
        Ok(BlockingNet {
            guard: policy.guard(),
            policy,
            client,
        })
    }

    pub fn policy(&self) -> &NetPolicy {
        &self.policy
    }

    /// One request: `build` adds headers and a body to the request for `url`.
    pub fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        build: impl FnOnce(reqwest::blocking::RequestBuilder) -> reqwest::blocking::RequestBuilder,
    ) -> Result<Reply, NetError> {
        let parsed = super::http_url(url)?;
        let req = build(self.client.request(method, parsed))
            .build()
            .map_err(|e| NetError::from_reqwest(url, &e, self.policy.timeout))?;
        self.execute(req)
    }

    /// GET with an `Accept` header; any status.
    pub fn get(&self, url: &str, accept: &str) -> Result<Reply, NetError> {
        self.send(reqwest::Method::GET, url, |r| r.header("accept", accept))
    }

    /// GET a JSON document: 2xx required, nesting bounded.
    pub fn get_json(&self, url: &str) -> Result<Value, NetError> {
        let r = self.get(url, "application/json")?.success()?;
        parse_json(url, &r.body, self.policy.max_json_depth)
    }

    /// Sends a built request under the policy: address check, one deadline (checked between
    /// reads; each read is bounded by the same timeout), capped body.
    pub fn execute(&self, req: reqwest::blocking::Request) -> Result<Reply, NetError> {
        let url = req.url().to_string();
        self.guard
            .check_url(req.url())
            .map_err(|blocked| NetError::Refused {
                url: url.clone(),
                blocked,
            })?;
        let timeout = self.policy.timeout;
        let deadline = Instant::now() + timeout;
        let mut resp = self
            .client
            .execute(req)
            .map_err(|e| NetError::from_reqwest(&url, &e, timeout))?;
        let max = self.policy.max_bytes;
        let status = resp.status().as_u16();
        let too_large = || NetError::TooLarge {
            url: url.clone(),
            max,
            status,
        };
        if resp.content_length().is_some_and(|n| n > max as u64) {
            return Err(too_large());
        }
        let final_url = resp.url().to_string();
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if Instant::now() > deadline {
                return Err(NetError::Timeout {
                    url,
                    after: timeout,
                });
            }
            let n = match resp.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                    return Err(NetError::Timeout {
                        url,
                        after: timeout,
                    })
                }
                Err(e) => {
                    return Err(NetError::Transport {
                        url,
                        detail: format!("reading the body: {e}"),
                    })
                }
            };
            if n == 0 {
                break;
            }
            if body.len() + n > max {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk[..n]);
        }
        Ok(Reply {
            status,
            url: final_url,
            headers,
            body,
        })
    }
}
