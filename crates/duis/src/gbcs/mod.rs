//! GBCS general-signing APDUs inside Signed Pre-Commands: parse, header, signature.
