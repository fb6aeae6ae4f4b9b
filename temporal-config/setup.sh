#!/bin/sh
# Labforge's Temporal set-up for docker-compose.yml, run once by the
# temporal-admin-tools container: wait until the server is healthy, create the
# namespace if it is missing, and add Labforge's search attributes. Safe to
# run again: whatever already exists is left as it is.
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${LABFORGE_TEMPORAL_NAMESPACE:-default}
RETENTION=${LABFORGE_TEMPORAL_RETENTION:-72h}
ATTEMPTS=${SETUP_ATTEMPTS:-90}
PAUSE=${SETUP_PAUSE_SECONDS:-2}

# Labforge's custom search attributes, all of type Keyword
# (internal/temporalx/searchattrs.go).
ATTRIBUTES="LabforgeState LabforgeEventId LabforgeVmId LabforgeOwner LabforgeNode LabforgeSite"

log() { echo "labforge-setup: $*"; }
fail() { echo "labforge-setup: $*" >&2; exit 1; }

# retry WHAT CMD...: run CMD until it succeeds, at most $ATTEMPTS times.
retry() {
	what=$1
	shift
	i=1
	until "$@"; do
		[ "$i" -ge "$ATTEMPTS" ] && fail "gave up waiting until $what ($ATTEMPTS attempts)"
		log "waiting ($i/$ATTEMPTS) until $what"
		i=$((i + 1))
		sleep "$PAUSE"
	done
}

healthy() {
	temporal operator cluster health --address "$ADDRESS" 2>/dev/null | grep -q SERVING
}

namespace_exists() {
	temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1
}

# ensure_namespace creates the namespace unless it exists; the server's own
# auto-setup may create it at the same moment, so "already exists" is fine.
ensure_namespace() {
	namespace_exists && return 0
	out=$(temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" \
		--retention "$RETENTION" --description "Labforge" 2>&1) && return 0
	case $out in
	*[Aa]lready*) return 0 ;;
	esac
	log "$out"
	return 1
}

# ensure_attribute NAME adds a Keyword search attribute unless it exists.
ensure_attribute() {
	out=$(temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
		--name "$1" --type Keyword 2>&1) && return 0
	case $out in
	*[Aa]lready*) return 0 ;;
	esac
	log "$out"
	return 1
}

# namespace_ready succeeds once the search-attribute service knows the
# namespace; its cache lags a new namespace by a few seconds.
namespace_ready() {
	temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1
}

# attributes_listed succeeds once every attribute shows up in the namespace.
attributes_listed() {
	list=$(temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" 2>/dev/null) || return 1
	for a in $ATTRIBUTES; do
		echo "$list" | grep -qw "$a" || return 1
	done
}

log "waiting for Temporal at $ADDRESS"
retry "Temporal at $ADDRESS is healthy" healthy

log "namespace $NAMESPACE"
retry "namespace $NAMESPACE exists" ensure_namespace
retry "namespace $NAMESPACE is ready for search attributes" namespace_ready

for a in $ATTRIBUTES; do
	log "search attribute $a (Keyword)"
	retry "search attribute $a exists" ensure_attribute "$a"
done
retry "all search attributes are listed" attributes_listed

log "done"
