//! SRPD semantics: eligibility against a party registry, dating against the caller's clock,
//! and replay protection with a counter store.

use std::sync::Arc;

use duis::catalogue::UserRole;
use duis::{Code, CounterStore, DateTime, Eui64, MemoryCounters, Parties, RoleSet, Severity, Skipped, Validator};

use crate::common;

const SUPPLIER: &str = "90-B3-D5-1F-30-01-00-00";

fn sample(name: &str) -> String {
    std::fs::read_to_string(common::repo_root().join("testdata/valid").join(name)).unwrap()
}

fn errors(report: &duis::Report<'_>) -> Vec<Code> {
    report.findings().iter().filter(|f| f.severity == Severity::Error).map(|f| f.code).collect()
}

/// The codes found, leaving out `sig.unverified` (the samples are signed; these validators
/// have no trust store).
fn codes(report: &duis::Report<'_>) -> Vec<Code> {
    report.findings().iter().map(|f| f.code).filter(|c| *c != Code::SigUnverified).collect()
}

fn now(text: &str) -> DateTime {
    DateTime::parse_rfc3339(text).unwrap()
}

fn supplier_as(roles: &[UserRole]) -> Parties {
    let mut parties = Parties::new();
    parties.insert(SUPPLIER.parse().unwrap(), RoleSet::of(roles));
    parties
}

#[test]
fn eligibility_needs_one_eligible_role() {
    // 7.4 Read Supply Status: IS ES GS RSA ED GT.
    let message = sample("7.4_read-supply-status-cv1_valid.xml");
    let ok = Validator::builder().parties(supplier_as(&[UserRole::GasSupplier])).build();
    let report = ok.validate(message.as_bytes());
    assert!(!codes(&report).contains(&Code::EligibilityRole), "{:?}", report.findings());
    assert!(!report.skipped().contains(&Skipped::Eligibility));
    let other_user = Validator::builder().parties(supplier_as(&[UserRole::OtherUser])).build();
    let report = other_user.validate(message.as_bytes());
    assert!(codes(&report).contains(&Code::EligibilityRole), "{:?}", report.findings());
    let unknown = Validator::builder().parties(Parties::new()).build();
    assert!(codes(&unknown.validate(message.as_bytes())).contains(&Code::EligibilityUnknownParty));
    // A registry shared with the rest of an adapter, concrete or behind `dyn`.
    let shared: Arc<dyn duis::PartyRegistry> = Arc::new(supplier_as(&[UserRole::OtherUser]));
    let report = Validator::builder().parties(Arc::clone(&shared)).build().validate(message.as_bytes());
    assert!(codes(&report).contains(&Code::EligibilityRole), "{:?}", report.findings());
    let report = Validator::builder().parties(Arc::new(Parties::new())).build().validate(message.as_bytes());
    assert!(codes(&report).contains(&Code::EligibilityUnknownParty), "{:?}", report.findings());
    let none = Validator::new().validate(message.as_bytes());
    assert!(none.skipped().contains(&Skipped::Eligibility));
    assert!(!codes(&none).iter().any(|c| c.family() == "eligibility"));
}

#[test]
fn srvs_without_listed_roles_accept_any_registered_party() {
    // 8.5 Service Opt Out lists no roles in the matrix.
    let message = sample("8.5_service-opt-out-dated_valid.xml");
    let report = Validator::builder().parties(supplier_as(&[UserRole::OtherUser])).build().validate(message.as_bytes());
    assert!(!codes(&report).iter().any(|c| c.family() == "eligibility"), "{:?}", report.findings());
    // A load controller (the sender of 7.16) may send these, and nothing a role is listed for.
    let load_controller = Validator::builder().parties(supplier_as(&[UserRole::LoadController])).build();
    let report = load_controller.validate(message.as_bytes());
    assert!(!codes(&report).iter().any(|c| c.family() == "eligibility"), "{:?}", report.findings());
    let read = sample("7.4_read-supply-status-cv1_valid.xml");
    assert!(codes(&load_controller.validate(read.as_bytes())).contains(&Code::EligibilityRole));
}

