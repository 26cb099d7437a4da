/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_broker: where the broker is and how to reach it, checked before anything connects. */
#include "options_broker.h"

#include "numparse.h"
#include "options_files.h"
#include "options_names.h"
#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 for "HOST:PORT" and "[V6]:PORT"; a bare IPv6 address ("::1", "fe80::1") is not one. */
static int host_with_port(const char *host)
{
	const char *colon = strrchr(host, ':');

	if (colon == NULL || colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return 0;
	return host[0] == '[' ? colon > host && colon[-1] == ']' : strchr(host, ':') == colon;
}

/* The address from -u / -H -p -s / $CELERY_BROKER_URL, then -n, the user and the password file. */
static int resolve_address(struct broker_addr *addr, const struct broker_args *a, struct error *err)
{
	const char *env_url = getenv("CELERY_BROKER_URL");
	const char *url = a->url;
	long v;

	if (a->url != NULL && (a->host != NULL || a->port != NULL || a->socket != NULL))
		return error_set(err, ERROR_USAGE, "-u/--url cannot be combined with -H, -p or -s");
	if (a->socket != NULL && (a->host != NULL || a->port != NULL))
		return error_set(err, ERROR_USAGE, "-s/--socket cannot be combined with -H or -p");
	if (url == NULL && a->host == NULL && a->port == NULL && a->socket == NULL && env_url != NULL &&
	    *env_url)
		url = env_url;
	if (url != NULL) {
		if (broker_url_parse(url, addr, err) < 0)
			return url == env_url ? error_wrap(err, "$CELERY_BROKER_URL") : -1;
	} else {
		addr->port = BROKER_DEFAULT_PORT;
		if (a->socket != NULL) {
			if (option_text_ok("-s/--socket", a->socket, 0, err) < 0)
				return -1;
			addr->socket = strdup(a->socket);
		} else {
			if (a->host != NULL && option_text_ok("-H/--hostname", a->host, 0, err) < 0)
				return -1;
			if (a->host != NULL && host_with_port(a->host))
				return error_set(
				    err, ERROR_USAGE,
				    "-H/--hostname: '%.60s' holds a port; give the host to -H and the port "
				    "to -p",
				    a->host);
			addr->host = strdup(a->host ? a->host : BROKER_DEFAULT_HOST);
		}
		if (a->port != NULL) {
			if (parse_long(a->port, 1, 65535, &v) < 0)
				return error_set(err, ERROR_USAGE,
				                 "-p/--port: '%.40s' is not a port from 1 to 65535", a->port);
			addr->port = (int)v;
		}
		if (addr->socket == NULL && addr->host == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory");
	}
	if (a->db != NULL) {
		if (parse_long(a->db, 0, 2147483647, &v) < 0)
			return error_set(err, ERROR_USAGE, "-n/--db: '%.40s' is not a database number",
			                 a->db);
		addr->db = v;
	}
	if (a->username != NULL) {
		if (option_text_ok("--username", a->username, 0, err) < 0)
			return -1;
		free(addr->username);
		if ((addr->username = strdup(a->username)) == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory");
	}
	if (a->password_file != NULL) {
		free(addr->password);
		addr->password = NULL;
		if (options_read_first_line("--password-file", a->password_file, 1, &addr->password, err) < 0)
			return -1;
	}
	return 0;
}

/* Replaces *field with a copy of value; 0, or ERROR_NOMEM. */
static int set_copy(char **field, const char *value, struct error *err)
{
	free(*field);
	*field = strdup(value);
	return *field != NULL ? 0 : error_set(err, ERROR_NOMEM, "out of memory");
}

/* A file (or, with dir, a directory) named by a TLS option or ssl_* key must be there to read now: a typo
 * is UNKNOWN, not a broker outage, and a FIFO must not hang OpenSSL later. */
static int tls_path_ok(const char *opt, const char *path, int dir, struct error *err)
{
	struct stat st;
	int fd;

	if (option_text_ok(opt, path, 0, err) < 0)
		return -1;
	if (stat(path, &st) != 0)
		return error_set(err, ERROR_USAGE, "%s: cannot read %.120s: %s", opt, path, strerror(errno));
	if (dir && !S_ISDIR(st.st_mode))
		return error_set(err, ERROR_USAGE, "%s: %.120s is not a directory", opt, path);
	if (!dir && !S_ISREG(st.st_mode))
		return error_set(err, ERROR_USAGE, "%s: %.120s is %s", opt, path,
		                 S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
	if (dir && access(path, R_OK | X_OK) != 0)
		return error_set(err, ERROR_USAGE, "%s: cannot read %.120s: %s", opt, path, strerror(errno));
	if (!dir && (fd = options_open_regular(path)) < 0)
		return error_set(err, ERROR_USAGE, "%s: cannot read %.120s: %s", opt, path, strerror(errno));
	if (!dir)
		close(fd);
	return 0;
}

/* An option's path replaces the URL's; either is checked. */
static int tls_file(const char *opt, const char *url_key, const char *path, int dir, char **field,
                    struct error *err)
{
	if (path != NULL && (tls_path_ok(opt, path, dir, err) < 0 || set_copy(field, path, err) < 0))
		return -1;
	if (path == NULL && *field != NULL && tls_path_ok(url_key, *field, dir, err) < 0)
		return -1;
	return 0;
}

/* --tls, --cacert, --capath, --cert, --key, --sni, --insecure on top of the URL's ssl_* keys; they serve an
 * https:// management URL too (other_tls), which makes its own TLS context from them. */
static int resolve_tls(struct tls_options *t, const struct broker_args *a, int unix_socket, int other_tls,
                       struct error *err)
{
	const char *given = a->cacert     ? "--cacert"
	                    : a->capath   ? "--capath"
	                    : a->cert     ? "--cert"
	                    : a->key      ? "--key"
	                    : a->sni      ? "--sni"
	                    : a->insecure ? "--insecure"
	                                  : NULL;

	if (a->tls && !tls_available())
		return error_set(err, ERROR_USAGE, "--tls: this build has no TLS (built without OpenSSL)");
	if (a->tls && !t->enabled)
		*t = (struct tls_options){1, 1, 1, t->cacert, t->capath, t->cert, t->key, t->sni, NULL};
	if (given != NULL && !t->enabled && !other_tls)
		return error_set(err, ERROR_USAGE, "%s needs --tls or a rediss:// or amqps:// URL", given);
	if (other_tls && !t->enabled)
		t->verify_peer = t->verify_host = 1;
	if (t->enabled && unix_socket)
		return error_set(err, ERROR_USAGE, "TLS is for TCP: a unix socket cannot use it");
	if (a->insecure && (a->cacert != NULL || a->capath != NULL))
		return error_set(err, ERROR_USAGE,
		                 "--insecure verifies nothing: it cannot take --cacert or --capath");
	if (a->insecure && t->cacert != NULL)
		return error_set(err, ERROR_USAGE,
		                 "--insecure verifies nothing: it cannot take ssl_ca_certs");
	if (!t->verify_peer && !a->insecure && (a->cacert != NULL || a->capath != NULL))
		return error_set(err, ERROR_USAGE,
		                 "ssl_cert_reqs=none verifies nothing: it cannot take --cacert or --capath");
	if (a->key != NULL && a->cert == NULL && t->cert == NULL)
		return error_set(err, ERROR_USAGE, "--key needs --cert");
	if (a->insecure)
		t->verify_peer = t->verify_host = 0;
	if (a->sni != NULL &&
	    (option_text_ok("--sni", a->sni, 0, err) < 0 || set_copy(&t->sni, a->sni, err) < 0))
		return -1;
	if (tls_file("--cacert", "ssl_ca_certs", a->cacert, 0, &t->cacert, err) < 0 ||
	    tls_file("--capath", "--capath", a->capath, 1, &t->capath, err) < 0 ||
	    tls_file("--cert", "ssl_certfile", a->cert, 0, &t->cert, err) < 0 ||
	    tls_file("--key", "ssl_keyfile", a->key, 0, &t->key, err) < 0)
		return -1;
	if (t->enabled && t->key != NULL && t->cert == NULL)
		return error_set(err, ERROR_USAGE, "ssl_keyfile needs ssl_certfile");
	return t->enabled ? tls_prepare(t, err) : 0; /* the files' contents too, before connecting */
}

/* --sentinel-master (or master_name) and --sentinel-password-file, with a sentinel:// URL only. */
static int resolve_sentinel(struct broker_addr *addr, const struct broker_args *a, struct error *err)
{
	const char *master = a->sentinel_master ? a->sentinel_master : a->master_name;

	if (addr->sentinel.n == 0) {
		if (master != NULL || a->sentinel_password_file != NULL || a->sentinel_tls)
			return error_set(err, ERROR_USAGE, "%s needs a sentinel:// URL",
			                 a->sentinel_master          ? "--sentinel-master"
			                 : a->sentinel_password_file ? "--sentinel-password-file"
			                 : a->sentinel_tls           ? "--sentinel-tls"
			                                             : "master_name");
		return 0;
	}
	if (a->sentinel_tls && !addr->tls.enabled)
		return error_set(err, ERROR_USAGE, "--sentinel-tls needs --tls");
	addr->sentinel.tls = a->sentinel_tls;
	if (a->sentinel_master != NULL && a->master_name != NULL &&
	    strcmp(a->sentinel_master, a->master_name) != 0)
		return error_set(err, ERROR_USAGE, "--sentinel-master and master_name differ");
	if (master == NULL)
		return error_set(
		    err, ERROR_USAGE,
		    "a sentinel:// URL needs the master's name: --sentinel-master NAME (Celery's "
		    "master_name transport option)");
	if (option_text_ok("--sentinel-master", master, 0, err) < 0 ||
	    set_copy(&addr->sentinel.master, master, err) < 0)
		return -1;
	if (a->sentinel_password_file != NULL &&
	    options_read_first_line("--sentinel-password-file", a->sentinel_password_file, 1,
	                            &addr->sentinel.password, err) < 0)
		return -1;
	return 0;
}

/* --broker: which broker -H and -p name (Redis by default); with a URL, it must agree with the URL's. */
static int resolve_kind(struct broker_addr *addr, const struct broker_args *a, int from_url,
                        struct error *err)
{
	enum broker_kind kind = BROKER_REDIS;

	if (a->broker == NULL)
		return 0;
	if (strcmp(a->broker, "amqp") == 0 || strcmp(a->broker, "rabbitmq") == 0)
		kind = BROKER_AMQP;
	else if (strcmp(a->broker, "redis") != 0)
		return error_set(err, ERROR_USAGE, "--broker: '%.40s' is not redis or amqp", a->broker);
	if (from_url && kind != addr->kind)
		return error_set(err, ERROR_USAGE, "--broker %s does not match the URL's scheme", a->broker);
	if (from_url || kind == BROKER_REDIS)
		return 0;
	addr->kind = BROKER_AMQP;
	if (a->port == NULL)
		addr->port = a->tls ? AMQPS_DEFAULT_PORT : AMQP_DEFAULT_PORT;
	if (addr->username == NULL && /* kombu's default user, with its password */
	    ((addr->username = strdup("guest")) == NULL ||
	     (addr->password == NULL && (addr->password = strdup("guest")) == NULL)))
		return error_set(err, ERROR_NOMEM, "out of memory");
	return 0;
}

/* 1 for a host name or address of this machine's loopback. */
static int loopback(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

/* The first option given that the broker does not take, or NULL. */
static const char *foreign_option(const struct broker_addr *addr, const struct broker_args *a)
{
	if (addr->kind == BROKER_REDIS)
		return a->vhost != NULL            ? "--vhost (RabbitMQ only)"
		       : a->management_url != NULL ? "--management-url (RabbitMQ only)"
		                                   : NULL;
	return a->db                       ? "-n/--db"
	       : a->socket                 ? "-s/--socket"
	       : a->prefix                 ? "--prefix"
	       : a->transport_option       ? "--transport-option"
	       : a->sentinel_master        ? "--sentinel-master"
	       : a->sentinel_password_file ? "--sentinel-password-file"
	       : a->sentinel_tls           ? "--sentinel-tls"
	       : a->capath                 ? "--capath (rabbitmq-c takes a CA file only: --cacert)"
	       : a->sni                    ? "--sni (rabbitmq-c sends and verifies the host's name)"
	                                   : NULL;
}

int options_resolve_broker(struct broker_addr *addr, const struct broker_args *a, struct error *err)
{
	const char *foreign;
	int from_url =
	    a->url != NULL || (a->host == NULL && a->port == NULL && a->socket == NULL &&
	                       getenv("CELERY_BROKER_URL") != NULL && *getenv("CELERY_BROKER_URL"));

	if (a->broker != NULL && a->socket != NULL && strcmp(a->broker, "redis") != 0)
		return error_set(err, ERROR_USAGE,
		                 "-s/--socket is Redis's; RabbitMQ is reached with -H and -p");
	if (resolve_address(addr, a, err) < 0 || resolve_kind(addr, a, from_url, err) < 0)
		return -1;
	if ((foreign = foreign_option(addr, a)) != NULL)
		return error_set(err, ERROR_USAGE, "%s does not apply to a %s broker", foreign,
		                 addr->kind == BROKER_AMQP ? "RabbitMQ (AMQP)" : "Redis");
	if (addr->kind == BROKER_AMQP) {
		if (a->vhost != NULL) {
			if (option_text_ok("--vhost", a->vhost, 0, err) < 0)
				return -1;
			free(addr->vhost);
			addr->vhost = NULL;
		}
		if (addr->vhost == NULL && (addr->vhost = strdup(a->vhost ? a->vhost : "/")) == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory");
		if (a->management_url != NULL &&
		    (option_text_ok("--management-url", a->management_url, 0, err) < 0 ||
		     mgmt_url_parse(a->management_url, &addr->mgmt, err) < 0))
			return -1;
		if (resolve_tls(&addr->tls, a, 0, addr->mgmt.tls, err) < 0)
			return -1;
		if (addr->tls.enabled && addr->mgmt.host != NULL && !addr->mgmt.tls &&
		    !loopback(addr->mgmt.host))
			return error_set(
			    err, ERROR_USAGE,
			    "--management-url: http:// would send the password that TLS protects on the "
			    "broker's connection in the clear; give https://");
		return 0;
	}
	/* Redis's own variable, read once the broker is known to be Redis: never sent to RabbitMQ */
	if (addr->password == NULL && getenv("REDISCLI_AUTH") != NULL && *getenv("REDISCLI_AUTH") != '\0' &&
	    (addr->password = strdup(getenv("REDISCLI_AUTH"))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	if (resolve_tls(&addr->tls, a, addr->socket != NULL, 0, err) < 0)
		return -1;
	return resolve_sentinel(addr, a, err);
}
