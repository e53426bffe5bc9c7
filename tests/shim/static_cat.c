/* SPDX-License-Identifier: ISC */
/* Test helper for tests/shim.t: a minimal cat, linked statically by the test.
 * A static binary has no dynamic loader, so LD_PRELOAD never applies: the
 * test uses it to document that the shim alone is not a boundary. */
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[4096];
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0)
			return 1;
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)n) != n)
				return 1;
		close(fd);
	}
	return 0;
}
