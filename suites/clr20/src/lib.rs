//! CLR 2.0 API certification suites (Service Provider Read/Write, Issuer).
