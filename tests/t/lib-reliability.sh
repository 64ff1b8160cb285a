# lib-reliability.sh - what the reliability tests (t7*-*.sh) share: how
# many iterations (more under `make torture`), random numbers, generated
# spreadsheets, and snapshots of a database that
# say whether two runs ended in the same state.  Sourced after test-lib.sh
# and lib-merger.sh.

# Fixed clock for every command (2026-05-28): receipts, reports and
# recorded times are then the same from one run to the next.
MAILLAGE_NOW=1780000000
export MAILLAGE_NOW

# iterations CHECK TORTURE: the count for this run.  `make torture` sets
# MAILLAGE_TORTURE=1.
iterations() {
	if [ -n "${MAILLAGE_TORTURE:-}" ]; then echo "$2"; else echo "$1"; fi
}

# rand N: a random number in 0..N-1 (from /dev/urandom, so that every
# run tries other moments; failures print what they tried).
rand() {
	_r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	echo $((_r % $1))
}

# now_ms: wall clock in milliseconds.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# sleep_ms N
sleep_ms() {
	sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"
}

# support_csv N SALT: a spreadsheet of N support counts with distinct
# natural keys; the counts depend on SALT, so that importing another salt
# gives new versions of the same counts.
support_csv() {
	awk -v n="$1" -v salt="$2" 'BEGIN {
		split("75 93 13 69 2A 971 59 33", d, " ")
		split("sexual labour domestic-servitude forced-begging", e, " ")
		split("f m trans unknown", s, " ")
		print "period,dept,status,exploitation,sex,age,count"
		for (i = 0; i < n; i++) {
			p = sprintf("2026-%02d", i % 5 + 1)
			st = (int(i / 5) % 2) ? "spotted" : "supported"
			printf "%s,%s,%s,%s,%s,%s,%d\n", p, d[int(i / 10) % 8 + 1], st,
			       e[int(i / 80) % 4 + 1], s[int(i / 320) % 4 + 1],
			       (int(i / 1280) % 2) ? "minor" : "adult", (i * 7 + salt * 13) % 97
		}
	}'
}

# action_csv N TAG: N actions whose notes carry TAG.
action_csv() {
	awk -v n="$1" -v tag="$2" 'BEGIN {
		split("75 93 13 69 2A 971", d, " ")
		split("prevention awareness outreach shelter legal-support", t, " ")
		print "dept,type,start,end,public,exploitation,people,partners,note"
		for (i = 0; i < n; i++)
			printf "%s,%s,2026-0%d-1%d,,adults,sexual,%d,,\"%s action %d\"\n",
			       d[i % 6 + 1], t[i % 5 + 1], i % 5 + 1, i % 9, i + 1, tag, i
	}'
}

# state DB OUT: everything a merge decides, as text: integrity, records,
# live rows, organisations, bundles, audit.  Two runs that end in the same
# state give the same file.
state() {
	sqlite3 "$1" "PRAGMA integrity_check;
		SELECT 'rec', hex(id), collector, kind, version, deleted, hex(digest)
		  FROM record ORDER BY id;
		SELECT 'sup', hex(id), org_id, period, dept, status, exploitation, sex, age,
		  count FROM support ORDER BY id;
		SELECT 'act', hex(id), org_id, dept, type, [start], note FROM action ORDER BY id;
		SELECT 'trn', hex(id), date, dept, participants, note FROM training ORDER BY id;
		SELECT 'org', id, name, kind, profile_at FROM organisation ORDER BY id;
		SELECT 'bun', hex(id), collector, seq, hex(file_hash), merged_at, records,
		  inserted, updated, unchanged, deleted FROM bundle ORDER BY id;
		SELECT 'aud', hex(record_id), hex(bundle), old_version, new_version,
		  old_value, new_value FROM audit ORDER BY record_id, new_version;
		SELECT 'col', key_id, last_seq, last_bundle_at FROM collector
		  ORDER BY key_id;" >"$2"
}

# store_state DB OUT: the same for a collector's store.db (every table,
# in a stable order).
store_state() {
	{
		sqlite3 "$1" "PRAGMA integrity_check"
		for _t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table'
					  ORDER BY name"); do
			echo "== $_t"
			sqlite3 "$1" "SELECT * FROM \"$_t\" ORDER BY 1, 2" | sort
		done
	} >"$2"
}

# integrity DB: "ok" from SQLite's own check, or a failure.
integrity() {
	test "$(sqlite3 "$1" "PRAGMA integrity_check")" = ok
}

# no_temp_files DIR...: no *.tmp file left behind by an atomic write.
no_temp_files() {
	_left=$(find "$@" -name '*.tmp' 2>/dev/null)
	if [ -n "$_left" ]; then
		echo "temporary files left behind:" >&2
		echo "$_left" >&2
		return 1
	fi
}

# no_raw_escape FILE...: no ESC byte (a terminal control sequence).
no_raw_escape() {
	if grep -l "$(printf '\033')" "$@" >&2; then
		echo "raw ESC byte in the files above" >&2
		return 1
	fi
}

# make_bundles DIR ROUNDS: a coordinator (coordinator_setup must have run)
# and three enrolled collectors (homes ca, cb, cc) that each export one
# bundle per round into DIR (rROUND-HOME.bundle): support counts revised
# every round (new versions), new actions, and an action deleted, with no
# receipt applied, so that later bundles repeat earlier versions.
make_bundles() {
	_dir=$1 _rounds=$2
	mkdir -p "$_dir" &&
	for _h in ca cb cc; do
		new_collector $_h "Association $_h" --kind association --dept 75,93 &&
		enroll $_h || return 1
	done
	_r=1
	while [ $_r -le "$_rounds" ]; do
		for _h in ca cb cc; do
			support_csv 40 "$_r" >s.csv &&
			action_csv 4 "round $_r of $_h" >a.csv &&
			collector --home $_h import s.csv 2>/dev/null &&
			collector --home $_h import a.csv 2>/dev/null || return 1
			if [ -n "${_del:-}" ] && [ "$_h" = ca ]; then
				collector --home $_h delete "$_del" 2>/dev/null || return 1
			fi
			if [ "$_h" = ca ]; then
				_del=$(collector --home $_h add action --dept 13 \
					--type outreach --start 2026-04-0$((_r % 9 + 1)) \
					--note "to delete" 2>/dev/null) || return 1
			fi
			export_bundle $_h "$_dir/r$_r-$_h.bundle" || return 1
		done
		_r=$((_r + 1))
	done
}

# figure TEXT: a number worth reporting (docs/RELIABILITY.md quotes
# them): kept in the test's log, and printed as a TAP comment at the end
# of the script, so that `prove -v` or a plain run shows it.
figure() {
	echo "# $*"
	echo "# $*" >>"$TRASH/.figures"
}

# test_done, as in test-lib.sh, after the figures.
test_done() {
	if [ -s "$TRASH/.figures" ]; then
		cat "$TRASH/.figures"
	fi
	echo "1..$test_count"
	[ $test_failures -eq 0 ]
	exit $?
}
