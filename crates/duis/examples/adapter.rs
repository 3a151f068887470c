//! The validator a DCC User's adapter runs before it sends a request: built once, shared by
//! every thread, each message judged at the current time. The README's library section is
//! this program, cut down; `cargo test` builds it, and running it checks the bundled samples:
//!
//! ```sh
//! cargo run -p duis --example adapter -- testdata/pki testdata/valid/7.4_read-supply-status-cv1_valid.xml
//! ```

use std::error::Error;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use duis::catalogue::UserRole;
use duis::{CounterStore, DateTime, MemoryCounters, Parties, RoleSet, TrustStore, Validator};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args_os().skip(1);
    let (Some(pki), messages) = (args.next(), args) else {
        return Err("usage: adapter PKI-FOLDER MESSAGE...".into());
    };

    // The Organisation Certificates this User trusts. Without them no signature is verified,
    // and a forged one passes with only a `sig.unverified` warning.
    let mut trust = TrustStore::new();
    for entry in std::fs::read_dir(&pki)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "pem") {
            trust.add_pem(&path.display().to_string(), &std::fs::read(&path)?);
        }
    }
    for issue in trust.issues() {
        eprintln!("note: {issue}");
    }

    // Who holds which User Role (eligibility), and the last counter accepted per originator
    // (replay protection; `duis_store::FileCounters` keeps it across restarts).
    let mut parties = Parties::new();
    parties.insert("90-B3-D5-1F-30-01-00-00".parse()?, RoleSet::of(&[UserRole::ImportSupplier]));
    let counters: Arc<dyn CounterStore> = Arc::new(MemoryCounters::new());

    let validator = Validator::builder()
        .trust(trust)
        .dcc_identifier("90-B3-D5-1F-30-00-00-02".parse()?) // the DCC's EUI-64, target of CV 8 requests
        .parties(parties)
        .counters(counters)
        .build();

    let mut rejected = 0;
    for path in messages {
        let bytes = std::fs::read(&path)?;
        // The core reads no clock: each message is judged at the time the adapter gives.
        let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH)?;
        let now = DateTime::from_unix(i64::try_from(since_epoch.as_secs())?, 0);
        let report = validator.with_now(now).validate(&bytes);
        let name = path.to_string_lossy();
        if report.is_valid() {
            println!("{name}: send");
        } else {
            rejected += 1;
            println!("{name}: do not send");
        }
        for finding in report.findings() {
            let at = report.position(finding.span.start);
            println!("  {}:{}: {finding}", at.line, at.column);
        }
        for skipped in report.skipped() {
            println!("  not checked: {}", skipped.as_str());
        }
    }
    if rejected > 0 {
        return Err(format!("{rejected} message(s) rejected").into());
    }
    Ok(())
}
