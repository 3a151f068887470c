//! XSD-subset compiler for the DUIS schemas (work in progress).
