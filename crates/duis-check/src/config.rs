//! Loading what the validator is configured with from files: the party registry
//! (`--parties`), the counter store (`--counters`) and the issued Pre-Command
//! (`--pre-command`).

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use duis::catalogue::UserRole;
use duis::{Eui64, Parties, RoleSet};

/// The most bytes read from a configuration file (`--parties`, `--trust`, `--schema`,
/// `--pre-command`, `sign --key` and `--cert`): each is small by nature (the DUIS 5.4 XSD is
/// 0.3 MB, a certificate 1 kB), and a device or a pipe given by mistake must not fill memory.
pub(crate) const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a file of at most `max` bytes; a larger one is an error naming the option (`what`).
pub(crate) fn read_bounded(path: &Path, what: &str, max: u64) -> anyhow::Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("{what} {}: cannot open", path.display()))?;
    read_to_bound(file, &format!("{what} {}", path.display()), max)
}

/// Reads `reader` to its end, refusing more than `max` bytes (one byte past it is read to know);
/// `label` names it in errors.
pub(crate) fn read_to_bound(reader: impl std::io::Read, label: &str, max: u64) -> anyhow::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes).with_context(|| format!("{label}: cannot read"))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max {
        bail!("{label}: larger than {max} bytes");
    }
    Ok(bytes)
}

/// [`read_bounded`] to [`MAX_CONFIG_BYTES`], as UTF-8 text.
pub(crate) fn read_config_text(path: &Path, what: &str) -> anyhow::Result<String> {
    let bytes = read_bounded(path, what, MAX_CONFIG_BYTES)?;
    String::from_utf8(bytes).with_context(|| format!("{what} {}: not UTF-8", path.display()))
}

/// Reads a party registry: a JSON object (`.json`) or a TOML table (anything else) mapping
/// each party's EUI-64 to the User Roles it holds, e.g.
/// `"90-B3-D5-1F-30-01-00-00" = ["IS", "GS"]`. See `testdata/parties.toml`.
/// `text` as an error message quotes it: at most 200 characters, then `…`. A configuration
/// file's fault is named, not copied (a 10 MB key would be 10 MB on stderr).
fn cut(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
        None => text.to_owned(),
    }
}

pub(crate) fn load_parties(path: &Path) -> anyhow::Result<Parties> {
    let text = read_config_text(path, "--parties")?;
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let entries: Vec<(String, Vec<String>)> = if is_json {
        // Editors on Windows save JSON with a byte-order mark; TOML's parser takes one already.
        let JsonEntries(object) = serde_json::from_str(text.strip_prefix('\u{FEFF}').unwrap_or(&text))
            .with_context(|| format!("--parties {}: not a JSON object of User Role lists", path.display()))?;
        object.iter().map(|(k, v)| (k.clone(), strings(v.as_array().map(|a| a.iter().map(|s| s.as_str()))))).collect()
    } else {
        // The TOML parser quotes the offending line, which may be megabytes long: cut it.
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            anyhow::anyhow!("--parties {}: not TOML: {}", path.display(), cut(&e.to_string()))
        })?;
        table.iter().map(|(k, v)| (k.clone(), strings(v.as_array().map(|a| a.iter().map(|s| s.as_str()))))).collect()
    };
    let mut parties = Parties::new();
    for (eui, roles) in entries {
        let party: Eui64 =
            eui.parse().with_context(|| format!("--parties {}: party {:?}", path.display(), cut(&eui)))?;
        // One entry per party: two (`"90-b3-…"` and `"90-B3-…"` say, which name one EUI-64)
        // leave it unclear which roles it holds.
        if duis::PartyRegistry::roles(&parties, party).is_some() {
            bail!("--parties {}: party {party} is named twice", path.display());
        }
        let mut set = RoleSet::default();
        for role in &roles {
            let Some(role) = UserRole::from_code(role) else {
                bail!(
                    "--parties {}: party {eui}: unknown User Role {:?} (IS, ES, GS, RSA, ED, GT, OU, or LC for a load controller)",
                    path.display(),
                    cut(role)
                );
            };
            set = set.with(role);
        }
        if roles.is_empty() {
            bail!("--parties {}: party {eui}: expected a list of User Roles, e.g. [\"IS\", \"GS\"]", path.display());
        }
        parties.insert(party, set);
    }
    Ok(parties)
}

/// The members of a JSON object in document order, duplicates kept (a `serde_json::Value`
/// keeps only the last of two equal keys).
struct JsonEntries(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for JsonEntries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<JsonEntries, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = JsonEntries;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<JsonEntries, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, serde_json::Value>()? {
                    members.push(member);
                }
                Ok(JsonEntries(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// The strings of an array value; a non-array or a non-string item gives an empty list (which
/// the caller reports).
fn strings<'v>(items: Option<impl Iterator<Item = Option<&'v str>>>) -> Vec<String> {
    let Some(items) = items else { return Vec::new() };
    let collected: Option<Vec<String>> = items.map(|s| s.map(str::to_owned)).collect();
    collected.unwrap_or_default()
}

/// Opens (or creates) the persistent counter store.
pub(crate) fn open_counters(path: &Path) -> anyhow::Result<Arc<dyn duis::CounterStore>> {
    // A store that starts from nothing protects against no earlier replay: a mistyped path or
    // a lost CI cache should not go unnoticed.
    let fresh = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
    let store = duis_store::FileCounters::open(path).with_context(|| format!("--counters {}", path.display()))?;
    if fresh {
        crate::note(format_args!(
            "duis-check: note: --counters {}: a new, empty counter store (no earlier request is known)",
            crate::output::printable(&path.display().to_string())
        ));
    }
    Ok(Arc::new(store))
}

/// Reads the Pre-Command the DCC issued: hex text (white space allowed, as the DCC's tools and
/// the RTDS vectors write it) or the raw APDU bytes.
pub(crate) fn load_pre_command(path: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = read_bounded(path, "--pre-command", MAX_CONFIG_BYTES)?;
    // A raw Pre-Command starts with the General Signing tag, which is not a hex digit; anything
    // else must be hex, or the comparison would fail every message for a mistyped file.
    if bytes.first() == Some(&0xDF) {
        return Ok(bytes);
    }
    // Hex text as an editor saves it may start with a UTF-8 byte-order mark.
    let hex_text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text: Vec<u8> = hex_text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    if let Some(at) = text.iter().position(|b| !b.is_ascii_hexdigit()) {
        anyhow::bail!(
            "--pre-command {}: neither a raw Pre-Command (starting with the byte DF) nor hex digits (found byte \
             {:#04x} after {at} hex digits)",
            path.display(),
            text.get(at).copied().unwrap_or_default()
        );
    }
    anyhow::ensure!(!text.is_empty(), "--pre-command {}: empty", path.display());
    anyhow::ensure!(text.len().is_multiple_of(2), "--pre-command {}: an odd number of hex digits", path.display());
    let hex = |b: u8| char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok()).unwrap_or(0);
    Ok(text.chunks(2).map(|pair| (hex(pair[0]) << 4) | hex(pair[1])).collect())
}
