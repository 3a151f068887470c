//! Organisation Certificates: the SMKI profile, the trust store, role codes.
