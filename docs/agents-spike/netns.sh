#!/bin/sh
# run a command in a fresh network namespace with only loopback up
exec unshare -n sh -c 'ip link set lo up; exec "$@"' sh "$@"
