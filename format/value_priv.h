/*
 * value_priv.h - what value.c shares with record.c, which checks the same
 * text and digits inside whole records.  Internal to format/: not part of
 * its interface (the public value functions are declared in record.h).
 */
#ifndef MAILLAGE_VALUE_PRIV_H
#define MAILLAGE_VALUE_PRIV_H

#include <stddef.h>

/* The UTF-8 and control-character check behind text_valid(): NULL when
 * s[0..len) is valid text, otherwise what is wrong, with *at the offset
 * of the offending byte (value.c). */
const char *text_check(const char *str, size_t len, int allow_newline, size_t *at);

/* 1 when s[0..n) are all ASCII digits (n == 0 included). */
static inline int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

#endif
