# lib-report.sh - a national database with known content, for the report
# tests (t5*-report-*.sh).  Sourced after test-lib.sh.
#
# The rows are written with the sqlite3 shell, straight into the tables
# the merge fills, so that each counting rule can be exercised with exact
# recording times and record ids; t5030 checks the same rules through
# real collectors and bundles.  Expected values, by hand, for 2025:
#
#   75 supported sexual/f/adult: Alpha's collector k1 recorded 2025 = 10
#      and months 01 = 3, 02 = 4; its collector k2 later recorded 2025 =
#      12.  The year record wins over the months, the newest over the
#      older: 12 (never 10+12, never 29).
#   93 supported labour/m/adult: 2025-Q1 = 2 and months 01 = 1, 02 = 1
#      (the quarter wins: 2), months 04 = 5, 05 = 2 (no Q2 record: 7): 9.
#   93 spotted labour/m/adult: 20.
#   75 spotted sexual/f/adult: two records at the same time (k1: 7, id
#      01; k2: 8, id 02): the larger id counts: 8.
#   69 supported sexual/f/minor 2025-Q3 = 3, spotted 6 (Barreau de Lyon).
#   13 supported domestic-servitude/f/adult = 1, spotted 0 (the
#      organisation with a hostile name).
#   2024 data (75 supported 50, a 2024 training) never counts in 2025.
#
#   supported 25 = sexual 15 + labour 9 + domestic 1 = f 16 + m 9
#                = minor 3 + adult 22;
#   spotted 34 = sexual 14 + labour 20 = f 14 + m 20 = minor 6 + adult 28.
#   Gaps: every département but 13, 69, 75, 93.
#   Q1 2025: 75 = 3+4 = 7, 93 = 2: supported 9.  2025-02: 4 + 1 = 5.
#
#   Active: Alpha in 75, 93 (listed; shelter in 75 in 2025, outreach in
#   93 since 2024 with no end; prevention in 33 in 2024 only, so not in
#   33); Barreau in 69 (listed) and 01 (a training there); the hostile
#   one in 13; Silencieuse in 33 (listed, sent nothing, key revoked);
#   Préfecture in 59 (a training, 25 participants).
#   Completeness: 5 enrolled, 4 reporting, silent: Silencieuse.

report_fixture() {
	merger init --name "Coordination nationale" >/dev/null &&
	sqlite3 "$MERGER_HOME/national.db" <<-'EOF'
	BEGIN;
	INSERT INTO organisation(id, name, kind, national_id, email, phone, website,
	                         profile_at, created_at) VALUES
	 (1, 'Alpha', 'association', NULL, 'contact@alpha.example', '01 23 45 67 89',
	  'https://alpha.example', 1, 1),
	 (2, 'Barreau de Lyon', 'barreau', NULL, NULL, '04 00 00 00 00', NULL, 1, 1),
	 (3, '<img src=x onerror=alert(1)>', 'association', NULL, '=cmd|'' /C calc''!A0',
	  NULL, NULL, 1, 1),
	 (4, 'Silencieuse', 'association', NULL, NULL, NULL, NULL, 1, 1),
	 (5, 'Préfecture du Nord', 'prefecture', NULL, '', '', '', 1, 1);
	INSERT INTO organisation_dept VALUES
	 (1, '75'), (1, '93'), (2, '69'), (3, '13'), (4, '33'), (5, '59');
	INSERT INTO collector(key_id, sign_pk, box_pk, org_id, enrolled_at, revoked_at) VALUES
	 ('k1', X'01', X'01', 1, 1, NULL), ('k2', X'02', X'02', 1, 1, NULL),
	 ('k3', X'03', X'03', 2, 1, NULL), ('k4', X'04', X'04', 3, 1, NULL),
	 ('k5', X'05', X'05', 4, 1, 5), ('k6', X'06', X'06', 5, 1, NULL);
	INSERT INTO count(id, org_id, "table", period, dept, dim1, dim2, dim3, dim4,
	                  count, recorded_at) VALUES
	 (X'a001', 1, 'victims', '2025',    '75', 'supported', 'sexual', 'f', 'adult', 10, 100),
	 (X'a002', 1, 'victims', '2025-01', '75', 'supported', 'sexual', 'f', 'adult', 3, 100),
	 (X'a003', 1, 'victims', '2025-02', '75', 'supported', 'sexual', 'f', 'adult', 4, 100),
	 (X'b001', 1, 'victims', '2025',    '75', 'supported', 'sexual', 'f', 'adult', 12, 200),
	 (X'a004', 1, 'victims', '2025-Q1', '93', 'supported', 'labour', 'm', 'adult', 2, 100),
	 (X'a005', 1, 'victims', '2025-01', '93', 'supported', 'labour', 'm', 'adult', 1, 100),
	 (X'a006', 1, 'victims', '2025-02', '93', 'supported', 'labour', 'm', 'adult', 1, 100),
	 (X'a007', 1, 'victims', '2025-04', '93', 'supported', 'labour', 'm', 'adult', 5, 100),
	 (X'a008', 1, 'victims', '2025-05', '93', 'supported', 'labour', 'm', 'adult', 2, 100),
	 (X'a009', 1, 'victims', '2025',    '93', 'spotted',   'labour', 'm', 'adult', 20, 100),
	 (X'a00a', 1, 'victims', '2024',    '75', 'supported', 'sexual', 'f', 'adult', 50, 100),
	 (X'01', 1, 'victims', '2025',    '75', 'spotted',   'sexual', 'f', 'adult', 7, 300),
	 (X'02', 1, 'victims', '2025',    '75', 'spotted',   'sexual', 'f', 'adult', 8, 300),
	 (X'c001', 2, 'victims', '2025-Q3', '69', 'supported', 'sexual', 'f', 'minor', 3, 100),
	 (X'c002', 2, 'victims', '2025-Q3', '69', 'spotted',   'sexual', 'f', 'minor', 6, 100),
	 (X'd001', 3, 'victims', '2025', '13', 'supported', 'domestic-servitude', 'f', 'adult', 1, 100),
	 (X'd002', 3, 'victims', '2025', '13', 'spotted',   'domestic-servitude', 'f', 'adult', 0, 100);
	INSERT INTO action(id, org_id, dept, type, "start", "end", public,
	                   exploitation, people, partners, note, recorded_at) VALUES
	 (X'e001', 1, '75', 'shelter', '2025-03-01', '2025-06-30', 'adults', 'sexual',
	  NULL, NULL, NULL, 100),
	 (X'e002', 1, '93', 'outreach', '2024-05-01', NULL, 'adults', 'labour', 40, NULL, NULL, 100),
	 (X'e003', 1, '33', 'prevention', '2024-01-01', '2024-12-31', 'minors', NULL,
	  NULL, NULL, NULL, 100),
	 (X'e004', 2, '69', 'legal-support', '2025-02-01', NULL, 'adults', NULL, NULL, NULL, NULL, 100);
	INSERT INTO training(id, org_id, date, dept, audience, participants, hours,
	                     exploitation, note, recorded_at) VALUES
	 (X'f001', 5, '2025-09-10', '59', 'police', 25, 2, NULL, NULL, 100),
	 (X'f002', 5, '2024-09-10', '59', 'police', 10, 2, NULL, NULL, 100),
	 (X'f003', 2, '2025-05-05', '01', 'lawyers', 12, NULL, NULL, NULL, 100);
	COMMIT;
	EOF
}

# The 101 département codes in INSEE order.
all_dept_codes() {
	seq -w 1 19
	echo 2A
	echo 2B
	seq 21 95
	seq 971 974
	echo 976
}
