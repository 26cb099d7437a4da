/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgmt_http: a GET to RabbitMQ's management API and the answer's status and body. */
#include "mgmt_http.h"

#include "base64.h"
#include "numparse.h"
#include "transport.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void mgmt_put_segment(struct strbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c) != NULL)
			strbuf_putc(sb, (char)c);
		else
			strbuf_printf(sb, "%%%02X", c);
	}
}

/* The value of header name in the header block [p, end), or NULL; its length in *n. */
static const char *header(const char *p, const char *end, const char *name, size_t *n)
{
	size_t nl = strlen(name);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		if ((size_t)(line_end - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (v < line_end && (*v == ' ' || *v == '\t'))
				v++;
			*n = (size_t)(line_end - v);
			while (*n > 0 && (v[*n - 1] == '\r' || v[*n - 1] == ' '))
				(*n)--;
			return v;
		}
		p = eol ? eol + 1 : end;
	}
	return NULL;
}

/* A chunked body from p to end, decoded into body. */
static int unchunk(const char *p, const char *end, struct strbuf *body, struct error *err)
{
	for (;;) {
		char *after;
		unsigned long long size;
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (eol == NULL)
			return error_set(err, ERROR_BROKER, "the management API's answer was cut short");
		if (!isxdigit((unsigned char)*p))
			return error_set(err, ERROR_BROKER, "the management API sent a bad chunk");
		size = strtoull(p, &after, 16);
		if (after > eol || size > MGMT_BODY_MAX || (size_t)(end - eol - 1) < size + 2)
			return error_set(err, ERROR_BROKER, "the management API sent a bad chunk");
		if (size == 0)
			return 0;
		strbuf_append(body, eol + 1, (size_t)size);
		p = eol + 1 + size;
		if (p[0] != '\r' || p[1] != '\n')
			return error_set(err, ERROR_BROKER, "the management API sent a bad chunk");
		p += 2;
	}
}

int mgmt_parse_answer(const char *buf, size_t len, int *status, struct strbuf *body, struct error *err)
{
	const char *end = buf + len, *head_end = NULL, *v;
	size_t vn;
	long code;
	char num[24];

	for (const char *p = buf; p + 3 < end && head_end == NULL; p++)
		if (memcmp(p, "\r\n\r\n", 4) == 0)
			head_end = p + 2;
	if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ' || head_end == NULL)
		return error_set(err, ERROR_BROKER, "the management API's answer is not HTTP");
	memcpy(num, buf + 9, 3);
	num[3] = '\0';
	if (parse_long(num, 100, 599, &code) < 0)
		return error_set(err, ERROR_BROKER, "the management API's answer has no status");
	*status = (int)code;
	if ((v = header(buf, head_end, "Transfer-Encoding", &vn)) != NULL && vn == 7 &&
	    strncasecmp(v, "chunked", 7) == 0)
		return unchunk(head_end + 2, end, body, err);
	if ((v = header(buf, head_end, "Content-Length", &vn)) != NULL) {
		long n;
		if (vn == 0 || vn >= sizeof(num))
			return error_set(err, ERROR_BROKER, "the management API sent a bad Content-Length");
		memcpy(num, v, vn);
		num[vn] = '\0';
		if (parse_long(num, 0, MGMT_BODY_MAX, &n) < 0)
			return error_set(err, ERROR_BROKER, "the management API sent a bad Content-Length");
		if ((long)(end - head_end - 2) < n)
			return error_set(err, ERROR_BROKER, "the management API's answer was cut short");
		strbuf_append(body, head_end + 2, (size_t)n);
		return 0;
	}
	strbuf_append(body, head_end + 2, (size_t)(end - head_end - 2));
	return 0;
}

