/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgmt_http: one GET to RabbitMQ's management API: HTTP/1.1 over TCP, or over TLS for https:// (verified as
 * the broker's TLS options say), basic authentication with the broker's user, the body bounded in size, the
 * whole exchange bounded by the deadline and the cancel descriptor. */
#ifndef CELERY_MGMT_HTTP_H
#define CELERY_MGMT_HTTP_H

#include "broker_addr.h"
#include "deadline.h"
#include "error.h"
#include "strbuf.h"

#define MGMT_BODY_MAX (32 << 20) /* a longer answer is refused: bytes */

/* GETs the management URL's path followed by path (already percent-encoded) into body (NUL-terminated).
 * 0 on a 200 answer; otherwise -1 with err: ERROR_AUTH for 401 and 403, ERROR_BROKER for other statuses
 * and for an answer that is not HTTP, ERROR_CONNECT, ERROR_TIMEOUT, ERROR_CANCELLED as the transport's. */
int mgmt_get(const struct broker_addr *a, const char *path, int cancel_fd, const struct deadline *dl,
             struct strbuf *body, struct error *err);

/* Appends s to sb percent-encoded as one path segment (a vhost "/" is "%2F"). */
void mgmt_put_segment(struct strbuf *sb, const char *s);

/* Parses an HTTP/1.x answer held whole in buf (the server closed the connection after it): the status, and
 * the body (Content-Length, chunked, or up to the end) copied into body. 0, or -1 with err (ERROR_BROKER:
 * not HTTP, cut short, a bad chunk). */
int mgmt_parse_answer(const char *buf, size_t len, int *status, struct strbuf *body, struct error *err);

#endif
