//! `gbcs`: arbitrary bytes through the GBCS APDU parser, and as text through the base64
//! decoder. Beyond "no panic": an accepted APDU must account for every input byte, a rejected one
//! must point inside the input, and base64 written with white space must decode back to the
//! bytes.

#![no_main]

use duis::internal::{GbcsParseErrorKind, GbcsSignature, decode_gbcs_base64, parse_gbcs};
use libfuzzer_sys::fuzz_target;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with a line break every 76 characters, as XML tools write it.
fn encode_wrapped(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut column = 0;
    let mut push = |c: char, out: &mut String| {
        if column == 76 {
            out.push_str("\r\n");
            column = 0;
        }
        out.push(c);
        column += 1;
    };
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 0x3F) as usize]), &mut out);
            } else {
                push('=', &mut out);
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    match parse_gbcs(data) {
        Ok(apdu) => {
            let _ = format!("{apdu:?}");
            assert_eq!(apdu.bytes(), data);
            assert_eq!(data.first(), Some(&0xDF));
            assert_eq!(&data[apdu.content_offset..apdu.content_end()], apdu.content);
            assert_eq!(apdu.signed_bytes(), &data[1..apdu.content_end()]);
            assert!(apdu.other_information.len() >= 2);
            let trailer = match apdu.signature {
                GbcsSignature::Signed(signature) => {
                    assert_eq!(&data[apdu.content_end() + 1..], &signature[..]);
                    65
                }
                GbcsSignature::Zero => 1,
                GbcsSignature::Absent => 0,
            };
            assert_eq!(data.len(), apdu.content_end() + trailer);
        }
        Err(error) => {
            let _ = error.to_string();
            assert!(error.offset <= data.len(), "{error:?}");
            if let GbcsParseErrorKind::Truncated { available, .. } = error.kind {
                assert_eq!(error.offset + available, data.len(), "{error:?}");
            }
        }
    }

    // The decoder round-trips what a writer produces, and respects its bound.
    let text = encode_wrapped(data);
    assert_eq!(decode_gbcs_base64(&text, data.len()).as_deref(), Ok(data));
    if !data.is_empty() {
        assert!(decode_gbcs_base64(&text, data.len() - 1).is_err());
    }
    // The input as text: any outcome but a panic, and never more than the bound.
    if let Ok(text) = std::str::from_utf8(data) {
        match decode_gbcs_base64(text, 64) {
            Ok(bytes) => assert!(bytes.len() <= 64),
            Err(error) => {
                let _ = error.to_string();
            }
        }
    }
});
