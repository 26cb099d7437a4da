/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rabbit_api: rabbitmq-c's functions, loaded when a RabbitMQ broker is first used: linking it would load
 * librabbitmq, libssl and libcrypto into every check, Redis's too, and double the cost of starting one. */
#ifndef CELERY_RABBIT_API_H
#define CELERY_RABBIT_API_H

#include "error.h"

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

/* The functions used, by their names without amqp_. */
#define RABBIT_FUNCTIONS(X)                                                                                  \
	X(new_connection)                                                                                    \
	X(destroy_connection)                                                                                \
	X(tcp_socket_new)                                                                                    \
	X(ssl_socket_new)                                                                                    \
	X(ssl_socket_set_verify_peer)                                                                        \
	X(ssl_socket_set_verify_hostname)                                                                    \
	X(ssl_socket_set_cacert)                                                                             \
	X(ssl_socket_set_key)                                                                                \
	X(socket_open_noblock)                                                                               \
	X(error_string2)                                                                                     \
	X(set_handshake_timeout)                                                                             \
	X(set_rpc_timeout)                                                                                   \
	X(login_with_properties)                                                                             \
	X(get_server_properties)                                                                             \
	X(get_rpc_reply)                                                                                     \
	X(channel_open)                                                                                      \
	X(channel_close)                                                                                     \
	X(connection_close)                                                                                  \
	X(send_method)                                                                                       \
	X(queue_declare)                                                                                     \
	X(exchange_declare)                                                                                  \
	X(queue_bind)                                                                                        \
	X(queue_delete)                                                                                      \
	X(basic_consume)                                                                                     \
	X(basic_publish)                                                                                     \
	X(confirm_select)                                                                                    \
	X(frames_enqueued)                                                                                   \
	X(data_in_buffer)                                                                                    \
	X(get_sockfd)                                                                                        \
	X(simple_wait_frame_noblock)                                                                         \
	X(maybe_release_buffers)                                                                             \
	X(bytes_malloc_dup)                                                                                  \
	X(bytes_free)

#define RABBIT_MEMBER(name) __typeof__(amqp_##name) *name;

struct rabbit_api {
	RABBIT_FUNCTIONS(RABBIT_MEMBER)
};

/* Filled by rabbit_api_load. */
extern struct rabbit_api rabbit;

/* Loads the library this build was compiled against (by its soname) and every function, once. ERROR_USAGE
 * saying what is missing. */
int rabbit_api_load(struct error *err);

/* A C string as AMQP bytes (amqp_cstring_bytes, without the library). */
amqp_bytes_t rabbit_bytes(const char *s);
/* A table entry KEY = 32-bit integer, as queue arguments (x-expires, x-max-length, ...) are given. */
amqp_table_entry_t rabbit_int_entry(const char *key, int32_t value);

#define RABBIT_EMPTY_TABLE ((amqp_table_t){0, NULL})
#define RABBIT_EMPTY_BYTES ((amqp_bytes_t){0, NULL})

#endif