#[test]
fn execution_date_time_must_be_in_the_future() {
    // ExecutionDateTime 2030-06-01T09:00:00Z.
    let message = sample("4.1.1_read-registers-future-dated_valid.xml");
    let before = Validator::builder().now(now("2030-06-01T08:59:59Z")).build();
    assert!(!codes(&before.validate(message.as_bytes())).iter().any(|c| c.family() == "date"));
    for at in ["2030-06-01T09:00:00Z", "2031-01-01T00:00:00Z", "2030-06-01T10:00:00+01:00"] {
        let report = Validator::builder().now(now(at)).build().validate(message.as_bytes());
        assert_eq!(errors(&report), vec![Code::DateNotFuture], "{at}");
    }
    // Time zones are compared as instants: 09:00Z is 10:00+01:00.
    let report = Validator::builder().now(now("2030-06-01T09:30:00+01:00")).build().validate(message.as_bytes());
    assert!(report.is_valid(), "{:?}", report.findings());
    assert!(Validator::new().validate(message.as_bytes()).skipped().contains(&Skipped::Clock));
    // A Signed Pre-Command's GBCS signature needs the trust store; an ordinary request has none.
    assert!(!Validator::new().validate(message.as_bytes()).skipped().contains(&Skipped::GbcsSignature));
    let signed = sample("7.2_signed-pre-command-cv5_valid.xml");
    assert!(Validator::new().validate(signed.as_bytes()).skipped().contains(&Skipped::GbcsSignature));
    let trusted = Validator::builder().trust(crate::pki::store()).build();
    assert!(!trusted.validate(signed.as_bytes()).skipped().contains(&Skipped::GbcsSignature));
}

#[test]
fn a_local_date_time_near_now_is_indeterminate() {
    let message =
        sample("4.1.1_read-registers-future-dated_valid.xml").replace("2030-06-01T09:00:00Z", "2030-06-01T09:00:00");
    let report = Validator::builder().now(now("2030-06-01T08:00:00Z")).build().validate(message.as_bytes());
    assert_eq!(codes(&report), vec![Code::DateIndeterminate]);
    assert!(report.is_valid());
    let far = Validator::builder().now(now("2030-05-01T00:00:00Z")).build().validate(message.as_bytes());
    assert!(codes(&far).is_empty(), "{:?}", far.findings());
}

#[test]
fn future_dating_with_cv_2_or_3_is_a_warning() {
    let message = sample("4.1.1_read-registers-future-dated_valid.xml");
    for cv in ["2", "3"] {
        let text = message.replace("<sr:CommandVariant>1<", &format!("<sr:CommandVariant>{cv}<"));
        let report = Validator::builder().now(now("2025-01-01T00:00:00Z")).build().validate(text.as_bytes());
        assert_eq!(codes(&report), vec![Code::DateCvNotFutureDated], "CV {cv}");
        assert!(report.is_valid());
    }
}

fn with_counter(message: &str, counter: u64) -> String {
    message.replace(":1000</sr:RequestID>", &format!(":{counter}</sr:RequestID>"))
}

#[test]
fn counters_must_increase_and_rejected_messages_do_not_advance_them() {
    let store: Arc<dyn CounterStore> = Arc::new(MemoryCounters::new());
    let validator = Validator::builder().counters(store.clone()).build();
    let message = sample("7.4_read-supply-status-cv1_valid.xml");
    let supplier: Eui64 = SUPPLIER.parse().unwrap();
    assert!(validator.validate(with_counter(&message, 5).as_bytes()).is_valid());
    assert_eq!(errors(&validator.validate(with_counter(&message, 5).as_bytes())), vec![Code::CounterReplay]);
    assert_eq!(errors(&validator.validate(with_counter(&message, 4).as_bytes())), vec![Code::CounterReplay]);
    // An invalid message with a higher counter is rejected for its own fault and records nothing.
    let invalid = with_counter(&message, 9).replace("<sr:CommandVariant>1<", "<sr:CommandVariant>4<");
    assert_eq!(errors(&validator.validate(invalid.as_bytes())), vec![Code::RequestCvNotAllowed]);
    assert_eq!(store.last(supplier).unwrap(), Some(5));
    assert!(validator.validate(with_counter(&message, 6).as_bytes()).is_valid());
    assert_eq!(store.last(supplier).unwrap(), Some(6));
    assert!(Validator::new().validate(message.as_bytes()).skipped().contains(&Skipped::ReplayProtection));
}

