#!/bin/sh
# t5010-report-public.sh - `merger report --public`: small counts hidden,
# complementary suppression, every hidden count shown with the same mark
# "s", and above all that nobody can work a hidden count out of the
# published ones, even a reader who could tell the small ones apart.  The check below is written
# independently of suppress.c: it reads the published CSV tables and, for
# every hidden number, computes every value it could take given the
# published totals; a hidden number with a single possible value is a
# leak.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

export MAILLAGE_NOW=1767268800
CR=$(printf "\r")

# published TOTALS.csv DEPTS.csv: one line per published count,
#   T STATUS VALUE          a national total
#   C TABLE STATUS VALUE    a cell of a table whose columns sum to it
#   R TABLE:ROW VALUE VALUE a row (supported, spotted)
published() {
	test -s "$1" && test -s "$2" || return 1
	tr -d "\r" <"$1" | awk -F, 'NR > 1 {
		if ($2 == "total") {
			print "T supported", $5; print "T spotted", $7
			print "R total", $5, $7; next
		}
		print "C", $2, "supported", $5; print "C", $2, "spotted", $7
		print "R", $2 ":" $3, $5, $7
	}'
	tr -d "\r" <"$2" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		s = $(col["supported"]); p = $(col["spotted"])
		print "C dept supported", s; print "C dept spotted", p
		print "R dept:" $2, s, p
	}'
}

# leaks THRESHOLD <published: prints every hidden number that the
# published ones pin down, and every row left with exactly one hidden
# cell beside a shown non-zero one; fails when it printed anything.
# A reader knows that "<t" is 1..t-1 and that "s" is at least t (it
# would read "<t" otherwise).  Each column's cells sum to its status
# total; the columns share nothing else, so the total can only take the
# values common to every column, and each hidden cell those its column
# allows once the others are anywhere in their ranges.
leaks() {
	awk -v t="$1" '
	function hid(v) { return v ~ /^</ || v == "s" }
	function lo(v) { return v ~ /^</ ? 1 : v == "s" ? t : v + 0 }
	function hi(v) { return v ~ /^</ ? t - 1 : v == "s" ? 1e15 : v + 0 }
	$1 == "T" { total[$2] = $3; ntotal++ }
	$1 == "C" { k = $2 SUBSEP $3; n[k]++; cell[k, n[k]] = $4; tab[$2] = 1 }
	$1 == "R" {
		h = hid($3) + hid($4)
		if (h == 1 && (($3 + 0) > 0 || ($4 + 0) > 0)) { print "row", $2, $3, $4; bad++ }
	}
	END {
		if (ntotal != 2) { print "no totals"; exit 1 }
		split("supported spotted", st, " ")
		for (j = 1; j <= 2; j++) {
			s = st[j]; tlo = lo(total[s]); thi = hi(total[s])
			for (tb in tab) {
				k = tb SUBSEP s; S = 0; SL = 0; SH = 0
				for (i = 1; i <= n[k]; i++) {
					v = cell[k, i]
					if (hid(v)) { SL += lo(v); SH += hi(v) } else S += v
				}
				sum[k] = S; slo[k] = SL; shi[k] = SH
				if (S + SL > tlo) tlo = S + SL
				if (S + SH < thi) thi = S + SH
			}
			if (hid(total[s]) && tlo >= thi) { print "total", s, tlo; bad++ }
			for (tb in tab) {
				k = tb SUBSEP s
				for (i = 1; i <= n[k]; i++) {
					v = cell[k, i]
					if (!hid(v)) continue
					l = tlo - sum[k] - (shi[k] - hi(v)); if (l < lo(v)) l = lo(v)
					h = thi - sum[k] - (slo[k] - lo(v)); if (h > hi(v)) h = hi(v)
					if (l >= h) { print "cell", tb, s, i, "=", l; bad++ }
				}
			}
		}
		exit bad > 0
	}'
}

# truthful PUBLIC PRIVATE: every published value is the real one, or the
# mark "s" over a count that is not zero, and no count from 1 to t-1 is
# shown.
truthful() {
	test -s "$2" && test -s "$3" &&
	test "$(wc -l <"$2")" -eq "$(wc -l <"$3")" || return 1
	paste -d"|" "$2" "$3" | tr -d "\r" | awk -F"|" -v t="$1" '
	{
		np = split($1, p, ","); split($2, q, ",")
		for (i = 1; i <= np; i++) {
			if (p[i] == q[i])
				continue
			if (p[i] == "s" && q[i] + 0 >= 1) continue
			if (p[i] == "" && q[i] ~ /^[0-9.]+$/) continue   # share withheld
			print NR ": " p[i] " for " q[i]; bad++
		}
	}
	END { exit bad > 0 }'
}

