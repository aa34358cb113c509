/*
 * Masking of citizens' personal data (core/README.md §9): phone numbers and ID numbers
 * are shown as 138****5678 in every log line and in the views of roles that do not need
 * them. Pure functions.
 */
#ifndef HL_MASK_H
#define HL_MASK_H

#include <stddef.h>

/* Writes `value` (a phone or ID number) masked into out: the first 3 and last 4
 * characters stay when it is 11 or more long, only the last 4 when shorter, nothing when
 * 4 or shorter. out is always NUL-terminated. */
void hl_mask_number(const char *value, char *out, size_t outlen);

/* Writes a person's name (UTF-8) with every character after the first replaced by '*':
 * 张三丰 -> 张**. out is always NUL-terminated. */
void hl_mask_name(const char *name, char *out, size_t outlen);

/* Returns a copy of free text (UTF-8) in which every number of 7 or more digits (10 or
 * more when it is written in groups) is masked by its digit count as hl_mask_number
 * does. A number's digits may be ASCII or full-width (１３９), its groups joined by
 * single spaces, hyphens or dots (139-0715-0001, 139 0715 0001; a date such as
 * 2026-09-30 stays), and an ID number's final X counts as a digit.
 * Separators stay; each masked digit becomes '*'. The caller frees the result; NULL when
 * out of memory. */
char *hl_mask_text(const char *text);

#endif
