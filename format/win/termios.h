/*
 * termios.h for the Windows build (format/os_win.h): the one use the
 * programs make of a terminal, turning its echo off for a passphrase, on
 * the console (GetConsoleMode, ENABLE_ECHO_INPUT; os_win.c).  Only ECHO
 * means anything; ECHONL is the console's own behaviour.
 */
#ifndef MAILLAGE_WIN_TERMIOS_H
#define MAILLAGE_WIN_TERMIOS_H

typedef unsigned tcflag_t;

struct termios {
	tcflag_t c_lflag;
};

#define ECHO      0x8u
#define ECHONL    0x40u
#define TCSAFLUSH 2

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int when, const struct termios *t);

#endif