# unmask T PUBLIC PRIVATE: the public table as a reader would see it if
# small counts still had a mark of their own ("<T" for 1..T-1, "s" for the
# others), for the leak check: the suppression must hold against that
# better-informed reader too.
unmask() {
	paste -d"|" "$2" "$3" | tr -d "\r" | awk -F"|" -v t="$1" '
	{
		np = split($1, p, ","); split($2, q, ",")
		for (i = 1; i <= np; i++)
			if (p[i] == "s" && q[i] + 0 >= 1 && q[i] + 0 < t)
				p[i] = "<" t
		line = p[1]
		for (i = 2; i <= np; i++)
			line = line "," p[i]
		print line
	}'
}

# unmasked T: pub-totals.csv and pub-depts.csv unmasked, as "published"
# lines.
unmasked() {
	unmask "$1" pub-totals.csv totals.csv >um-totals.csv &&
	unmask "$1" pub-depts.csv depts.csv >um-depts.csv &&
	published um-totals.csv um-depts.csv
}

# The small counts that a cell may not show, as they appear in the two
# tables: value columns only (supported, spotted).
small_shown() {
	test -s "$2" || return 1
	tr -d "\r" <"$2" | awk -F, -v t="$1" -v a="$3" -v b="$4" 'NR > 1 {
		if ($a ~ /^[0-9]+$/ && $a + 0 >= 1 && $a + 0 < t) { print; bad++ }
		if ($b ~ /^[0-9]+$/ && $b + 0 >= 1 && $b + 0 < t) { print; bad++ }
	} END { exit bad > 0 }'
}

sql() {
	sqlite3 "$MERGER_HOME/national.db" "$1"
}

# A home with one organisation and its collector.
one_org() {
	merger init >/dev/null &&
	sql "INSERT INTO organisation(id, name, kind, profile_at, created_at)
	     VALUES (1, 'Org', 'association', 1, 1);
	     INSERT INTO collector(key_id, sign_pk, box_pk, org_id, enrolled_at)
	     VALUES ('k1', X'01', X'01', 1, 1);"
}

# random_support SEED SMALL DEPTS: SQL for support counts in a share DEPTS
# of the départements, a share SMALL of them small, of random forms,
# sexes and ages.
random_support() {
	all_dept_codes | awk -v seed="$1" -v small="$2" -v depts="$3" -v q="'" '
	BEGIN {
		srand(seed)
		split("sexual labour domestic-servitude forced-begging unknown", e, " ")
		split("f m trans unknown", x, " ")
		split("minor adult unknown", a, " ")
		print "BEGIN;"
	}
	rand() < depts {
		for (k = 0; k < 3; k++) {
			n = rand() < small ? 1 + int(rand() * 4) : int(rand() * 60)
			printf "INSERT INTO count VALUES (randomblob(16), 1, %s, %s, %s, %s, %s, %s, %s, %d, 1);\n",
				q "victims" q,
				q "2025" q, q $1 q, q (rand() < 0.5 ? "supported" : "spotted") q,
				q e[1 + int(rand() * 5)] q, q x[1 + int(rand() * 4)] q,
				q a[1 + int(rand() * 3)] q, n
		}
	}
	END { print "COMMIT;" }'
}

# 40 + 5 + 1 supported, 30 + 12 + 7 + 2 spotted.
small_counts() {
	cat <<-\EOF
	INSERT INTO count VALUES
	 (X'01', 1, 'victims', '2025', '75', 'supported', 'sexual', 'f', 'adult', 40, 1),
	 (X'02', 1, 'victims', '2025', '93', 'supported', 'labour', 'm', 'adult', 5, 1),
	 (X'03', 1, 'victims', '2025', '13', 'supported', 'domestic-servitude', 'f', 'minor', 1, 1),
	 (X'04', 1, 'victims', '2025', '75', 'spotted', 'sexual', 'f', 'adult', 30, 1),
	 (X'05', 1, 'victims', '2025', '93', 'spotted', 'sexual', 'f', 'adult', 12, 1),
	 (X'06', 1, 'victims', '2025', '69', 'spotted', 'labour', 'm', 'adult', 7, 1),
	 (X'07', 1, 'victims', '2025', '13', 'spotted', 'forced-begging', 'f', 'minor', 2, 1);
	EOF
}

