#!/usr/bin/env bash
#
# Refreshes the engine's bundled domain data from maintained upstream sources; nothing here is edited by hand.
#
# psl: the Public Suffix List, from the publicsuffix/list repository (https://github.com/publicsuffix/list):
#   engine/src/main/resources/io/leadmatch/engine/domain/public_suffix_list.dat      (upstream file, unmodified)
#   engine/src/main/resources/io/leadmatch/engine/domain/public_suffix_list.version  (commit and its date)
#   engine/src/main/resources/io/leadmatch/engine/domain/PSL-ATTRIBUTION.txt         (generated)
#   engine/src/test/resources/io/leadmatch/engine/domain/psl-tests.txt               (upstream tests/test_psl.txt)
#   engine/src/test/resources/io/leadmatch/engine/domain/PSL-TESTS-ATTRIBUTION.txt   (generated)
# The list is taken from a shallow git clone of PSL_REPO (default: the GitHub repository; a local clone or mirror
# works too) at PSL_REF (default: its default branch). The date leadmatch reports for the list is the date of that
# commit (the repository copy has no VERSION header; copies downloaded from publicsuffix.org do, and a
# matching.psl_file with one reports that). A release must ship a list at most six months old.
#
# mailboxes: the two mailbox-provider lists, from their npm packages:
#   engine/src/main/resources/io/leadmatch/engine/domain/free-email-domains.txt
#   engine/src/main/resources/io/leadmatch/engine/domain/disposable-email-domains.txt
#   engine/src/main/resources/io/leadmatch/engine/domain/LISTS-ATTRIBUTION.md   (generated: do not edit by hand)
#
# Only the npm registry is used (npm view / npm pack); node (which npm needs anyway) does the parsing and the
# IDN-to-punycode conversion. Each entry is trimmed, lowercased, stripped of one trailing dot, converted to
# punycode when it is an IDN, validated as an LDH domain name of at least two labels, deduplicated and sorted in
# byte order. Entries that are not domain names are dropped and listed. The packages' licenses are checked
# against an allow-list of licenses that permit redistribution, and their license texts are copied into the
# attribution file.
#
# Curated lists beside them, maintained in this repository (each file names its sources in its header, and the
# engine tests check their form): major-email-providers.txt (always free, even when an account claims one),
# relay-email-domains.txt (relay and privacy addresses: free) and hosting-platforms.txt (tenant subdomains and
# page paths of platforms outside the Public Suffix List). Review them at each refresh: the script prints the
# platforms of the curated file that the refreshed Public Suffix List now carries (then drop them there).
#
# Usage: scripts/refresh-domain-lists.sh [all|psl|mailboxes]     (default: all)
#        PSL_REPO=/path/to/list/clone PSL_REF=main scripts/refresh-domain-lists.sh psl
# To pin a mailbox source, change its version range in FREE_SOURCES / DISPOSABLE_SOURCES below (default: latest).
#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="$ROOT/engine/src/main/resources/io/leadmatch/engine/domain"

# name@range|file inside the package|format (json = array of strings or object keyed by domain, text = lines)
FREE_SOURCES=(
  "free-email-domains@latest|domains.json|json"
  "email-providers@latest|all.json|json"
)
DISPOSABLE_SOURCES=(
  "disposable-domains@latest|index.json|json"
  "disposable-email-domains-js@latest|dist/dict/disposable_email_blocklist.json|json"
  "fakefilter@latest|json/data.json|json"
)
# SPDX identifiers whose terms allow us to redistribute the data inside our jar.
ALLOWED_LICENSES=" MIT ISC CC0-1.0 BSD-2-Clause BSD-3-Clause Apache-2.0 MPL-2.0 Unlicense 0BSD "
# A broken upstream release (an empty or truncated list) must fail the refresh, not ship.
MIN_FREE=10000
MIN_DISPOSABLE=100000

MODE="${1:-all}"
case "$MODE" in
  all|psl|mailboxes) ;;
  *) echo "usage: scripts/refresh-domain-lists.sh [all|psl|mailboxes]" >&2; exit 2 ;;
esac
TEST_DIR="$ROOT/engine/src/test/resources/io/leadmatch/engine/domain"
PSL_REPO="${PSL_REPO:-https://github.com/publicsuffix/list}"
PSL_REF="${PSL_REF:-}"
# A list with fewer rules is a broken upstream state, not a release to ship.
MIN_PSL_RULES=9000

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

