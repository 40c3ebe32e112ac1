//! OB 3.0 / CLR 2.0 REST API and OAuth 2.0 authorization server, shared by the reference hub and wallet.
