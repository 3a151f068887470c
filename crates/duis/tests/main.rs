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

/// Allocations per message do not grow with the element count.
mod alloc;

/// XML signatures, the trust store and MP104, on the DCC Boxed replies and our signed vectors.
mod signatures;

/// The GBCS payload decoder and APDU parser on the RTDS vectors and arbitrary input.
mod gbcs;

/// `testdata/pki`: our test CA and Organisation Certificates, generated here.
mod pki;

/// Interop with xmlsec1: each verifies what the other signs.
mod xmlsec;

/// Replies: Response facts and the SR 12.1 WAN matrix.
mod replies;

/// SRPD semantics: eligibility, dating, replay counters.
mod srpd;

/// Hostile input: DOCTYPEs, floods, huge nodes, bad encodings, truncation; each with its exact
/// `limit.*` or `xml.*` code and the reader stopping at the limit.
mod hostile;

/// Property tests: generated requests validate clean; no panic on arbitrary or mutated input.
mod props;

/// The SRPD and reply vectors of `testdata/` (written by the `testdata` generator).
mod testdata_srpd;

/// Signed Pre-Commands built from the RTDS pairs, end to end with both signatures.
mod ecos_xml;
