# SPDX-License-Identifier: GPL-3.0-or-later
# tls_pki.sh: a throwaway certificate authority for the TLS tests, made with the openssl command. Source it
# and call pki_make DIR: DIR then holds ca.crt (the CA), other-ca.crt (a CA nobody uses), and key pairs
# server (localhost, 127.0.0.1), wrongname (elsewhere.example only), expired (localhost, 127.0.0.1, valid
# in January 2020 only) and client, each NAME.crt and NAME.key, signed by ca.crt; locked.key is client.key
# under a passphrase.

pki_make() {
	local dir=$1
	mkdir -p "$dir/db" && (
		cd "$dir" || exit 1
		quiet() { "$@" >/dev/null 2>&1 || { echo "pki: failed: $*" >&2; exit 1; }; }
		quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj /CN=test-ca
		quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -days 30 \
			-subj /CN=other-ca
		: >db/index.txt
		echo 01 >db/serial
		cat >ca.cnf <<-'EOC'
			[ca]
			default_ca = this
			[this]
			database = db/index.txt
			serial = db/serial
			new_certs_dir = db
			default_md = sha256
			policy = any
			[any]
			commonName = supplied
			[server]
			subjectAltName = DNS:localhost,IP:127.0.0.1
			basicConstraints = CA:FALSE
			[wrongname]
			subjectAltName = DNS:elsewhere.example
			basicConstraints = CA:FALSE
			[client]
			subjectAltName = DNS:client
			basicConstraints = CA:FALSE
		EOC
		# leaf NAME EXTENSIONS START END
		leaf() {
			quiet openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
			quiet openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -in "$1.csr" -out "$1.crt" \
				-extensions "$2" -startdate "$3" -enddate "$4" -notext
		}
		now=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
		later=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
		leaf server server "$now" "$later"
		leaf wrongname wrongname "$now" "$later"
		leaf client client "$now" "$later"
		leaf expired server 20200101000000Z 20200201000000Z
		quiet openssl pkey -in client.key -out locked.key -aes256 -passout pass:s3cr3t
	)
}