#[test]
fn no_findings_limit_hides_the_error_that_rejects_a_message() {
    // A limit of 0 counts as 1: the rejecting error is kept, and the counter does not move.
    let store: Arc<dyn CounterStore> = Arc::new(MemoryCounters::new());
    let supplier: Eui64 = SUPPLIER.parse().unwrap();
    let message = sample("7.4_read-supply-status-cv1_valid.xml");
    let invalid = with_counter(&message, 9).replace("<sr:CommandVariant>1<", "<sr:CommandVariant>4<");
    for max in [0, 1] {
        let validator =
            Validator::builder().limits(duis::Limits::default().max_findings(max)).counters(store.clone()).build();
        let report = validator.validate(invalid.as_bytes());
        assert!(!report.is_valid(), "max_findings({max})");
        assert_eq!(errors(&report), vec![Code::RequestCvNotAllowed], "max_findings({max})");
        assert_eq!(store.last(supplier).unwrap(), None, "max_findings({max})");
        let garbage = validator.validate(b"not xml at all");
        assert!(!garbage.is_valid(), "max_findings({max})");
    }
}

#[test]
fn a_signed_pre_command_repeats_its_cv4_counter_and_cannot_be_replayed() {
    let store: Arc<dyn CounterStore> = Arc::new(MemoryCounters::new());
    let validator = Validator::builder().counters(store.clone()).build();
    let supplier: Eui64 = SUPPLIER.parse().unwrap();
    // The CV 4 request and the Signed Pre-Command answering it share the counter 1000.
    let transform = sample("7.2_disable-supply-cv4_valid.xml");
    let signed = sample("7.2_signed-pre-command-cv5_valid.xml");
    assert!(transform.contains(":1000</sr:RequestID>") && signed.contains(":1000</sr:RequestID>"));
    assert!(validator.validate(transform.as_bytes()).is_valid());
    let report = validator.validate(signed.as_bytes());
    assert!(errors(&report).is_empty(), "{:?}", report.findings());
    // The same Signed Pre-Command again, or the same command for local delivery, is a replay.
    for again in [signed.clone(), sample("7.2_signed-pre-command-cv6_valid.xml")] {
        let report = validator.validate(again.as_bytes());
        assert_eq!(errors(&report), vec![Code::CounterReplay]);
        let message = report.findings()[0].message().to_string();
        assert!(message.contains("Signed Pre-Command counter 1000"), "{message}");
    }
    // Requests continue from their own last counter.
    assert_eq!(errors(&validator.validate(transform.as_bytes())), vec![Code::CounterReplay]);
    assert_eq!(store.last(supplier).unwrap(), Some(1000));
    assert_eq!(store.last_signed_pre_command(supplier).unwrap(), Some(1000));
}

#[test]
fn a_store_without_a_signed_pre_command_sequence_never_accepts_one_unchecked() {
    let validator = Validator::builder().counters(Arc::new(RequestsOnly(MemoryCounters::new()))).build();
    assert!(validator.validate(sample("7.2_disable-supply-cv4_valid.xml").as_bytes()).is_valid());
    let signed = sample("7.2_signed-pre-command-cv5_valid.xml");
    assert_eq!(errors(&validator.validate(signed.as_bytes())), vec![Code::CounterUnavailable]);
}

/// A store written against the first version of the trait: requests only.
#[derive(Debug)]
struct RequestsOnly(MemoryCounters);

impl CounterStore for RequestsOnly {
    fn advance(&self, originator: Eui64, counter: u64) -> Result<duis::Advance, duis::CounterStoreError> {
        self.0.advance(originator, counter)
    }

    fn last(&self, originator: Eui64) -> Result<Option<u64>, duis::CounterStoreError> {
        self.0.last(originator)
    }
}