/* The request: GET, the host, basic authentication, JSON, and the connection closed after the answer. */
static int request(const struct broker_addr *a, const char *path, struct strbuf *rq, struct error *err)
{
	struct strbuf cred = STRBUF_INIT;
	char *b64;
	char hostport[300];

	strbuf_printf(&cred, "%s:%s", a->username ? a->username : "guest",
	              a->password ? a->password : "guest");
	b64 = cred.failed ? NULL : base64_encode((const unsigned char *)cred.buf, cred.len);
	if (cred.buf != NULL)
		explicit_bzero(cred.buf, cred.len);
	strbuf_free(&cred);
	if (b64 == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	broker_hostport(a->mgmt.host, a->mgmt.port, hostport, sizeof(hostport));
	strbuf_printf(
	    rq,
	    "GET %s%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Basic %s\r\nAccept: application/json\r\n"
	    "User-Agent: monitoring-plugins-celery\r\nConnection: close\r\n\r\n",
	    a->mgmt.path, path, hostport, b64);
	explicit_bzero(b64, strlen(b64));
	free(b64);
	return rq->failed ? error_set(err, ERROR_NOMEM, "out of memory") : 0;
}

/* 1 when buf holds a whole answer: its headers and Content-Length bytes, or its last chunk (a server that
 * keeps the connection open in spite of "Connection: close" is not waited for). */
static int whole_answer(const char *buf, size_t len)
{
	const char *head_end = memmem(buf, len, "\r\n\r\n", 4), *v;
	size_t vn, body;
	char num[24];

	if (head_end == NULL)
		return 0;
	body = len - (size_t)(head_end + 4 - buf);
	if ((v = header(buf, head_end + 2, "Transfer-Encoding", &vn)) != NULL && vn == 7 &&
	    strncasecmp(v, "chunked", 7) == 0)
		return (body == 5 && memcmp(head_end + 4, "0\r\n\r\n", 5) == 0) ||
		       (body > 7 && memcmp(buf + len - 7, "\r\n0\r\n\r\n", 7) == 0);
	if ((v = header(buf, head_end + 2, "Content-Length", &vn)) == NULL || vn == 0 || vn >= sizeof(num))
		return 0;
	memcpy(num, v, vn);
	num[vn] = '\0';
	return strspn(num, "0123456789") == vn && body >= strtoull(num, NULL, 10);
}

/* Reads until the server closes the connection or the answer is whole, at most MGMT_BODY_MAX and a little
 * for the headers. */
static int read_all(struct transport *t, int cancel_fd, const struct deadline *dl, struct strbuf *in,
                    struct error *err)
{
	char chunk[16384];

	for (;;) {
		struct error why;
		ssize_t n = transport_recv(t, cancel_fd, chunk, sizeof(chunk), dl, &why);
		if (n < 0 && why.kind == ERROR_CONNECT && in->len > 0)
			return 0; /* closed: the whole answer is in */
		if (n < 0) {
			*err = why;
			return -1;
		}
		strbuf_append(in, chunk, (size_t)n);
		if (in->failed)
			return error_set(err, ERROR_NOMEM, "out of memory");
		if (whole_answer(in->buf, in->len))
			return 0;
		if (in->len > MGMT_BODY_MAX + 65536)
			return error_set(err, ERROR_BROKER, "the management API's answer is over %d MiB",
			                 MGMT_BODY_MAX >> 20);
	}
}

int mgmt_get(const struct broker_addr *a, const char *path, int cancel_fd, const struct deadline *dl,
             struct strbuf *body, struct error *err)
{
	struct transport t = {-1, NULL};
	struct transport_target to = {a->mgmt.host, a->mgmt.port, NULL};
	struct tls_options tls = a->tls;
	struct strbuf rq = STRBUF_INIT, in = STRBUF_INIT;
	int status = 0, rc;

	tls.enabled = a->mgmt.tls;
	tls.sni = NULL; /* the URL's host is the name verified, not the broker's */
	if (!a->tls.enabled)
		tls.ctx = NULL; /* made for this connection from the same files */
	rc = request(a, path, &rq, err);
	if (rc == 0)
		rc = transport_connect(&t, &to, &tls, cancel_fd, dl, err);
	if (rc == 0)
		rc = transport_send(&t, cancel_fd, rq.buf, rq.len, dl, err);
	if (rc == 0)
		rc = read_all(&t, cancel_fd, dl, &in, err);
	transport_close(&t);
	if (rq.buf != NULL)
		explicit_bzero(rq.buf, rq.len);
	strbuf_free(&rq);
	if (rc == 0)
		rc = mgmt_parse_answer(in.buf, in.len, &status, body, err);
	strbuf_free(&in);
	if (rc < 0)
		return error_wrap(err, "the management API");
	if (body->failed)
		return error_set(err, ERROR_NOMEM, "out of memory");
	if (status == 401 || status == 403)
		return error_set(err, ERROR_AUTH,
		                 "the management API refused %s (HTTP %d): it needs the tag monitoring or "
		                 "management",
		                 a->username ? a->username : "guest", status);
	if (status != 200)
		return error_set(err, ERROR_BROKER, "the management API answered HTTP %d", status);
	return 0;
}
