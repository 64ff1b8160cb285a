/*
 * fleet.c - deterministic synthetic records for the benchmarks (fleet.h).
 *
 * Everything here derives from one 64-bit seed per organisation, through
 * splitmix64, so that gen (which writes bundles and CSV files) and the
 * reference programs always see the same records.  The distributions are
 * chosen to look like real entries rather than noise, because compression
 * ratios (bundle size) depend on it: small counts dominate, sexual and
 * labour exploitation are the most reported forms, notes are French
 * sentences.
 */
#include "fleet.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

uint64_t fleet_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void fleet_id(uint64_t *state, const uint8_t prefix[REC_ID_PREFIX_BYTES], uint64_t ms,
	      uint8_t id[16])
{
	uint64_t a = fleet_rand(state), b = fleet_rand(state);
	uint8_t *t = id + REC_ID_PREFIX_BYTES;

	memcpy(id, prefix, REC_ID_PREFIX_BYTES);
	for (int i = 0; i < REC_ID_TIME_BYTES; i++)
		t[i] = (uint8_t)(ms >> (8 * (REC_ID_TIME_BYTES - 1 - i)));
	a ^= b;
	memcpy(t + REC_ID_TIME_BYTES, &a, REC_ID_RANDOM_BYTES);
}

void fleet_set_key(fleet_gen *g, const char *key_id)
{
	record_id_prefix(key_id, g->prefix);
}

/* Uniform in [0, 1). */
static double unit(uint64_t *s)
{
	return (double)(fleet_rand(s) >> 11) * (1.0 / 9007199254740992.0);
}

static unsigned below(uint64_t *s, unsigned n)
{
	return (unsigned)(fleet_rand(s) % n);
}

/* Share of grid cells kept, by form of exploitation (ENUM_EXPLOITATION
 * order: sexual, labour, domestic-servitude, forced-begging, forced-crime,
 * organ-removal, forced-marriage, other, unknown).  The lowest value
 * bounds the capacity computation in fleet_init(). */
static const double keep_by_form[9] = {
	0.95, 0.85, 0.6, 0.5, 0.5, 0.4, 0.5, 0.6, 0.7,
};
#define KEEP_MIN 0.4

/* Largest count drawn, by form: counts are log-uniform below it, so that
 * most cells hold a handful of people and a few hold dozens. */
static const double count_scale[9] = {
	80, 40, 12, 10, 10, 3, 8, 10, 20,
};

static const char *const notes[] = {
	"Maraude de nuit avec l'équipe mobile, orientation vers l'accueil de jour.",
	"Atelier d'information sur les droits des victimes, interprète présent.",
	"Accompagnement au commissariat pour le dépôt de plainte.",
	"Mise à l'abri en urgence, relais avec le 115 et l'ASE.",
	"Permanence juridique hebdomadaire au tribunal judiciaire.",
	"Entretiens individuels, suivi psychologique engagé.",
	"Réunion du comité départemental de lutte contre la traite.",
	"Formation des travailleurs sociaux au repérage des signaux faibles.",
	"Démarches pour le titre de séjour (article L. 425-1 du CESEDA).",
	"Parcours de sortie de la prostitution : dossier présenté en commission.",
};

static const char *const partners[] = {
	"", "", "ASE", "Préfecture, DDETS", "Parquet, OCRTEH", "CHU, PMI",
	"Association partenaire", "Barreau, CDAD",
};

static const char *const name_prefix[] = {
	"Association", "Collectif", "Réseau", "Amicale du Nid", "Mouvement",
	"Fondation", "Accueil", "Barreau",
};

void fleet_init(fleet_gen *g, uint64_t seed, int mixed, uint64_t capacity)
{
	uint8_t used[DEPT_COUNT] = { 0 };
	double per_dept = (double)FLEET_PERIODS * FLEET_CELLS * KEEP_MIN;
	int want, i, n = 0;

	memset(g, 0, sizeof *g);
	g->seed = seed;
	g->rng = seed * 0x2545f4914f6cdd1dull + 1;
	g->mixed = mixed;
	/* Mixed streams give 70 % counts: the grid must hold more
	 * than `capacity` draws. */
	want = 1 + (int)below(&g->rng, 3);
	while (want < DEPT_COUNT && want * per_dept * (mixed ? 0.65 : 1.0) < (double)capacity)
		want++;
	while (n < want) {
		unsigned d = below(&g->rng, DEPT_COUNT);

		if (!used[d]) {
			used[d] = 1;
			n++;
		}
	}
	for (i = 0; i < DEPT_COUNT; i++)
		if (used[i])
			g->depts[g->ndepts++] = (uint8_t)i;
}

