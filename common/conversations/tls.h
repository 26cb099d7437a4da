/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tls: an OpenSSL session over a connected non-blocking socket. The handshake, every write and every read
 * wait with socket_wait, so the deadline and the cancel descriptor bound them as they bound plain I/O. */
#ifndef CELERY_TLS_H
#define CELERY_TLS_H

#include "broker_addr.h"
#include "deadline.h"
#include "error.h"

#include <stddef.h>
#include <sys/types.h>

struct tls_session;

/* 1 when the build has OpenSSL, else 0 (and tls_start always fails with ERROR_USAGE). */
int tls_available(void);
/* Builds o->ctx from o's files once, so that a file OpenSSL cannot use (not PEM, a key under a
 * passphrase, a key that does not match) is found before anything connects. ERROR_USAGE naming the file. */
int tls_prepare(struct tls_options *o, struct error *err);
/* Frees o->ctx. */
void tls_release(struct tls_options *o);
/* Runs the client handshake on fd (with o->ctx, or a context made for this connection), verifying the
 * certificate against host (or o->sni) as o says. Errors: ERROR_USAGE (a CA, certificate or key file that
 * cannot be read), ERROR_CONNECT (the handshake failed: refused certificate, host name mismatch, not a TLS
 * port), ERROR_TIMEOUT, ERROR_CANCELLED. */
struct tls_session *tls_start(int fd, const struct tls_options *o, const char *host, int cancel_fd,
                              const struct deadline *dl, struct error *err);
/* Sends all len bytes. Errors as transport_send's. */
int tls_send(struct tls_session *s, int cancel_fd, const char *buf, size_t len, const struct deadline *dl,
             struct error *err);
/* Receives what is there, at least one byte. Errors as transport_recv's. */
ssize_t tls_recv(struct tls_session *s, int cancel_fd, char *buf, size_t cap, const struct deadline *dl,
                 struct error *err);
/* Frees the session (the socket stays open: the transport closes it). */
void tls_end(struct tls_session *s);

#endif
