//! Integration tests for the `duis` crate: one binary, one module per subject.

/// Shared helpers: where the repository and `../shared` are.
mod common;

/// `src/catalogue/table.rs` is generated from `spec/srv-table.csv`.
mod catalogue;

/// The third-party request templates, read in place from `../shared/corpus`.
mod corpus;

/// `testdata/valid` and `testdata/invalid`: generated here, each file checked.
mod testdata;

/// `docs/rules.md` matches the code registry.
mod rules_doc;
