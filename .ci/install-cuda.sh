#!/usr/bin/env bash
# Installs Debian's CUDA toolkit (nvcc, libcudart_static.a) when nvcc is
# missing. Idempotent: does nothing when nvcc is already on PATH.
set -euo pipefail

if command -v nvcc >/dev/null 2>&1; then
	exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi

# nvidia-cuda-toolkit lives in contrib/non-free; reuse the mirror the machine
# already uses for main.
src=/etc/apt/sources.list.d/nonfree.sources
if [ ! -f "$src" ]; then
	mirror=$(sed -n 's/^URIs:[[:space:]]*\(.*debian\/*\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 || true)
	if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
		mirror=$(awk '$1 == "deb" && $2 !~ /security/ && $2 ~ /debian/ {print $2; exit}' /etc/apt/sources.list)
	fi
	mirror=${mirror:-http://deb.debian.org/debian}
	$sudo tee "$src" >/dev/null <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi

$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nvidia-cuda-toolkit >/dev/null
nvcc --version | tail -n1
