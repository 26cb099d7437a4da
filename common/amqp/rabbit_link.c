/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rabbit_link: the connection, its errors in our words, and frames read under the deadline. */
#include "rabbit_link.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* What is left of dl as a timeval, at least a millisecond (rabbit-c reads 0 as "do not wait at all"). */
static struct timeval left_tv(const struct deadline *dl, double most)
{
	double s = deadline_left(dl);
	struct timeval tv;

	s = s < 0.001 ? 0.001 : s > most ? most : s;
	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

/* The connection can no longer be used: every later call fails at once. */
static void lose(struct rabbit_link *l)
{
	if (l->conn != NULL)
		rabbit.destroy_connection(l->conn);
	l->conn = NULL;
	l->channel = 0;
}

static int library_error(struct rabbit_link *l, int status, const char *what, struct error *err)
{
	const char *why = rabbit.error_string2(status);

	switch (status) {
	case AMQP_STATUS_TIMEOUT:
		lose(l); /* an answer may still come: the connection is out of step */
		return error_set(err, ERROR_TIMEOUT, "%s: no answer from %s in time", what, l->where);
	case AMQP_STATUS_NO_MEMORY:
		return error_set(err, ERROR_NOMEM, "out of memory");
	case AMQP_STATUS_BAD_AMQP_DATA:
	case AMQP_STATUS_UNKNOWN_CLASS:
	case AMQP_STATUS_UNKNOWN_METHOD:
	case AMQP_STATUS_UNEXPECTED_STATE:
	case AMQP_STATUS_INCOMPATIBLE_AMQP_VERSION:
		lose(l);
		return error_set(err, ERROR_BROKER, "protocol error from the broker at %s (%s): %s", l->where,
		                 what, why);
	default:
		lose(l);
		return error_set(err, ERROR_CONNECT, "%s: %s (%s)", what, why, l->where);
	}
}

/* The kind of error a reply code of the broker's is. */
static enum error_kind code_kind(int code)
{
	switch (code) {
	case 403: /* ACCESS_REFUSED: credentials or permissions */
	case 530: /* NOT_ALLOWED: a virtual host that does not exist or the user may not use */
		return ERROR_AUTH;
	case 320: /* CONNECTION_FORCED: the broker is shutting down or was told to close us */
		return ERROR_CONNECT;
	case 541: /* INTERNAL_ERROR */
	case 506: /* RESOURCE_ERROR */
		return ERROR_UNAVAILABLE;
	default:
		return ERROR_BROKER;
	}
}

/* A connection.close or channel.close from the broker: answered, and said in err. */
static int closed_by_broker(struct rabbit_link *l, amqp_method_t method, const char *what, int *code,
                            struct error *err)
{
	if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
		const amqp_connection_close_t *m = method.decoded;
		amqp_connection_close_ok_t ok = {0};
		int c = m->reply_code;

		error_set(err, code_kind(c), "%s: the broker at %s closed the connection: %d %.*s", what,
		          l->where, c, (int)(m->reply_text.len > 160 ? 160 : m->reply_text.len),
		          (const char *)m->reply_text.bytes);
		rabbit.send_method(l->conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
		lose(l);
		if (code != NULL)
			*code = c;
		return -1;
	}
	if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
		const amqp_channel_close_t *m = method.decoded;
		amqp_channel_close_ok_t ok = {0};
		int c = m->reply_code;

