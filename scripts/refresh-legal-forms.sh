#!/usr/bin/env bash
#
# Replaces the engine's legal-form list with the current ISO 20275 Entity Legal Forms (ELF) code list that
# GLEIF publishes (CC0 1.0):
#
#   engine/src/main/resources/io/leadmatch/engine/crm/elf-code-list.csv   (GLEIF's CSV, byte for byte)
#   engine/src/main/resources/io/leadmatch/engine/crm/ELF-ATTRIBUTION.md  (generated: do not edit by hand)
#
# The engine reads the CSV as it is and derives the legal forms from it when it starts (CompanyNames): the
# abbreviations in local and transliterated spelling, the form names, and the initials of English form names.
#
# Usage: scripts/refresh-legal-forms.sh [CSV URL]
#   Without a URL, the newest CSV linked from GLEIF's code-list page is used.
#
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="$ROOT/engine/src/main/resources/io/leadmatch/engine/crm"
PAGE="https://www.gleif.org/en/lei-data/code-lists/iso-20275-entity-legal-forms-code-list"
# A broken download (an error page, a truncated file) must fail the refresh, not ship.
MIN_ROWS=3000

command -v curl >/dev/null || { echo "refresh-legal-forms: curl is required" >&2; exit 1; }
URL="${1:-}"
if [[ -z "$URL" ]]; then
  URL="$(curl -fsSL "$PAGE" | grep -oE 'https://[^"]*elf-code-list-v[0-9.]+\.csv' | sort -V | tail -n 1 || true)"
  [[ -n "$URL" ]] || { echo "refresh-legal-forms: no ELF CSV link found on $PAGE; pass the URL" >&2; exit 1; }
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
curl -fsSL "$URL" -o "$WORK/elf.csv"
head -c 200 "$WORK/elf.csv" | grep -q '"ELF Code"' || { echo "refresh-legal-forms: $URL is not an ELF code list" >&2; exit 1; }
ROWS="$(wc -l < "$WORK/elf.csv")"
(( ROWS >= MIN_ROWS )) || { echo "refresh-legal-forms: only $ROWS lines in $URL" >&2; exit 1; }
cp "$WORK/elf.csv" "$OUT_DIR/elf-code-list.csv"
SHA="$(sha256sum "$OUT_DIR/elf-code-list.csv" | cut -d' ' -f1)"

cat > "$OUT_DIR/ELF-ATTRIBUTION.md" <<MD
# elf-code-list.csv

ISO 20275 Entity Legal Forms (ELF) code list, published by the Global Legal Entity Identifier Foundation
(GLEIF) at <$PAGE>.

- File: $(basename "$URL") ($ROWS lines, sha256 $SHA)
- Licence: Creative Commons CC0 1.0 Universal (public domain dedication), as GLEIF publishes its code lists.

Refreshed with \`scripts/refresh-legal-forms.sh\`; never edited by hand.
MD
echo "refresh-legal-forms: $(basename "$URL"), $ROWS lines"
