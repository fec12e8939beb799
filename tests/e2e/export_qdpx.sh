#!/usr/bin/env bash
# End-to-end tests of sectag export qdpx (TAP): being written (issue 8).
echo "1..0 # SKIP being written"
