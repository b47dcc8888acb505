#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - the VM runner's entry point: runner/run.sh (options: --help).
exec bash "$(dirname "$0")/runner/run.sh" "$@"
