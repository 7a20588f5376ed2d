#!/usr/bin/env bash
# Downloads the official conformance vectors at the commits the project pins, into
# vectors/downloads/ (gitignored), with the layout the tests expect:
#   vectors/downloads/ethereum-tests/{GeneralStateTests,BlockchainTests,LICENSE}
#   vectors/downloads/eest/{state_tests,blockchain_tests}
# then prints the LANES_VECTORS=... to use.
#
# The EEST part is the whole fixture set of the pinned commit (all forks), where the
# project's shared copy keeps only Prague and Osaka; files stored upstream with Git LFS
# arrive as LFS pointers and fail to parse (skip them with a narrower PATH).
#
# Usage: vectors/fetch.sh [--only ethereum-tests|eest]
set -euo pipefail

# ethereum/tests v14.1-3-g4c87ebbf02 (2024-10-24)
ETHEREUM_TESTS_COMMIT=4c87ebbf024a3e9ec842bcce90564f629a3bcd82
# erigontech/eest-fixtures: EEST v5.4.0 develop fixtures (2026-04-21)
EEST_COMMIT=ec66995f0debb19fb1e0e4499cf7e4a172b46028

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/downloads"

only=""
if [[ $# -gt 0 ]]; then
  if [[ $# -eq 2 && $1 == --only && ( $2 == ethereum-tests || $2 == eest ) ]]; then
    only=$2
  else
    echo "usage: $0 [--only ethereum-tests|eest]" >&2
    exit 2
  fi
fi

for tool in curl tar gzip; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "fetch.sh: '$tool' is required but not installed" >&2
    exit 1
  fi
done

mkdir -p "$dest"
work="$(mktemp -d "$dest/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# fetch NAME REPO COMMIT MEMBER... : downloads REPO at COMMIT from GitHub's codeload
# and installs the listed top-level members as $dest/NAME (replacing an older copy).
fetch() {
  local name=$1 repo=$2 commit=$3
  shift 3
  local url="https://codeload.github.com/$repo/tar.gz/$commit"
  local top="${repo#*/}-$commit"
  local members=()
  for m in "$@"; do members+=("$top/$m"); done

  echo "fetch.sh: downloading $repo@$commit ..." >&2
  curl --fail --location --retry 3 --retry-delay 5 --show-error --progress-bar \
    --output "$work/$name.tar.gz" "$url"
  echo "fetch.sh: extracting ${*} ..." >&2
  mkdir -p "$work/$name"
  tar -xzf "$work/$name.tar.gz" -C "$work/$name" "${members[@]}"
  rm -f "$work/$name.tar.gz"
  if [[ ! -d "$work/$name/$top" ]]; then
    echo "fetch.sh: unexpected archive layout for $repo (no $top/)" >&2
    exit 1
  fi
  printf '%s %s\n' "$repo" "$commit" > "$work/$name/$top/SOURCE"
  rm -rf "${dest:?}/$name"
  mv "$work/$name/$top" "$dest/$name"
  echo "fetch.sh: installed $dest/$name" >&2
}

if [[ -z $only || $only == ethereum-tests ]]; then
  fetch ethereum-tests ethereum/tests "$ETHEREUM_TESTS_COMMIT" GeneralStateTests BlockchainTests LICENSE
fi
if [[ -z $only || $only == eest ]]; then
  fetch eest erigontech/eest-fixtures "$EEST_COMMIT" state_tests blockchain_tests
fi

echo "fetch.sh: done. Point Lanes at the vectors with:" >&2
echo "export LANES_VECTORS=$dest"
