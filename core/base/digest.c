/* SHA-256 through libcrypto's EVP interface; see digest.h. */
#include "base/digest.h"

#include <openssl/evp.h>

int hl_sha256_hex(const void *data, size_t len, char out[HL_SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return -1;
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[HL_SHA256_HEX_LEN] = '\0';
	return 0;
}
