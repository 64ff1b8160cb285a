/*
 * netinet/in.h for the Windows build (format/os_win.h): Winsock declares the
 * addresses (sockaddr_in, htonl, INADDR_LOOPBACK) POSIX puts here.
 */
#ifndef MAILLAGE_WIN_NETINET_IN_H
#define MAILLAGE_WIN_NETINET_IN_H
#include <winsock2.h>
#include <ws2tcpip.h>
#endif