		error_set(err, code_kind(c), "%s: %d %.*s", what, c,
		          (int)(m->reply_text.len > 160 ? 160 : m->reply_text.len),
		          (const char *)m->reply_text.bytes);
		rabbit.send_method(l->conn, l->channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
		l->channel = 0;
		if (code != NULL)
			*code = c;
		return -1;
	}
	lose(l);
	return error_set(err, ERROR_BROKER, "%s: unexpected method 0x%08x from the broker at %s", what,
	                 (unsigned)method.id, l->where);
}

int rabbit_answer(struct rabbit_link *l, const char *what, int *code, struct error *err)
{
	amqp_rpc_reply_t r = rabbit.get_rpc_reply(l->conn);

	if (code != NULL)
		*code = 0;
	if (r.reply_type != AMQP_RESPONSE_NORMAL && r.reply_type != AMQP_RESPONSE_SERVER_EXCEPTION &&
	    deadline_passed(&l->until)) {
		lose(l); /* an answer may still come: the connection is out of step */
		return error_set(err, ERROR_TIMEOUT, "%s: no answer from %s in time", what, l->where);
	}
	switch (r.reply_type) {
	case AMQP_RESPONSE_NORMAL:
		return 0;
	case AMQP_RESPONSE_SERVER_EXCEPTION:
		return closed_by_broker(l, r.reply, what, code, err);
	case AMQP_RESPONSE_LIBRARY_EXCEPTION:
		return library_error(l, r.library_error, what, err);
	default:
		lose(l);
		return error_set(err, ERROR_BROKER, "%s: no answer from the broker at %s", what, l->where);
	}
}

/* 1 when a signal asked us to stop. */
static int cancelled(const struct rabbit_link *l)
{
	struct pollfd p = {l->cancel_fd, POLLIN, 0};
	return l->cancel_fd >= 0 && poll(&p, 1, 0) > 0;
}

int rabbit_ready(struct rabbit_link *l, const struct deadline *dl, struct error *err)
{
	struct timeval tv = left_tv(dl, 3600);

	if (l->conn == NULL)
		return error_set(err, ERROR_CONNECT, "the connection to %s was lost", l->where);
	if (deadline_passed(dl))
		return error_set(err, ERROR_TIMEOUT, "no time left to ask %s", l->where);
	if (cancelled(l))
		return error_set(err, ERROR_CANCELLED, "stopped by a signal");
	rabbit.set_rpc_timeout(l->conn, &tv);
	l->until = *dl;
	if (l->channel != 0)
		return 0;
	/* the number of a channel the broker closed (and we answered close-ok) is free again: one number
	 * serves however many 404s a check meets */
	rabbit.channel_open(l->conn, 1);
	if (rabbit_answer(l, "opening a channel", NULL, err) < 0)
		return -1;
	l->channel = 1;
	l->published = 0;
	return 0;
}

/* The client properties: who we are, and that we take connection.blocked (a memory or disk alarm). */
static amqp_table_t client_properties(amqp_table_entry_t *top, amqp_table_entry_t *caps)
{
	caps[0].key = rabbit_bytes("connection.blocked");
	caps[0].value.kind = AMQP_FIELD_KIND_BOOLEAN;
	caps[0].value.value.boolean = 1;
	caps[1].key = rabbit_bytes("authentication_failure_close");
	caps[1].value.kind = AMQP_FIELD_KIND_BOOLEAN;
	caps[1].value.value.boolean = 1;
	top[0].key = rabbit_bytes("product");
	top[0].value.kind = AMQP_FIELD_KIND_UTF8;
	top[0].value.value.bytes = rabbit_bytes("monitoring-plugins-celery");
	top[1].key = rabbit_bytes("capabilities");
	top[1].value.kind = AMQP_FIELD_KIND_TABLE;
	top[1].value.value.table = (amqp_table_t){2, caps};
	return (amqp_table_t){2, top};
}

/* The server's version from its properties, for -v. */
static void read_version(struct rabbit_link *l)
{
	const amqp_table_t *t = rabbit.get_server_properties(l->conn);

	for (int i = 0; t != NULL && i < t->num_entries; i++) {
		const amqp_table_entry_t *e = &t->entries[i];
		if (e->key.len == 7 && memcmp(e->key.bytes, "version", 7) == 0 &&
		    (e->value.kind == AMQP_FIELD_KIND_UTF8 || e->value.kind == AMQP_FIELD_KIND_BYTES))
			snprintf(l->version, sizeof(l->version), "%.*s",
			         (int)(e->value.value.bytes.len > 31 ? 31 : e->value.value.bytes.len),
			         (const char *)e->value.value.bytes.bytes);
	}
}

/* The system's CA bundle: $SSL_CERT_FILE, else where the distributions keep it (rabbitmq-c takes a file). */
static const char *system_cas(void)
{
	static const char *const bundles[] = {"/etc/ssl/certs/ca-certificates.crt",
	                                      "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
	                                      "/etc/ssl/cert.pem"};
	const char *env = getenv("SSL_CERT_FILE");

	if (env != NULL && *env != '\0')
		return env;
	for (size_t i = 0; i < sizeof(bundles) / sizeof(bundles[0]); i++)
		if (access(bundles[i], R_OK) == 0)
			return bundles[i];
	return NULL;
}

/* A TLS socket with the options' CA file (else the system's), client certificate and checks; NULL with err
 * filled. */
static amqp_socket_t *tls_socket(struct rabbit_link *l, const struct tls_options *t, struct error *err)
{
	amqp_socket_t *sock = rabbit.ssl_socket_new(l->conn);
	const char *cas = t->cacert != NULL ? t->cacert : system_cas();

	if (sock == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory starting TLS"), NULL;
	rabbit.ssl_socket_set_verify_peer(sock, t->verify_peer);
	rabbit.ssl_socket_set_verify_hostname(sock, t->verify_peer && t->verify_host);
	if (t->verify_peer && cas == NULL)
		return error_set(err, ERROR_USAGE, "no CA bundle found: give --cacert"), NULL;
	if (t->verify_peer && rabbit.ssl_socket_set_cacert(sock, cas) != AMQP_STATUS_OK)
		return error_set(err, ERROR_USAGE, "the CA file %.200s cannot be loaded", cas), NULL;
	if (t->cert != NULL &&
	    rabbit.ssl_socket_set_key(sock, t->cert, t->key ? t->key : t->cert) != AMQP_STATUS_OK)
		return error_set(err, ERROR_USAGE, "--cert/--key: the client certificate cannot be loaded"),
		       NULL;
	return sock;
}

/* The heartbeat we ask for: longer than the whole check, so that rabbit-c never has to send one while we
 * poll the socket ourselves, yet a check stopped or hung with its connection open is dropped by the broker
 * (and our exclusive queues with it) within two such intervals. */
static int heartbeat(const struct deadline *dl)
{
	double left = deadline_left(dl);
	return (int)(left > 3600 ? 3600 : left) + 5;
}

int rabbit_open(struct rabbit_link *l, const struct broker_addr *a, int cancel_fd, const struct deadline *dl,
                struct error *err)
{
	amqp_table_entry_t top[2], caps[2];
	amqp_table_t props = client_properties(top, caps);
	struct timeval tv = left_tv(dl, 3600);
	amqp_socket_t *sock;
	amqp_rpc_reply_t r;
	int status;

	memset(l, 0, sizeof(*l));
	l->cancel_fd = cancel_fd;
	broker_addr_describe(a, l->where, sizeof(l->where));
	if (rabbit_api_load(err) < 0)
		return -1;
	if ((l->conn = rabbit.new_connection()) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	sock = a->tls.enabled ? tls_socket(l, &a->tls, err) : rabbit.tcp_socket_new(l->conn);
	if (sock == NULL) {
		lose(l);
		return a->tls.enabled ? -1 : error_set(err, ERROR_NOMEM, "out of memory");
	}
	tv = left_tv(dl, 3600);
	status = rabbit.socket_open_noblock(sock, a->host, a->port, &tv);
	if (status != AMQP_STATUS_OK) {
		lose(l);
		if (status == AMQP_STATUS_TIMEOUT)
			return error_set(err, ERROR_TIMEOUT, "connecting to %s timed out", l->where);
		return error_set(err, ERROR_CONNECT, "cannot connect to %s: %s", l->where,
		                 rabbit.error_string2(status));
	}
	if (cancelled(l))
		return error_set(err, ERROR_CANCELLED, "stopped by a signal");
	tv = left_tv(dl, 3600);
	l->until = *dl;
	rabbit.set_handshake_timeout(l->conn, &tv);
	rabbit.set_rpc_timeout(l->conn, &tv);
	r = rabbit.login_with_properties(
	    l->conn, a->vhost ? a->vhost : "/", 0, AMQP_DEFAULT_FRAME_SIZE, heartbeat(dl), &props,
	    AMQP_SASL_METHOD_PLAIN, a->username ? a->username : "guest", a->password ? a->password : "guest");
	if (r.reply_type != AMQP_RESPONSE_NORMAL && r.reply_type != AMQP_RESPONSE_SERVER_EXCEPTION &&
	    deadline_passed(dl)) {
		lose(l);
		return error_set(err, ERROR_TIMEOUT, "logging in to %s: no answer in time", l->where);
	}
	if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
	    (r.library_error == AMQP_STATUS_CONNECTION_CLOSED ||
	     r.library_error == AMQP_STATUS_SOCKET_CLOSED)) {
		/* RabbitMQ refuses credentials and virtual hosts with a connection.close (we advertise
		 * authentication_failure_close); a bare close is something else: a proxy, a connection limit,
		 * a broker stopping */
		lose(l);
		return error_set(err, ERROR_CONNECT,
		                 "the broker at %s closed the connection while %s logged in", l->where,
		                 a->username ? a->username : "guest");
	}
	if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION)
		return closed_by_broker(l, r.reply, "logging in", NULL, err);
	if (r.reply_type != AMQP_RESPONSE_NORMAL)
		return r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
		           ? library_error(l, r.library_error, "logging in", err)
		           : (lose(l),
		              error_set(err, ERROR_BROKER, "logging in: no answer from %s", l->where));
	read_version(l);
	return rabbit_ready(l, dl, err);
}

void rabbit_close(struct rabbit_link *l, const struct deadline *dl)
{
	if (l->conn == NULL)
		return;
	if (!deadline_passed(dl) && !l->blocked) {
		struct timeval tv = left_tv(dl, 3600);
		rabbit.set_rpc_timeout(l->conn, &tv);
		if (l->channel != 0)
			rabbit.channel_close(l->conn, l->channel, AMQP_REPLY_SUCCESS);
		if (l->conn != NULL)
			rabbit.connection_close(l->conn, AMQP_REPLY_SUCCESS);
	}
	lose(l);
}

int rabbit_queue_counts(struct rabbit_link *l, const char *queue, const struct deadline *dl,
                        long long *messages, long long *consumers, struct error *err)
{
	amqp_queue_declare_ok_t *ok;
	char what[300];
	int code;

	if (strlen(queue) > 255) /* AMQP's names end at 255 bytes: no queue has a longer one */
		return 0;
	if (rabbit_ready(l, dl, err) < 0)
		return -1;
	ok = rabbit.queue_declare(l->conn, l->channel, rabbit_bytes(queue), 1, 0, 0, 0, RABBIT_EMPTY_TABLE);
	if (ok != NULL) {
		*messages = ok->message_count;
		*consumers = ok->consumer_count;
		return 1;
	}
	snprintf(what, sizeof(what), "counting queue %.255s", queue);
	if (rabbit_answer(l, what, &code, err) < 0)
		return code == 404   ? 0
		       : code == 405 ? 2
		                     : -1; /* 405 RESOURCE_LOCKED: another's exclusive queue */
	return error_set(err, ERROR_BROKER, "%s: no answer", what);
}

/* Waits for the next frame: 1 with it, 0 at dl, -1 on failure. The socket is polled beside the cancel
 * descriptor while rabbit-c holds nothing unread. */
static int wait_frame(struct rabbit_link *l, const struct deadline *dl, amqp_frame_t *f, struct error *err)
{
	for (;;) {
		struct timeval tv;
		int status;

		if (l->conn == NULL)
			return error_set(err, ERROR_CONNECT, "the connection to %s was lost", l->where);
		if (!rabbit.frames_enqueued(l->conn) && !rabbit.data_in_buffer(l->conn)) {
			struct pollfd p[2] = {{rabbit.get_sockfd(l->conn), POLLIN, 0},
			                      {l->cancel_fd, POLLIN, 0}};
			int n = poll(p, l->cancel_fd >= 0 ? 2 : 1, deadline_left_ms(dl));
			if (n > 0 && p[1].revents != 0 && l->cancel_fd >= 0)
				return error_set(err, ERROR_CANCELLED, "stopped by a signal");
			if (n == 0 || deadline_passed(dl))
				return 0;
		}
		tv = left_tv(dl, 0.1);
		status = rabbit.simple_wait_frame_noblock(l->conn, f, &tv);
		if (status == AMQP_STATUS_OK)
			return 1;
		if (status != AMQP_STATUS_TIMEOUT)
			return library_error(l, status, "reading from the broker", err);
		if (deadline_passed(dl))
			return 0;
	}
}

/* The ticket header and the content type of a message's properties. */
static void read_properties(const amqp_basic_properties_t *p, struct rabbit_message *m)
{
	m->content_type[0] = m->ticket[0] = '\0';
	m->has_ticket = 0;
	if (p->_flags & AMQP_BASIC_CONTENT_TYPE_FLAG) {
		if (p->content_type.len < sizeof(m->content_type))
			snprintf(m->content_type, sizeof(m->content_type), "%.*s", (int)p->content_type.len,
			         (const char *)p->content_type.bytes);
		else
			snprintf(m->content_type, sizeof(m->content_type), "(too long)");
	}
	if (!(p->_flags & AMQP_BASIC_HEADERS_FLAG))
		return;
	for (int i = 0; i < p->headers.num_entries; i++) {
		const amqp_table_entry_t *e = &p->headers.entries[i];
		if (e->key.len == 6 && memcmp(e->key.bytes, "ticket", 6) == 0 &&
		    (e->value.kind == AMQP_FIELD_KIND_UTF8 || e->value.kind == AMQP_FIELD_KIND_BYTES) &&
		    e->value.value.bytes.len < sizeof(m->ticket) &&
		    memchr(e->value.value.bytes.bytes, '\0', e->value.value.bytes.len) == NULL) {
			memcpy(m->ticket, e->value.value.bytes.bytes, e->value.value.bytes.len);
			m->ticket[e->value.value.bytes.len] = '\0';
			m->has_ticket = 1;
		}
	}
}

/* The header and body frames after a deliver or return: kept when small enough, else read past. A
 * message cut by the deadline leaves the connection out of step: it is closed. */
static int read_content(struct rabbit_link *l, const struct deadline *dl, struct rabbit_message *m,
                        struct error *err)
{
	amqp_frame_t f;
	uint64_t size, got = 0;
	int rc, keep;

