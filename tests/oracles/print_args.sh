#!/bin/sh
# Stands in for the program dotenv-cli starts (linked as node, next, tsx): prints the name it was
# started as, each argument, and each variable named in ORACLE_VARS that is set, one per line.
printf 'cmd %s\n' "$(basename "$0")"
for arg in "$@"; do printf 'arg %s\n' "$arg"; done
for name in $ORACLE_VARS; do
    eval "if [ -n \"\${$name+set}\" ]; then printf 'env %s=%s\n' \"$name\" \"\$$name\"; fi"
done
