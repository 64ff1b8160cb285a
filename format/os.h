/*
 * os.h - the few things the operating system decides, in one place.
 *
 * The code of both programs is POSIX.  What differs on another system
 * lives behind this header and its two implementations: os_posix.c
 * (Linux and the other POSIX systems) and os_win.c (Windows, built with
 * mingw-w64).  On Windows, os_win.h is also included before every file
 * (gcc -include): it gives the POSIX calls the code makes (open, rename,
 * mkdir, opendir...) their Windows meaning, with UTF-8 paths turned into
 * UTF-16 at the system boundary (docs/PORTABLE.md).
 */
#ifndef MAILLAGE_OS_H
#define MAILLAGE_OS_H

#include "paths.h"

/* The absolute path of the running program into exe[PATH_CAP], with '/'
 * between folders: /proc/self/exe on Linux (else argv0 when it holds a
 * '/'); GetModuleFileNameW on Windows.  0, or -1 when it cannot be
 * known. */
int os_self_path(const char *argv0, char exe[PATH_CAP]);

/* The default home of program prog ("collector", "merger") into
 * out[PATH_CAP]: $XDG_DATA_HOME/maillage/PROG (an absolute
 * $XDG_DATA_HOME only), else $HOME/.local/share/maillage/PROG on POSIX;
 * %LOCALAPPDATA%/Maillage/PROG on Windows.  Returns the length, 0 when
 * the environment names no such folder (out is then ""), -1 when the
 * path does not fit. */
int os_default_home(const char *prog, char out[PATH_CAP]);

/* Turns a path given by the user into the form the code expects ('/'
 * between folders): nothing to do on POSIX; '\' becomes '/' on Windows,
 * where both separate folders. */
void os_path_fix(char *path);

/* The collector's window (collector ui) and the desktop. */

/* Opens url in the user's default browser: xdg-open on POSIX (in a
 * process group of its own, so that Ctrl-C stops the window and not the
 * browser, waited for five seconds at most), ShellExecuteW on Windows.
 * 0, or -1 when it could not be started or said it failed. */
int os_open_url(const char *url);

/* Makes a stop request of Ctrl-C, awaited by os_stop_wait(): SIGINT and
 * SIGTERM blocked (SIGPIPE ignored) on POSIX, before any thread starts,
 * so that every thread inherits the mask; on Windows, the console's
 * Ctrl-C, Ctrl-Break and closing (SetConsoleCtrlHandler).  0, or -1. */
int os_stop_prepare(void);
/* Returns once a stop was asked, by Ctrl-C or by os_stop(). */
void os_stop_wait(void);
/* Asks for the stop, from any thread (the window's Quitter button). */
void os_stop(void);

/* 1 when a program started with no argument at all was most likely
 * started from the desktop, not typed in a terminal: on Windows, where
 * a double click on the .exe gives none (the collector then opens its
 * window); 0 on POSIX, where the usage is printed. */
int os_bare_start_is_desktop(void);

#endif
