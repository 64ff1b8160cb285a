#!/bin/sh
# pipeline.sh - what a coordinator could assemble from standard Debian
# tools instead of Maillage, measured against `merger merge`.
#
#   pipeline.sh keys KEYDIR
#	an age X25519 identity (the coordinator's) and a minisign key pair
#	without password (one field organisation's);
#   pipeline.sh seal KEYDIR OUTDIR FILE.csv...
#	each CSV compressed with gzip -9, encrypted to the age recipient and
#	signed with minisign: OUTDIR/NAME.csv.gz.age and its .minisig;
#   pipeline.sh merge KEYDIR DB FILE.csv.gz.age...
#	for each file: minisign -V, then age -d | gunzip straight into
#	sqlite3's .import (a temporary table), and an upsert into the record
#	and count tables of the national database, in one transaction per
#	file, with the pragmas the merger uses (WAL, synchronous=FULL,
#	foreign keys).  The CSV carries the record id in hex, so that is what
#	this database holds (the sqlite3 of Debian 12 has no unhex());
#   pipeline.sh import KEYDIR DB FILE.csv...
#	the same SQL from the plain CSV files: the pipeline's database work
#	alone, without minisign, age and gunzip.
#
# The first failure stops the script with a one-line message.
set -eu

die() {
	echo "pipeline.sh: $*" >&2
	exit 1
}

# upsert DB SOURCE: one file's rows (SOURCE is a CSV file, or "|command"
# writing one) into the national database, in one transaction.
upsert() {
	sqlite3 -bail "$1" >/dev/null <<EOF
PRAGMA synchronous=FULL;
PRAGMA foreign_keys=ON;
CREATE TEMP TABLE incoming(id TEXT, version INTEGER, recorded_at INTEGER,
  deleted INTEGER, collector TEXT, "table" TEXT, period TEXT, dept TEXT,
  dim1 TEXT, dim2 TEXT, dim3 TEXT, dim4 TEXT, count INTEGER);
.import --csv --skip 1 --schema temp "$2" incoming
BEGIN IMMEDIATE;
INSERT INTO record(id, collector, org_id, kind, version, recorded_at, deleted,
  digest, bundle)
  SELECT i.id, i.collector, c.org_id, 'count', i.version, i.recorded_at,
    i.deleted, x'', x''
  FROM incoming i JOIN collector c ON c.key_id = i.collector
  WHERE c.revoked_at IS NULL
  ON CONFLICT(id) DO UPDATE SET version = excluded.version,
    recorded_at = excluded.recorded_at, deleted = excluded.deleted
  WHERE excluded.version > record.version;
INSERT INTO count(id, org_id, "table", period, dept, dim1, dim2, dim3, dim4,
  count, recorded_at)
  SELECT i.id, r.org_id, i."table", i.period, i.dept, i.dim1, nullif(i.dim2, ''),
    nullif(i.dim3, ''), nullif(i.dim4, ''), i.count, i.recorded_at
  FROM incoming i JOIN record r ON r.id = i.id AND r.version = i.version
  WHERE i.deleted = 0
  ON CONFLICT(id) DO UPDATE SET count = excluded.count,
    recorded_at = excluded.recorded_at;
DELETE FROM count WHERE id IN (SELECT id FROM incoming WHERE deleted = 1);
COMMIT;
EOF
}

[ $# -ge 2 ] || die "usage: pipeline.sh keys|seal|merge|import KEYDIR ..."
cmd=$1
keys=$2
shift 2

case $cmd in
keys)
	mkdir -p "$keys"
	[ -f "$keys/age.key" ] || age-keygen -o "$keys/age.key" 2>/dev/null
	age-keygen -y "$keys/age.key" >"$keys/age.pub"
	[ -f "$keys/minisign.key" ] ||
		minisign -G -W -p "$keys/minisign.pub" -s "$keys/minisign.key" >/dev/null
	;;
seal)
	[ $# -ge 1 ] || die "seal: OUTDIR and files expected"
	out=$1
	shift
	mkdir -p "$out"
	recipient=$(cat "$keys/age.pub")
	for f in "$@"; do
		name=$(basename "$f")
		gzip -9 -n -c "$f" >"$out/$name.gz"
		age -r "$recipient" -o "$out/$name.gz.age" "$out/$name.gz"
		rm -f "$out/$name.gz"
		minisign -S -s "$keys/minisign.key" -m "$out/$name.gz.age" >/dev/null
	done
	;;
merge | import)
	[ $# -ge 1 ] || die "$cmd: DB and files expected"
	db=$1
	shift
	for f in "$@"; do
		# The file name goes into a .import command line: refuse
		# anything that could break out of it.
		case $f in
		*[!A-Za-z0-9_./-]*) die "$f: unexpected characters in the file name" ;;
		esac
		if [ "$cmd" = merge ]; then
			minisign -Vq -p "$keys/minisign.pub" -m "$f" ||
				die "$f: signature does not verify"
			source="|age -d -i $keys/age.key $f | gunzip"
		else
			source=$f
		fi
		upsert "$db" "$source" || die "$f: import failed"
	done
	;;
*)
	die "unknown command \"$cmd\""
	;;
esac
