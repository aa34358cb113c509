/* SHA-256 through libcrypto's EVP interface; see digest.h. */
#include "base/digest.h"

#include <openssl/evp.h>

#include "base/hex.h"

int hl_sha256_hex(const void *data, size_t len, char out[HL_SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return -1;
	hl_hex_encode(md, 32, out);
	return 0;
}