#[test]
fn concurrent_validations_accept_a_counter_once() {
    let store: Arc<dyn CounterStore> = Arc::new(MemoryCounters::new());
    let validator = Validator::builder().counters(store).build();
    let message = with_counter(&sample("7.4_read-supply-status-cv1_valid.xml"), 77);
    let accepted = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                if validator.validate(message.as_bytes()).is_valid() {
                    accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(accepted.into_inner(), 1);
}

/// The corpus templates stay valid with a party registry built from the DCC Boxed keystore
/// roles plus the roles each template was written for, and `now` = 2015-01-01.
#[test]
#[ignore = "needs ../shared/corpus"]
fn templates_stay_valid_with_registry_and_clock() {
    let shared = common::shared();
    let keystore: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shared.join("corpus/pki/keystore.json")).unwrap()).unwrap();
    let mut parties = Parties::new();
    for (eui, usages) in keystore.as_object().unwrap() {
        let bytes: Vec<String> = (0..8).map(|i| eui[2 * i..2 * i + 2].to_uppercase()).collect();
        let eui: Eui64 = bytes.join("-").parse().unwrap();
        for certificates in usages.as_object().unwrap().values() {
            for certificate in certificates.as_object().unwrap().values() {
                // Remote party roles to User Roles: a supplier may be IS, ES, GS or RSA; a network
                // operator ED or GT; "other" OU.
                let roles: &[UserRole] = match certificate["role"].as_u64() {
                    Some(2) => &[
                        UserRole::ImportSupplier,
                        UserRole::ExportSupplier,
                        UserRole::GasSupplier,
                        UserRole::RegisteredSupplierAgent,
                    ],
                    Some(3) => &[UserRole::ElectricityDistributor, UserRole::GasTransporter],
                    Some(127) => &[UserRole::OtherUser],
                    Some(8) => &[UserRole::LoadController],
                    _ => &[],
                };
                parties.insert(eui, RoleSet::of(roles));
            }
        }
    }
    // The templates written for roles their originator's certificates do not show.
    let dir = shared.join("corpus/requests");
    let templates = common::files(&dir, |n| !n.starts_with("dccboxed-test-") && n.ends_with(".XML"));
    let plain = Validator::new();
    for path in &templates {
        let bytes = std::fs::read(path).unwrap();
        let report = plain.validate(&bytes);
        let request = report.request().unwrap();
        let (id, srv) = (request.request_id.as_ref().unwrap().value, request.srv().unwrap());
        if parties_roles(&parties, id.originator).is_none_or(|held| !held.intersects(RoleSet::of(srv.eligible_roles))) {
            parties.insert(id.originator, RoleSet::of(srv.eligible_roles));
        }
    }
    let validator = Validator::builder().parties(parties).now(now("2015-01-01T00:00:00Z")).build();
    for path in &templates {
        let bytes = std::fs::read(path).unwrap();
        let report = validator.validate(&bytes);
        assert!(errors(&report).is_empty(), "{}: {:?}", path.display(), report.findings());
    }
}

fn parties_roles(parties: &Parties, party: Eui64) -> Option<RoleSet> {
    use duis::PartyRegistry;
    parties.roles(party)
}

/// A store that cannot answer: the message is never accepted unchecked.
#[derive(Debug)]
struct BrokenStore;

impl CounterStore for BrokenStore {
    fn advance(&self, _: Eui64, _: u64) -> Result<duis::Advance, duis::CounterStoreError> {
        Err(duis::CounterStoreError::new("disk on fire"))
    }

    fn last(&self, _: Eui64) -> Result<Option<u64>, duis::CounterStoreError> {
        Err(duis::CounterStoreError::new("disk on fire"))
    }
}

#[test]
fn an_unavailable_counter_store_rejects_the_message() {
    let validator = Validator::builder().counters(Arc::new(BrokenStore)).build();
    let message = sample("7.4_read-supply-status-cv1_valid.xml");
    let report = validator.validate(message.as_bytes());
    assert_eq!(errors(&report), vec![Code::CounterUnavailable]);
    assert!(report.findings().iter().any(|f| f.to_string().contains("disk on fire")));
}

