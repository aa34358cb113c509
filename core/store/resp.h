/* RESP, the Redis protocol: a command written as an array of bulk strings
 * ("*<argc>\r\n" then "$<len>\r\n<bytes>\r\n" per argument), without printf.
 * Pure functions: no allocation, callable from anywhere, any thread. */
#ifndef HL_STORE_RESP_H
#define HL_STORE_RESP_H

#include <stddef.h>

/* The bytes hl_resp_write_command writes for argc arguments of the given lengths. */
size_t hl_resp_command_len(int argc, const size_t *lens);

/* Writes the command into out, which has room for hl_resp_command_len(argc, lens) bytes
 * (no NUL is added); argv[i] need not be NUL-terminated. Returns the bytes written. */
size_t hl_resp_write_command(char *out, int argc, const char *const *argv, const size_t *lens);

#endif
