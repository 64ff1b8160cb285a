/*
 * refdata.h - the reference data compiled into Maillage: the 101
 * départements and 18 regions of the INSEE COG, and every enumeration of
 * the data model with its stable ASCII code and its French and English
 * labels.
 *
 * Départements are handled everywhere as an index 0..100 into one table
 * ordered as INSEE orders them ("01".."19", "2A", "2B", "21".."95",
 * "971".."974", "976"); files carry the code itself.  Enumerations are
 * handled as an index into their table (files carry that index as one
 * byte, sets of values as a 32-bit mask with bit i for index i).  The
 * order of every table is part of the file format (docs/FORMAT.md): new
 * values are only ever appended.
 *
 * Nothing here allocates or fails: the tables are constant.
 */
#ifndef MAILLAGE_REFDATA_H
#define MAILLAGE_REFDATA_H

#include <stddef.h>
#include <stdint.h>

#define REFDATA_VERSION 1        /* bumped when any table below changes */
#define DEPT_COUNT 101
#define REGION_COUNT 18

typedef struct dept_info {
	const char *code;        /* "01", "2A", "971" */
	const char *name;        /* "Ain", "Corse-du-Sud" (UTF-8) */
	const char *region;      /* region code, e.g. "84" */
} dept_info;

typedef struct region_info {
	const char *code;        /* "84" */
	const char *name;        /* "Auvergne-Rhône-Alpes" */
} region_info;

extern const dept_info DEPTS[DEPT_COUNT];
extern const region_info REGIONS[REGION_COUNT];

/* Index of the département whose code is `code`, or -1.  Accepts the
 * lower-case forms "2a"/"2b" (normalised to "2A"/"2B"); refuses anything
 * else that is not exactly a listed code ("20", "975", "1", " 75"). */
int dept_find(const char *code);

/* The département people mean by text: its code (dept_find(), and "1"
 * to "9" for "01" to "09", which spreadsheets write without their zero)
 * or its name, compared folded (text_fold(): "seine saint denis",
 * "Corse du Sud", "cote d'or").  Blanks around are ignored.  Returns its
 * index, or -1 with *suggest (when not NULL) the index of the département
 * whose name is closest to a mistyped name, or -1 when none is close. */
int dept_match(const char *text, int *suggest);

/* Region entry for a region code, or NULL. */
const region_info *region_find(const char *code);

/* One value of an enumeration. */
typedef struct enum_item {
	const char *code;        /* stable ASCII code used in files and flags */
	const char *fr;          /* French label (shown to field workers) */
	const char *en;          /* English label */
} enum_item;

typedef struct enum_table {
	const char *name;        /* field name as the flags spell it, e.g. "exploitation" */
	const enum_item *items;
	int count;               /* at most 32 (sets are 32-bit masks) */
} enum_table;

extern const enum_table ENUM_ORG_KIND;     /* association, barreau, prefecture, ... */
extern const enum_table ENUM_ACTION_TYPE;  /* prevention, awareness, outreach, ... */
extern const enum_table ENUM_PUBLIC;       /* minors, young-adults, adults, ... */
extern const enum_table ENUM_EXPLOITATION; /* sexual, labour, domestic-servitude, ... */
extern const enum_table ENUM_STATUS;       /* spotted, supported */
extern const enum_table ENUM_SEX;          /* f, m, trans, unknown */
extern const enum_table ENUM_AGE;          /* minor, adult, unknown */
extern const enum_table ENUM_AUDIENCE;     /* police, gendarmerie, justice, ... */

/* Index of `code` in t, or -1.  Exact, case-sensitive match. */
int enum_find(const enum_table *t, const char *code);

/* The value of t people mean by text: its code, in any letter case, or
 * its French label, compared folded (text_fold()): "accompagnées",
 * "Accompagnees" and "supported" are the same value.  A label also
 * stands for its parts between commas and brackets ("maraude" for
 * "Repérage, maraude", "barreau" for "Barreau (avocats)") and an
 * inclusive word for its masculine form ("mineurs" for "Mineur·es").  A
 * spelling shared by two values means neither.  Returns the index, or -1
 * with *suggest (when not NULL) the index of the value whose code or
 * label is closest to text, or -1 when none is close. */
int enum_match(const enum_table *t, const char *text, int *suggest);

/* Parses a comma-separated list of codes ("minors,adults") into a mask.
 * Empty string gives 0.  Duplicates are allowed and folded.  On an
 * unknown code returns FMT_E_FIELD with a detail naming the code and the
 * allowed values. */
struct fmt_error;
int enum_parse_set(const enum_table *t, const char *list, uint32_t *mask,
		   struct fmt_error *err);

/* Writes the codes of mask, comma-separated, in table order, into buf
 * (NUL-terminated, truncated to cap).  Returns the length written. */
int enum_format_set(const enum_table *t, uint32_t mask, char *buf, int cap);

/* Mask with every valid bit of t set. */
uint32_t enum_all_mask(const enum_table *t);

/* Comma-separated codes of t alone ("a, b, c"), for the "(allowed: ...)"
 * part of a one-line detail.  Writes into buf (NUL-terminated, truncated
 * to cap); cap must be at least 1.  Cannot fail. */
void enum_list_codes(const enum_table *t, char *buf, size_t cap);

/* Comma-separated "code (label)" list of t's values in French, for
 * messages such as "allowed: sexual (exploitation sexuelle), ...".
 * Writes into buf (NUL-terminated, truncated to cap). */
void enum_describe(const enum_table *t, char *buf, int cap);

#endif