void fleet_org(const fleet_gen *g, record *r)
{
	uint64_t s = g->seed ^ 0x6f7267616e697361ull;
	rec_org *o = &r->u.org;

	memset(r, 0, sizeof *r);
	r->kind = REC_ORG;
	r->version = 1;
	r->recorded_at = FLEET_EPOCH - 86400;
	fleet_id(&s, g->prefix, (uint64_t)r->recorded_at * 1000, r->id);
	snprintf(o->name, sizeof o->name, "%s %s %llu",
		 name_prefix[below(&s, 8)], DEPTS[g->depts[0]].name,
		 (unsigned long long)g->seed);
	/* Mostly associations, as in the field. */
	o->kind = (uint8_t)(below(&s, 4) ? 0 : below(&s, (unsigned)ENUM_ORG_KIND.count));
	o->ndepts = (uint8_t)g->ndepts;
	memcpy(o->depts, g->depts, (size_t)g->ndepts);
	snprintf(o->email, sizeof o->email, "contact@asso-%llu.fr",
		 (unsigned long long)g->seed);
	snprintf(o->phone, sizeof o->phone, "01 %02u %02u %02u %02u",
		 below(&s, 100), below(&s, 100), below(&s, 100), below(&s, 100));
	snprintf(o->website, sizeof o->website, "https://asso-%llu.fr",
		 (unsigned long long)g->seed);
	snprintf(o->national_id, sizeof o->national_id, "%09llu",
		 (unsigned long long)(100000000 + g->seed % 900000000));
}

static void period_of(uint64_t p, char out[REC_PERIOD_MAX + 1])
{
	unsigned year = FLEET_FIRST_YEAR + (unsigned)(p / 17), sub = (unsigned)(p % 17);

	if (sub < 12)
		snprintf(out, REC_PERIOD_MAX + 1, "%u-%02u", year, sub + 1);
	else if (sub < 16)
		snprintf(out, REC_PERIOD_MAX + 1, "%u-Q%u", year, sub - 11);
	else
		snprintf(out, REC_PERIOD_MAX + 1, "%u", year);
}

/* The next kept cell of the grid into s, a count of table victims (its
 * dimensions: status, exploitation, sex, age, as codes); -1 when the grid
 * is exhausted. */
static int next_count(fleet_gen *g, rec_count *s)
{
	uint64_t total = (uint64_t)FLEET_PERIODS * (uint64_t)g->ndepts * FLEET_CELLS;

	while (g->cell < total) {
		uint64_t c = g->cell++;
		unsigned inner = (unsigned)(c % FLEET_CELLS);
		uint64_t pd = c / FLEET_CELLS;
		unsigned age = inner % 3, sex = (inner / 3) % 4, form = (inner / 12) % 9;
		unsigned status = inner / 108;

		if (unit(&g->rng) >= keep_by_form[form])
			continue;
		memset(s, 0, sizeof *s);
		snprintf(s->table, sizeof s->table, "victims");
		period_of(pd / (uint64_t)g->ndepts, s->period);
		s->dept = g->depts[pd % (uint64_t)g->ndepts];
		s->ndims = 4;
		snprintf(s->dims[0], sizeof s->dims[0], "%s", ENUM_STATUS.items[status].code);
		snprintf(s->dims[1], sizeof s->dims[1], "%s", ENUM_EXPLOITATION.items[form].code);
		snprintf(s->dims[2], sizeof s->dims[2], "%s", ENUM_SEX.items[sex].code);
		snprintf(s->dims[3], sizeof s->dims[3], "%s", ENUM_AGE.items[age].code);
		/* Log-uniform count: exp(u * ln(scale + 1)) - 1, supported a
		 * little below spotted. */
		s->count = (uint32_t)(exp(unit(&g->rng) * log(count_scale[form] + 1.0)) - 1.0);
		if (status == 1)
			s->count = s->count * 2 / 3;
		return 0;
	}
	return -1;
}

