//! The Wellspring Achievement Hub: reference OB 3.0 / CLR 2.0 issuer and Service Provider.
