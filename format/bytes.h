/*
 * bytes.h - little-endian fixed-width integers, and a bounded reader.
 *
 * Every integer in every Maillage file is little-endian and of fixed width
 * (docs/FORMAT.md, "Conventions").  These helpers write and read them one
 * byte at a time, so they are independent of the host's byte order and of
 * alignment.  The cursor reads a buffer front to back and refuses, rather
 * than runs past, its end: parsers check its return value and never index
 * the buffer themselves.  Internal to format/: not part of its interface.
 */
#ifndef MAILLAGE_BYTES_H
#define MAILLAGE_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

/* Signed values travel as their two's complement bit pattern. */
static inline void put_i64(uint8_t *p, int64_t v)
{
	put_u64(p, (uint64_t)v);
}

static inline uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline uint64_t get_u64(const uint8_t *p)
{
	return (uint64_t)get_u32(p) | ((uint64_t)get_u32(p + 4) << 32);
}

static inline int64_t get_i64(const uint8_t *p)
{
	uint64_t u = get_u64(p);
	int64_t v;

	/* memcpy, not a cast: converting an out-of-range unsigned value to a
	 * signed type is implementation-defined. */
	memcpy(&v, &u, sizeof v);
	return v;
}

/* A read position in buf[0..len).  Every cursor_* function returns 0 and
 * advances, or returns -1 and leaves the cursor unchanged when fewer bytes
 * remain than asked for. */
struct cursor {
	const uint8_t *p;
	size_t len, pos;
};

static inline void cursor_init(struct cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->pos = 0;
}

static inline size_t cursor_left(const struct cursor *c)
{
	return c->len - c->pos;
}

static inline int cursor_u8(struct cursor *c, uint8_t *v)
{
	if (cursor_left(c) < 1)
		return -1;
	*v = c->p[c->pos++];
	return 0;
}

static inline int cursor_u16(struct cursor *c, uint16_t *v)
{
	if (cursor_left(c) < 2)
		return -1;
	*v = get_u16(c->p + c->pos);
	c->pos += 2;
	return 0;
}

static inline int cursor_u32(struct cursor *c, uint32_t *v)
{
	if (cursor_left(c) < 4)
		return -1;
	*v = get_u32(c->p + c->pos);
	c->pos += 4;
	return 0;
}

static inline int cursor_u64(struct cursor *c, uint64_t *v)
{
	if (cursor_left(c) < 8)
		return -1;
	*v = get_u64(c->p + c->pos);
	c->pos += 8;
	return 0;
}

static inline int cursor_i64(struct cursor *c, int64_t *v)
{
	if (cursor_left(c) < 8)
		return -1;
	*v = get_i64(c->p + c->pos);
	c->pos += 8;
	return 0;
}

/* Copies n bytes into out (which may be NULL to skip them). */
static inline int cursor_bytes(struct cursor *c, void *out, size_t n)
{
	if (cursor_left(c) < n)
		return -1;
	if (out && n)
		memcpy(out, c->p + c->pos, n);
	c->pos += n;
	return 0;
}

/* Points *out at the next n bytes without copying them. */
static inline int cursor_view(struct cursor *c, const uint8_t **out, size_t n)
{
	if (cursor_left(c) < n)
		return -1;
	*out = c->p + c->pos;
	c->pos += n;
	return 0;
}

/* The writing side: output that counts what it could not write, so that
 * a first pass with no buffer (cap 0) gives the size, and a short buffer
 * is reported with the size it needed.  Shared by the record and the
 * questionnaire encoders. */
struct enc {
	uint8_t *p;
	size_t cap, n;
};

static inline void enc_bytes(struct enc *e, const void *src, size_t n)
{
	if (e->n + n <= e->cap && n)
		memcpy(e->p + e->n, src, n);
	e->n += n;
}

static inline void enc_u8(struct enc *e, unsigned v)
{
	uint8_t b = (uint8_t)v;

	enc_bytes(e, &b, 1);
}

static inline void enc_u16(struct enc *e, unsigned v)
{
	uint8_t b[2];

	put_u16(b, (uint16_t)v);
	enc_bytes(e, b, 2);
}

static inline void enc_u32(struct enc *e, uint32_t v)
{
	uint8_t b[4];

	put_u32(b, v);
	enc_bytes(e, b, 4);
}

static inline void enc_i64(struct enc *e, int64_t v)
{
	uint8_t b[8];

	put_i64(b, v);
	enc_bytes(e, b, 8);
}

/* A u16 length, then the string's bytes (no NUL).  The caller checked
 * that the length fits. */
static inline void enc_str(struct enc *e, const char *s)
{
	size_t n = strlen(s);

	enc_u16(e, (unsigned)n);
	enc_bytes(e, s, n);
}

#endif
