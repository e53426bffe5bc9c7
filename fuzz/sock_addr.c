/* SPDX-License-Identifier: ISC */
/* Fuzz target for the unix socket address parser of the sandbox's socket
 * supervisor: the input is the sockaddr bytes an agent passes to connect()
 * (up to sizeof(struct sockaddr_storage), as the supervisor reads them). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sandbox/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage buf;
	if (size > sizeof(buf))
		return 0;
	memset(&buf, 0, sizeof(buf));
	memcpy(&buf, data, size);
	struct sandbox_sock_addr a;
	if (sandbox_sock_addr_parse(&buf, size, &a) != 0)
		return 0;
	if (a.len > sizeof(a.name) - 1 || a.len > size)
		__builtin_trap();
	if (!a.abstract && (a.name[0] == '\0' || strlen(a.name) != a.len))
		__builtin_trap();
	if (a.abstract && a.name[0] != '\0')
		__builtin_trap();
	return 0;
}
