/*
 * sys/resource.h for the Windows build (format/os_win.h): Windows writes
 * no core files, so limiting their size has nothing to do.
 */
#ifndef MAILLAGE_WIN_SYS_RESOURCE_H
#define MAILLAGE_WIN_SYS_RESOURCE_H

#define RLIMIT_CORE 4

struct rlimit {
	unsigned long long rlim_cur, rlim_max;
};

static inline int setrlimit(int resource, const struct rlimit *rl)
{
	(void)resource;
	(void)rl;
	return 0;
}

#endif
