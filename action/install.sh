#!/usr/bin/env bash
# Installs the nono binary for the composite action and exports NONO_BIN.
#   NONO_VERSION=source  build from this action's checkout with the runner's .NET SDK (also the
#                        fallback when `uses: ./` points at a checkout of this repository);
#   NONO_VERSION=vX.Y.Z  or 'latest': download the release binary and verify its SHA-256 (and its
#                        build-provenance attestation when the gh CLI is available) before use.
# Either way the result is cached under RUNNER_TOOL_CACHE.
set -euo pipefail
action_path=${NONO_ACTION_PATH:?NONO_ACTION_PATH is not set}
version=${NONO_VERSION:-latest}
repo=${NONO_RELEASE_REPO:-nono/sandbox}
cache_root=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/nono

case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64|arm64) rid=linux-arm64 ;;
    *) echo "::error::nono: unsupported architecture $(uname -m)"; exit 1 ;;
esac

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
        tmp=$(mktemp -d "$cache_root.tmp.XXXXXX" 2>/dev/null || { mkdir -p "$(dirname "$cache_root")"; mktemp -d "$cache_root.tmp.XXXXXX"; })
        if command -v clang >/dev/null || command -v gcc >/dev/null; then
            dotnet publish "$action_path/src/Nono.Action" -c Release -r "$rid" -p:PublishAot=true -o "$tmp" --nologo -v quiet
        else
            dotnet publish "$action_path/src/Nono.Action" -c Release -r "$rid" -p:PublishAot=false --self-contained -o "$tmp" --nologo -v quiet
        fi
        mkdir -p "$(dirname "$dir")"
        rm -rf "$dir"
        mv "$tmp" "$dir"
    fi
    export_bin "$dir/nono"
}

download_release() {
    tag=$version
    if [ "$tag" = latest ]; then
        tag=$(curl -fsSL -H "Authorization: Bearer ${GITHUB_TOKEN:-}" "https://api.github.com/repos/$repo/releases/latest" | sed -n 's/.*"tag_name": *"\([^"]*\)".*/\1/p' | head -n1)
        [ -n "$tag" ] || return 1
    fi
    dir="$cache_root/$tag-$rid"
    if [ ! -x "$dir/nono" ]; then
        tmp=$(mktemp -d)
        base="https://github.com/$repo/releases/download/$tag"
        curl -fsSL -o "$tmp/nono-$rid.tar.gz" "$base/nono-$rid.tar.gz" || return 1
        curl -fsSL -o "$tmp/SHA256SUMS" "$base/SHA256SUMS" || { echo "::error::nono: release $tag has no SHA256SUMS; refusing an unverified binary"; exit 1; }
        (cd "$tmp" && grep " nono-$rid.tar.gz\$" SHA256SUMS | sha256sum -c --status) \
            || { echo "::error::nono: SHA-256 of nono-$rid.tar.gz does not match the release's SHA256SUMS"; exit 1; }
        if command -v gh >/dev/null && [ -n "${GITHUB_TOKEN:-}" ]; then
            GH_TOKEN=$GITHUB_TOKEN gh attestation verify "$tmp/nono-$rid.tar.gz" --repo "$repo" >/dev/null \
                || { echo "::error::nono: the build-provenance attestation of nono-$rid.tar.gz does not verify"; exit 1; }
        fi
        mkdir -p "$tmp/x" && tar -xzf "$tmp/nono-$rid.tar.gz" -C "$tmp/x"
        mkdir -p "$(dirname "$dir")"
        rm -rf "$dir"
        mv "$tmp/x" "$dir"
        rm -rf "$tmp"
    fi
    export_bin "$dir/nono"
}

mkdir -p "$cache_root"
if [ "$version" = source ]; then
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
