//! Integration tests for duis-xsd: one binary, one module per area.

// Compile the DUIS/MMC/xmldsig corpus, regenerate the committed tables, and compare
// verdicts with xmllint on every corpus message (needs ../shared/corpus and xmllint).
mod corpus;
// Small hand-written schemas: content models, attributes, wildcards, error recovery.
mod validate;
// xsi:type: QName resolution, derivation from the declared type, validation against the
// type named (cvc-elt.4, cvc-type.2).
mod xsi_type;
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
