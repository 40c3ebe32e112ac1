//! Structure-aware fuzzing of credential parsers and verifiers.
