#!/bin/sh
# Seed corpora for the fuzzers, generated with openssl (and ssh-keygen when
# present) into DIR/x509 and DIR/pkey. Nothing here is committed: the keys
# are made fresh on every run. The first byte of each seed picks the file
# name the harness decodes it as (see fuzz-*.c).
#   usage: tests/fuzz/make-seeds.sh DIR
set -eu
out=${1:?usage: make-seeds.sh DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/x509" "$out/pkey"
cd "$tmp"

seed() {        # seed DIR NAME-BYTE FILE
        { printf "\\$(printf %03o "$2")"; cat "$3"; } > "$out/$1/$(basename "$3").$2"
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa.key 2>/dev/null
openssl genpkey -algorithm ED25519 -out ed.key 2>/dev/null
openssl req -x509 -new -key ec.key -subj "/O=system:masters/CN=seed" -days 30 \
        -addext "subjectAltName=DNS:a.example,IP:10.0.0.1,IP:fd00::1,email:a@b.c,URI:spiffe://x/y" \
        -addext "nameConstraints=critical,permitted;DNS:.example" -out ec.crt 2>/dev/null
openssl req -x509 -new -key rsa.key -subj "/CN=rsa" -days 30 -out rsa.crt 2>/dev/null
openssl req -x509 -new -key ed.key -subj "/CN=ed" -days 30 -out ed.crt 2>/dev/null
openssl x509 -in ec.crt -outform DER -out ec.der
openssl x509 -in ec.crt -trustout -addtrust serverAuth -out trusted.crt
cat ec.crt rsa.crt > bundle.crt
sed 's/$/\r/' bundle.crt > crlf.crt
cat ec.crt ec.key > combined.pem
head -c 300 rsa.crt > truncated.crt
openssl crl2pkcs7 -nocrl -certfile bundle.crt -out p7.crt
for f in ec.crt ec.der trusted.crt bundle.crt crlf.crt combined.pem truncated.crt p7.crt rsa.crt ed.crt; do
        seed x509 0 "$f"
done
seed x509 2 ec.der
seed x509 3 combined.pem

openssl pkey -in ec.key -traditional -out ec-trad.key
openssl pkey -in rsa.key -traditional -out rsa-trad.key
openssl pkey -in ec.key -aes-256-cbc -passout pass:x -out ec-enc.key
openssl rsa -in rsa.key -aes128 -passout pass:x -traditional -out rsa-enc.key 2>/dev/null
openssl pkey -in ec.key -outform DER -out ec-key.der
openssl pkey -in rsa.key -pubout -out rsa.pub
openssl req -new -key ec.key -subj "/CN=node" -addext "subjectAltName=DNS:n" -out node.csr
for f in ec.key rsa.key ed.key ec-trad.key rsa-trad.key ec-enc.key rsa-enc.key ec-key.der; do
        seed pkey 0 "$f"
done
seed pkey 1 rsa.pub
seed pkey 2 node.csr
if command -v ssh-keygen >/dev/null; then
        for t in ed25519 ecdsa rsa; do
                ssh-keygen -q -t $t -N "" -C seed -f id_$t
                seed pkey 0 id_$t
                seed pkey 3 id_$t.pub
        done
        ssh-keygen -q -t ed25519 -N phrase -C seed -f id_enc
        seed pkey 0 id_enc
fi
echo "seeds in $out/x509 ($(ls "$out/x509" | wc -l)) and $out/pkey ($(ls "$out/pkey" | wc -l))"
