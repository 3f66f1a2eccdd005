/* Public keys for the DKIM unit tests, made once with the openssl command
 * (OpenSSL 3.0) and pasted here, so the tests need no key generation:
 *   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:N -out k.pem
 *   openssl pkey -in k.pem -pubout -outform DER | base64 -w0      (SPKI)
 *   openssl rsa -in k.pem -RSAPublicKey_out -outform DER | base64 (PKCS#1)
 * The private halves were thrown away.  The Ed25519 and RSA keys of RFC 8463
 * Appendix A are the RFC's own. */
#ifndef AUTHTXT_TEST_DKIM_KEYS_H
#define AUTHTXT_TEST_DKIM_KEYS_H

/* 512-bit RSA, SubjectPublicKeyInfo */
static const char KEY_RSA512[] =
    "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALECUQSJHg2/twzM1+NQKEIZVjlUqSVnhjV6cnWoD9M0"
    "44CNyS1jJYF6xXyaPQJcikvxsrANQzP5ETRxOMMF+IkCAwEAAQ==";

/* 1024-bit RSA, SubjectPublicKeyInfo */
static const char KEY_RSA1024[] =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDSV+eKBJvqDcaqW7IExE4JDTS6WbmiHOwHYa34"
    "j7adZvMbKa0W2Vikgyl7D7ZFnDBWFsY7hl1PJG8yA4Y53I2N+BYgls6MUhxFwoh5lkwzwlsTFFie"
    "/+eQRgQOUanMBZ2cz5Jv8rod0Tq/GgsJ4PWI98HBAGpBXTsJ57GUrCQEbwIDAQAB";

/* the same 1024-bit key as a bare PKCS#1 RSAPublicKey */
static const char KEY_RSA1024_PKCS1[] =
    "MIGJAoGBANJX54oEm+oNxqpbsgTETgkNNLpZuaIc7AdhrfiPtp1m8xsprRbZWKSDKXsPtkWcMFYW"
    "xjuGXU8kbzIDhjncjY34FiCWzoxSHEXCiHmWTDPCWxMUWJ7/55BGBA5RqcwFnZzPkm/yuh3ROr8a"
    "Cwng9Yj3wcEAakFdOwnnsZSsJARvAgMBAAE=";

/* 2048-bit RSA, SubjectPublicKeyInfo */
static const char KEY_RSA2048[] =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt/6kCPc+EUscB3kh7ppD7h8e/3C/oQb7"
    "eWWoBOsV9CdKdeyp7UZreIbXRZmqEkgk44/w7jgOq2CWTgvbBXSHwoGpJdBztKeLC/zYhZmfMTyM"
    "5zu5qKFuvU6GALnhimy6s3ap+c5No9LTBnhj4IIrBS2LP5vNzCC8v3KeoZKWiVKX7l9B17AfI+rC"
    "TKtxqI7Ktj5QdIHmNXW4EAvCanOJ1qnOKrd+FbtR6RlSNq1CruJXcStPjtKCEIL3r4G2VCLf/Kh3"
    "E3KcsYctKTVqSRUmiy56qE6sFNaLeLyUrti5Z8I02XHJnVHGMDncaX/jDsCESocyaRCZMWi2MNDt"
    "c9a5OQIDAQAB";

/* 4096-bit RSA, SubjectPublicKeyInfo */
static const char KEY_RSA4096[] =
    "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA0J3yZgp1CaH9zZvogH0aXO3ILL2FnngA"
    "+bFTEwwWjr4J+XWX7N2G5jzvsI/f00UeQIUYzkjf0Xilb8O/jctCcfzwCCArxu09KTEyHno3WuE7"
    "pWO3tkd5gQs8n3G3HUorp8YCwp5hhhLUCIqjRmq7D3ANDsBzRztkQSpFSkR15i2ieSgsKnMboenG"
    "aJUb9awL3CP90s+UAq8rE87nzNfM2IQip/8p58iU6jB8bbQnZPfen+0G+buNXjvgOfrDvGURA2cF"
    "cGOe0nu+dhlcH/KGgtpjdiK8i2RjWq8u3ipT6rUCMvRvnNp8KowqYTGtGLfm7rStE0iPBVqgrt6S"
    "WCYRJKh/lg4hkB+IEijPwbweGuE4AcRBeWuVSCjUN+rEcHFOh2zN7IEBvJnEzpYoNLaj3SIOPgdr"
    "tDyA+QCTnywwnrSXtwcWX+jf0VpQxqwmckHw1Ol98z/PkaF9bZDd/7QvPgyM2t8jJZpbzkt5F+vG"
    "cfOvS8nsRQ8tWdNfjkWHMJzgazirLk8l7LMRc6fj24c2cqZOpQ847ehRT/2T3m5HG5FM7gI81xyO"
    "mbA2FP4h2VCtD4MxZpw0LRuLOE/++oexRXk4MNWLZFUA66Y//RXB2wEZQSYZCxSiU8221/FvIlBP"
    "f9Zk1oJxjx7I3usSnB+nsgOkCVjtp0L+rmiDn+1JUkUCAwEAAQ==";

