//! XML signatures: canonicalisation (inclusive C14N of the document, exclusive C14N of SignedInfo), the DUIS signature profile, verification and signing.