	if ((rc = wait_frame(l, dl, &f, err)) <= 0 || f.frame_type != AMQP_FRAME_HEADER)
		goto broken;
	size = f.payload.properties.body_size;
	read_properties(f.payload.properties.decoded, m);
	keep = size <= RABBIT_BODY_MAX;
	if (keep && size + 1 > m->cap) {
		char *b = realloc(m->body, size + 1);
		if (b == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory");
		m->body = b;
		m->cap = size + 1;
	}
	while (got < size) {
		if ((rc = wait_frame(l, dl, &f, err)) <= 0 || f.frame_type != AMQP_FRAME_BODY ||
		    f.payload.body_fragment.len > size - got)
			goto broken;
		if (keep)
			memcpy(m->body + got, f.payload.body_fragment.bytes, f.payload.body_fragment.len);
		got += f.payload.body_fragment.len;
		if (!rabbit.frames_enqueued(l->conn)) /* a read-past body does not pile up in rabbit-c */
			rabbit.maybe_release_buffers(l->conn);
	}
	m->len = (size_t)size;
	m->oversize = !keep;
	if (keep)
		m->body[size] = '\0';
	rabbit.maybe_release_buffers(l->conn);
	return 0;
broken:
	if (rc < 0)
		return -1;
	lose(l);
	return error_set(err, rc == 0 ? ERROR_TIMEOUT : ERROR_BROKER,
	                 rc == 0 ? "the time ran out in the middle of a message from %s"
	                         : "protocol error from the broker at %s: a message's frames out of order",
	                 l->where);
}

int rabbit_next(struct rabbit_link *l, const struct deadline *dl, struct rabbit_message *m, struct error *err)
{
	amqp_frame_t f;
	int rc;

	m->kind = RABBIT_NOTHING;
	for (;;) {
		if (l->conn != NULL && !rabbit.frames_enqueued(l->conn))
			rabbit.maybe_release_buffers(l->conn);
		if ((rc = wait_frame(l, dl, &f, err)) <= 0)
			return rc;
		if (f.frame_type != AMQP_FRAME_METHOD || (f.channel != 0 && f.channel != l->channel))
			continue;
		switch (f.payload.method.id) {
		case AMQP_BASIC_ACK_METHOD: {
			const amqp_basic_ack_t *a = f.payload.method.decoded;
			m->kind = RABBIT_ACKED;
			m->tag = a->delivery_tag;
			m->multiple = a->multiple;
			return 0;
		}
		case AMQP_BASIC_NACK_METHOD:
			return error_set(err, ERROR_BROKER,
			                 "the broker at %s refused our message (basic.nack)", l->where);
		case AMQP_BASIC_DELIVER_METHOD:
			m->kind = RABBIT_DELIVERY;
			return read_content(l, dl, m, err);
		case AMQP_BASIC_RETURN_METHOD:
			m->kind = RABBIT_RETURNED;
			return read_content(l, dl, m, err);
		case AMQP_CONNECTION_BLOCKED_METHOD: {
			const amqp_connection_blocked_t *b = f.payload.method.decoded;
			l->blocked = 1;
			snprintf(l->blocked_why, sizeof(l->blocked_why), "%.*s",
			         (int)(b->reason.len > 120 ? 120 : b->reason.len),
			         (const char *)b->reason.bytes);
			continue;
		}
		case AMQP_CONNECTION_UNBLOCKED_METHOD:
			continue;
		default:
			return closed_by_broker(l, f.payload.method, "waiting for replies", NULL, err);
		}
	}
}

void rabbit_message_free(struct rabbit_message *m)
{
	free(m->body);
	memset(m, 0, sizeof(*m));
}
