#!/usr/bin/env bash
# Installs the nono binary for the composite action and exports NONO_BIN.
#   NONO_VERSION=vX.Y.Z  or 'latest': download the release binary and verify it before use, against the
#                        release's SHA256SUMS and, when the gh CLI and a token are available, against its
#                        build-provenance attestation (signed by .github/workflows/release.yml);
#   NONO_VERSION=source  build from this action's checkout with the runner's .NET SDK. This is also what
#                        'latest' means when the action runs from a checkout inside the workspace (`uses: ./`),
#                        and the fallback when no release exists.
# Either way the result is cached under RUNNER_TOOL_CACHE. The release layout (docs/release.md) is:
#   nono-linux-x64.tar.gz, nono-linux-arm64.tar.gz   each holding one file, `nono`
#   SHA256SUMS                                       `sha256sum` output: "<64 hex>  <asset name>" per line
# Downloads go to GITHUB_SERVER_URL and the API to GITHUB_API_URL (the runner sets both; GHES differs).
set -euo pipefail
action_path=${NONO_ACTION_PATH:?NONO_ACTION_PATH is not set}
version=${NONO_VERSION:-latest}
repo=${NONO_RELEASE_REPO:-nono/sandbox}
server_url=${GITHUB_SERVER_URL:-https://github.com}
api_url=${GITHUB_API_URL:-https://api.github.com}
cache_root=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/nono

case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64|arm64) rid=linux-arm64 ;;
    *) echo "::error::nono: unsupported architecture $(uname -m)"; exit 1 ;;
esac
asset="nono-$rid.tar.gz"

export_bin() {
    "$1" --version >/dev/null
    echo "NONO_BIN=$1" >> "$GITHUB_ENV"
    echo "nono: using $1 ($("$1" --version))"
}

build_from_source() {
    command -v dotnet >/dev/null || { echo "::error::nono: building from source needs the .NET SDK (actions/setup-dotnet)"; exit 1; }
    # Cache key: the content of the sources, so an edited checkout is never served a stale binary.
    key=$(cd "$action_path" && find src Directory.Build.props Directory.Packages.props global.json -type f -print0 \
          | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
    dir="$cache_root/source-$key-$rid"
    if [ ! -x "$dir/nono" ]; then
        tmp=$(mktemp -d "$cache_root.tmp.XXXXXX")
        if command -v clang >/dev/null || command -v gcc >/dev/null; then
            dotnet publish "$action_path/src/Nono.Action" -c Release -r "$rid" -p:PublishAot=true -o "$tmp" --nologo -v quiet
        else
            dotnet publish "$action_path/src/Nono.Action" -c Release -r "$rid" -p:PublishAot=false --self-contained -o "$tmp" --nologo -v quiet
        fi
        rm -rf "$dir"
        mv "$tmp" "$dir"
    fi
    export_bin "$dir/nono"
}

# Prints the tag to install, or nothing when there is no such release.
resolve_tag() {
    if [ "$version" != latest ]; then
        echo "$version"
        return
    fi
    auth=()
    [ -z "${GITHUB_TOKEN:-}" ] || auth=(-H "Authorization: Bearer $GITHUB_TOKEN")
    curl -fsSL "${auth[@]}" "$api_url/repos/$repo/releases/latest" 2>/dev/null \
        | sed -n 's/.*"tag_name": *"\([^"]*\)".*/\1/p' | head -n1 || true
}

# Returns 1 when the release or its asset does not exist; exits when it exists but fails verification.
download_release() {
    tag=$(resolve_tag)
    [ -n "$tag" ] || return 1
    # The tag names a cache folder and a URL path: accept only what a release tag looks like.
    [[ "$tag" =~ ^v[0-9A-Za-z._+-]+$ ]] || { echo "::error::nono: '$tag' is not a release tag (vX.Y.Z)"; exit 1; }
    dir="$cache_root/$tag-$rid"
    if [ -x "$dir/nono" ]; then
        export_bin "$dir/nono"
        return
    fi
    tmp=$(mktemp -d "$cache_root.tmp.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    base="$server_url/$repo/releases/download/$tag"
    curl -fsSL -o "$tmp/$asset" "$base/$asset" || return 1
    curl -fsSL -o "$tmp/SHA256SUMS" "$base/SHA256SUMS" \
        || { echo "::error::nono: release $tag has no SHA256SUMS; refusing an unverified binary"; exit 1; }
    # Exactly one well-formed line for this asset, and the file must match it.
    lines=$(grep -cE "^[0-9a-f]{64}  $asset\$" "$tmp/SHA256SUMS" || true)
    [ "$lines" = 1 ] || { echo "::error::nono: SHA256SUMS of release $tag does not list $asset exactly once"; exit 1; }
    (cd "$tmp" && grep -E "^[0-9a-f]{64}  $asset\$" SHA256SUMS | sha256sum -c --status) \
        || { echo "::error::nono: SHA-256 of $asset does not match the release's SHA256SUMS; refusing it"; exit 1; }
    if command -v gh >/dev/null && [ -n "${GITHUB_TOKEN:-}" ]; then
        GH_TOKEN=$GITHUB_TOKEN gh attestation verify "$tmp/$asset" --repo "$repo" \
            --signer-workflow "$repo/.github/workflows/release.yml" >/dev/null \
            || { echo "::error::nono: the build-provenance attestation of $asset does not verify; refusing it"; exit 1; }
    else
        echo "::notice::nono: $asset matched SHA256SUMS; its attestation was not checked (needs the gh CLI and github-token)"
    fi
    mkdir "$tmp/x"
    tar -xzf "$tmp/$asset" -C "$tmp/x" --no-same-owner nono
    rm -rf "$dir"
    mv "$tmp/x" "$dir"
    export_bin "$dir/nono"
}

# `uses: ./`: the action runs from the workspace's own checkout, so its source is what is under test.
from_workspace_checkout() {
    [ -n "${GITHUB_WORKSPACE:-}" ] && [ -d "$action_path/src/Nono.Action" ] || return 1
    local action workspace
    action=$(cd "$action_path" && pwd -P)
    workspace=$(cd "$GITHUB_WORKSPACE" && pwd -P)
    case "$action/" in "$workspace"/*) return 0 ;; esac
    return 1
}

mkdir -p "$cache_root"
if [ "$version" = source ] || { [ "$version" = latest ] && from_workspace_checkout; }; then
    build_from_source
elif ! download_release; then
    if [ -d "$action_path/src/Nono.Action" ]; then
        echo "::notice::nono: no release $version found; building from the action's source"
        build_from_source
    else
        echo "::error::nono: release $version of $repo could not be downloaded"
        exit 1
    fi
fi
