/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_files: opening and reading the files the options name. */
#include "options_files.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int options_open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), why;
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		why = errno;
		close(fd);
		errno = why;
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return fd;
	close(fd);
	errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	return -1;
}

/* Why a file cannot be opened, as the user running the plugin sees it. */
static int cannot_open(const char *opt, const char *path, int secret, int why, struct error *err)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *reason = why == EINVAL ? "not a regular file" : strerror(why);

	if (secret)
		return error_set(err, ERROR_USAGE, "%s: the file cannot be read by user %.32s: %s", opt,
		                 pw != NULL ? pw->pw_name : "(unknown)", reason);
	return error_set(err, ERROR_USAGE, "%s: cannot read %.120s as user %.32s: %s", opt, path,
	                 pw != NULL ? pw->pw_name : "(unknown)", reason);
}

int options_read_first_line(const char *opt, const char *path, int secret, char **out, struct error *err)
{
	char buf[OPTIONS_LINE_MAX + 2];
	int fd = options_open_regular(path);
	ssize_t got = 0;
	size_t n = 0, line;

	if (fd < 0)
		return cannot_open(opt, path, secret, errno, err);
	while (n < sizeof(buf) - 1 && (got = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)got;
	close(fd);
	buf[n] = '\0';
	line = strcspn(buf, "\r\n");
	if (line == 0 || line > OPTIONS_LINE_MAX || memchr(buf, '\0', line) != NULL) {
		explicit_bzero(buf, sizeof(buf));
		return error_set(err, ERROR_USAGE, "%s: the first line must hold 1 to %d bytes%s", opt,
		                 OPTIONS_LINE_MAX, secret ? " of password" : "");
	}
	buf[line] = '\0';
	*out = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return *out ? 0 : error_set(err, ERROR_NOMEM, "out of memory");
}