#[test]
fn an_execution_date_time_with_a_bad_value_is_present_not_missing() {
    // 8.5 requires the element: a bad value is a bad value, not a missing element.
    let dated = sample("8.5_service-opt-out-dated_valid.xml");
    for bad in ["garbage", "2030-02-30T00:00:00Z", ""] {
        let message = dated.replace("2030-01-15T00:00:00Z", bad);
        let report = Validator::new().validate(message.as_bytes());
        assert_eq!(errors(&report), vec![Code::SchemaBadValue], "{bad:?}: {:?}", report.findings());
    }
    // 7.4 cannot be future dated: the element is refused by its own code, whatever its value.
    let read = sample("7.4_read-supply-status-cv1_valid.xml");
    for value in ["2030-01-15T00:00:00Z", "garbage"] {
        let message = read.replace(
            "<sr:ReadSupplyStatus/>",
            &format!("<sr:ReadSupplyStatus><sr:ExecutionDateTime>{value}</sr:ExecutionDateTime></sr:ReadSupplyStatus>"),
        );
        assert!(message.contains("ExecutionDateTime"), "the sample's body element changed");
        let report = Validator::new().validate(message.as_bytes());
        assert_eq!(
            errors(&report),
            vec![Code::RequestExecutionDateTimeNotAllowed],
            "{value:?}: {:?}",
            report.findings()
        );
    }
}

#[test]
fn a_counter_beyond_u64_leaves_the_rules_on_who_sends_to_whom_running() {
    // 7.4 aimed at the DCC, its counter one past u64: both faults are named.
    let dcc = "90-B3-D5-1F-30-00-00-02";
    let message = sample("7.4_read-supply-status-cv1_valid.xml").replace(
        "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000",
        &format!("{SUPPLIER}:{dcc}:18446744073709551616"),
    );
    let report = Validator::new().validate(message.as_bytes());
    assert_eq!(codes(&report), [Code::RequestCounterOverflow, Code::RequestTargetIsDcc], "{:?}", report.findings());
    assert!(report.request().unwrap().request_id.is_none());
    // Eligibility runs on the originator all the same.
    let overflowed = sample("7.4_read-supply-status-cv1_valid.xml")
        .replace(":1000</sr:RequestID>", ":99999999999999999999</sr:RequestID>");
    let other_user = Validator::builder().parties(supplier_as(&[UserRole::OtherUser])).build();
    let report = other_user.validate(overflowed.as_bytes());
    assert!(codes(&report).contains(&Code::RequestCounterOverflow), "{:?}", report.findings());
    assert!(codes(&report).contains(&Code::EligibilityRole), "{:?}", report.findings());
    // Any number of digits beyond u64 is the same overflow, named in place of the pattern's
    // failure, and its finding does not copy a huge counter whole.
    let long = format!("{SUPPLIER}:{dcc}:1{}", "0".repeat(100_000));
    let message = sample("7.4_read-supply-status-cv1_valid.xml")
        .replace("90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000", &long);
    let report = Validator::new().validate(message.as_bytes());
    assert_eq!(codes(&report), [Code::RequestCounterOverflow, Code::RequestTargetIsDcc], "{:?}", report.findings());
    let detail = report.findings()[0].detail.to_string();
    assert!(detail.contains("(100001 digits)") && detail.len() < 100, "{detail}");
}

#[test]
fn a_registry_that_lists_the_dcc_does_not_make_the_dcc_a_user_target() {
    let dcc = "90-B3-D5-1F-30-00-00-02";
    let message =
        sample("7.4_read-supply-status-cv1_valid.xml").replace(":00-DB-12-34-56-78-90-A0:", &format!(":{dcc}:"));
    let mut parties = supplier_as(&[UserRole::ImportSupplier]);
    parties.insert(dcc.parse().unwrap(), RoleSet::of(&[UserRole::OtherUser]));
    let report = Validator::builder().parties(parties).build().validate(message.as_bytes());
    assert_eq!(errors(&report), [Code::RequestTargetIsDcc], "{:?}", report.findings());
}

#[test]
fn a_body_of_another_srv_is_underlined_by_its_whole_name() {
    // The caret covers `<` and the qualified name, whatever the prefix's length.
    let message = sample("7.4_read-supply-status-cv1_valid.xml").replace(
        "<sr:ReadSupplyStatus/>",
        "<verylongprefix:ArmSupply xmlns:verylongprefix=\"http://www.dccinterface.co.uk/ServiceUserGateway\"/>",
    );
    let report = Validator::new().validate(message.as_bytes());
    let finding = report.findings().iter().find(|f| f.code == Code::RequestBodyMismatch).expect("body-mismatch");
    assert_eq!(&message[finding.span.start..finding.span.end], "<verylongprefix:ArmSupply");
}
