/*
 * fleet.h - deterministic synthetic data for the benchmarks: the records
 * one organisation's collector would send, drawn from a seeded generator
 * so that every run of `make bench` measures the same bytes.
 *
 * A fleet member is defined by its seed alone: its profile (name, kind,
 * départements of intervention) and the endless stream of its records.
 * Counts of table victims (the old support counts) walk a grid of natural
 * keys (period, département, status, form of exploitation, sex, age),
 * skipping a third of the cells at random like a real spreadsheet with
 * empty cells, so that no two live counts of one organisation share a
 * natural key.  The "mixed" stream
 * interleaves actions and trainings with free-text notes, edited records
 * (version 2 or 3) and tombstones.  Record ids are made as collectors make
 * them (format/record.h, record_new_id): the collector's prefix (the start
 * of its key id, given by fleet_set_key), 6 bytes of creation time in ms,
 * big-endian, then 6 random bytes, here drawn from the seeded generator.
 */
#ifndef BENCH_FLEET_H
#define BENCH_FLEET_H

#include <stdint.h>

#include "record.h"

/* recorded_at of the first record of every stream: 2026-01-05 09:00 UTC.
 * Fixed, so that the same seed always gives the same canonical bytes. */
#define FLEET_EPOCH 1767603600LL

/* Periods of the grid: years 2024..2099, each as 12 months, 4 quarters and
 * the year itself, so 76 * 17 periods; cells per (period, département):
 * 2 statuses * 9 forms * 4 sexes * 3 ages. */
#define FLEET_FIRST_YEAR 2024
#define FLEET_PERIODS (76 * 17)
#define FLEET_CELLS 216

typedef struct fleet_gen {
	uint64_t rng;                    /* splitmix64 state */
	uint64_t seed;
	int mixed;                       /* 1: actions, trainings, edits, tombstones too */
	int ndepts;
	uint8_t depts[DEPT_COUNT];       /* département indexes, increasing */
	uint64_t cell;                   /* next cell of the victims grid */
	uint64_t emitted;                /* records returned so far */
	uint8_t prefix[REC_ID_PREFIX_BYTES]; /* of every id: see fleet_set_key */
} fleet_gen;

/* Starts the stream of fleet member `seed`.  capacity: how many counts the stream must be able to give (the number of départements is
 * raised until the grid holds them).  Can't fail. */
void fleet_init(fleet_gen *g, uint64_t seed, int mixed, uint64_t capacity);

/* The ids of the stream will start as those of the collector whose key id
 * is key_id (zeros until this is called).  Can't fail. */
void fleet_set_key(fleet_gen *g, const char *key_id);

/* The organisation record (version 1) of this member, with a SIREN made
 * from the seed.  Can't fail. */
void fleet_org(const fleet_gen *g, record *r);

/* The next record of the stream into *r.  Returns 0, or -1 once the
 * victims grid is exhausted (capacity too small). */
int fleet_next(fleet_gen *g, record *r);

/* Skips n records (used to give successive bundles of one collector
 * different records).  Returns 0 or -1 as fleet_next. */
int fleet_skip(fleet_gen *g, uint64_t n);

/* splitmix64: a tiny, fast, well-mixed generator; the benchmarks need
 * reproducibility, not secrecy. */
uint64_t fleet_rand(uint64_t *state);

/* A record id made at ms milliseconds since the epoch, in the layout of
 * record_new_id(): prefix, the time in 6 bytes, big-endian, then 6 bytes
 * from *state (two draws, as random ids took before).  Can't fail. */
void fleet_id(uint64_t *state, const uint8_t prefix[REC_ID_PREFIX_BYTES], uint64_t ms,
	      uint8_t id[16]);

#endif
