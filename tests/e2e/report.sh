#!/usr/bin/env bash
# End-to-end tests of sectag report (TAP): being written (issue 8).
echo "1..0 # SKIP being written"
