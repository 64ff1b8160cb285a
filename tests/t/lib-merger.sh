# lib-merger.sh - shared setup of the merger tests (t4*-merger-*.sh): a
# coordinator, real collectors enrolled with it, and views of the national
# database.  Sourced after test-lib.sh.

# A coordinator in $MERGER_HOME and its kit in coord.kit.
coordinator_setup() {
	merger init --name "Coordination nationale" >/dev/null &&
	merger kit -o coord.kit 2>/dev/null
}

# new_collector HOME ORG-NAME [collector init flags...]: a collector home
# made from coord.kit (kind association, départements 75,93 unless given).
new_collector() {
	_home=$1 _org=$2
	shift 2
	if [ $# -eq 0 ]; then
		set -- --kind association --dept 75,93
	fi
	collector --home "$_home" init --kit coord.kit --org "$_org" "$@" >/dev/null 2>&1
}

# enroll HOME [merger enroll flags...]: the collector's request, enrolled
# with --yes.
enroll() {
	_home=$1
	shift
	collector --home "$_home" request -o "$_home.request" 2>/dev/null &&
	merger enroll --yes "$@" "$_home.request" >/dev/null 2>&1
}

# export_bundle HOME FILE [--full]
export_bundle() {
	_home=$1 _file=$2
	shift 2
	collector --home "$_home" export -o "$_file" "$@" 2>/dev/null
}

# sql QUERY: runs a query on the national database.
sql() {
	sqlite3 "$MERGER_HOME/national.db" "$1"
}

# dump FILE: the whole national database as SQL text, for before/after
# comparisons.
dump() {
	sqlite3 "$MERGER_HOME/national.db" .dump >"$1"
}

# content FILE: the national data without the bookkeeping of bundles and
# collectors (what "changes nothing" means for an old bundle merged late).
content() {
	sqlite3 "$MERGER_HOME/national.db" \
		"SELECT 'rec', hex(id), version, deleted, hex(digest) FROM record ORDER BY id;
		 SELECT 'sup', hex(id), period, dept, status, exploitation, sex, age, count
		   FROM support ORDER BY id;
		 SELECT 'act', hex(id), dept, type, [start], [end], note FROM action ORDER BY id;
		 SELECT 'trn', hex(id), date, dept, participants, note FROM training ORDER BY id;
		 SELECT 'org', id, name, kind, national_id FROM organisation ORDER BY id;
		 SELECT 'aud', count(*) FROM audit;" >"$1"
}


# hold_lock SECONDS: another writer holds the national database, in the
# middle of a transaction (a meta row 'lock' inserted, rolled back at the
# end), for that long; in the background, its pid in lock.pid.
hold_lock() {
	rm -f locked
	sqlite3 "$MERGER_HOME/national.db" "BEGIN IMMEDIATE" \
		"INSERT INTO meta(key, value) VALUES ('lock', 'held')" \
		".shell touch locked; sleep $1" "ROLLBACK" >/dev/null 2>&1 &
	echo $! >lock.pid
	# Wait until the lock is really taken.
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -e locked ] && return 0
		sleep 0.2
	done
	return 1
}
