#!/usr/bin/env bash
# Time and peak memory (RSS) of the release `duis-check` on each class of hostile input, and on
# the largest legitimate DUIS message (an 11.1 Update Firmware request of about 15 MB).
#
#   scripts/hostile-rss.sh            # builds the release binary, prints a table, checks bounds
#
# Bounds checked (README "Limits and hostile input"):
#   hostile inputs:  peak RSS <= 5 x the input limit (32 MiB) = 160 MiB
#   largest message: peak RSS <= 1.5 x its size, the process included (the issue 8 target)
# Inputs are generated in a temporary folder (the firmware image is random) and deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/time ]]; then
  (apt-get update -qq && apt-get install -y -qq time >/dev/null) || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }
fi
cargo build --release --locked --quiet -p duis-check
bin="${CARGO_TARGET_DIR:-target}/release/duis-check"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

MIB=$((1024 * 1024))
LIMIT=$((32 * MIB))
# The process itself (binary, allocator, stacks) is about 4 MiB; twice that for slack.
BASE=$((8 * MIB))
# Input, plus copies of text nodes made by the schema and fact passes (see README): at most
# about four times the input on top of it.
HOSTILE_BOUND_KB=$((5 * LIMIT / 1024))
failures=0

# ---- inputs -------------------------------------------------------------------------------
# `yes | head` ends `yes` with SIGPIPE: no pipefail while generating.
set +o pipefail
{
  printf '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
  prev=lol
  for i in 1 2 3 4 5 6 7 8 9; do
    printf '<!ENTITY lol%s "%s">' "$i" "$(for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$prev"; done)"
    prev="lol$i"
  done
  printf ']>\n<lolz>&lol9;</lolz>\n'
} >"$tmp/billion-laughs.xml"
printf '<!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r/>' >"$tmp/doctype-system.xml"
printf '<!DOCTYPE r PUBLIC "-//X//DTD R//EN" "http://example.invalid/r.dtd"><r/>' >"$tmp/doctype-public.xml"
printf '<!DOCTYPE r [<!ENTITY %% p SYSTEM "http://example.invalid/p.dtd"> %%p;]><r/>' >"$tmp/doctype-parameter.xml"
{ printf '<!DOCTYPE r ['; yes '<!ENTITY e "0123456789">' | head -n 1000000 | tr -d '\n'; printf ']><r/>'; } >"$tmp/doctype-25mb-subset.xml"
yes '<a>' | head -n 1000000 | tr -d '\n' >"$tmp/deep-1e6.xml"
{ printf '<r>'; yes '<a/>' | head -n 1000000 | tr -d '\n'; printf '</r>'; } >"$tmp/siblings-1e6.xml"
{ printf '<r'; seq 0 999999 | sed 's/.*/ a&="v"/' | tr -d '\n'; printf '/>'; } >"$tmp/attributes-1e6.xml"
{ printf '<r a="'; head -c 10000000 /dev/zero | tr '\0' x; printf '"/>'; } >"$tmp/attribute-10mb.xml"
{ printf '<r a="'; head -c 20000000 /dev/zero | tr '\0' x; printf '"/>'; } >"$tmp/attribute-20mb.xml"
{ printf '<r>'; head -c 100000000 /dev/zero | tr '\0' x; printf '</r>'; } >"$tmp/text-100mb.xml"
{ printf '<r>'; head -c $((LIMIT - 7)) /dev/zero | tr '\0' x; printf '</r>'; } >"$tmp/text-32mib-one-node.xml"
half=$((LIMIT / 2 - 11))
{ printf '<r><a>'; head -c $half /dev/zero | tr '\0' x; printf '</a><a>'; head -c $half /dev/zero | tr '\0' x; printf '</a></r>'; } >"$tmp/texts-2x16mib.xml"
{ printf '<r>'; head -c $((LIMIT - 7)) /dev/zero; printf '</r>'; } >"$tmp/nul-32mib.xml"
{ printf '<r>'; head -c $((LIMIT - 8)) /dev/zero | tr '\0' x; printf '\xff</r>'; } >"$tmp/bad-utf8-at-end-32mib.xml"
printf '<r a="\xed\xa0\x80"/>' >"$tmp/surrogate.xml"
msg=testdata/valid/7.4_read-supply-status-cv1_valid.xml
head -c $(($(wc -c <"$msg") / 2)) "$msg" >"$tmp/truncated.xml"

