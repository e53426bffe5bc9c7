/* SPDX-License-Identifier: ISC */
/* network = proxy-only: loopback and the forwarder to the proxy (net.c). */
#ifndef HUSH_SANDBOX_NET_H
#define HUSH_SANDBOX_NET_H

#include <stdbool.h>
#include <stdint.h>

/* Brings up lo in the current network namespace. 0 or -1. */
int sandbox_net_lo_up(void);
/* The port of HTTPS_PROXY=http://...:PORT in envp, 0 when absent. */
uint16_t sandbox_net_proxy_port(char *const *envp);
/* Starts the forwarder process: 127.0.0.1:port here to unix_path. 0 or -1. */
int sandbox_net_forwarder(uint16_t port, const char *unix_path);
/* A host the agent may reach with proxy-only (--allow-host): HOST or
 * HOST:PORT, globs allowed (*.DOMAIN); letters, digits and .-_*?[]: only. */
bool sandbox_host_pattern_valid(const char *t);

#endif
