//! Integration tests for duis-xsd: one binary, one module per area.

// Compile the DUIS/MMC/xmldsig corpus, regenerate the committed tables, and compare
// verdicts with xmllint on every corpus message (needs ../shared/corpus and xmllint).
mod corpus;
// Small hand-written schemas: content models, attributes, wildcards, error recovery.
mod validate;
// Constructs outside the subset must fail to compile, naming the construct and position.
mod compile_errors;
// Deterministic mutants of well-formed messages, for parity runs against xmllint.
mod mutants;
// Shared helpers: a quick-xml driver for the validator, corpus location.
mod util;
// The committed DUIS 5.4 tables, compiled as another crate would use them.
#[rustfmt::skip]
#[allow(unreachable_pub)]
mod generated {
    include!("../../duis/src/schema/generated/duis54.rs");
}
// Regressions found by the `xsd` fuzz target, inputs in testdata/regressions.
mod fuzz;