# A DUIS request whose RequestID and CommandVariant each hold 16 MiB - 1 of carriage returns:
# both within the text limit, 32 MiB in all. The worst case for the schema pass's copies.
{
  printf '<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4"><sr:Header><sr:RequestID>'
  head -c $((16 * MIB - 1)) /dev/zero | tr '\0' '\r'
  printf '</sr:RequestID><sr:CommandVariant>'
  head -c $((16 * MIB - 200)) /dev/zero | tr '\0' '\r'
  printf '</sr:CommandVariant></sr:Header></sr:Request>'
} >"$tmp/cr-texts-32mib.xml"

# The largest legitimate message: FirmwareImage of 10,240,000 octets (13,653,336 base64
# characters), DeviceIDList of 50,000 EUI-64s (1,199,999 characters), signed with the test key.
# $1: how the base64 is written: one line, 76-character lines with LF, or with CRLF.
firmware() {
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4">\n'
  printf '  <sr:Header>\n    <sr:RequestID>90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:4242</sr:RequestID>\n'
  printf '    <sr:CommandVariant>8</sr:CommandVariant>\n    <sr:ServiceReference>11.1</sr:ServiceReference>\n'
  printf '    <sr:ServiceReferenceVariant>11.1</sr:ServiceReferenceVariant>\n  </sr:Header>\n'
  printf '  <sr:Body>\n    <sr:UpdateFirmware>\n      <sr:FirmwareImage>'
  case $1 in
    line) head -c 10240000 /dev/urandom | base64 -w0 ;;
    lf) head -c 10240000 /dev/urandom | base64 -w76 | head -c -1 ;;
    crlf) head -c 10240000 /dev/urandom | base64 -w76 | sed 's/$/\r/' | head -c -2 ;;
  esac
  printf '</sr:FirmwareImage>\n      <sr:FirmwareVersion>01020304</sr:FirmwareVersion>\n      <sr:DeviceIDList>'
  seq 0 49999 | awk '{ printf "%s00-DB-12-34-00-%02X-%02X-%02X", (NR > 1 ? "," : ""), int($1 / 65536) % 256, int($1 / 256) % 256, $1 % 256 }'
  printf '</sr:DeviceIDList>\n    </sr:UpdateFirmware>\n  </sr:Body>\n</sr:Request>\n'
}
for wrap in line lf crlf; do
  firmware "$wrap" >"$tmp/firmware-unsigned.xml"
  "$bin" sign --key testdata/pki/user-xml-sign.key --cert testdata/pki/user-xml-sign.pem \
    --out "$tmp/firmware-$wrap.xml" "$tmp/firmware-unsigned.xml"
done
set -o pipefail

# ---- measurement --------------------------------------------------------------------------
printf '%-28s %12s %6s %-22s %8s %10s %s\n' case bytes exit code seconds "peak RSS" bound
row() { # name bytes exit code seconds kb bound_kb
  local verdict=ok
  if (($6 > $7)); then verdict="OVER ($(($7 / 1024)) MiB)"; failures=$((failures + 1)); fi
  printf '%-28s %12s %6s %-22s %8s %7d MiB %s\n' "$1" "$2" "$3" "$4" "$5" "$(($6 / 1024))" "$verdict"
}
first_code() { sed -n 's/.*"findings":\[{"code":"\([^"]*\)".*/\1/p' "$1" | head -n 1; }

