//! `counter.*`: replay protection (DUIS-FACTS §12). Per originator, the RequestID counter
//! must be strictly greater than the last one accepted. Runs last, only for a message with no
//! error so far, and only when a [`CounterStore`] is configured; a rejected message never
//! advances the counter.

use crate::counter::{Advance, CounterStore};
use crate::message::RequestFacts;
use crate::report::{Code, Detail, Findings, Severity};

/// Asks the store to accept the request's counter.
pub(crate) fn check(facts: &RequestFacts<'_>, store: &dyn CounterStore, findings: &mut Findings) {
    let Some(id) = &facts.request_id else { return };
    if findings.list().iter().any(|f| f.severity == Severity::Error) {
        return;
    }
    let (originator, counter) = (id.value.originator, id.value.counter);
    match store.advance(originator, counter) {
        Ok(Advance::Accepted) => {}
        Ok(Advance::Replayed { last }) => {
            findings.push(Code::CounterReplay, id.span, Detail::Replay { party: originator, counter, last })
        }
        Err(error) => findings.push(Code::CounterUnavailable, id.span, Detail::Parser(error.message)),
    }
}