static uint32_t random_date(uint64_t *s)
{
	static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y = 2024 + below(s, 3), m = 1 + below(s, 12), d = 1 + below(s, mdays[m - 1]);

	return y * 10000 + m * 100 + d;
}

static uint32_t random_mask(uint64_t *s, int count, unsigned max_bits)
{
	uint32_t m = 0;
	unsigned n = 1 + below(s, max_bits);

	while (n--)
		m |= 1u << below(s, (unsigned)count);
	return m;
}

static void random_note(uint64_t *s, char *out, size_t cap)
{
	unsigned n = below(s, 3);
	size_t len = 0;

	out[0] = '\0';
	while (n--) {
		const char *t = notes[below(s, sizeof notes / sizeof notes[0])];
		int w = snprintf(out + len, cap - len, "%s%s", len ? " " : "", t);

		if (w < 0 || (size_t)w >= cap - len)
			break;
		len += (size_t)w;
	}
}

static void next_action(fleet_gen *g, rec_action *a)
{
	uint64_t *s = &g->rng;

	memset(a, 0, sizeof *a);
	a->dept = g->depts[below(s, (unsigned)g->ndepts)];
	a->type = (uint8_t)below(s, (unsigned)ENUM_ACTION_TYPE.count);
	a->start = random_date(s);
	a->end = below(s, 2) ? 0 : a->start;
	a->publics = random_mask(s, ENUM_PUBLIC.count, 2);
	a->exploitation = random_mask(s, ENUM_EXPLOITATION.count, 2);
	a->people = below(s, 3) ? 1 + below(s, 120) : REC_NONE;
	snprintf(a->partners, sizeof a->partners, "%s",
		 partners[below(s, sizeof partners / sizeof partners[0])]);
	random_note(s, a->note, sizeof a->note);
}

static void next_training(fleet_gen *g, rec_training *t)
{
	uint64_t *s = &g->rng;

	memset(t, 0, sizeof *t);
	t->date = random_date(s);
	t->dept = g->depts[below(s, (unsigned)g->ndepts)];
	t->audiences = random_mask(s, ENUM_AUDIENCE.count, 3);
	t->participants = 5 + below(s, 60);
	t->minutes = below(s, 4) ? 60 * (1 + below(s, 7)) : REC_NONE;
	t->exploitation = random_mask(s, ENUM_EXPLOITATION.count, 3);
	random_note(s, t->note, sizeof t->note);
}

int fleet_next(fleet_gen *g, record *r)
{
	uint64_t *s = &g->rng;
	double k = g->mixed ? unit(s) : 0.0;

	memset(r, 0, sizeof *r);
	r->version = 1;
	/* One entry every 37 s of recording time: ordered like real work.
	 * The id is made at that time too, with the two draws random ids
	 * took before, so that the rest of the stream is unchanged. */
	r->recorded_at = FLEET_EPOCH + (int64_t)g->emitted * 37;
	fleet_id(s, g->prefix, (uint64_t)r->recorded_at * 1000, r->id);
	if (k < 0.70) {
		r->kind = REC_COUNT;
		if (next_count(g, &r->u.count))
			return -1;
	} else if (k < 0.90) {
		r->kind = REC_ACTION;
		next_action(g, &r->u.action);
	} else {
		r->kind = REC_TRAINING;
		next_training(g, &r->u.training);
	}
	if (g->mixed) {
		double e = unit(s);

		/* 10 % edited before their first export, 3 % deleted. */
		if (e < 0.10)
			r->version = e < 0.02 ? 3 : 2;
		if (unit(s) < 0.03) {
			r->version++;
			r->deleted = 1;
			memset(&r->u, 0, sizeof r->u);
		}
	}
	g->emitted++;
	return 0;
}

int fleet_skip(fleet_gen *g, uint64_t n)
{
	record r;

	while (n--)
		if (fleet_next(g, &r))
			return -1;
	return 0;
}