refresh_psl() {
  command -v git >/dev/null || { echo "refresh-domain-lists: git is required" >&2; exit 1; }
  local clone="$WORK/psl" commit date rules sha tests_sha
  git clone --quiet --depth 1 ${PSL_REF:+--branch "$PSL_REF"} "$PSL_REPO" "$clone"
  commit="$(git -C "$clone" log -1 --format=%H)"
  date="$(git -C "$clone" log -1 --format=%cI)"
  [[ -f "$clone/public_suffix_list.dat" && -f "$clone/tests/test_psl.txt" ]] \
    || { echo "refresh-domain-lists: $PSL_REPO has no public_suffix_list.dat or tests/test_psl.txt" >&2; exit 1; }
  grep -q '^// ===BEGIN ICANN DOMAINS===' "$clone/public_suffix_list.dat" \
    || { echo "refresh-domain-lists: public_suffix_list.dat has no ICANN section marker" >&2; exit 1; }
  grep -q '^// ===BEGIN PRIVATE DOMAINS===' "$clone/public_suffix_list.dat" \
    || { echo "refresh-domain-lists: public_suffix_list.dat has no PRIVATE section marker" >&2; exit 1; }
  rules="$(grep -cv -e '^//' -e '^[[:space:]]*$' "$clone/public_suffix_list.dat")"
  (( rules >= MIN_PSL_RULES )) \
    || { echo "refresh-domain-lists: only $rules rules in public_suffix_list.dat (expected $MIN_PSL_RULES+)" >&2; exit 1; }
  cp "$clone/public_suffix_list.dat" "$OUT_DIR/public_suffix_list.dat"
  cp "$clone/tests/test_psl.txt" "$TEST_DIR/psl-tests.txt"
  sha="$(sha256sum "$OUT_DIR/public_suffix_list.dat" | cut -d' ' -f1)"
  tests_sha="$(sha256sum "$TEST_DIR/psl-tests.txt" | cut -d' ' -f1)"
  printf '# Generated by scripts/refresh-domain-lists.sh: the upstream commit public_suffix_list.dat was taken from.\ncommit=%s\ndate=%s\nsource=https://github.com/publicsuffix/list\n' \
    "$commit" "$date" >"$OUT_DIR/public_suffix_list.version"
  cat >"$OUT_DIR/PSL-ATTRIBUTION.txt" <<EOF
public_suffix_list.dat: the Public Suffix List (https://publicsuffix.org/), vendored unmodified.
Generated by scripts/refresh-domain-lists.sh: do not edit by hand.

License:  Mozilla Public License, v. 2.0 (https://mozilla.org/MPL/2.0/). The file keeps its MPL header; it is
          used as data, not modified, and loaded at run time by io.leadmatch.engine.domain.PublicSuffixList.
          Its source form is the upstream repository https://github.com/publicsuffix/list.
Version:  upstream commit $commit of $date
          (public_suffix_list.version beside this file; leadmatch prints that date at start-up and in
          ./leadmatch check). $rules rules, both sections (ICANN and PRIVATE).
SHA-256:  $sha

Updating: run scripts/refresh-domain-lists.sh psl, then the engine tests (the official test vectors,
PublicSuffixListTest, DomainCasesTest). To pick up a newer list without a release, set matching.psl_file to a
copy of https://publicsuffix.org/list/public_suffix_list.dat.
EOF
  cat >"$TEST_DIR/PSL-TESTS-ATTRIBUTION.txt" <<EOF
psl-tests.txt: the Public Suffix List's official test vectors (checkPublicSuffix(input, expected) lines),
vendored unmodified from https://github.com/publicsuffix/list, tests/test_psl.txt, at commit $commit
($date), the same commit as the bundled list. Generated by scripts/refresh-domain-lists.sh.
License: dedicated to the public domain (CC0 1.0), as the file's header says.
SHA-256: $tests_sha
EOF
  echo "public_suffix_list.dat: $rules rules, commit $commit ($date)"
  # Curated platforms that the list now carries are redundant in hosting-platforms.txt.
  local listed
  listed="$(grep -v -e '^#' -e '/' -e '^[[:space:]]*$' "$OUT_DIR/hosting-platforms.txt" | sed 's/^\*\.//' \
    | grep -Fxf - <(grep -v '^//' "$OUT_DIR/public_suffix_list.dat" | sed 's/^\*\.//') || true)"
  [[ -z "$listed" ]] || echo "hosting-platforms.txt: now in the Public Suffix List, drop them there: $listed"
}

if [[ "$MODE" == all || "$MODE" == psl ]]; then
  refresh_psl
fi
if [[ "$MODE" == psl ]]; then
  exit 0
fi

for tool in npm node tar; do
  command -v "$tool" >/dev/null || { echo "refresh-domain-lists: $tool is required" >&2; exit 1; }
done

# Fetches one source; appends a tab-separated manifest line:
# list  name  version  license  published  integrity  repository  extracted-file  format  license-file
fetch() {
  local list="$1" spec="$2" file="$3" format="$4"
  local name="${spec%@*}" range="${spec##*@}"
  local version license published integrity repo pack_json tarball dir license_file
  version="$(npm view "$name@$range" version 2>/dev/null | tail -n 1 | sed -e "s/^.*'\(.*\)'$/\1/")"
  [[ -n "$version" ]] || { echo "refresh-domain-lists: no version of $name matches $range" >&2; exit 1; }
  license="$(npm view "$name@$version" license 2>/dev/null)"
  if [[ "$ALLOWED_LICENSES" != *" $license "* ]]; then
    echo "refresh-domain-lists: $name@$version is licensed '$license', not on the redistribution allow-list" >&2
    exit 1
  fi
  published="$(npm view "$name" time --json 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s)[process.argv[1]];console.log(t?t.slice(0,10):"unknown")})' "$version")"
  repo="$(npm view "$name@$version" repository.url 2>/dev/null | head -n 1)"
  [[ -n "$repo" ]] || repo="$(npm view "$name@$version" repository 2>/dev/null | head -n 1)"
  repo="$(sed -e 's#^git+##' -e 's#^git://#https://#' -e 's#\.git$##' <<<"$repo")"
  [[ "$repo" == http* ]] || repo="https://github.com/$repo"
  dir="$WORK/$name"
  mkdir -p "$dir"
  pack_json="$(cd "$dir" && npm pack "$name@$version" --json 2>/dev/null)"
  tarball="$(node -e 'console.log(JSON.parse(process.argv[1])[0].filename)' "$pack_json")"
  integrity="$(node -e 'console.log(JSON.parse(process.argv[1])[0].integrity)' "$pack_json")"
  tar -xzf "$dir/$tarball" -C "$dir"
  [[ -f "$dir/package/$file" ]] || { echo "refresh-domain-lists: $name@$version has no $file" >&2; exit 1; }
  license_file="$(find "$dir/package" -maxdepth 1 -type f -iname 'licen[cs]e*' | head -n 1)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$list" "$name" "$version" "$license" "$published" \
    "$integrity" "$repo" "$dir/package/$file" "$format" "${license_file:-}" >>"$WORK/manifest.tsv"
  echo "fetched $name@$version ($license, published $published)"
}

for source in "${FREE_SOURCES[@]}"; do
  IFS='|' read -r spec file format <<<"$source"
  fetch free "$spec" "$file" "$format"
done
for source in "${DISPOSABLE_SOURCES[@]}"; do
  IFS='|' read -r spec file format <<<"$source"
  fetch disposable "$spec" "$file" "$format"
done

mkdir -p "$OUT_DIR"
node - "$WORK/manifest.tsv" "$OUT_DIR" "$MIN_FREE" "$MIN_DISPOSABLE" "$(date -u +%Y-%m-%d)" <<'NODE'
const fs = require('fs');
const path = require('path');
const url = require('url');
const [manifestFile, outDir, minFree, minDisposable, today] = process.argv.slice(2);

// Major consumer webmail providers. Some disposable lists carry one of them by mistake (21cn.com is on two);
// a real person's gmail address classified as disposable is the costliest error leadmatch can make, so these
// are removed from the disposable list and always put on the free list.
const NEVER_DISPOSABLE = `
gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.co.jp yahoo.co.in yahoo.fr yahoo.de yahoo.es yahoo.it
yahoo.ca yahoo.com.au yahoo.com.br yahoo.com.mx ymail.com rocketmail.com outlook.com outlook.fr outlook.de
outlook.es outlook.it hotmail.com hotmail.co.uk hotmail.fr hotmail.de hotmail.es hotmail.it live.com live.co.uk
live.fr live.de msn.com aol.com aim.com icloud.com me.com mac.com protonmail.com protonmail.ch proton.me pm.me
tutanota.com tutanota.de tuta.io tuta.com fastmail.com fastmail.fm hey.com mailbox.org posteo.de zoho.com
zohomail.com gmx.de gmx.net gmx.at gmx.ch gmx.com gmx.fr gmx.co.uk web.de t-online.de freenet.de arcor.de
yandex.ru yandex.com yandex.ua yandex.by yandex.kz ya.ru mail.ru bk.ru inbox.ru list.ru internet.ru rambler.ru
qq.com foxmail.com 163.com 126.com yeah.net sina.com sina.cn sohu.com 21cn.com 139.com aliyun.com naver.com
daum.net hanmail.net nate.com rediffmail.com laposte.net orange.fr wanadoo.fr free.fr sfr.fr libero.it
virgilio.it tiscali.it alice.it seznam.cz centrum.cz wp.pl o2.pl onet.pl interia.pl abv.bg ukr.net
bigpond.com comcast.net verizon.net att.net sbcglobal.net cox.net charter.net btinternet.com sky.com
virginmedia.com shaw.ca rogers.com uol.com.br bol.com.br terra.com.br
`.split(/\s+/).filter(Boolean);
// Spot checks: a release that lost these is broken.
const MUST_BE_FREE = ['gmail.com', 'yahoo.co.uk', 'outlook.com', 'gmx.de', 'qq.com'];
const MUST_BE_DISPOSABLE = ['mailinator.com', 'guerrillamail.com', '10minutemail.com', 'temp-mail.org'];

// Same rules as DomainSet: labels of 1..63 letters, digits and hyphens (hyphen placement is not checked, as the
// normalizer does not check it in hosts), at least two labels, at most 253 characters, and a last label that is
// not all digits (no IP addresses).
const LABEL = '[a-z0-9-]{1,63}';
const DOMAIN = new RegExp(`^(?:${LABEL}\\.)+${LABEL}$`);
// Names reserved for documentation and testing (RFC 2606, RFC 6761) and special-use TLDs: nobody has a mailbox
// there, and a lead using one is junk, which routing.yaml's junk domains decide, not these lists.
const RESERVED = /(^|\.)(example\.com|example\.net|example\.org|example|test|invalid|localhost|local|onion)$/;
function normalize(raw) {
  let d = String(raw).trim().toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  let idn = false;
  if (/[^\x00-\x7f]/.test(d)) {
    idn = true;
    d = url.domainToASCII(d); // UTS #46 processing; '' when the name is not a valid IDN
  }
  const valid = d.length > 0 && d.length <= 253 && DOMAIN.test(d) && !/^[0-9]+$/.test(d.slice(d.lastIndexOf('.') + 1));
  return { domain: valid ? d : null, idn };
}

function readEntries(file, format) {
  const text = fs.readFileSync(file, 'utf8');
  if (format === 'json') {
    const json = JSON.parse(text);
    return Array.isArray(json) ? json : Object.keys(json.domains || json);
  }
  return text.split(/\r?\n/).map((l) => l.replace(/#.*/, '')).filter((l) => l.trim() !== '');
}

const sources = fs.readFileSync(manifestFile, 'utf8').trim().split('\n').map((line) => {
  const [list, name, version, license, published, integrity, repo, file, format, licenseFile] = line.split('\t');
  return { list, name, version, license, published, integrity, repo, file, format, licenseFile };
});

const lists = { free: new Set(), disposable: new Set() };
for (const s of sources) {
  const entries = readEntries(s.file, s.format);
  const kept = new Set();
  s.raw = entries.length;
  s.idn = 0;
  s.dropped = [];
  s.reserved = [];
  for (const e of entries) {
    const { domain, idn } = normalize(e);
    if (domain === null) {
      s.dropped.push(String(e));
      continue;
    }
    if (RESERVED.test(domain)) {
      s.reserved.push(domain);
      continue;
    }
    if (idn) s.idn++;
    kept.add(domain);
  }
  s.kept = kept.size;
  for (const d of kept) lists[s.list].add(d);
  console.log(`${s.list}: ${s.name}@${s.version}: ${s.raw} entries, ${s.kept} unique valid domains, ` +
    `${s.idn} IDN converted to punycode, ${s.dropped.length} dropped, ${s.reserved.length} reserved names dropped`);
  for (const d of s.dropped) console.log(`  dropped (not a domain name): ${JSON.stringify(d)}`);
  for (const d of s.reserved) console.log(`  dropped (reserved name): ${d}`);
}

const removedFromDisposable = NEVER_DISPOSABLE.filter((d) => lists.disposable.delete(d));
const addedToFree = NEVER_DISPOSABLE.filter((d) => !lists.free.has(d));
for (const d of NEVER_DISPOSABLE) lists.free.add(d);
const free = [...lists.free].sort();
const disposable = [...lists.disposable].sort();
const overlap = free.filter((d) => lists.disposable.has(d)).length;

const problems = [];
if (free.length < Number(minFree)) problems.push(`free list has ${free.length} domains, expected at least ${minFree}`);
if (disposable.length < Number(minDisposable)) problems.push(`disposable list has ${disposable.length} domains, expected at least ${minDisposable}`);
for (const d of MUST_BE_FREE) if (!lists.free.has(d)) problems.push(`${d} is missing from the free list`);
for (const d of MUST_BE_DISPOSABLE) if (!lists.disposable.has(d)) problems.push(`${d} is missing from the disposable list`);
if (problems.length) {
  for (const p of problems) console.error(`refresh-domain-lists: ${p}`);
  process.exit(1);
}

const describe = (list) => sources.filter((s) => s.list === list).map((s) => `${s.name}@${s.version} (${s.license})`).join(', ');
function writeList(fileName, title, domains, list) {
  const header = [
    `# ${title}`,
    '# One lowercase ASCII domain per line; a listed domain also covers its subdomains.',
    `# Generated ${today} by scripts/refresh-domain-lists.sh from ${describe(list)}.`,
    '# Sources, licenses and policies: LISTS-ATTRIBUTION.md. Do not edit by hand: rerun the script.',
    `# ${domains.length} domains`,
  ];
  fs.writeFileSync(path.join(outDir, fileName), header.join('\n') + '\n' + domains.join('\n') + '\n');
}
writeList('free-email-domains.txt', 'leadmatch free-webmail domains: an address here never matches an account by domain', free, 'free');
writeList('disposable-email-domains.txt', 'leadmatch disposable (throwaway) mailbox domains', disposable, 'disposable');

const row = (s) => `| ${s.list} | [\`${s.name}\`](https://www.npmjs.com/package/${s.name}) | ${s.version} | ${s.published} | ${s.license} | ${s.repo} | ${s.raw} | ${s.kept} | ${s.idn} | ${s.dropped.length + s.reserved.length} |`;
const md = [];
md.push('# Bundled mailbox-provider lists: sources and attribution');
md.push('');
md.push('Generated by `scripts/refresh-domain-lists.sh` (only the npm registry is used). Do not edit by hand: change');
md.push('the script and rerun it.');
md.push('');
md.push(`Last refresh: ${today}.`);
md.push('');
md.push('| file | domains |');
md.push('| --- | ---: |');
md.push(`| \`free-email-domains.txt\` | ${free.length} |`);
md.push(`| \`disposable-email-domains.txt\` | ${disposable.length} |`);
md.push(`| on both lists (classified disposable, see below) | ${overlap} |`);
md.push(`| free entries not themselves on the disposable list | ${free.length - overlap} |`);
md.push('');
md.push('## Sources');
md.push('');
md.push('"entries" is what the package ships, "kept" the unique valid domains taken from it, "IDN" how many of those');
md.push('were converted to punycode, "dropped" the entries that are not domain names or are reserved names (listed at');
md.push('the end).');
md.push('');
md.push('| list | npm package | version | published | license | repository | entries | kept | IDN | dropped |');
md.push('| --- | --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: |');
for (const s of sources) md.push(row(s));
md.push('');
md.push('Tarball integrity, to check that a refresh used the same release:');
md.push('');
for (const s of sources) md.push(`- \`${s.name}@${s.version}\`: \`${s.integrity}\``);
md.push('');
md.push('What each source is, in its own words:');
md.push('');
md.push('- `free-email-domains` (Kiko Beats): free and disposable email domains; built from HubSpot\'s list of');
md.push('  blocked free-email domains plus the Castle and disposable-email-domains disposable lists, with hand-added');
md.push('  regional webmail (posteo.*, gmx.*, Japanese ISPs).');
md.push('- `email-providers` (Jannis R): `all.json`, about 8k email-provider domains, from goware/emailproviders.');
md.push('- `disposable-domains` (Thomas Petracco; the maintained continuation of Ilya Volodarsky\'s');
md.push('  `disposable-email-domains`): disposable domains, to be matched as suffixes (subdomains included).');
md.push('- `disposable-email-domains-js` (mziyut): the CC0 blocklist of the disposable-email-domains/');
md.push('  disposable-email-domains project, packaged for npm.');
md.push('- `fakefilter` (7c): domains of temporary-mail providers that the project monitors automatically.');
md.push('');
md.push('## Policies');
md.push('');
md.push('- **Format.** One lowercase ASCII domain per line, sorted in byte order, no duplicates; `#` starts a comment.');
md.push('  Every entry has at least two labels of 1-63 letters, digits and hyphens, at most 253 characters, and a');
md.push('  last label that is not all digits (the rules `DomainSet` enforces when it loads a list).');
md.push('- **IDN.** Entries with non-ASCII characters are converted to punycode (UTS #46, as browsers and the');
md.push(`  leadmatch normalizer do), so \`instágram.com\` is stored as \`${url.domainToASCII('instágram.com')}\`; an entry that is not a`);
md.push('  valid IDN is dropped.');
md.push('- **Reserved names.** Names reserved for documentation and testing (RFC 2606, RFC 6761: `example.com`,');
md.push('  `example.net`, `example.org` and anything under `.example`, `.test`, `.invalid`, `.localhost`, `.local`,');
md.push('  `.onion`) are dropped: nobody has a mailbox there, and a lead that uses one is junk, which routing.yaml\'s');
md.push('  junk domains decide.');
md.push('- **Subdomains.** An entry covers itself and its subdomains: `MailboxProviders` checks a host\'s registrable');
md.push('  domain and every longer suffix of the host, so the `0.pbot.tk` entry catches `x.0.pbot.tk` but not');
md.push('  `pbot.tk`. An entry that is itself a public suffix (a few lists carry `com.ar` or `net.ua`) never matches,');
md.push('  because no suffix shorter than the registrable domain is checked.');
md.push('- **A domain on both lists is disposable.** The free-email sources include throwaway services by design');
md.push('  (HubSpot\'s list blocks them as "free" too), so `mailinator.com` is on both files. The files keep each');
md.push('  source whole; `MailboxProviders.isFree` answers false for a domain that is also disposable, so the two');
md.push('  classifications never both hold.');
md.push('- **Major webmail is never disposable.** The script keeps a short list of major consumer webmail');
md.push(`  providers (${NEVER_DISPOSABLE.length} domains: gmail.com, outlook.com, qq.com, ...): they are removed from the`);
md.push('  disposable list and added to the free list. ' +
  (removedFromDisposable.length ? `This refresh removed from the disposable list: ${removedFromDisposable.map((d) => '`' + d + '`').join(', ')}.` : 'This refresh removed none from the disposable list.') +
  (addedToFree.length ? ` Added to the free list because no free source had them: ${addedToFree.map((d) => '`' + d + '`').join(', ')}.` : ''));
md.push('');
md.push('## Dropped entries');
md.push('');
const dropped = sources.filter((s) => s.dropped.length + s.reserved.length);
if (!dropped.length) md.push('None.');
for (const s of dropped) {
  const all = [...s.dropped.map((d) => `\`${d.replace(/`/g, "'")}\` (not a domain name)`),
    ...s.reserved.map((d) => `\`${d}\` (reserved)`)];
  md.push(`- \`${s.name}\`: ${all.join(', ')}`);
}
md.push('');
md.push('## License texts');
md.push('');
md.push('The lists are redistributed under the licenses of their packages, reproduced here as they require.');
for (const s of sources) {
  md.push('');
  md.push(`### ${s.name} ${s.version} (${s.license})`);
  md.push('');
  if (s.licenseFile) {
    md.push('```text');
    md.push(fs.readFileSync(s.licenseFile, 'utf8').replace(/\s+$/, ''));
    md.push('```');
  } else {
    md.push(`The package ships no license file; its package.json declares ${s.license}.`);
  }
}
fs.writeFileSync(path.join(outDir, 'LISTS-ATTRIBUTION.md'), md.join('\n') + '\n');

console.log(`free-email-domains.txt: ${free.length} domains`);
console.log(`disposable-email-domains.txt: ${disposable.length} domains`);
console.log(`on both lists: ${overlap}; free and not disposable: ${free.length - overlap}`);
console.log(`never-disposable removed from disposable: ${removedFromDisposable.join(' ') || 'none'}; added to free: ${addedToFree.join(' ') || 'none'}`);
NODE
