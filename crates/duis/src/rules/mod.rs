//! The DUIS rules, one module per finding family. Each runs on the typed facts gathered in the
//! single pass, never on the raw input.

pub(crate) mod request;