# 2 supported in all France: the total itself is small.
small_total() {
	cat <<-\EOF
	INSERT INTO count VALUES
	 (X'11', 1, 'victims', '2025', '75', 'supported', 'sexual', 'f', 'adult', 2, 1),
	 (X'12', 1, 'victims', '2025', '93', 'spotted', 'labour', 'm', 'adult', 60, 1);
	EOF
}

publish() {
	merger report --period 2025 --public "$@" --format csv --table totals >pub-totals.csv &&
	merger report --period 2025 --public "$@" --format csv >pub-depts.csv &&
	merger report --period 2025 --format csv --table totals >totals.csv &&
	merger report --period 2025 --format csv >depts.csv
}

test_expect_success 'the checker finds a hidden count left alone in its column' '
	printf "%s\n" "T supported 46" "T spotted 0" "C dept supported 40" \
		"C dept supported 5" "C dept supported <5" >naive &&
	test_must_fail leaks 5 <naive >out && grep -q "^cell dept supported 3 = 1\$" out
'

test_expect_success 'the checker sees through a complement that is too small' '
	printf "%s\n" "T supported 46" "T spotted 0" "C dept supported 40" \
		"C dept supported s" "C dept supported <5" >naive &&
	test_must_fail leaks 5 <naive >out &&
	grep -q "^cell dept supported 2 = 5\$" out &&
	grep -q "^cell dept supported 3 = 1\$" out &&
	printf "%s\n" "T supported 46" "T spotted 0" "C dept supported s" \
		"C dept supported s" "C dept supported <5" >safe &&
	leaks 5 <safe
'

test_expect_success 'the checker finds a hidden total that a table adds up to' '
	printf "%s\n" "T supported s" "T spotted 0" "C dept supported 40" \
		"C dept supported 5" "C expl supported s" "C expl supported <5" >naive &&
	test_must_fail leaks 5 <naive >out && grep -q "^total supported 45\$" out
'

test_expect_success 'small counts next to totals' '
	one_org && small_counts | sqlite3 "$MERGER_HOME/national.db" && publish
'

test_expect_success 'small counts are "s", never their value' '
	grep -q "^2025,13,Bouches-du-Rhône,.*,s,s,0,0,0,0${CR}\$" pub-depts.csv &&
	grep -q "^2025,exploitation,domestic-servitude,servitude domestique,s,,0,0.0${CR}\$" \
		pub-totals.csv &&
	small_shown 5 pub-depts.csv 15 16 && small_shown 5 pub-totals.csv 5 7 &&
	! small_shown 5 depts.csv 15 16 >/dev/null
'

test_expect_success 'a complement larger than the total minus the threshold' '
	# 40 + 5 + 1 = 46: hiding 1 and 5 only would leave "s" = 5 and "<5" = 1
	# as the only solution, so 40 goes too.
	grep -q "^2025,exploitation,sexual,exploitation sexuelle,s,,s,${CR}\$" pub-totals.csv &&
	grep -q "^2025,exploitation,labour,exploitation par le travail,s,,s,${CR}\$" \
		pub-totals.csv &&
	grep -q "^2025,75,Paris,.*,s,s,0,0,0,0${CR}\$" pub-depts.csv &&
	grep -q "^2025,93,Seine-Saint-Denis,.*,s,s,0,0,0,0${CR}\$" pub-depts.csv
'

test_expect_success 'totals and unaffected cells stay published, with their shares' '
	grep -q "^2025,total,all,Total,46,100.0,51,100.0${CR}\$" pub-totals.csv &&
	grep -q "^2025,sex,f,femme,41,89.1,44,86.3${CR}\$" pub-totals.csv &&
	grep -q "^2025,sex,m,homme,5,10.9,7,13.7${CR}\$" pub-totals.csv &&
	grep -q "^2025,69,Rhône,.*,0,s,0,0,1,0${CR}\$" pub-depts.csv
'

test_expect_success 'one mark for every hidden count, small or not' '
	! grep -q "<" pub-totals.csv && ! grep -q "<" pub-depts.csv &&
	unmask 5 pub-depts.csv depts.csv | grep -q "^2025,13,.*,<5,<5,"
'

test_expect_success 'no hidden count can be recomputed' '
	unmasked 5 >pub &&
	leaks 5 <pub &&
	sed "s/^\(2025,75,.*\),s,s,/\1,40,s,/" um-depts.csv >naive-depts.csv &&
	! cmp -s um-depts.csv naive-depts.csv &&
	published um-totals.csv naive-depts.csv >naive &&
	test_must_fail leaks 5 <naive >out &&
	grep -q "^cell dept supported" out
