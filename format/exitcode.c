/*
 * exitcode.c - the one mapping from library error codes to the exit
 * statuses both programs document in their man pages.
 */
#include "error.h"

int fmt_exit_status(int code)
{
	switch (code) {
	case FMT_OK:
	case FMT_DONE:
		return 0;
	case FMT_E_NOMEM:
	case FMT_E_CRYPTO_INIT:
		return 5;
	case FMT_E_IO:
	case FMT_E_EXISTS:
		return 3;
	case FMT_E_BUSY:
	case FMT_E_DB:
	case FMT_E_SCHEMA:
	case FMT_E_NOT_SETUP:
	case FMT_E_KEYFILE:
		return 4;
	default:
		return 1;   /* the input was refused */
	}
}