/* an EC P-256 key: not a DKIM key type */
static const char KEY_EC_P256[] =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEApHenEiXdhYJKr/JmiprgBUZT9Tt0/6kdbiJ7q6c"
    "0PaVzvViFXStVEGv6holCL0wFAO4lit32KPXFPltGq5POg==";

/* RFC 8463 Appendix A.2: raw Ed25519 public key (brisbane selector) */
static const char KEY_ED25519_RFC8463[] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

/* RFC 8463 Appendix A.2: the 1024-bit RSA key (test selector) */
static const char KEY_RSA1024_RFC8463[] =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6w"
    "y5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM"
    "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

/* a generated Ed25519 key, raw 32 bytes ... */
static const char KEY_ED25519_RAW[] = "PonZJ4b41RqUTPeWV7kb/5v3f1TzNsEM24qmW2ECrVc=";

/* ... and the same key as SubjectPublicKeyInfo (44 bytes) */
static const char KEY_ED25519_SPKI[] =
    "MCowBQYDK2VwAyEAPonZJ4b41RqUTPeWV7kb/5v3f1TzNsEM24qmW2ECrVc=";

/* the same Ed25519 key as openssl pkey -pubout writes it */
static const char PEM_ED25519[] = "-----BEGIN PUBLIC KEY-----\n"
                                  "MCowBQYDK2VwAyEAPonZJ4b41RqUTPeWV7kb/5v3f1TzNsEM24qmW2ECrVc=\n"
                                  "-----END PUBLIC KEY-----\n";

/* a self-signed certificate for KEY_RSA1024 */
static const char PEM_RSA1024_CERT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICBDCCAW2gAwIBAgIUB5dy6YIPRz/OQF8+FsyRxsQy2GIwDQYJKoZIhvcNAQEL\n"
    "BQAwFDESMBAGA1UEAwwJZGtpbS50ZXN0MB4XDTI2MTEyMzAwMTYyNFoXDTM2MTEy\n"
    "MDAwMTYyNFowFDESMBAGA1UEAwwJZGtpbS50ZXN0MIGfMA0GCSqGSIb3DQEBAQUA\n"
    "A4GNADCBiQKBgQDSV+eKBJvqDcaqW7IExE4JDTS6WbmiHOwHYa34j7adZvMbKa0W\n"
    "2Vikgyl7D7ZFnDBWFsY7hl1PJG8yA4Y53I2N+BYgls6MUhxFwoh5lkwzwlsTFFie\n"
    "/+eQRgQOUanMBZ2cz5Jv8rod0Tq/GgsJ4PWI98HBAGpBXTsJ57GUrCQEbwIDAQAB\n"
    "o1MwUTAdBgNVHQ4EFgQUmbGN3e+8vu8KhW+B8FGbuEdHR54wHwYDVR0jBBgwFoAU\n"
    "mbGN3e+8vu8KhW+B8FGbuEdHR54wDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0B\n"
    "AQsFAAOBgQCALAjmOrmGfBsGeJfJSsDtsbMiUsxhpoGAFWuWStHnMi576zHiZguP\n"
    "zVWe66iG9wdL1FQIO/fjYOIKfbg6wEPOj1RSyH4uLR5yUPbHjkxmV7SDN1ZZvBK/\n"
    "1iM5Ebd9MTc18c50bk2HGs7AayGaaJKPsklIgzwtRT/RE7Xo0lpPZQ==\n"
    "-----END CERTIFICATE-----\n";

/* RFC 8463 Appendix A.1: a published (so worthless) RSA private key */
static const char PEM_RSA_PRIVATE_RFC8463[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi\n"
    "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM\n"
    "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n"
    "AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm\n"
    "6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe\n"
    "zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy\n"
    "6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc\n"
    "uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy\n"
    "WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd\n"
    "WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a\n"
    "licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst\n"
    "o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe\n"
    "uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL\n"
    "-----END RSA PRIVATE KEY-----\n";

#endif
