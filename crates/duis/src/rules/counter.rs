//! `counter.*`: replay protection (DUIS-FACTS §12). Per originator, the RequestID counter
//! must be strictly greater than the last one accepted: among Service Requests, and apart
//! from them among Signed Pre-Commands, which repeat the counter of the CV 4 request they
//! answer. Runs last, only for a message with no error so far, and only when a
//! [`CounterStore`] is configured; a rejected message never advances the counter.

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
    let signed_pre_command = facts.is_signed_pre_command();
    let outcome = if signed_pre_command {
        store.advance_signed_pre_command(originator, counter)
    } else {
        store.advance(originator, counter)
    };
    match outcome {
        Ok(Advance::Accepted) => {}
        Ok(Advance::Replayed { last }) if signed_pre_command => findings.push(
            Code::CounterReplay,
            id.span,
            Detail::SignedPreCommandReplay { party: originator, counter, last },
        ),
        Ok(Advance::Replayed { last }) => {
            findings.push(Code::CounterReplay, id.span, Detail::Replay { party: originator, counter, last })
        }
        Err(error) => findings.push(Code::CounterUnavailable, id.span, Detail::Parser(error.message)),
    }
}
