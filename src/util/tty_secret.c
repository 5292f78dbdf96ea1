/* Reading a secret from /dev/tty with echo off. */
#include "util/tty_secret.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util/xalloc.h"

int tty_secret_ask(const char *prompt, char **secret, void *ctx)
{
	struct termios old, quiet;
	char buf[1024];
	size_t len = 0;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

	(void)ctx;
	*secret = NULL;
	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return -1;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
		close(fd);
		return -1;
	}
	while (len < sizeof buf - 1) {
		ssize_t r = read(fd, buf + len, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		len = 0;
	close(fd);
	if (len > 0)
		*secret = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return *secret != NULL ? 0 : -1;
}