'

test_expect_success 'every marker tells the truth' '
	truthful 5 pub-totals.csv totals.csv &&
	truthful 5 pub-depts.csv depts.csv
'

test_expect_success 'JSON: markers as strings, withheld shares null' '
	merger report --public --format json >pub.json &&
	grep -q "^  \"public\": true, \"threshold\": 5,\$" pub.json &&
	grep -q "^      \"domestic-servitude\": {\"supported\": \"s\", \"spotted\": 0, \"supported_share\": null, \"spotted_share\": 0.0},\$" pub.json &&
	grep -q "^      \"sexual\": {\"supported\": \"s\", \"spotted\": \"s\", \"supported_share\": null, \"spotted_share\": null},\$" pub.json &&
	grep -A3 "^    {\"code\": \"13\"" pub.json | grep -q "^     \"supported\": \"s\", \"spotted\": \"s\", " &&
	! grep -q "<" pub.json &&
	! grep -E "\"(supported|spotted)\": [1-4][,}]" pub.json &&
	merger report --format json >priv.json &&
	grep -E -q "\"(supported|spotted)\": [1-4][,}]" priv.json
'

test_expect_success 'text and HTML show the same markers' '
	merger report --public --table totals >pub.txt &&
	grep -q "^  servitude domestique  *s  *0  *0,0 %\$" pub.txt &&
	grep -q "^  exploitation sexuelle  *s  *s\$" pub.txt &&
	grep -q "^Version publique : les effectifs de 1 à 4 sont masqués, ainsi que ceux qui permettraient de les recalculer ; tous sont marqués « s »\.$" pub.txt &&
	merger report --public --format html -o pub.html 2>/dev/null &&
	grep -q "<p class=\"public\">Version publique" pub.html &&
	grep -q "^<path data-dept=\"13\" .*fill=\"#a3a3a3\"><title>13 Bouches-du-Rhône : s victimes accompagnées, 1 acteur</title>" pub.html &&
	grep -q "^<path data-dept=\"75\" .*fill=\"#a3a3a3\"><title>75 Paris : s victimes accompagnées" pub.html &&
	sed -n "/<section id=\"totaux\">/,/<\/section>/p" pub.html >totaux &&
	grep -q "<td class=\"n\">s</td>" totaux &&
	! grep -q "&lt;5" pub.html &&
	! grep -q "<td class=\"n\">[1-4]</td>" totaux
'

test_expect_success 'a higher threshold' '
	publish --threshold 10 &&
	grep -q "^2025,total,all,Total,46,100.0,51,100.0${CR}\$" pub-totals.csv &&
	small_shown 10 pub-depts.csv 15 16 && small_shown 10 pub-totals.csv 5 7 &&
	unmasked 10 >pub &&
	leaks 10 <pub &&
	truthful 10 pub-totals.csv totals.csv &&
	truthful 10 pub-depts.csv depts.csv &&
	grep -q "^2025,sex,m,homme,s,,s,${CR}\$" pub-totals.csv
'

test_expect_success 'a small national total is hidden, and so is everything under it' '
	sql "DELETE FROM count" &&
	small_total | sqlite3 "$MERGER_HOME/national.db" &&
	publish &&
	grep -q "^2025,total,all,Total,s,,s,${CR}\$" pub-totals.csv &&
	unmasked 5 >pub && leaks 5 <pub &&
	truthful 5 pub-totals.csv totals.csv && truthful 5 pub-depts.csv depts.csv
'

# Many départements with random counts, small ones among them: whatever
# the data, the published tables must pass the checker.
test_expect_success 'random data, many seeds: never a leak' '
	for seed in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		sql "DELETE FROM count" &&
		random_support $seed 0.$((seed % 4 + 1)) 0.$((seed % 3 * 2 + 1)) | sqlite3 "$MERGER_HOME/national.db" &&
		publish 2>/dev/null &&
		unmasked 5 >pub &&
		leaks 5 <pub &&
		truthful 5 pub-totals.csv totals.csv &&
		truthful 5 pub-depts.csv depts.csv &&
		small_shown 5 pub-depts.csv 15 16 && small_shown 5 pub-totals.csv 5 7 ||
		{ echo "seed $seed"; return 1; }
	done
'

test_expect_success 'the directory is published whole' '
	merger report --public --format csv --table directory >pub-dir.csv &&
	merger report --format csv --table directory >dir.csv &&
	test_cmp dir.csv pub-dir.csv
'

test_done
