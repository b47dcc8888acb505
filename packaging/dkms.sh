#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms.sh install|uninstall [KREL...] - put the working tree's module into
# DKMS without a package (make dkms-install / dkms-uninstall): the source
# tree goes to /usr/src/ktls-VERSION, `dkms install` builds and installs it
# for each KREL (default: the running kernel). uninstall removes it from
# every kernel and deletes the source tree.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
ACTION=${1:?usage: dkms.sh install|uninstall [KREL...]}
shift
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/module/dkms.conf")
SRC=/usr/src/ktls-$VERSION
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo

package_owns() { dpkg-query -W -f='${Status}' ktls-dkms 2>/dev/null | grep -q 'ok installed'; }
registered() { [ -d "/var/lib/dkms/ktls/$VERSION" ]; }

if package_owns; then
	echo "dkms.sh: the ktls-dkms package is installed and owns $SRC; use apt to change it" >&2
	exit 1
fi
command -v dkms > /dev/null || $SUDO env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends dkms

case "$ACTION" in
install)
	[ $# -gt 0 ] || set -- "$(uname -r)"
	! registered || $SUDO dkms remove -m ktls -v "$VERSION" --all
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	bash "$TOP/packaging/dkms-tree.sh" "$tmp/ktls-$VERSION"
	$SUDO rm -rf "$SRC"
	$SUDO cp -r "$tmp/ktls-$VERSION" "$SRC"
	$SUDO dkms add -m ktls -v "$VERSION"
	for k in "$@"; do
		$SUDO dkms install -m ktls -v "$VERSION" -k "$k"
	done
	echo "ktls $VERSION installed for: $*   (modprobe ktls to load it)"
	;;
uninstall)
	! registered || $SUDO dkms remove -m ktls -v "$VERSION" --all
	$SUDO rm -rf "$SRC"
	echo "ktls $VERSION removed from DKMS"
	;;
*)
	echo "usage: dkms.sh install|uninstall [KREL...]" >&2
	exit 2
	;;
esac
