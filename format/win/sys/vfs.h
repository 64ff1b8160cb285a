/*
 * sys/vfs.h for the Windows build (format/os_win.h).  Windows file
 * systems keep no POSIX modes (access is an ACL of the folder, private
 * under %LOCALAPPDATA%), so every file system answers as NTFS does under
 * Linux: keys.c then skips the 0600 check on the identity key, as on a
 * FAT or exFAT stick (docs/PORTABLE.md).
 */
#ifndef MAILLAGE_WIN_SYS_VFS_H
#define MAILLAGE_WIN_SYS_VFS_H

struct statfs {
	long f_type;
};

static inline int fstatfs(int fd, struct statfs *fs)
{
	(void)fd;
	fs->f_type = 0x5346544e;        /* "NTFS", as Linux's ntfs3 says */
	return 0;
}

#endif
