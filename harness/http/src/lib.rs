//! Bounded HTTP client with exchange recording (secrets masked) and the OAuth 2.0 consumer flow used by the API suites.