measure() { # name expected-code file [bound_kb] [extra args...]
  local name=$1 expect=$2 file=$3 bound=${4:-$HOSTILE_BOUND_KB}
  shift 4 || shift $#
  local status=0
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" --format json "$@" "$file" >"$tmp/out" 2>"$tmp/err" || status=$?
  local code
  code="$(first_code "$tmp/out")"
  [[ -n $code ]] || code=-
  read -r secs kb < <(tail -n 1 "$tmp/time")
  if [[ $code != "$expect" ]]; then
    echo "$name: expected $expect, got $code (exit $status)"
    failures=$((failures + 1))
  fi
  row "$name" "$(wc -c <"$file")" "$status" "$code" "$secs" "$kb" "$bound"
}

measure billion-laughs xml.doctype "$tmp/billion-laughs.xml"
measure doctype-system xml.doctype "$tmp/doctype-system.xml"
measure doctype-public xml.doctype "$tmp/doctype-public.xml"
measure doctype-parameter xml.doctype "$tmp/doctype-parameter.xml"
measure doctype-25mb-subset xml.doctype "$tmp/doctype-25mb-subset.xml"
measure deep-1e6 limit.depth "$tmp/deep-1e6.xml"
measure siblings-1e6 limit.elements "$tmp/siblings-1e6.xml"
measure attributes-1e6 limit.attributes "$tmp/attributes-1e6.xml"
measure attribute-10mb limit.attribute-length "$tmp/attribute-10mb.xml"
measure attribute-20mb limit.attribute-length "$tmp/attribute-20mb.xml"
measure text-100mb limit.input-size "$tmp/text-100mb.xml"
measure text-32mib-one-node limit.text-length "$tmp/text-32mib-one-node.xml"
measure texts-2x16mib schema.unknown-root "$tmp/texts-2x16mib.xml"
measure cr-texts-32mib schema.bad-value "$tmp/cr-texts-32mib.xml"
measure nul-32mib xml.invalid-char "$tmp/nul-32mib.xml"
measure bad-utf8-at-end-32mib xml.not-utf8 "$tmp/bad-utf8-at-end-32mib.xml"
measure surrogate xml.not-utf8 "$tmp/surrogate.xml"
measure truncated xml.unclosed "$tmp/truncated.xml"

# 1 GiB on stdin, generated on the fly: the binary reads one byte past its limit and exits.
status=0
{ printf '<r>'; head -c $((1024 * MIB)) /dev/zero | tr '\0' x; } 2>/dev/null |
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" --format json - >"$tmp/out" 2>"$tmp/err" || status=$?
status=${PIPESTATUS[1]:-$status}
read -r secs kb < <(tail -n 1 "$tmp/time")
code="$(first_code "$tmp/out")"
[[ $code == limit.input-size ]] || { echo "stdin-1gib: expected limit.input-size, got $code"; failures=$((failures + 1)); }
row stdin-1gib $((1024 * MIB)) "$status" "$code" "$secs" "$kb" "$HOSTILE_BOUND_KB"

# The largest legitimate message: valid, with and without verifying its signature.
for wrap in line lf crlf; do
  file="$tmp/firmware-$wrap.xml"
  size=$(wc -c <"$file")
  bound=$((size * 3 / 2 / 1024))
  for mode in profile verified; do
    args=()
    [[ $mode == verified ]] && args=(--trust testdata/pki --now 2026-01-01T00:00:00Z)
    status=0
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" --format json "${args[@]}" "$file" >"$tmp/out" 2>"$tmp/err" ||
      status=$?
    read -r secs kb < <(tail -n 1 "$tmp/time")
    if [[ $status != 0 ]] || ! grep -q '"valid":true' "$tmp/out"; then
      echo "firmware-$wrap ($mode): expected valid, got exit $status: $(head -c 400 "$tmp/out") $(cat "$tmp/err")"
      failures=$((failures + 1))
    fi
    code="$(first_code "$tmp/out")"
    row "firmware-$wrap-$mode" "$size" "$status" "${code:--}" "$secs" "$kb" "$bound"
  done
done

echo
echo "bounds: hostile <= 5 x input limit = $((HOSTILE_BOUND_KB / 1024)) MiB;" \
  "largest message <= 1.5 x its size"
if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all within bounds"
