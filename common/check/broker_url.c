/* SPDX-License-Identifier: GPL-3.0-or-later */
/* broker_url: parsing Celery broker URLs (broker protocol, section 6). */
#include "broker_url.h"

#include "numparse.h"
#include "tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define URL_MAX 4096

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes n bytes into a new string; NULL on a bad escape, an escaped NUL or no memory. */
static char *pct_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
		int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(out);
			return NULL;
		}
		out[o++] = (char)(hi * 16 + lo);
		i += 2;
	}
	out[o] = '\0';
	return out;
}

/* One TLS key of a rediss:// URL, as redis-py and Celery's broker_use_ssl name them. */
static int tls_key(const char *key, size_t klen, const char *val, struct tls_options *t, struct error *err)
{
	static const struct {
		const char *value;
		int verify;
	} reqs[] = {{"CERT_REQUIRED", 1}, {"required", 1},  {"CERT_OPTIONAL", 1},
	            {"optional", 1},      {"CERT_NONE", 0}, {"none", 0}};
	char **file = NULL;

	if (klen == 13 && strncmp(key, "ssl_cert_reqs", 13) == 0) {
		for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
			if (strcmp(val, reqs[i].value) == 0) {
				t->verify_peer =
				    reqs[i].verify; /* the host is checked only when the peer is */
				return 0;
			}
		return error_set(err, ERROR_USAGE, "--url: ssl_cert_reqs must be required, optional or none");
	}
	if (klen == 18 && strncmp(key, "ssl_check_hostname", 18) == 0) {
		if (strcasecmp(val, "true") != 0 && strcasecmp(val, "false") != 0)
			return error_set(err, ERROR_USAGE, "--url: ssl_check_hostname must be true or false");
		t->verify_host = strcasecmp(val, "true") == 0; /* Python writes True and False */
		return 0;
	}
	if (klen == 12 && strncmp(key, "ssl_ca_certs", 12) == 0)
		file = &t->cacert;
	else if (klen == 12 && strncmp(key, "ssl_certfile", 12) == 0)
		file = &t->cert;
	else if (klen == 11 && strncmp(key, "ssl_keyfile", 11) == 0)
		file = &t->key;
	if (file == NULL)
		return error_set(
		    err, ERROR_USAGE,
		    "--url: unknown TLS key %.*s (known: ssl_cert_reqs, ssl_ca_certs, ssl_certfile, "
		    "ssl_keyfile, ssl_check_hostname)",
		    (int)(klen > 40 ? 40 : klen), key);
	if (*val == '\0')
		return error_set(err, ERROR_USAGE, "--url: %.*s is empty", (int)klen, key);
	free(*file);
	if ((*file = strdup(val)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	return 0;
}

/* Reads "key=value&key=value": the db (virtual_host or db) and, in a rediss:// URL, the TLS keys; ignores
 * other keys, as kombu does. */
static int parse_query(const char *q, struct broker_addr *out, struct error *err)
{
	while (q != NULL && *q != '\0') {
		const char *amp = strchr(q, '&');
		size_t n = amp ? (size_t)(amp - q) : strlen(q);
		const char *eq = memchr(q, '=', n);
		size_t klen = eq ? (size_t)(eq - q) : n;
		int is_tls = klen >= 4 && strncmp(q, "ssl_", 4) == 0;
		int is_db = (klen == 12 && strncmp(q, "virtual_host", 12) == 0) ||
		            (klen == 2 && strncmp(q, "db", 2) == 0);
		char *val = NULL;
		int rc = 0;

		if (is_tls && !out->tls.enabled)
			return error_set(err, ERROR_USAGE, "--url: ssl_* keys need a rediss:// URL");
		if ((is_tls || is_db) &&
		    (val = pct_decode(eq ? eq + 1 : q + n, eq ? n - klen - 1 : 0)) == NULL)
			return error_set(err, ERROR_USAGE, "--url: bad percent escape in the query");
		if (is_tls)
			rc = tls_key(q, klen, val, &out->tls, err);
		if (is_db && (*val == '\0' || parse_long(val, 0, 2147483647, &out->db) < 0))
			rc = error_set(err, ERROR_USAGE,
			               "--url: the database number is missing or not a number");
		free(val);
		if (rc < 0)
			return -1;
		q = amp ? amp + 1 : NULL;
	}
	return 0;
}

/* Reads [user][:password]@ from the authority part. */
static int parse_userinfo(const char *s, size_t n, struct broker_addr *out, struct error *err)
{
	const char *colon = memchr(s, ':', n);
	size_t ulen = colon ? (size_t)(colon - s) : n;

	if (ulen > 0 && (out->username = pct_decode(s, ulen)) == NULL)
		return error_set(err, ERROR_USAGE, "--url: bad percent escape in the user name");
	if (colon != NULL && n - ulen - 1 > 0 &&
	    (out->password = pct_decode(colon + 1, n - ulen - 1)) == NULL)
		return error_set(err, ERROR_USAGE, "--url: bad percent escape in the password");
	return 0;
}

/* Reads host[:port] or [v6][:port]. */
static int parse_hostport(const char *s, size_t n, struct broker_addr *out, struct error *err)
{
	const char *host = s, *port = NULL;
	size_t hlen = n;
	char buf[8];
	long v;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (close == NULL)
			return error_set(err, ERROR_USAGE, "--url: unterminated '[' in the host");
		host = s + 1;
		hlen = (size_t)(close - host);
		if (close + 1 < s + n) {
			if (close[1] != ':')
				return error_set(err, ERROR_USAGE, "--url: junk after ']' in the host");
			port = close + 2;
		}
	} else {
		const char *colon = memchr(s, ':', n);
		if (colon != NULL) {
			hlen = (size_t)(colon - s);
			port = colon + 1;
		}
	}
	if (port != NULL) {
		size_t plen = (size_t)(s + n - port);
		if (plen == 0 || plen >= sizeof(buf))
			return error_set(err, ERROR_USAGE, "--url: the port is missing or too long");
		memcpy(buf, port, plen);
		buf[plen] = '\0';
		if (parse_long(buf, 1, 65535, &v) < 0)
			return error_set(err, ERROR_USAGE,
			                 "--url: the port must be a number from 1 to 65535");
		out->port = (int)v;
	}
	out->host = hlen ? strndup(host, hlen) : strdup(BROKER_DEFAULT_HOST);
	if (out->host == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	return 0;
}

/* redis://[userinfo@]host[:port][/db][?query] */
static int parse_tcp(const char *rest, struct broker_addr *out, struct error *err)
{
	size_t auth_len = strcspn(rest, "/?");
	const char *at = NULL, *path = rest + auth_len, *query = strchr(rest, '?');

	for (const char *p = rest; p < rest + auth_len; p++)
		if (*p == '@')
			at = p; /* the last '@': a password may hold one */
	if (at != NULL && parse_userinfo(rest, (size_t)(at - rest), out, err) < 0)
		return -1;
	if (parse_hostport(at ? at + 1 : rest, at ? (size_t)(rest + auth_len - at - 1) : auth_len, out, err) <
	    0)
		return -1;
	if (*path == '/') {
		size_t dlen = strcspn(path + 1, "?");
		char buf[16];
		if (dlen >= sizeof(buf))
			return error_set(err, ERROR_USAGE, "--url: the database number is too long");
		memcpy(buf, path + 1, dlen);
		buf[dlen] = '\0';
		if (dlen > 0 && parse_long(buf, 0, 2147483647, &out->db) < 0)
			return error_set(err, ERROR_USAGE, "--url: the path must be a database number");
	}
	return parse_query(query ? query + 1 : NULL, out, err);
}

/* amqp://[userinfo@]host[:port][/vhost][?query] (amqps:// with TLS, port 5671), as kombu reads it: user and
 * password guest when not given, the virtual host "/" for an empty path ("//" is "/" too); the query's keys
 * are ignored. */
static int parse_amqp(const char *rest, struct broker_addr *out, int tls, struct error *err)
{
	size_t auth_len = strcspn(rest, "/?");
	const char *at = NULL, *path = rest + auth_len, *query = strchr(rest, '?');

	out->kind = BROKER_AMQP;
	out->port = tls ? AMQPS_DEFAULT_PORT : AMQP_DEFAULT_PORT;
	for (const char *p = rest; p < rest + auth_len; p++)
		if (*p == '@')
			at = p; /* the last '@': a password may hold one */
	if (at != NULL && parse_userinfo(rest, (size_t)(at - rest), out, err) < 0)
		return -1;
	if (parse_hostport(at ? at + 1 : rest, at ? (size_t)(rest + auth_len - at - 1) : auth_len, out, err) <
	    0)
		return -1;
	if (*path == '/' && (query ? query : path + strlen(path)) > path + 1 &&
	    (out->vhost = pct_decode(path + 1, (size_t)((query ? query : path + strlen(path)) - path - 1))) ==
	        NULL)
		return error_set(err, ERROR_USAGE, "--url: bad percent escape in the virtual host");
	if ((out->vhost == NULL && (out->vhost = strdup("/")) == NULL) ||
	    (out->username == NULL && (out->username = strdup("guest")) == NULL) ||
	    (out->password == NULL && (out->password = strdup("guest")) == NULL))
		return error_set(err, ERROR_NOMEM, "out of memory");
	return 0;
}

/* redis+socket://[userinfo@]/path[?virtual_host=N] and unix://... */
static int parse_socket(const char *rest, struct broker_addr *out, struct error *err)
{
	const char *slash = strchr(rest, '/'), *query;
	size_t plen;

	if (slash == NULL)
		return error_set(err, ERROR_USAGE, "--url: a socket URL needs an absolute path");
	if (slash > rest) {
		const char *at = memchr(rest, '@', (size_t)(slash - rest));
		if (at == NULL || at + 1 != slash)
			return error_set(err, ERROR_USAGE, "--url: a socket URL takes no host name");
		if (parse_userinfo(rest, (size_t)(at - rest), out, err) < 0)
			return -1;
	}
	query = strchr(slash, '?');
	plen = query ? (size_t)(query - slash) : strlen(slash);
	if (plen < 2)
		return error_set(err, ERROR_USAGE, "--url: the socket path is empty");
	if ((out->socket = pct_decode(slash, plen)) == NULL)
		return error_set(err, ERROR_USAGE, "--url: bad percent escape in the socket path");
	return parse_query(query ? query + 1 : NULL, out, err);
}

/* sentinel://[userinfo@]host[:port][/db];sentinel://...: the sentinels in order; the password, user and db
 * of the first URL, as kombu reads them (the others only add sentinels). */
static int parse_sentinels(const char *url, struct broker_addr *out, struct error *err)
{
	size_t parts = 1;

	for (const char *p = url; *p; p++)
		parts += *p == ';';
	if ((out->sentinel.at = calloc(parts, sizeof(*out->sentinel.at))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	for (const char *p = url; p != NULL; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL) {
		size_t n = strcspn(p, ";");
		struct broker_addr one = {.port = SENTINEL_DEFAULT_PORT};
		char *part;
		int rc;

		if (n < 11 || strncmp(p, "sentinel://", 11) != 0)
			return error_set(err, ERROR_USAGE,
			                 "--url: every part of a Sentinel URL, separated by ';', "
			                 "must be sentinel://HOST[:PORT]");
		if ((part = strndup(p + 11, n - 11)) == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory");
		rc = parse_tcp(part, &one, err);
		free(part);
		if (rc == 0) {
			struct sentinel_addr *s = &out->sentinel.at[out->sentinel.n++];
			*s = (struct sentinel_addr){one.host, one.port};
			one.host = NULL;
			if (out->sentinel.n == 1) { /* kombu reads the first URL's; the rest add sentinels */
				out->password = one.password, one.password = NULL;
				out->username = one.username, one.username = NULL;
				out->db = one.db;
			}
		}
		broker_addr_free(&one);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int broker_url_parse(const char *url, struct broker_addr *out, struct error *err)
{
	static const struct {
		const char *scheme;
		int socket, tls;
	} schemes[] = {{"redis://", 0, 0},
	               {"rediss://", 0, 1},
	               {"redis+socket://", 1, 0},
	               {"socket://", 1, 0},
	               {"unix://", 1, 0}};
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->port = BROKER_DEFAULT_PORT;
	if (strlen(url) > URL_MAX)
		return error_set(err, ERROR_USAGE, "--url: longer than %d characters", URL_MAX);
	for (size_t i = 0; i < strlen(url); i++)
		if ((unsigned char)url[i] < 0x21 || url[i] == 0x7f)
			return error_set(err, ERROR_USAGE, "--url: contains spaces or control characters");
	if (strncmp(url, "rediss://", 9) == 0 && !tls_available())
		return error_set(
		    err, ERROR_USAGE,
		    "--url: TLS (rediss://) is not supported by this build (built without OpenSSL)");
	if (strncmp(url, "amqp://", 7) == 0 || strncmp(url, "pyamqp://", 9) == 0 ||
	    strncmp(url, "amqps://", 8) == 0) {
		int tls = url[4] == 's';
		if (tls && !tls_available())
			return error_set(
			    err, ERROR_USAGE,
			    "--url: TLS (amqps://) is not supported by this build (built without OpenSSL)");
		out->tls = (struct tls_options){tls, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL};
		if ((rc = parse_amqp(url + (url[0] == 'p' ? 9 : tls ? 8 : 7), out, tls, err)) < 0)
			broker_addr_free(out);
		return rc;
	}
	if (strncmp(url, "sentinel://", 11) == 0) {
		if ((rc = parse_sentinels(url, out, err)) < 0)
			broker_addr_free(out);
		return rc;
	}
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i].scheme);
		if (strncmp(url, schemes[i].scheme, n) == 0) {
			out->tls =
			    (struct tls_options){schemes[i].tls, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL};
			rc = schemes[i].socket ? parse_socket(url + n, out, err)
			                       : parse_tcp(url + n, out, err);
			if (rc < 0)
				broker_addr_free(out);
			return rc;
		}
	}
	return error_set(err, ERROR_USAGE,
	                 "--url: unknown scheme; use redis://, rediss://, redis+socket://, unix://, "
	                 "sentinel://, amqp:// or pyamqp://");
}

int mgmt_url_parse(const char *url, struct mgmt_addr *out, struct error *err)
{
	int tls = strncmp(url, "https://", 8) == 0;
	const char *rest = url + (tls ? 8 : 7), *hp_end, *path;
	struct broker_addr hp = {0};
	size_t plen;

	if (!tls && strncmp(url, "http://", 7) != 0)
		return error_set(err, ERROR_USAGE,
		                 "--management-url: give http://HOST[:PORT] or https://...");
	hp_end = rest + strcspn(rest, "/?#");
	if (memchr(rest, '@', (size_t)(hp_end - rest)) != NULL)
		return error_set(err, ERROR_USAGE,
		                 "--management-url: no user or password in it: the broker's are used");
	if (hp_end == rest)
		return error_set(err, ERROR_USAGE, "--management-url: the host is missing");
	hp.port = tls ? MGMTS_DEFAULT_PORT : MGMT_DEFAULT_PORT;
	if (parse_hostport(rest, (size_t)(hp_end - rest), &hp, err) < 0)
		return error_wrap(err, "--management-url");
	path = hp_end;
	plen = strcspn(path, "?#");
	while (plen > 0 && path[plen - 1] == '/')
		plen--;
	free(out->host);
	free(out->path);
	out->host = hp.host;
	out->port = hp.port;
	out->tls = tls;
	if ((out->path = strndup(path, plen)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	return 0;
}

static void free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void broker_addr_free(struct broker_addr *a)
{
	free(a->host);
	free(a->socket);
	free(a->vhost);
	free(a->username);
	free_secret(a->password);
	free(a->tls.cacert);
	free(a->tls.capath);
	free(a->tls.cert);
	free(a->tls.key);
	free(a->tls.sni);
	tls_release(&a->tls);
	for (size_t i = 0; i < a->sentinel.n; i++)
		free(a->sentinel.at[i].host);
	free(a->sentinel.at);
	free(a->sentinel.master);
	free(a->mgmt.host);
	free(a->mgmt.path);
	free_secret(a->sentinel.password);
	memset(a, 0, sizeof(*a));
}
