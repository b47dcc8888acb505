#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# style.sh - checkpatch (from Debian's linux-source, fetched by deps.sh) over
# the kernel-side sources: module/ and core/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
CP=$CACHE/src/linux-source-6.12/scripts/checkpatch.pl
[ -f "$CP" ] || bash scripts/deps.sh --no-install 6.12
files=$(ls module/*.c module/*.h module/compat/*.h core/*.c core/*.h tests/vm/kmod/*.c tests/vm/kmod/*.h | grep -v -e keysched -e "\.mod\.c$")
perl "$CP" --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,CONST_STRUCT -f $files
