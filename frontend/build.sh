#!/usr/bin/env bash
# Build the portal's front-end assets into static/ (committed, so running the
# portal never needs Node.js).
#
#   bash frontend/build.sh        # from anywhere
#
# Writes:
#   static/portal.min.css          GOV.UK Frontend + portal styles, no GOV.UK branding
#   static/govuk-frontend.min.js   GOV.UK Frontend JS (an ES module: load with type="module")
#   static/images/*                any image the compiled CSS refers to (currently none)
#
# Safe to run repeatedly: files are only replaced when their content changes.
# Hand-written files in static/ (rtl.css, manifest.json, images/favicon.*)
# are never touched.
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(dirname "$FRONTEND_DIR")"
STATIC_DIR="$ROOT_DIR/static"
GOVUK_DIST="$FRONTEND_DIR/node_modules/govuk-frontend/dist/govuk"

cd "$FRONTEND_DIR"

# 1. Dependencies: exact versions from package-lock.json. Reinstall when
#    node_modules is missing or older than the lockfile.
if [[ ! -d node_modules || ! -f node_modules/.package-lock.json \
      || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "build.sh: installing dependencies (npm ci)"
  npm ci --no-fund --no-audit
fi

mkdir -p "$STATIC_DIR/images"
tmp_dir="$(mktemp -d)"
trap 'rm -rf "$tmp_dir"' EXIT

# Move $1 to $2 only if the content differs, so repeated builds leave
# unchanged files (and their timestamps) alone.
put_in_place() {
  local src="$1" dest="$2"
  if [[ -f "$dest" ]] && cmp -s "$src" "$dest"; then
    echo "build.sh: unchanged ${dest#"$ROOT_DIR"/}"
  else
    install -m 0644 "$src" "$dest"
    echo "build.sh: wrote     ${dest#"$ROOT_DIR"/}"
  fi
}

# 2. CSS. Compile to a temp file first so a failed build never leaves a
#    half-written stylesheet in static/.
npx --no-install sass --pkg-importer=node --style=compressed --no-source-map \
  scss/portal.scss "$tmp_dir/portal.min.css"

# Guard: the GDS Transport typeface is only licensed for GOV.UK services.
if grep -q -e 'GDS Transport' -e '@font-face' "$tmp_dir/portal.min.css"; then
  echo "build.sh: ERROR: compiled CSS contains GDS Transport / @font-face" >&2
  exit 1
fi
put_in_place "$tmp_dir/portal.min.css" "$STATIC_DIR/portal.min.css"

# 3. JavaScript, copied byte for byte so it can be checked against the package.
put_in_place "$GOVUK_DIST/govuk-frontend.min.js" "$STATIC_DIR/govuk-frontend.min.js"

# 4. Images referenced by the compiled CSS. GOV.UK branding (crown, crest,
#    logos, GOV.UK favicons/icons) must never be shipped: refuse to build if
#    the CSS starts pointing at one.
images="$({ grep -o 'url([^)]*)' "$tmp_dir/portal.min.css" || true; } \
  | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' \
  | { grep '^/assets/images/' || true; } \
  | sed 's#^/assets/images/##' | sort -u)"
for image in $images; do
  case "$image" in
    *crest* | *crown* | *logo* | govuk-* | favicon* | *opengraph*)
      echo "build.sh: ERROR: CSS refers to GOV.UK-branded image '$image'" >&2
      exit 1
      ;;
  esac
  if [[ ! -f "$GOVUK_DIST/assets/images/$image" ]]; then
    echo "build.sh: ERROR: CSS refers to images/$image, not found in govuk-frontend" >&2
    exit 1
  fi
  put_in_place "$GOVUK_DIST/assets/images/$image" "$STATIC_DIR/images/$image"
done
if [[ -z "$images" ]]; then
  echo "build.sh: the compiled CSS refers to no images"
fi

echo "build.sh: done"
